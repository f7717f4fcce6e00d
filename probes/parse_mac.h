/* SPDX-License-Identifier: MIT */
/* Mandatory access control denials (SELinux AVC, AppArmor) as the audit
 * subsystem logs them: in the audit log (ausearch's raw output) and, when
 * no audit daemon runs, in the kernel log.  Part of the parsers (parse.h's
 * rules hold: bounded, untrusted input, unknown stays ""). */
#ifndef NR_PARSE_MAC_H
#define NR_PARSE_MAC_H

#include <stdbool.h>
#include <stddef.h>

struct nr_mac_denial {
	char lsm[12];        /* "selinux" or "apparmor" */
	char stamp[40];      /* the audit record's "TIME:SERIAL", for de-duplication */
	char comm[64];       /* the task (hex-encoded names decoded) */
	char what[128];      /* selinux "read write tclass=file" (from "{ read write }"), apparmor "open r" */
	char target[192];    /* name= (a path, a device), else tcontext= */
	char subject[160];   /* selinux scontext=, apparmor profile= */
};

/* Every denial in buf: lines with "avc:  denied" (SELinux; "granted"
 * lines are not denials) or apparmor="DENIED".  Fills at most max and
 * returns how many were found in all. */
size_t nr_mac_denials_parse(const char *buf, size_t len, struct nr_mac_denial *out, size_t max);

/* A denial of QEMU, its threads ("CPU 0/KVM"), libvirt's daemons and
 * helpers (libvirtd, virtqemud, virtlogd, swtpm ...), or of a task in a
 * virtualization context (svirt_t, virtd_t) or libvirt's AppArmor
 * profiles. */
bool nr_mac_denial_is_virt(const struct nr_mac_denial *d);

#endif
