/* SPDX-License-Identifier: MIT */
/* The findings engine: run the rule table over a manifest's levels, render
 * each firing through its rule's templates, gather what could not be
 * checked, and sort.  See findings.h and rule.h. */
#include "rule.h"
#include "level/facts.h"
#include "util/version_cmp.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_VARS 16
#define TEXT_MAX 1024

struct item {
	enum nr_severity sev;
	size_t level_index;
	size_t rule_index;
	size_t seq;
	json_object *finding;
};

/* What one evaluation gathers: findings, and per level the rules that
 * could not be checked. */
struct sink {
	struct item *items;
	size_t n, cap;
	size_t rule_index;
	json_object *unknown;     /* [{level, missing, rule, level_index}] */
	int oom;
};

/* ---- templates ---------------------------------------------------------- */

/* "{name}" is replaced by its value; an unknown name stays as written, so
 * a rule that forgets a variable shows it (and its test catches it). */
static void render(const char *tpl, const char *const *vars, size_t nvars, char *out,
                   size_t outlen)
{
	size_t o = 0, i;

	for (const char *p = tpl; *p && o + 1 < outlen; p++) {
		const char *close = *p == '{' ? strchr(p, '}') : NULL;
		const char *val = NULL;

		for (i = 0; close && i + 1 < nvars * 2; i += 2)
			if (strlen(vars[i]) == (size_t)(close - p - 1) &&
			    strncmp(vars[i], p + 1, (size_t)(close - p - 1)) == 0) {
				val = vars[i + 1] ? vars[i + 1] : "?";
				break;
			}
		if (!val) {
			out[o++] = *p;
			continue;
		}
		while (*val && o + 1 < outlen)
			out[o++] = *val++;
		p = close;
	}
	out[o] = '\0';
}

/* ---- firing --------------------------------------------------------------- */

static void sink_push(struct sink *s, enum nr_severity sev, size_t level_index, json_object *f)
{
	if (!f || s->oom) {
		s->oom = 1;
		json_object_put(f);
		return;
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		struct item *ni = realloc(s->items, cap * sizeof(*ni));

		if (!ni) {
			s->oom = 1;
			json_object_put(f);
			return;
		}
		s->items = ni;
		s->cap = cap;
	}
	s->items[s->n] = (struct item){ sev, level_index, s->rule_index, s->n, f };
	s->n++;
}

static json_object *finding_new(const char *id, enum nr_severity sev, const char *level,
                                 const char *message, json_object *ev, const char *hint,
                                 const char *source)
{
	json_object *f = json_object_new_object();

	if (!f)
		return NULL;
	json_object_object_add(f, "id", json_object_new_string(id));
	json_object_object_add(f, "severity", json_object_new_string(nr_severity_name(sev)));
	json_object_object_add(f, "level", level ? json_object_new_string(level) : NULL);
	json_object_object_add(f, "message", json_object_new_string(message));
	json_object_object_add(f, "evidence", ev ? ev : json_object_new_array());
	json_object_object_add(f, "hint", json_object_new_string(hint));
	json_object_object_add(f, "source", json_object_new_string(source));
	return f;
}

enum nr_rule_verdict nr_rule_fire(struct nr_rule_ctx *c, json_object *ev, ...)
{
	const char *vars[MAX_VARS * 2];
	char message[TEXT_MAX], hint[TEXT_MAX];
	size_t n = 0;
	const char *key;
	va_list ap;

	vars[n++] = "level";
	vars[n++] = c->id;
	va_start(ap, ev);
	while ((key = va_arg(ap, const char *)) != NULL) {
		const char *val = va_arg(ap, const char *);

		if (n + 2 <= MAX_VARS * 2) {
			vars[n++] = key;
			vars[n++] = val;
		}
	}
	va_end(ap);
	render(c->rule->message, vars, n / 2, message, sizeof(message));
	render(c->rule->hint, vars, n / 2, hint, sizeof(hint));
	sink_push(c->sink, c->rule->severity, c->level_index,
	          finding_new(c->rule->id, c->rule->severity, c->id, message, ev, hint,
	                      c->rule->source));
	return NR_RULE_FIRED;
}

bool nr_rule_ext_missing(struct nr_rule_ctx *c, enum nr_rule_verdict *verdict)
{
	const char *ext = nr_facts_str(c->facts, "cpu.virt_ext");

	*verdict = NR_RULE_PASS;
	if (!ext) {
		*verdict = nr_rule_unknown(c, "cpu.virt_ext");
		return false;
	}
	if (strcmp(ext, "none") != 0)
		return false;
	switch (nr_facts_bool(c->facts, "kvm.available")) {
	case 1:
		return false;
	case -1:
		*verdict = nr_rule_unknown(c, "kvm.available");
		return false;
	}
	return true;
}

enum nr_rule_verdict nr_rule_check_ext_gap(struct nr_rule_ctx *c)
{
	const struct nr_rule_ext_gap *gap = c->rule->arg;
	const char *hv = nr_facts_str(c->facts, "virt.hypervisor");
	const char *kind = nr_mlevel_virt_ext_kind(c->facts);
	json_object *parent = nr_mlevel_parent(c->levels, c->level), *ev;
	enum nr_rule_verdict verdict;

