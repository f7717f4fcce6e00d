/* SPDX-License-Identifier: MIT */
/* Parsing the filters of filter.h, and the SQL they become. */
#include "filter.h"
#include "findings/rules_doc.h"
#include "util/grow.h"
#include "util/utf8.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const struct {
	const char *text;
	enum nr_fact_op op;
} ops[] = {
	/* longest first: "<=" before "<" */
	{ "!=", NR_OP_NE }, { "<=", NR_OP_LE }, { ">=", NR_OP_GE }, { "==", NR_OP_EQ },
	{ "=", NR_OP_EQ }, { "<", NR_OP_LT }, { ">", NR_OP_GT }, { "~", NR_OP_CONTAINS },
};

const char *nr_index_op_name(enum nr_fact_op op)
{
	static const char *const names[] = { "=", "!=", "~", "<", "<=", ">", ">=" };

	return names[op];
}

static int key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
	       c == '.' || c == '-';
}

int nr_index_filter_fact(struct nr_index_filter *f, const char *expr, struct nr_error *err)
{
	struct nr_index_fact_filter *ff;
	size_t klen = 0, i;
	const char *value;

	if (f->nfacts >= NR_INDEX_FILTERS_MAX)
		return nr_error_set(err, EINVAL, "at most %d --fact filters", NR_INDEX_FILTERS_MAX);
	while (key_char(expr[klen]))
		klen++;
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strncmp(expr + klen, ops[i].text, strlen(ops[i].text)) == 0)
			break;
	if (klen == 0 || i == sizeof(ops) / sizeof(ops[0]))
		return nr_error_set(err, EINVAL, "'%.100s' is not KEY=VALUE (operators: = != ~ < <= > >=; "
		                    "keys like kernel.release, kvm.nested)", expr);
	if (klen > NR_INDEX_KEY_MAX)
		return nr_error_set(err, EINVAL, "the fact name in '%.60s...' is too long", expr);
	value = expr + klen + strlen(ops[i].text);
	if (!*value)
		return nr_error_set(err, EINVAL, "'%.100s' compares with nothing: give a value", expr);
	if (strlen(value) > NR_INDEX_VALUE_MAX || !nr_utf8_clean_p(value, strlen(value)))
		return nr_error_set(err, EINVAL, "the value in '%.60s' is too long or not printable text", expr);
	ff = &f->facts[f->nfacts];
	memset(ff, 0, sizeof(*ff));
	memcpy(ff->key, expr, klen);
	ff->op = ops[i].op;
	snprintf(ff->value, sizeof(ff->value), "%s", value);
	if (nr_index_word_set(ff->key) && (ff->op >= NR_OP_LT || strpbrk(value, " \t")))
		return nr_error_set(err, EINVAL, "'%.100s': %s is a set of words: use = (has the word), != "
		                    "(lacks it) or ~ (a word contains it), with one word", expr, ff->key);
	if (ff->op >= NR_OP_LT && nr_index_vkey(value, ff->vkey) < 0)
		return nr_error_set(err, EINVAL, "'%.100s': %s compares versions, and '%.60s' is not one",
		                    expr, ops[i].text, value);
	snprintf(ff->needle, sizeof(ff->needle), nr_index_word_set(ff->key) && ff->op != NR_OP_CONTAINS
	         ? " %s " : "%s", value);   /* a whole word is between spaces */
	f->nfacts++;
	return 0;
}

static int rule_known(const char *rule)
{
	json_object *rules = nr_rules_json();
	size_t i;
	int yes = 0;

	for (i = 0; rules && !yes && i < json_object_array_length(rules); i++) {
		json_object *id = json_object_object_get(json_object_array_get_idx(rules, i), "id");

		yes = id && strcmp(json_object_get_string(id), rule) == 0;
	}
	json_object_put(rules);
	return yes;
}

int nr_index_filter_finding(struct nr_index_filter *f, const char *rule, struct nr_error *err)
{
	if (f->nfindings >= NR_INDEX_FILTERS_MAX)
		return nr_error_set(err, EINVAL, "at most %d --finding filters", NR_INDEX_FILTERS_MAX);
	if (strlen(rule) > NR_INDEX_KEY_MAX || !rule_known(rule))
		return nr_error_set(err, EINVAL, "'%.100s' is not a rule id ('nest-report rules' lists them)", rule);
	snprintf(f->findings[f->nfindings++], sizeof(f->findings[0]), "%s", rule);
	return 0;
}

