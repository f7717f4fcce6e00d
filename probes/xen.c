/* SPDX-License-Identifier: MIT */
/* Xen: /sys/hypervisor/type says "xen" in a Xen domain, and
 * /proc/xen/capabilities names the control domain (dom0), which for a
 * nested-virtualization report is the host, not a guest.
 *
 * /proc/xen is read even without /sys/hypervisor: an older paravirtualized
 * domU (xenlinux, RHEL 5's 2.6.18) has no /sys/hypervisor, and its cpuinfo
 * no hypervisor bit, so /proc/xen is all that tells it from bare metal (as
 * lscpu reads it).  A pvops kernel creates /proc/xen in every Xen domain
 * (xenbus_init), empty until xenfs is mounted on it: the directory alone
 * says Xen, not which domain. */
#include "level/facts.h"
#include "probes.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int xen_collect(struct nr_probe_ctx *ctx)
{
	static const char dir_text[] = "path: /proc/xen\nexists: yes\n";
	bool dir = false, chr, rw;
	int trc, crc;

	trc = nr_probe_file(ctx, "sys-hypervisor-type", "/sys/hypervisor/type");
	if (trc == -ETIMEDOUT)
		return trc;
	crc = nr_probe_file(ctx, "capabilities", "/proc/xen/capabilities");
	if (crc == -ETIMEDOUT)
		return crc;
	/* No capabilities file: is the directory there (xenfs not mounted)? */
	if (crc < 0 && nr_probe_path_info(ctx, "/proc/xen", &dir, &chr, &rw) == 0 && dir &&
	    nr_probe_text(ctx, "proc-xen", dir_text, sizeof(dir_text) - 1) < 0)
		dir = false;
	if (trc == -ENOENT && crc < 0 && !dir)
		return nr_probe_skip(ctx, "no /sys/hypervisor/type and no /proc/xen (not a Xen domain)");
	if (trc < 0 && trc != -ENOENT && crc < 0 && !dir)
		return nr_probe_fail(ctx, -trc, "cannot read /sys/hypervisor/type: %s", strerror(-trc));
	return 0;
}

static void xen_parse(const struct nr_artifacts *arts, json_object *facts)
{
	const char *buf, *caps, *src = "capabilities";
	char type[32] = "";
	size_t len, clen;

	buf = nr_artifacts_get(arts, "sys-hypervisor-type", &len);
	if (buf)
		nr_probe_first_line(buf, len, type, sizeof(type));
	caps = nr_artifacts_get(arts, "capabilities", &clen);
	/* Only Xen makes /proc/xen; without it, sysfs must say "xen". */
	if (!caps && !nr_artifacts_get(arts, "proc-xen", &len) && strcmp(type, "xen") != 0)
		return;
	/* The "control_d" capability is dom0's alone; without xenfs mounted
	 * the two cannot be told apart. */
	if (caps && memmem(caps, clen, "control_d", 9)) {
		nr_facts_set(facts, "xen.domain", json_object_new_string("dom0"));
		nr_facts_evidence(facts, "xen.domain", nr_artifacts_path(arts, src),
		                  "control_d: the control domain");
		return;
	}
	if (caps) {
		nr_facts_set(facts, "xen.domain", json_object_new_string("domU"));
		nr_facts_evidence(facts, "xen.domain", nr_artifacts_path(arts, src),
		                  clen ? "no control_d capability"
		                       : "/proc/xen/capabilities empty: no control_d capability");
		return;
	}
	src = nr_artifacts_path(arts, "proc-xen") ? "proc-xen" : "sys-hypervisor-type";
	nr_facts_set(facts, "xen.domain", json_object_new_string("unknown"));
	nr_facts_evidence(facts, "xen.domain", nr_artifacts_path(arts, src),
	                  strcmp(src, "proc-xen") == 0
	                          ? "/proc/xen without capabilities (xenfs not mounted)"
	                          : "xen; /proc/xen/capabilities not readable");
}

const struct nr_probe nr_probe_xen = {
	.name = "xen",
	.summary = "Xen domain: /sys/hypervisor/type and /proc/xen (dom0 or domU)",
	.arches = NR_ARCH_X86 | NR_ARCH_ARM,
	.collect = xen_collect,
	.parse = xen_parse,
};
