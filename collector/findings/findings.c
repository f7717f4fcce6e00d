/* SPDX-License-Identifier: MIT */
/* The findings engine: run the rule table over a manifest's levels, render
 * each firing through its rule's templates, gather what could not be
 * checked, and sort.  See findings.h and rule.h. */
#include "cause.h"
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
	int depth;               /* -1 (unknown) sorts first, as the top does */
	size_t level_index;
	size_t rule_index;
	size_t seq;
	struct nr_cause_item link;   /* holds the finding */
};

#define MISSING_MAX sizeof(((struct nr_rule_ctx *)0)->missing)

/* A rule that could not be checked on a level, and the fact it missed
 * (copied: a check may name it from its own stack). */
struct unknown {
	size_t level_index;
	size_t seq;
	const char *rule;        /* the rule's id (static) */
	char missing[MISSING_MAX];
};

/* What one evaluation gathers: findings, and per level the rules that
 * could not be checked. */
struct sink {
	struct item *items;
	size_t n, cap;
	size_t rule_index;
	struct unknown *unknown;
	size_t nu, ucap;
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

static void sink_push(struct sink *s, const struct nr_rule_ctx *c, json_object *f)
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
	s->items[s->n] = (struct item){
		c->rule->severity, nr_mlevel_depth(c->level), c->level_index, s->rule_index, s->n,
		{ .finding = f, .rule = c->rule->id, .level = c->id, .about = c->about,
		  .host = nr_mlevel_id(nr_mlevel_host(c->levels, c->level)) },
	};
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
	sink_push(c->sink, c,
	          finding_new(c->rule->id, c->rule->severity, c->id, message, ev, hint,
	                      c->rule->source));
	c->about = NULL;
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
	snprintf(c->missing, sizeof(c->missing), "%s", fact ? fact : "?");
	return NR_RULE_UNKNOWN;
}

/* ---- evaluation ----------------------------------------------------------- */

static bool in_scope(const struct nr_rule *r, const struct nr_mlevels *ix, json_object *level)
{
	if (r->scope == NR_SCOPE_EVERY)
		return nr_mlevel_id(level) != NULL;
	if (!nr_mlevel_id(level) || !nr_mlevel_reached(level))
		return false;
	switch (r->scope) {
	case NR_SCOPE_HOST:
		return nr_mlevel_is_host(ix, level);
	case NR_SCOPE_GUEST_HV:
		return nr_mlevel_is_guest_hv(ix, level);
	case NR_SCOPE_CHILD:
		return nr_mlevel_reached(nr_mlevel_parent(ix, level));
	default:
		return true;
	}
}

static void note_unknown(struct sink *s, const struct nr_rule *r, size_t level_index,
                         const char *missing)
{
	struct unknown *u;

	if (s->nu == s->ucap) {
		size_t cap = s->ucap ? s->ucap * 2 : 64;

		u = realloc(s->unknown, cap * sizeof(*u));
		if (!u) {
			s->oom = 1;
			return;
		}
		s->unknown = u;
		s->ucap = cap;
	}
	u = &s->unknown[s->nu];
	u->level_index = level_index;
	u->seq = s->nu++;
	u->rule = r->id;
	snprintf(u->missing, sizeof(u->missing), "%s", missing ? missing : "?");
}

