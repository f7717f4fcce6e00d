/* SPDX-License-Identifier: MIT */
/* What changed between two bundles of the same setup ("I upgraded and now
 * it breaks"): per level, the facts that differ (versions, KVM module
 * parameters, virt extension, role, hypervisor ... every fact but the
 * evidence), the CPU flags added and removed (from each level's
 * /proc/cpuinfo artifact), probes whose status changed, and findings that
 * appeared or disappeared under this version's rules.  Library code. */
#ifndef NR_DIFF_H
#define NR_DIFF_H

#include <json-c/json.h>

#include "bundle_read.h"
#include "util/error.h"

struct nr_diff_side {
	const char *bundle;
	json_object *manifest;     /* owned */
	json_object *flags;        /* owned: level id -> [flag] (sorted) */
};

/* Read a bundle's manifest and its levels' CPU flags (streaming only to
 * the cpuinfo artifacts).  0, or negative (-EBADMSG: a bad bundle). */
int nr_diff_load(const char *bundle, const struct nr_bundle_limits *lim, struct nr_diff_side *side,
                 struct nr_error *err);
void nr_diff_side_release(struct nr_diff_side *side);

/* The differences (what `diff --json` prints):
 * {a: {bundle, created, host}, b: {...}, identical, rules_version,
 *  levels: [{id, in: "both"|"a"|"b", facts: [{key, a, b}], cpu_flags:
 *  {added, removed}, probes: [{name, a, b}], findings: {appeared,
 *  disappeared}}]}; a level in one bundle only has just id and in.  Fact
 *  keys are dotted paths into facts ("kvm.params.kvm_intel.nested"), plus
 *  "qemu.version[BINARY]" and "guests[NAME].FIELD".  NULL when out of
 *  memory. */
json_object *nr_diff_compute(const struct nr_diff_side *a, const struct nr_diff_side *b);

/* The flags (or features) line of the first processor in a cpuinfo text,
 * as a sorted array of unique words; NULL when there is none. */
json_object *nr_diff_cpu_flags(const char *text, size_t len);

#endif