int nr_index_filter_level(struct nr_index_filter *f, const char *id, struct nr_error *err)
{
	size_t i, n = strlen(id);

	/* the manifest schema's level id: ^[a-z0-9][a-z0-9_-]{0,31}$ */
	for (i = 0; i < n; i++)
		if (!((id[i] >= 'a' && id[i] <= 'z') || (id[i] >= '0' && id[i] <= '9') ||
		      (i > 0 && (id[i] == '_' || id[i] == '-'))))
			break;
	if (n == 0 || n > 32 || i < n)
		return nr_error_set(err, EINVAL, "'%.40s' is not a level id (ids look like l0, l1, l2)", id);
	snprintf(f->level, sizeof(f->level), "%s", id);
	return 0;
}

int nr_index_filter_date(struct nr_index_filter *f, const char *date, int until, struct nr_error *err)
{
	struct tm tm = { 0 }, back;
	int y, m, d = 1, n = 0, day;
	time_t t;

	day = sscanf(date, "%4d-%2d-%2d%n", &y, &m, &d, &n) == 3 && n == 10 && !date[n];
	if (!day && !(sscanf(date, "%4d-%2d%n", &y, &m, &n) == 2 && n == 7 && !date[n]))
		return nr_error_set(err, EINVAL, "'%.40s' is not a date (YYYY-MM-DD or YYYY-MM)", date);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	t = timegm(&tm);
	if (t == (time_t)-1 || !gmtime_r(&t, &back) || back.tm_year != y - 1900 || back.tm_mon != m - 1 ||
	    back.tm_mday != d || y < 1970)
		return nr_error_set(err, EINVAL, "'%.40s' is not a date", date);
	if (until) {
		/* the end of the day or month: before the next one starts */
		if (day)
			tm.tm_mday++;
		else
			tm.tm_mon++;
		t = timegm(&tm);
		gmtime_r(&t, &back);
	}
	strftime(until ? f->until : f->since, sizeof(f->until), "%Y-%m-%dT%H:%M:%SZ", &back);
	snprintf(until ? f->until_arg : f->since_arg, sizeof(f->since_arg), "%s", date);
	return 0;
}

json_object *nr_index_filter_json(const struct nr_index_filter *f)
{
	json_object *o = json_object_new_object(), *facts = json_object_new_array(),
	            *findings = json_object_new_array();
	char buf[NR_INDEX_KEY_MAX + NR_INDEX_VALUE_MAX + 4];
	size_t i;

	for (i = 0; i < f->nfacts; i++) {
		snprintf(buf, sizeof(buf), "%s%s%s", f->facts[i].key, nr_index_op_name(f->facts[i].op),
		         f->facts[i].value);
		json_object_array_add(facts, json_object_new_string(buf));
	}
	for (i = 0; i < f->nfindings; i++)
		json_object_array_add(findings, json_object_new_string(f->findings[i]));
	json_object_object_add(o, "level", f->level[0] ? json_object_new_string(f->level) : NULL);
	json_object_object_add(o, "facts", facts);
	json_object_object_add(o, "findings", findings);
	json_object_object_add(o, "since", f->since_arg[0] ? json_object_new_string(f->since_arg) : NULL);
	json_object_object_add(o, "until", f->until_arg[0] ? json_object_new_string(f->until_arg) : NULL);
	return o;
}

/* ---- SQL ---------------------------------------------------------------- */

void nr_sqlbuf_add(struct nr_sqlbuf *b, const char *text)
{
	size_t n = strlen(text);

	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->len + n + 1) * 2;
		char *grown = realloc(b->sql, cap);

		if (!grown) {
			b->oom = 1;
			return;
		}
		b->sql = grown;
		b->cap = cap;
	}
	memcpy(b->sql + b->len, text, n + 1);
	b->len += n;
}

void nr_sqlbuf_arg(struct nr_sqlbuf *b, struct nr_sql_arg a)
{
	struct nr_sql_arg *grown;

	if (b->oom)
		return;
	if (!(grown = nr_grow(b->args, &b->argcap, b->nargs, sizeof(*grown)))) {
		b->oom = 1;
		return;
	}
	b->args = grown;
	b->args[b->nargs++] = a;
}

void nr_sqlbuf_release(struct nr_sqlbuf *b)
{
	free(b->sql);
	free(b->args);
	memset(b, 0, sizeof(*b));
}

/* " AND level = ?" when the filter names a level. */
static void on_level(const struct nr_index_filter *f, struct nr_sqlbuf *b)
{
	if (!f->level[0])
		return;
	nr_sqlbuf_add(b, " AND level = ?");
	nr_sqlbuf_arg(b, NR_SQL_T(f->level));
}

