/* SPDX-License-Identifier: MIT */
/* A verified manifest turned into what the index stores (doc.h).  Every
 * field is read as hostile: a member of the wrong type is unknown, and
 * every count and length is capped. */
#include "doc.h"
#include "findings/mlevel.h"
#include "util/grow.h"
#include "util/sha256.h"
#include "util/utf8.h"
#include "util/version_cmp.h"
#include "findings/rules_doc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WALK_DEPTH 8

struct walk {
	struct nr_index_doc *doc;
	const char *level;
	int depth;
	size_t rows;               /* on this level so far */
	struct nr_error *err;
};

int nr_index_vkey(const char *s, char out[NR_INDEX_VKEY_LEN])
{
	unsigned long parts[NR_VERSION_PARTS];
	int n = nr_version_parse(s, parts), i;

	if (n <= 0)
		return -1;
	for (i = n; i < NR_VERSION_PARTS; i++)
		parts[i] = 0;
	snprintf(out, NR_INDEX_VKEY_LEN, "%09lu.%09lu.%09lu.%09lu", parts[0], parts[1], parts[2], parts[3]);
	return 0;
}

void nr_index_vkey_series(const char *vkey, char *out, size_t outlen)
{
	unsigned long major = 0, minor = 0;

	if (sscanf(vkey, "%9lu.%9lu", &major, &minor) == 2)
		snprintf(out, outlen, "%lu.%lu", major, minor);
	else
		snprintf(out, outlen, "?");
}

const char *nr_index_rules_id(void)
{
	static char id[64];
	unsigned char digest[NR_SHA256_LEN];
	char hex[NR_SHA256_HEX];
	struct nr_sha256 sha;
	size_t len = 0;
	char *md;

	if (id[0])
		return id;
	md = nr_rules_markdown(&len);
	nr_sha256_init(&sha);
	nr_sha256_update(&sha, NR_VERSION "\n" NR_FEATURES_SCORING "\n",
	                 strlen(NR_VERSION "\n" NR_FEATURES_SCORING "\n"));
	if (md)
		nr_sha256_update(&sha, md, len);
	nr_sha256_final(&sha, digest);
	nr_sha256_hex(digest, hex);
	free(md);
	snprintf(id, sizeof(id), "%s+%.12s", NR_VERSION, md ? hex : "unknown");
	return id;
}

/* A string from the manifest, cleaned (nr_utf8_clean; an embedded NUL, a
 * JSON "\u0000", is a control character too) and cut to max bytes on a
 * character boundary. */
static char *clean_copy(const char *s, size_t len, size_t max)
{
	char *out;
	size_t i;

	if (len > max) {
		len = max;
		/* back off to the start of a UTF-8 sequence */
		while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
			len--;
	}
	out = malloc(len + 1);
	if (!out)
		return NULL;
	for (i = 0; i < len; i++)
		out[i] = s[i] ? s[i] : '?';
	out[len] = '\0';
	nr_utf8_clean(out);
	return out;
}

static char *member_copy(json_object *o, const char *key, size_t max)
{
	json_object *v = nr_mlevel_member(o, key, json_type_string);

	return v ? clean_copy(json_object_get_string(v), (size_t)json_object_get_string_len(v), max) : NULL;
}

static int add_row(struct walk *w, const char *key, const char *value, size_t len)
{
	struct nr_index_doc *d = w->doc;
	struct nr_index_row *r;

	if (strlen(key) > NR_INDEX_KEY_MAX)
		return nr_error_set(w->err, EBADMSG, "level '%s': a fact name is longer than %d bytes",
		                    w->level, NR_INDEX_KEY_MAX);
	if (++w->rows > NR_INDEX_ROWS_PER_LEVEL)
		return nr_error_set(w->err, EBADMSG, "level '%s' has more than %d facts", w->level,
		                    NR_INDEX_ROWS_PER_LEVEL);
	if (!(r = nr_grow(d->rows, &d->cap, d->nrows, sizeof(*r))))
		return nr_error_set(w->err, ENOMEM, "out of memory");
	d->rows = r;
	r = &d->rows[d->nrows];
	memset(r, 0, sizeof(*r));
	r->level = w->level;
	r->depth = w->depth;
	r->key = clean_copy(key, strlen(key), NR_INDEX_KEY_MAX);
	r->value = clean_copy(value, len, NR_INDEX_VALUE_MAX);
	if (!r->key || !r->value) {
		free(r->key);
		free(r->value);
		return nr_error_set(w->err, ENOMEM, "out of memory");
	}
	d->nrows++;
	if (nr_index_vkey(r->value, r->vkey) < 0)
		r->vkey[0] = '\0';
	return 0;
}

