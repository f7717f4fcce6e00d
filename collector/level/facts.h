/* SPDX-License-Identifier: MIT */
/* A level's facts: the JSON object every probe's parse() fills, and the
 * derivations over it (virt role, hypervisor, KVM availability) that need
 * several probes' evidence.  The same code runs at collection time and when
 * a bundle is read back, so old bundles get the same (or newer) answers.
 *
 * Unknown stays null, never a guess: nr_facts_begin() lays out every key
 * with null, parsers fill what they saw, nr_facts_derive() concludes only
 * from what is there, and records the evidence it used.
 */
#ifndef NR_FACTS_H
#define NR_FACTS_H

#include <json-c/json.h>
#include <stdint.h>

#include "probe.h"
#include "transport/transport.h"

/* The dmi probe's note when dmidecode failed because the machine has no
 * DMI table at all: evidence-no-dmi-table reads it from any bundle, so the
 * words are part of the manifest's contract. */
#define NR_DMI_NO_TABLE "no DMI table on this machine"

void nr_facts_begin(json_object *facts, const char *arch_name, enum nr_arch arch);
void nr_facts_derive(json_object *facts);

/* The KVM-or-TCG verdict of a level that runs as `guest` (an entry of
 * the parent's facts.guests, matched by discovery) of `parent`: QMP's
 * query-kvm for the domain of that name, else the guest's QEMU argv,
 * where the level's own CPUID gave no answer (detect.c). */
void nr_facts_derive_accel_guest(json_object *facts, json_object *guest, json_object *parent);

/* Fallback architecture detection from /proc/cpuinfo's shape: the family
 * (NR_ARCH_UNKNOWN when the shape does not prove one), and in machine
 * what uname -m would say where the shape proves that too, else "". */
enum nr_arch nr_facts_arch_from_cpuinfo(struct nr_transport *t, int64_t deadline_ms,
                                        char *machine, size_t machine_len);

/* Helpers for parsers and derivation: string or null. */
json_object *nr_json_str_or_null(const char *s);
/* enum nr_tri as true/false/null. */
json_object *nr_json_tri(int tri);
/* Convenience: the string at a dotted path, or NULL. */
const char *nr_facts_str(json_object *facts, const char *path);
/* 1 true, 0 false, -1 null/absent. */
int nr_facts_bool(json_object *facts, const char *path);

#endif
