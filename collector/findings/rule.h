/* SPDX-License-Identifier: MIT */
/* The rule table behind the findings (findings.h), and what a rule's check
 * function may use.
 *
 * A rule is data: a stable id (never reused; `show` and portals key on
 * it), a severity, the levels it looks at (scope), the architectures it
 * applies to, the facts it reads, message and hint templates, the passage
 * of the kernel's or QEMU's documentation it comes from, and a check
 * function.  Several rules may share one check function and differ by arg
 * (rules_x86.c: one check, three kvm_intel parameters).
 *
 * Templates name variables in braces, "{level}", "{module}"; the check
 * supplies them when it fires ({level} is always set).  The same template
 * text appears, braces and all, in `nest-report rules` and
 * docs/findings.md.
 *
 * A check returns PASS (nothing wrong, or not applicable), FIRED (it
 * called nr_rule_fire() at least once) or UNKNOWN (an input it needs is
 * null; it names it with nr_rule_unknown()).  It must never fire on a null
 * fact.
 */
#ifndef NR_RULE_H
#define NR_RULE_H

#include <stdbool.h>
#include <stddef.h>
#include <json-c/json.h>

#include "findings.h"
#include "mlevel.h"

enum nr_rule_scope {
	NR_SCOPE_HOST,      /* the L0: depth 0, not itself a guest hypervisor */
	NR_SCOPE_GUEST_HV,  /* an L1: see nr_mlevel_is_guest_hv() */
	NR_SCOPE_REACHED,   /* every level that was reached */
	NR_SCOPE_CHILD,     /* every reached level whose parent was reached too */
	NR_SCOPE_EVERY,     /* every level, reached or not */
	NR_SCOPE_COUNT
};

/* "L0 (host)", ... for the docs. */
const char *nr_rule_scope_text(enum nr_rule_scope s);

enum nr_rule_verdict { NR_RULE_PASS, NR_RULE_FIRED, NR_RULE_UNKNOWN };

struct nr_rule_ctx;

struct nr_rule {
	const char *id;           /* [a-z0-9-]+, stable */
	enum nr_severity severity;
	enum nr_rule_scope scope;
	unsigned arches;          /* NR_ARCH_* mask (probe.h); NR_ARCH_ANY */
	const char *title;        /* one line, for the rule list */
	const char *inputs;       /* the facts it reads, for the docs */
	const char *message;      /* template */
	const char *hint;         /* template */
	const char *source;       /* document and section */
	const char *doc;          /* optional: more for the docs, e.g. the
	                             values a hint variable takes */
	enum nr_rule_verdict (*check)(struct nr_rule_ctx *c);
	const void *arg;          /* rule data for a shared check function */
};

struct nr_rule_group {
	const char *title;        /* "x86 KVM parameters" */
	const struct nr_rule *rules;
	size_t n;
};

/* The table: theme groups in documentation order, NULL-terminated
 * (rules.c). */
extern const struct nr_rule_group *const nr_rule_groups[];
const struct nr_rule *nr_rule_find(const char *id);
size_t nr_rule_count(void);

/* The engine's own per-level "could not check" finding (id in
 * findings.h), documented like a rule (findings.c). */
extern const struct nr_rule nr_rule_could_not_check;

/* Evaluate one rule alone (for tests and `show --rule`): the findings it
 * fires, sorted; when unknown is not NULL it receives a new array of
 * {level, missing} for every level the rule could not check. */
json_object *nr_rule_evaluate(const struct nr_rule *r, json_object *levels,
                              json_object **unknown);

/* ---- what a check function sees ---------------------------------------- */

struct nr_rule_ctx {
	const struct nr_rule *rule;
	const struct nr_mlevels *levels;   /* the manifest's levels, indexed */
	json_object *level;       /* the level under check */
	json_object *facts;       /* its facts (an object, possibly empty) */
	const char *id;           /* its id */
	/* engine-private */
	void *sink;
	size_t level_index;
	char missing[128];        /* copied: a check may name it from its stack */
	/* Set by a check before nr_rule_fire() when the finding is about a
	 * guest that a reached level runs as (guest.level): the cause links
	 * of findings.h read it.  Reset after each firing. */
	const char *about;
};

/* Emit one finding.  ev is an evidence array (consumed; NULL for none);
 * then "name", value pairs for the templates, ended by NULL.  A NULL value
 * renders as "?".  Returns NR_RULE_FIRED. */
enum nr_rule_verdict nr_rule_fire(struct nr_rule_ctx *c, json_object *ev, ...)
	__attribute__((sentinel));

/* Record that `fact` (a dotted path, or a short description) was null.
 * Returns NR_RULE_UNKNOWN. */