	if (!nr_rule_ext_missing(c, &verdict))
		return verdict;
	ev = json_object_new_array();
	nr_rule_ev_fact(ev, c->facts, "cpu.virt_ext", "%s", gap->absent);
	nr_rule_ev_fact(ev, c->facts, "kvm.available", "/dev/kvm absent");
	if (hv)
		nr_rule_ev_fact(ev, c->facts, gap->hv_fact, "%s is a guest of %s", c->id, hv);
	return nr_rule_fire(c, ev, "ext", kind ? kind : "vmx or svm",
	                    "host", parent ? nr_mlevel_id(parent) : "its host",
	                    "hv", hv ? hv : "its hypervisor", "fix", gap->fix(hv), NULL);
}

enum nr_rule_verdict nr_rule_tally(struct nr_rule_ctx *c, size_t fired, size_t unknown,
                                   const char *fact)
{
	if (fired)
		return NR_RULE_FIRED;
	return unknown ? nr_rule_unknown(c, fact) : NR_RULE_PASS;
}

bool nr_rule_kernel_older(struct nr_rule_ctx *c, const char *version, json_object **ev,
                          enum nr_rule_verdict *verdict)
{
	const char *release = nr_facts_str(c->facts, "kernel.release");
	int old;

	*ev = NULL;
	*verdict = NR_RULE_PASS;
	if (!release) {
		*verdict = nr_rule_unknown(c, "kernel.release");
		return false;
	}
	old = nr_version_older(release, version);
	if (old < 0)
		*verdict = nr_rule_unknown(c, "kernel.release (not a version)");
	if (old != 1)
		return false;
	*ev = json_object_new_array();
	nr_rule_ev_artifact(*ev, c->level, "kernel", "uname-a", "kernel release %s", release);
	return true;
}

enum nr_rule_verdict nr_rule_unknown(struct nr_rule_ctx *c, const char *fact)
{
	c->missing = fact;
	return NR_RULE_UNKNOWN;
}

/* ---- evaluation ----------------------------------------------------------- */

static bool in_scope(const struct nr_rule *r, json_object *levels, json_object *level)
{
	if (r->scope == NR_SCOPE_EVERY)
		return nr_mlevel_id(level) != NULL;
	if (!nr_mlevel_id(level) || !nr_mlevel_reached(level))
		return false;
	switch (r->scope) {
	case NR_SCOPE_HOST:
		return nr_mlevel_is_host(levels, level);
	case NR_SCOPE_GUEST_HV:
		return nr_mlevel_is_guest_hv(levels, level);
	case NR_SCOPE_CHILD:
		return nr_mlevel_reached(nr_mlevel_parent(levels, level));
	default:
		return true;
	}
}

static void note_unknown(struct sink *s, const struct nr_rule *r, const char *level,
                         size_t level_index, const char *missing)
{
	json_object *u = json_object_new_object();

	json_object_object_add(u, "level", json_object_new_string(level));
	json_object_object_add(u, "rule", json_object_new_string(r->id));
	json_object_object_add(u, "missing", json_object_new_string(missing ? missing : "?"));
	json_object_object_add(u, "level_index", json_object_new_int64((int64_t)level_index));
	json_object_array_add(s->unknown, u);
}

static void evaluate_rule(const struct nr_rule *r, json_object *levels, struct sink *s)
{
	size_t i, n = json_object_is_type(levels, json_type_array) ? json_object_array_length(levels) : 0;

	for (i = 0; i < n; i++) {
		json_object *level = json_object_array_get_idx(levels, i);
		json_object *facts = nr_mlevel_facts(level);
		struct nr_rule_ctx c = { r, levels, level, facts, nr_mlevel_id(level), s, i, NULL };
		enum nr_arch arch;

		if (!in_scope(r, levels, level))
			continue;
		arch = nr_mlevel_arch(facts);
		/* A level of unknown architecture cannot be ruled in or out. */
		if (r->arches != NR_ARCH_ANY && arch == NR_ARCH_UNKNOWN && nr_mlevel_reached(level)) {
			note_unknown(s, r, c.id, i, "arch_family");
			continue;
		}
		if (!(r->arches & (unsigned)arch) && r->arches != NR_ARCH_ANY)
			continue;
		if (r->check(&c) == NR_RULE_UNKNOWN)
			note_unknown(s, r, c.id, i, c.missing);
	}
}

const struct nr_rule nr_rule_could_not_check = {
	.id = NR_RULE_COULD_NOT_CHECK,
	.severity = NR_SEV_INFO,
	.scope = NR_SCOPE_REACHED,
	.arches = NR_ARCH_ANY,
	.title = "Rules that applied to a level but could not be checked there",
	.inputs = "every rule's inputs",
	.message = "{count} of the rules could not be checked on {level}: facts they need are unknown",
	.hint = "the evidence lists the unknown facts; they come from probes that failed, were "
	        "skipped or found nothing on {level} (see the probe list in summary.txt)",
	.source = "nest-report: unknown facts never fire a rule",
	.doc = "One per level at most.  Its evidence has one entry per unknown fact, naming the "
	       "rules that needed it.  `nest-report collect` prints it only with -v; "
	       "summary.txt and the manifest always carry it.",
};

