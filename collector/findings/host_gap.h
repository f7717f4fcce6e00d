/* SPDX-License-Identifier: MIT */
/* Hosts nest-report cannot be run on, for evidence-no-l0: a guest of
 * z/VM, of VirtualBox, Hyper-V, VMware or Parallels (not KVM, and mostly
 * not Linux), a Firecracker microVM, or a public cloud's instance (the
 * provider's machine).  For those, asking the reporter to "run nest-report
 * on the host" is a request that cannot be met; what can be had instead
 * is named here, from the facts already collected where they tell it (the
 * z/VM level from /proc/sysinfo, the instance type from DMI). */
#ifndef NR_FINDINGS_HOST_GAP_H
#define NR_FINDINGS_HOST_GAP_H

#include <stdbool.h>
#include <stddef.h>
#include <json-c/json.h>

/* True when the host of the level (facts, id) cannot be collected: why
 * receives the reason, fix what to add to the report instead, and ev
 * (when not NULL) the facts that told.  False, with both empty, when
 * nest-report can run on the host (KVM, QEMU, Xen, an unnamed one). */
bool nr_host_gap(json_object *facts, const char *id, char *why, size_t whylen, char *fix,
                 size_t fixlen, json_object *ev);

#endif