int nr_index_word_set(const char *key)
{
	return strcmp(key, "cpu.flags") == 0;
}

/* A word set's row: the words of arr (strings; sorted and unique, as
 * nr_diff_cpu_flags gives them), each cleaned and capped. */
static int add_words(struct walk *w, const char *key, json_object *arr)
{
	size_t n = json_object_array_length(arr), i, len = 1, cap;
	char *words, *word;
	int rc;

	if (n == 0)
		return 0;
	if (n > NR_INDEX_WORDS_MAX)
		return nr_error_set(w->err, EBADMSG, "level '%s': more than %d %s", w->level, NR_INDEX_WORDS_MAX, key);
	cap = n * (NR_INDEX_WORD_MAX + 1) + 2;
	if (!(words = malloc(cap)))
		return nr_error_set(w->err, ENOMEM, "out of memory");
	words[0] = ' ';
	for (i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(arr, i);

		if (!json_object_is_type(e, json_type_string) || !json_object_get_string_len(e))
			continue;
		if (!(word = clean_copy(json_object_get_string(e), (size_t)json_object_get_string_len(e),
		                        NR_INDEX_WORD_MAX))) {
			free(words);
			return nr_error_set(w->err, ENOMEM, "out of memory");
		}
		for (char *c = word; *c; c++)
			if (*c == ' ' || *c == '\t' || *c == '\n')
				*c = '_';   /* a word is one word */
		len += (size_t)sprintf(words + len, "%s ", word);
		free(word);
	}
	words[len] = '\0';
	if ((rc = add_row(w, key, "", 0)) == 0)
		w->doc->rows[w->doc->nrows - 1].words = words;
	else
		free(words);
	return rc;
}

/* Instance details of a guest, and how facts were concluded: not the
 * setup (doc.h). */
static int skipped(const char *path)
{
	static const char *const skip[] = { "evidence", "guests.argv", "guests.pid", "guests.hostfwd",
	                                    "guests.level" };
	size_t i;

	for (i = 0; i < sizeof(skip) / sizeof(skip[0]); i++)
		if (strcmp(path, skip[i]) == 0)
			return 1;
	return 0;
}

static int walk(struct walk *w, json_object *v, const char *path, int depth)
{
	char sub[NR_INDEX_KEY_MAX * 2];
	const char *text;
	size_t i;
	int rc = 0;

	if (depth > WALK_DEPTH)
		return nr_error_set(w->err, EBADMSG, "level '%s': facts nested more than %d deep",
		                    w->level, WALK_DEPTH);
	switch (json_object_get_type(v)) {
	case json_type_null:
		return 0;
	case json_type_object: {
		/* json-c's foreach declares variables: a block of their own. */
		json_object_object_foreach(v, k, sub_v) {
			if (snprintf(sub, sizeof(sub), "%s%s%s", path, *path ? "." : "", k) >= (int)sizeof(sub))
				return nr_error_set(w->err, EBADMSG, "level '%s': a fact name is longer than %d bytes",
				                    w->level, NR_INDEX_KEY_MAX);
			if (skipped(sub))
				continue;
			if ((rc = walk(w, sub_v, sub, depth + 1)) < 0)
				return rc;
		}
		return 0;
	}
	case json_type_array:
		for (i = 0; i < json_object_array_length(v) && rc == 0; i++)
			rc = walk(w, json_object_array_get_idx(v, i), path, depth + 1);
		return rc;
	case json_type_string:
		if (json_object_get_string_len(v) == 0)
			return 0;
		return add_row(w, path, json_object_get_string(v), (size_t)json_object_get_string_len(v));
	default:   /* boolean, int, double: their JSON text */
		text = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
		return add_row(w, path, text, strlen(text));
	}
}

static int add_level(struct nr_index_doc *d, json_object *lv, json_object *flags, const char *id,
                     struct nr_error *err)
{
	struct walk w = { d, id, nr_mlevel_depth(lv), 0, err };
	json_object *fl = NULL, *v;
	char num[16];
	int rc = 0;

