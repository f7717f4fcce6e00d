/* SPDX-License-Identifier: MIT */
/* Reading the level objects of a manifest (schemas/manifest.schema.json)
 * for the findings.  Every accessor tolerates anything: a missing key, a
 * wrong type or a NULL object gives "unknown" (NULL, -1), never a crash,
 * because `show` runs these over bundles from strangers.
 */
#ifndef NR_MLEVEL_H
#define NR_MLEVEL_H

#include <stdbool.h>
#include <stddef.h>
#include <json-c/json.h>

#include "probe.h"
#include "util/strmap.h"

/* Which of the manifest fields that show, diff and the findings read are
 * absent or of a type they cannot use, one line each ("levels[3].depth
 * is a string, not an integer"), so a reader can say what it treats as
 * unknown (mshape.c).  *problems receives a new array of at most max
 * lines (NULL when out of memory); returns how many problems there are. */
size_t nr_mlevel_problems(json_object *manifest, json_object **problems, size_t max);

/* Member of an object, only when it has the given type; else NULL. */
json_object *nr_mlevel_member(json_object *o, const char *key, json_type type);
const char *nr_mlevel_string(json_object *o, const char *key);

const char *nr_mlevel_id(json_object *level);
int nr_mlevel_depth(json_object *level);             /* -1 when unknown */
json_object *nr_mlevel_facts(json_object *level);    /* NULL when absent */
/* The first level of that id in a levels array, by a walk: for one lookup.
 * Code that looks up once per level uses struct nr_mlevels. */
json_object *nr_mlevel_find(json_object *levels, const char *id);

/* A manifest's levels array indexed once, so that what is asked of every
 * level (its parent, whether it has children) costs O(1) and a pass over
 * the levels stays linear: a bundle from a stranger may declare as many
 * levels as the reader's cap allows.  A level id seen twice keeps its
 * first level, as nr_mlevel_find does. */
struct nr_mlevels {
	json_object *array;          /* borrowed; NULL when levels is not an array */
	size_t n;
	struct nr_strmap by_id;      /* id -> json_object * */
	struct nr_strmap parents;    /* ids that some level names as parent */
	bool any_child;              /* a level deeper than 0 */
};

/* Index levels (borrowed; anything but an array indexes as no level).
 * 0, or -ENOMEM. */
int nr_mlevels_init(struct nr_mlevels *ix, json_object *levels);
void nr_mlevels_release(struct nr_mlevels *ix);
json_object *nr_mlevels_at(const struct nr_mlevels *ix, size_t i);
json_object *nr_mlevels_find(const struct nr_mlevels *ix, const char *id);
json_object *nr_mlevel_parent(const struct nr_mlevels *ix, json_object *level);
bool nr_mlevel_has_child(const struct nr_mlevels *ix, const char *id);
/* Any level deeper than 0 in the manifest. */
bool nr_mlevel_any_child(const struct nr_mlevels *ix);

/* Status "ok" or "partial": its facts mean something. */
bool nr_mlevel_reached(json_object *level);

/* A guest hypervisor, "L1" in the kernel document's terms: a level at
 * depth 1; a deeper level that has children of its own (L2 of an
 * L0-L1-L2-L3 chain); or the level nest-report ran on (depth 0) when it is
 * itself a guest, i.e. a local run inside a VM.  An s390 LPAR and an
 * unknown role count as bare metal. */
bool nr_mlevel_is_guest_hv(const struct nr_mlevels *ix, json_object *level);
/* The L0: depth 0 and not a guest hypervisor. */
bool nr_mlevel_is_host(const struct nr_mlevels *ix, json_object *level);

/* The firmware hypervisor whose partition the level runs in: "PR/SM" (an
 * s390 LPAR: virt.hypervisor "lpar") or "PowerVM" (a POWER LPAR:
 * "powervm"); NULL for anything else.  Such a level is a host, the lowest
 * level an OS runs at (docs/detection.md, "Firmware hypervisors"). */
const char *nr_mlevel_firmware_hv(json_object *facts);

/* The level's depth in the nesting, the N of "LN": 0 for bare metal or a
 * firmware partition.  s390's /proc/sysinfo tells it outright (one VMnn
 * block per hypervisor between the LPAR and the level, virt.stack);
 * otherwise a level is one deeper than its parent, and a level without a
 * parent is L1 when it is a guest (a run inside a VM), else L0.  A parent
 * chain longer than the topology's cap (a hostile manifest) gives the
 * level's own `depth`; -1 when even that is unknown. */
int nr_mlevel_nest_depth(const struct nr_mlevels *ix, json_object *level);
/* The depth s390's /proc/sysinfo gives (virt.stack's VMnn entries), or -1
 * when it says nothing (no stack, or one with neither an LPAR nor a VM). */
int nr_mlevel_sysinfo_depth(json_object *facts);

/* facts.arch_family as an NR_ARCH_* bit (NR_ARCH_UNKNOWN when absent). */
enum nr_arch nr_mlevel_arch(json_object *facts);

/* The probe entry named `name` in level.probes, or NULL. */
json_object *nr_mlevel_probe(json_object *level, const char *name);
const char *nr_mlevel_probe_status(json_object *level, const char *name);
/* The artifact object named `artifact` in the probe's entry, or NULL. */
json_object *nr_mlevel_artifact(json_object *level, const char *probe, const char *artifact);
/* levels/<id>/<probe>/<artifact> as recorded, or NULL when not stored. */
const char *nr_mlevel_artifact_path(json_object *level, const char *probe,
                                    const char *artifact);
/* A command artifact whose exit code is recorded and not 0 (a truncated
 * or killed command has none). */
bool nr_mlevel_artifact_failed(json_object *artifact);
/* Any artifact of the probe whose name starts with prefix. */
bool nr_mlevel_has_artifact_prefix(json_object *level, const char *probe, const char *prefix);

/* facts.kvm.params.<module>.<param> as captured ("Y", "0"...), or NULL. */
const char *nr_mlevel_kvm_param(json_object *facts, const char *module, const char *param);
/* 1 when /dev/kvm is there (opened, or at least present), 0 when it is
 * absent, -1 when unknown. */
int nr_mlevel_kvm_present(json_object *facts);
/* "vmx" or "svm" from the CPU's flags, vendor or KVM module; NULL. */
const char *nr_mlevel_virt_ext_kind(json_object *facts);
/* 1 AMD (or Hygon), 0 another vendor, -1 unknown. */
int nr_mlevel_is_amd(json_object *facts);
/* The KVM module a fix should name: kvm.module when it is a vendor
 * module, else the usual one for the CPU (kvm_intel, kvm_amd, kvm on
 * s390, kvm_hv on ppc); "kvm" as a last resort. */
const char *nr_mlevel_kvm_module_for(json_object *facts);

/* ---- guests (facts.guests[]) ---- */

json_object *nr_mlevel_guests(json_object *facts);   /* array or NULL */
/* "'name' (pid 123)" or "pid 123" */
void nr_mlevel_guest_label(json_object *guest, char *out, size_t outlen);
/* The reached level this guest runs (guest.level), or NULL. */
json_object *nr_mlevel_guest_child(const struct nr_mlevels *ix, json_object *guest);
/* Any guest of facts linked to a reached level. */
bool nr_mlevel_guests_matched(json_object *facts);
/* accel[i] as a string ("kvm", "tcg"...), or NULL. */
const char *nr_mlevel_guest_accel(json_object *guest, size_t i);
/* The readable command line artifact of the guest (cmdline-PID.txt, else
 * cmdline-PID), or NULL. */
const char *nr_mlevel_guest_artifact(json_object *level, json_object *guest);

#endif
