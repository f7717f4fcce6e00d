/* SPDX-License-Identifier: MIT */
/* The kernel document's checklist ("Running nested guests with KVM",
 * "Reporting bugs from nested setups"), per level, derived from a
 * manifest's `levels` array alone: kernel, libvirt and QEMU versions, the
 * QEMU command line that runs the level, /proc/cpuinfo, lscpu, the full
 * dmesg, the KVM module parameters, and x86info -a and dmidecode (x86) or
 * /proc/sysinfo (s390x), and "ensure you are actually running KVM on KVM"
 * (the "accel" item: KVM or TCG, from the parent's command line or the
 * level's own detection).  `show` prints it so that a maintainer sees at a
 * glance what a reporter did not send, and why.
 *
 * The result is a JSON array, one object per level:
 *   { "level": "l1", "items": [ { "item": "dmidecode", "title": "dmidecode",
 *       "state": "ok" | "partial" | "missing" | "n/a",
 *       "value": "9.0.0" | null,            (versions)
 *       "artifacts": [ "levels/l1/dmi/dmidecode" ],
 *       "reason": "..." | null } ... ] }
 * "reason" says why an item is partial, missing or n/a, from what the
 * bundle recorded (a probe's status, error or note, a command's exit code
 * and stderr, the level's status, the discovery match); it is null only for
 * "ok", or when the bundle recorded no reason at all, which is itself worth
 * a bug report.  Like the findings, it tolerates any manifest (bundles come
 * from strangers): a missing key or a wrong type is "missing", never a crash.
 */
#ifndef NR_CHECKLIST_H
#define NR_CHECKLIST_H

#include <stddef.h>
#include <json-c/json.h>

/* NULL only when out of memory. */
json_object *nr_checklist_build(json_object *levels);

/* One element of nr_checklist_build's array: the checklist of `level`, an
 * element of `levels`. */
json_object *nr_checklist_level(json_object *levels, json_object *level);

/* KVM or TCG: how `level` itself is run by the level below it.  "KVM",
 * "TCG", another accelerator as QEMU names it (borrowed from the
 * manifest), or NULL when unknown; why says from what (the parent's
 * matching guest, or this level's own hypervisor detection).  A
 * bare-metal host gives NULL and says so. */
const char *nr_checklist_accel(json_object *levels, json_object *level, char *why, size_t whylen);

#endif