	if (w.depth >= 0) {
		snprintf(num, sizeof(num), "%d", w.depth);
		rc = add_row(&w, "level.depth", num, strlen(num));
	}
	if (rc == 0 && (v = nr_mlevel_member(lv, "status", json_type_string)))
		rc = add_row(&w, "level.status", json_object_get_string(v), (size_t)json_object_get_string_len(v));
	if (rc == 0 && (v = nr_mlevel_member(lv, "transport", json_type_string)))
		rc = add_row(&w, "level.transport", json_object_get_string(v), (size_t)json_object_get_string_len(v));
	if (rc == 0 && (v = nr_mlevel_member(lv, "parent", json_type_string)))
		rc = add_row(&w, "level.parent", json_object_get_string(v), (size_t)json_object_get_string_len(v));
	if (rc == 0 && nr_mlevel_facts(lv))
		rc = walk(&w, nr_mlevel_facts(lv), "", 0);
	if (rc == 0 && flags && json_object_object_get_ex(flags, id, &fl) && json_object_is_type(fl, json_type_array))
		rc = add_words(&w, "cpu.flags", fl);
	return rc;
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* levels "l0 l1" and shape "0,1": which levels, and the depth of each. */
static int describe_levels(struct nr_index_doc *d, json_object *levels, json_object *flags,
                           struct nr_error *err)
{
	int depths[NR_INDEX_LEVELS_MAX];
	size_t n = levels ? json_object_array_length(levels) : 0, i, j;
	int rc = 0;