static size_t unknown_level(json_object *u)
{
	return (size_t)json_object_get_int64(json_object_object_get(u, "level_index"));
}

/* "rule-a, rule-b": the rules of level i that missed `missing`. */
static void rules_missing(json_object *unknown, size_t i, const char *missing, char *out,
                          size_t outlen)
{
	size_t k, n = json_object_array_length(unknown), len = 0;

	out[0] = '\0';
	for (k = 0; k < n && len < outlen; k++) {
		json_object *u = json_object_array_get_idx(unknown, k);

		if (unknown_level(u) == i && strcmp(nr_mlevel_string(u, "missing"), missing) == 0)
			len += (size_t)snprintf(out + len, outlen - len, "%s%s", len ? ", " : "",
			                        nr_mlevel_string(u, "rule"));
	}
}

/* Whether an earlier entry of level i already missed the same fact. */
static bool missing_seen(json_object *unknown, size_t i, size_t upto, const char *missing)
{
	size_t k;

	for (k = 0; k < upto; k++) {
		json_object *u = json_object_array_get_idx(unknown, k);

		if (unknown_level(u) == i && strcmp(nr_mlevel_string(u, "missing"), missing) == 0)
			return true;
	}
	return false;
}

/* One info finding per level listing the rules that could not be checked,
 * one evidence entry per missing fact. */
static void could_not_check(struct sink *s, json_object *levels)
{
	size_t i, j, n = json_object_is_type(levels, json_type_array) ? json_object_array_length(levels) : 0;
	size_t nu = json_object_array_length(s->unknown);

	s->rule_index = (size_t)-1;   /* after every rule of its level */
	for (i = 0; i < n; i++) {
		json_object *level = json_object_array_get_idx(levels, i);
		struct nr_rule_ctx c = { &nr_rule_could_not_check, levels, level,
		                         nr_mlevel_facts(level), nr_mlevel_id(level), s, i, NULL };
		json_object *ev = json_object_new_array();
		size_t rules = 0;
		char list[TEXT_MAX], count[32];

		for (j = 0; j < nu; j++) {
			json_object *u = json_object_array_get_idx(s->unknown, j);
			const char *missing = nr_mlevel_string(u, "missing");

			if (unknown_level(u) != i)
				continue;
			rules++;
			if (missing_seen(s->unknown, i, j, missing))
				continue;
			rules_missing(s->unknown, i, missing, list, sizeof(list));
			nr_rule_ev_add(ev, NULL, "%s unknown: %s", missing, list);
		}
		if (rules == 0) {
			json_object_put(ev);
			continue;
		}
		snprintf(count, sizeof(count), "%zu", rules);
		nr_rule_fire(&c, ev, "count", count, NULL);
	}
}

static int item_cmp(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	if (x->sev != y->sev)
		return x->sev < y->sev ? -1 : 1;
	if (x->level_index != y->level_index)
		return x->level_index < y->level_index ? -1 : 1;
	if (x->rule_index != y->rule_index)
		return x->rule_index < y->rule_index ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Sorted findings array from the sink; the sink is emptied. */
static json_object *sink_finish(struct sink *s)
{
	json_object *out = s->oom ? NULL : json_object_new_array();
	size_t i;

	if (out && s->n > 0)
		qsort(s->items, s->n, sizeof(*s->items), item_cmp);
	for (i = 0; i < s->n; i++) {
		if (out)
			json_object_array_add(out, s->items[i].finding);
		else
			json_object_put(s->items[i].finding);
	}
	free(s->items);
	s->items = NULL;
	s->n = s->cap = 0;
	return out;
}

json_object *nr_findings_evaluate(json_object *levels)
{
	struct sink s = { 0 };
	size_t g, k, index = 0;

	s.unknown = json_object_new_array();
	if (!s.unknown)
		return NULL;
	for (g = 0; nr_rule_groups[g]; g++)
		for (k = 0; k < nr_rule_groups[g]->n; k++) {
			s.rule_index = index++;
			evaluate_rule(&nr_rule_groups[g]->rules[k], levels, &s);
		}
	could_not_check(&s, levels);
	json_object_put(s.unknown);
	return sink_finish(&s);
}

json_object *nr_rule_evaluate(const struct nr_rule *r, json_object *levels, json_object **unknown)
{
	struct sink s = { 0 };
	size_t i, n;

	s.unknown = json_object_new_array();
	if (!s.unknown)
		return NULL;
	evaluate_rule(r, levels, &s);
	if (unknown) {
		/* Callers see {level, missing}; the index is ours. */
		n = json_object_array_length(s.unknown);
		for (i = 0; i < n; i++) {
			json_object_object_del(json_object_array_get_idx(s.unknown, i), "level_index");
			json_object_object_del(json_object_array_get_idx(s.unknown, i), "rule");
		}
		*unknown = s.unknown;
	} else {
		json_object_put(s.unknown);
	}
	return sink_finish(&s);
}