static void evaluate_rule(const struct nr_rule *r, const struct nr_mlevels *ix, struct sink *s)
{
	size_t i;

	for (i = 0; i < ix->n; i++) {
		json_object *level = nr_mlevels_at(ix, i);
		json_object *facts = nr_mlevel_facts(level);
		struct nr_rule_ctx c = { r, ix, level, facts, nr_mlevel_id(level), s, i, "" };
		enum nr_arch arch;

		if (!in_scope(r, ix, level))
			continue;
		arch = nr_mlevel_arch(facts);
		/* A level of unknown architecture cannot be ruled in or out. */
		if (r->arches != NR_ARCH_ANY && arch == NR_ARCH_UNKNOWN && nr_mlevel_reached(level)) {
			note_unknown(s, r, i, "arch_family");
			continue;
		}
		if (!(r->arches & (unsigned)arch) && r->arches != NR_ARCH_ANY)
			continue;
		if (r->check(&c) == NR_RULE_UNKNOWN)
			note_unknown(s, r, i, c.missing[0] ? c.missing : NULL);
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

/* By level, then in the order they were noted (rule order). */
static int unknown_cmp(const void *a, const void *b)
{
	const struct unknown *x = a, *y = b;

	if (x->level_index != y->level_index)
		return x->level_index < y->level_index ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The evidence of one level's could-not-check finding: one entry per
 * missing fact, in order of first mention, naming the rules that needed
 * it.  u[0..n) are that level's entries; n is at most the rule count, so
 * the pairwise scan here does not grow with the levels. */
static json_object *missing_evidence(const struct unknown *u, size_t n)
{
	json_object *ev = json_object_new_array();
	char list[TEXT_MAX];
	size_t j, k, len;

	for (j = 0; ev && j < n; j++) {
		for (k = 0; k < j && strcmp(u[k].missing, u[j].missing) != 0; k++)
			;
		if (k < j)
			continue;   /* listed with its first mention */
		list[0] = '\0';
		for (k = j, len = 0; k < n && len < sizeof(list); k++)
			if (strcmp(u[k].missing, u[j].missing) == 0)
				len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s",
				                        len ? ", " : "", u[k].rule);
		nr_rule_ev_add(ev, NULL, "%s unknown: %s", u[j].missing, list);
	}
	return ev;
}

/* One info finding per level listing the rules that could not be checked,
 * one evidence entry per missing fact: one sort, then one pass. */
static void could_not_check(struct sink *s, const struct nr_mlevels *ix)
{
	size_t j = 0, k;
	char count[32];

	s->rule_index = (size_t)-1;   /* after every rule of its level */
	if (s->nu > 1)
		qsort(s->unknown, s->nu, sizeof(*s->unknown), unknown_cmp);
	while (j < s->nu) {
		size_t i = s->unknown[j].level_index;
		json_object *level = nr_mlevels_at(ix, i);
		struct nr_rule_ctx c = { &nr_rule_could_not_check, ix, level,
		                         nr_mlevel_facts(level), nr_mlevel_id(level), s, i, "" };

		for (k = j; k < s->nu && s->unknown[k].level_index == i; k++)
			;
		snprintf(count, sizeof(count), "%zu", k - j);
		nr_rule_fire(&c, missing_evidence(s->unknown + j, k - j), "count", count, NULL);
		j = k;
	}
}

static int item_cmp(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	if (x->sev != y->sev)
		return x->sev < y->sev ? -1 : 1;
	if (x->depth != y->depth)
		return x->depth < y->depth ? -1 : 1;
	if (x->level_index != y->level_index)
		return x->level_index < y->level_index ? -1 : 1;
	if (x->rule_index != y->rule_index)
		return x->rule_index < y->rule_index ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The findings array from the sink, causes first (cause.h); the sink is
 * emptied. */
static json_object *sink_finish(struct sink *s)
{
	json_object *out = s->oom ? NULL : json_object_new_array();
	struct nr_cause_item *links = NULL;
	size_t i, *order = NULL;

	if (out && s->n > 0) {
		qsort(s->items, s->n, sizeof(*s->items), item_cmp);
		links = malloc(s->n * sizeof(*links));
		for (i = 0; links && i < s->n; i++)
			links[i] = s->items[i].link;
		if (!links || nr_findings_by_cause(links, s->n, &order) < 0) {
			json_object_put(out);
			out = NULL;
		}
	}
	for (i = 0; i < s->n; i++) {
		if (out)
			json_object_array_add(out, s->items[order[i]].link.finding);
		else
			json_object_put(s->items[i].link.finding);
	}
	free(order);
	free(links);
	free(s->items);
	s->items = NULL;
	s->n = s->cap = 0;
	return out;
}

json_object *nr_findings_evaluate(json_object *levels)
{
	struct nr_mlevels ix;
	struct sink s = { 0 };
	size_t g, k, index = 0;

	if (nr_mlevels_init(&ix, levels) < 0)
		return NULL;
	for (g = 0; nr_rule_groups[g]; g++)
		for (k = 0; k < nr_rule_groups[g]->n; k++) {
			s.rule_index = index++;
			evaluate_rule(&nr_rule_groups[g]->rules[k], &ix, &s);
		}
	could_not_check(&s, &ix);
	free(s.unknown);
	nr_mlevels_release(&ix);
	return sink_finish(&s);
}

json_object *nr_rule_evaluate(const struct nr_rule *r, json_object *levels, json_object **unknown)
{
	struct nr_mlevels ix;
	struct sink s = { 0 };
	json_object *list = NULL, *u;
	size_t i;

	if (nr_mlevels_init(&ix, levels) < 0)
		return NULL;
	evaluate_rule(r, &ix, &s);
	/* Callers see {level, missing}. */
	if (unknown && (list = json_object_new_array()))
		for (i = 0; i < s.nu; i++) {
			const char *id = nr_mlevel_id(nr_mlevels_at(&ix, s.unknown[i].level_index));

			u = json_object_new_object();
			json_object_object_add(u, "level", id ? json_object_new_string(id) : NULL);
			json_object_object_add(u, "missing", json_object_new_string(s.unknown[i].missing));
			json_object_array_add(list, u);
		}
	if (unknown)
		*unknown = list;
	free(s.unknown);
	nr_mlevels_release(&ix);
	return sink_finish(&s);
}