	if (n > NR_INDEX_LEVELS_MAX)
		return nr_error_set(err, EBADMSG, "the manifest has %zu levels, more than %d", n,
		                    NR_INDEX_LEVELS_MAX);
	d->level_ids = calloc(n + 1, sizeof(*d->level_ids));
	if (!d->level_ids)
		return nr_error_set(err, ENOMEM, "out of memory");
	for (i = 0; i < n && rc == 0; i++) {
		json_object *lv = json_object_array_get_idx(levels, i);
		const char *id = nr_mlevel_id(lv);

		if (!id || !*id || strlen(id) > 32 || !nr_utf8_clean_p(id, strlen(id)) || strpbrk(id, " |"))
			return nr_error_set(err, EBADMSG, "level %zu has no usable id", i);
		for (j = 0; j < i; j++)
			if (strcmp(d->level_ids[j], id) == 0)
				return nr_error_set(err, EBADMSG, "level '%s' appears twice", id);
		if (!(d->level_ids[i] = strdup(id)))
			return nr_error_set(err, ENOMEM, "out of memory");
		d->nlevels = i + 1;
		snprintf(d->levels + strlen(d->levels), sizeof(d->levels) - strlen(d->levels), "%s%s",
		         i ? " " : "", id);
		depths[i] = nr_mlevel_depth(lv);
		rc = add_level(d, lv, flags, d->level_ids[i], err);
	}
	qsort(depths, n, sizeof(depths[0]), cmp_int);
	for (i = 0; i < n; i++)
		snprintf(d->shape + strlen(d->shape), sizeof(d->shape) - strlen(d->shape), "%s%d",
		         i ? "," : "", depths[i]);
	return rc;
}

/* "|"-joined words appended to *text (" a|b|c"), grown as needed. */
static int append_word(char **text, size_t *len, size_t *cap, const char *a, const char *b, const char *c)
{
	size_t need = *len + strlen(a) + strlen(b) + strlen(c) + 5;
	char *grown;

	if (need > *cap) {
		if (!(grown = realloc(*text, need * 2)))
			return -ENOMEM;
		*text = grown;
		*cap = need * 2;
	}
	*len += (size_t)sprintf(*text + *len, " %s|%s|%s", a, b, c);
	return 0;
}

static int is_version_key(const char *key)
{
	return strcmp(key, "kernel.release") == 0 || strcmp(key, "qemu.versions.version") == 0 ||
	       strcmp(key, "libvirt.version") == 0;
}

int nr_index_doc_features(struct nr_index_doc *d, struct nr_error *err)
{
	size_t i, len = 0, cap = 0;
	char series[NR_INDEX_VKEY_SERIES + 1];

	free(d->series);
	d->series = NULL;
	for (i = 0; i < d->nrows; i++) {
		if (!d->rows[i].vkey[0] || !is_version_key(d->rows[i].key))
			continue;
		memcpy(series, d->rows[i].vkey, NR_INDEX_VKEY_SERIES);
		series[NR_INDEX_VKEY_SERIES] = '\0';
		if (append_word(&d->series, &len, &cap, d->rows[i].level, d->rows[i].key, series) < 0)
			return nr_error_set(err, ENOMEM, "out of memory");
	}
	if (!d->series && !(d->series = strdup("")))
		return nr_error_set(err, ENOMEM, "out of memory");
	nr_features_release(&d->features);
	for (i = 0; i < d->nrows; i++)
		if (nr_features_add_fact(&d->features, d->rows[i].depth, d->rows[i].key,
		                         d->rows[i].words ? d->rows[i].words : d->rows[i].value, d->rows[i].vkey) < 0)
			return nr_error_set(err, ENOMEM, "out of memory");
	if (nr_features_add_shape(&d->features, d->shape) < 0)
		return nr_error_set(err, ENOMEM, "out of memory");
	return 0;
}

int nr_index_doc_findings(json_object *levels, struct nr_index_doc *d, struct nr_error *err)
{
	size_t i, len = 0, cap = 0;

	json_object_put(d->findings);
	d->findings = nr_findings_evaluate(levels);
	if (!d->findings)
		return nr_error_set(err, ENOMEM, "out of memory");
	nr_findings_count(d->findings, d->counts);
	nr_features_drop_class(&d->features, NR_FC_FINDING);
	free(d->hits);
	d->hits = NULL;
	for (i = 0; i < json_object_array_length(d->findings); i++) {
		json_object *f = json_object_array_get_idx(d->findings, i);
		const char *rule = nr_mlevel_string(f, "id"), *level = nr_mlevel_string(f, "level");

		if (rule && nr_features_add_finding(&d->features,
		                                    nr_mlevel_depth(nr_mlevel_find(levels, level)), rule) < 0)
			return nr_error_set(err, ENOMEM, "out of memory");
		if (rule && append_word(&d->hits, &len, &cap, level ? level : "-", rule,
		                        nr_severity_name(nr_findings_severity(f))) < 0)
			return nr_error_set(err, ENOMEM, "out of memory");
	}
	if (!d->hits && !(d->hits = strdup("")))
		return nr_error_set(err, ENOMEM, "out of memory");
	nr_features_finish(&d->features);
	return 0;
}

/* created, when it is the UTC time the schema asks for. */
static void take_created(struct nr_index_doc *d, json_object *m)
{
	const char *c = nr_mlevel_string(m, "created");
	int y, mo, dd, h, mi, s, n = 0;

	if (c && strlen(c) == 20 &&
	    sscanf(c, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &y, &mo, &dd, &h, &mi, &s, &n) == 6 && n == 20 &&
	    y >= 1970 && mo >= 1 && mo <= 12 && dd >= 1 && dd <= 31 && h < 24 && mi < 60 && s < 61)
		snprintf(d->created, sizeof(d->created), "%s", c);
}

int nr_index_doc_build(json_object *m, json_object *flags, struct nr_index_doc *d, struct nr_error *err)
{
	json_object *levels = nr_mlevel_member(m, "levels", json_type_array);
	json_object *tool = nr_mlevel_member(m, "tool", json_type_object);
	json_object *signer = nr_mlevel_member(m, "signer", json_type_object), *empty = NULL;
	int rc;

	memset(d, 0, sizeof(*d));
	take_created(d, m);
	d->host = member_copy(m, "host", 255);
	d->tool_version = member_copy(tool, "version", 64);
	d->schema_id = member_copy(m, "schema", 128);
	d->signer_id = member_copy(signer, "identity", 255);
	if ((rc = describe_levels(d, levels, flags, err)) < 0 || (rc = nr_index_doc_features(d, err)) < 0)
		return rc;
	if (!levels)
		levels = empty = json_object_new_array();
	rc = nr_index_doc_findings(levels, d, err);
	json_object_put(empty);
	return rc;
}

void nr_index_doc_release(struct nr_index_doc *d)
{
	size_t i;

	for (i = 0; i < d->nrows; i++) {
		free(d->rows[i].key);
		free(d->rows[i].value);
		free(d->rows[i].words);
	}
	free(d->rows);
	for (i = 0; i < d->nlevels; i++)
		free(d->level_ids[i]);
	free(d->level_ids);
	json_object_put(d->findings);
	free(d->hits);
	free(d->series);
	free(d->host);
	free(d->tool_version);
	free(d->schema_id);
	free(d->signer_id);
	nr_features_release(&d->features);
	memset(d, 0, sizeof(*d));
}