/* A word set (doc.h): = and != test " word " in the words, ~ a part. */
static void words_sql(const struct nr_index_filter *f, const struct nr_index_fact_filter *ff,
                      const struct nr_store_dialect *d, struct nr_sqlbuf *b)
{
	nr_sqlbuf_add(b, " AND b.id IN (SELECT bundle FROM nr_words WHERE key = ?");
	nr_sqlbuf_arg(b, NR_SQL_T(ff->key));
	if (ff->op == NR_OP_NE) {
		on_level(f, b);
		nr_sqlbuf_add(b, ") AND b.id NOT IN (SELECT bundle FROM nr_words WHERE key = ?");
		nr_sqlbuf_arg(b, NR_SQL_T(ff->key));
	}
	nr_sqlbuf_add(b, " AND ");
	nr_sqlbuf_add(b, d->contains);
	nr_sqlbuf_add(b, "(words, ?) > 0");
	nr_sqlbuf_arg(b, NR_SQL_T(ff->needle));
	on_level(f, b);
	nr_sqlbuf_add(b, ")");
}

static void fact_sql(const struct nr_index_filter *f, const struct nr_index_fact_filter *ff,
                     const struct nr_store_dialect *d, struct nr_sqlbuf *b)
{
	static const char *const cmp[] = { [NR_OP_LT] = " AND vkey < ?", [NR_OP_LE] = " AND vkey <= ?",
	                                   [NR_OP_GT] = " AND vkey > ?", [NR_OP_GE] = " AND vkey >= ?" };

	nr_sqlbuf_add(b, " AND b.id IN (SELECT bundle FROM nr_facts WHERE key = ?");
	nr_sqlbuf_arg(b, NR_SQL_T(ff->key));
	switch (ff->op) {
	case NR_OP_EQ:
		nr_sqlbuf_add(b, " AND value = ?");
		nr_sqlbuf_arg(b, NR_SQL_T(ff->value));
		break;
	case NR_OP_NE:
		/* has the key, and no value equal: close this IN, open a NOT IN */
		on_level(f, b);
		nr_sqlbuf_add(b, ") AND b.id NOT IN (SELECT bundle FROM nr_facts WHERE key = ? AND value = ?");
		nr_sqlbuf_arg(b, NR_SQL_T(ff->key));
		nr_sqlbuf_arg(b, NR_SQL_T(ff->value));
		break;
	case NR_OP_CONTAINS:
		nr_sqlbuf_add(b, " AND ");
		nr_sqlbuf_add(b, d->contains);
		nr_sqlbuf_add(b, "(value, ?) > 0");
		nr_sqlbuf_arg(b, NR_SQL_T(ff->value));
		break;
	default:
		nr_sqlbuf_add(b, " AND vkey IS NOT NULL");
		nr_sqlbuf_add(b, cmp[ff->op]);
		nr_sqlbuf_arg(b, NR_SQL_T(ff->vkey));
		break;
	}
	on_level(f, b);
	nr_sqlbuf_add(b, ")");
}

void nr_index_filter_sql(const struct nr_index_filter *f, const struct nr_store_dialect *d,
                         struct nr_sqlbuf *b)
{
	size_t i;

	if (f->level[0] && f->nfacts == 0 && f->nfindings == 0) {
		nr_sqlbuf_add(b, " AND b.id IN (SELECT bundle FROM nr_facts WHERE key = 'level.depth'");
		on_level(f, b);
		nr_sqlbuf_add(b, ")");
	}
	for (i = 0; i < f->nfacts; i++)
		(nr_index_word_set(f->facts[i].key) ? words_sql : fact_sql)(f, &f->facts[i], d, b);
	for (i = 0; i < f->nfindings; i++) {
		nr_sqlbuf_add(b, " AND b.id IN (SELECT bundle FROM nr_findings WHERE rule = ?");
		nr_sqlbuf_arg(b, NR_SQL_T(f->findings[i]));
		on_level(f, b);
		nr_sqlbuf_add(b, ")");
	}
	if (f->since[0]) {
		nr_sqlbuf_add(b, " AND b.time >= ?");
		nr_sqlbuf_arg(b, NR_SQL_T(f->since));
	}
	if (f->until[0]) {
		nr_sqlbuf_add(b, " AND b.time < ?");
		nr_sqlbuf_arg(b, NR_SQL_T(f->until));
	}
}
