/* SPDX-License-Identifier: MIT */
/* The kernel document's checklist ("Reporting bugs from nested setups":
 * versions, QEMU command lines, cpuinfo, lscpu, dmesg, x86info and
 * dmidecode on x86, /proc/sysinfo on s390x, and "ensure you are actually
 * running KVM on KVM"), item by item for one level of a manifest: present
 * (with the value or the artifact), missing (with the probe's reason), or
 * not applicable here (with why).
 *
 * Like the findings it reads the manifest's JSON only, defensively, so it
 * serves any bundle read back; `show --html` renders it.  The findings say
 * what is wrong; the checklist says what a maintainer has in hand.
 */
#ifndef NR_FINDINGS_CHECKLIST_H
#define NR_FINDINGS_CHECKLIST_H

#include <stddef.h>
#include <json-c/json.h>

enum nr_cl_state { NR_CL_PRESENT, NR_CL_MISSING, NR_CL_NA };

struct nr_cl_item {
	const char *key;          /* stable: "kernel", "qemu-version", ... */
	const char *what;         /* as the document words it: "Kernel version" */
	enum nr_cl_state state;
	char detail[320];         /* the value, or why it is missing / n/a */
	const char *artifact;     /* the bundle member that shows it (borrowed
	                           * from the manifest), or NULL */
};

#define NR_CL_MAX 12

/* Fill out[] for `level` (an element of `levels`); returns the number of
 * items, which depends on the level's architecture. */
size_t nr_checklist_level(json_object *levels, json_object *level, struct nr_cl_item out[NR_CL_MAX]);

/* KVM or TCG: how `level` itself is run by the level below it.  "KVM",
 * "TCG", another accelerator as QEMU names it (borrowed from the
 * manifest), or NULL when unknown; why
 * says from what (the parent's matching guest, or this level's own
 * hypervisor detection).  A bare-metal host gives NULL and says so. */
const char *nr_checklist_accel(json_object *levels, json_object *level, char *why, size_t whylen);

const char *nr_cl_state_name(enum nr_cl_state s);   /* "present", "missing", "n/a" */

#endif