enum nr_rule_verdict nr_rule_unknown(struct nr_rule_ctx *c, const char *fact);

/* The gate shared by the "guest hypervisor lacks its virtualization
 * extension" rules (vmx/svm on x86, sie on s390): true when cpu.virt_ext is
 * "none" and /dev/kvm is known to be absent, so the missing extension is the
 * cause.  Otherwise false, with *verdict PASS or UNKNOWN: a missing flag
 * alone proves nothing, since /dev/kvm can work without it (PVM, or old
 * s390 kernels that never list sie). */
bool nr_rule_ext_missing(struct nr_rule_ctx *c, enum nr_rule_verdict *verdict);

/* The one check behind those rules (arg: a struct nr_rule_ext_gap): fires
 * with {ext}, {host}, {hv} and {fix} when nr_rule_ext_missing() holds. */
struct nr_rule_ext_gap {
	const char *absent;                 /* evidence text: "cpu flags: no vmx, no svm" */
	const char *hv_fact;                /* the fact that names the hypervisor */
	const char *(*fix)(const char *hv); /* the fix, by hypervisor (hv may be NULL) */
};
enum nr_rule_verdict nr_rule_check_ext_gap(struct nr_rule_ctx *c);

/* The end of a check that judged each guest of a level: FIRED when any
 * fired, else UNKNOWN naming fact when any could not be judged, else PASS. */
enum nr_rule_verdict nr_rule_tally(struct nr_rule_ctx *c, size_t fired, size_t unknown,
                                   const char *fact);

/* Whether the level's kernel.release is older than version.  True: it is,
 * and ev (a new array) holds the uname evidence.  False: *verdict is PASS
 * (not older) or UNKNOWN (no release, or not a version). */
bool nr_rule_kernel_older(struct nr_rule_ctx *c, const char *version, json_object **ev,
                          enum nr_rule_verdict *verdict);

/* ---- emulation (emulation.c) -------------------------------------------- */

/* The level a level runs on: match.guest_of (a level reached through its
 * parent at QEMU's 10.0.2.2), else its parent; NULL at the top. */
json_object *nr_mlevel_host(const struct nr_mlevels *ix, json_object *level);

struct nr_emulation {
	json_object *host;    /* nr_mlevel_host() */
	json_object *guest;   /* the host's guests[] entry linked to the level */
	json_object *domain;  /* the host's libvirt.domains entry of that guest */
	char how[160];        /* what says TCG, for the evidence */
};

/* True when the level itself is known to run under QEMU's TCG: its own
 * virt.accel or virt.hypervisor says so, or (with neither known) the
 * host's QEMU process linked to it asks for TCG alone.  e (may be NULL)
 * receives the host, guest and domain whatever the answer. */
bool nr_emulation_tcg(const struct nr_mlevels *ix, json_object *level, struct nr_emulation *e);

/* ---- evidence ---------------------------------------------------------- */

/* Append {artifact, value} to ev; artifact may be NULL. */
void nr_rule_ev_add(json_object *ev, const char *artifact, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The artifact is the first one recorded for `fact` in facts.evidence. */
void nr_rule_ev_fact(json_object *ev, json_object *facts, const char *fact, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* The artifact is levels/<id>/<probe>/<artifact> as the level's probes
 * list it (NULL when it is not there). */
void nr_rule_ev_artifact(json_object *ev, json_object *level, const char *probe,
                         const char *artifact, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* The theme groups (rules_*.c). */
extern const struct nr_rule_group nr_rules_x86;        /* rules_x86.c */
extern const struct nr_rule_group nr_rules_exposure;   /* rules_exposure.c */
extern const struct nr_rule_group nr_rules_accel;      /* rules_accel.c */
extern const struct nr_rule_group nr_rules_s390;       /* rules_s390.c */
extern const struct nr_rule_group nr_rules_ppc;        /* rules_ppc.c */
extern const struct nr_rule_group nr_rules_migration;  /* rules_migration.c */
extern const struct nr_rule_group nr_rules_evidence;   /* rules_evidence.c */
extern const struct nr_rule_group nr_rules_skew;       /* rules_skew.c */
extern const struct nr_rule_group nr_rules_config;     /* rules_config.c */
extern const struct nr_rule_group nr_rules_libvirt;    /* rules_libvirt.c */

/* Where rules come from: the kernel's "Running nested guests with KVM"
 * (shared/reference/000), then a section name. */
#define NR_SRC_KDOC "Linux Documentation/virt/kvm/x86/running-nested-guests.rst: "

#define NR_RULE_GROUP(title, table) { (title), (table), sizeof(table) / sizeof((table)[0]) }

#endif
