/* SPDX-License-Identifier: MIT */
/* Xen: /sys/hypervisor/type says "xen" in every Xen domain, and
 * /proc/xen/capabilities names the control domain (dom0), which for a
 * nested-virtualization report is the host, not a guest. */
#include "level/facts.h"
#include "probes.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int xen_collect(struct nr_probe_ctx *ctx)
{
	int rc = nr_probe_file(ctx, "sys-hypervisor-type", "/sys/hypervisor/type");

	if (rc == -ENOENT)
		return nr_probe_skip(ctx, "no /sys/hypervisor/type (not a Xen domain)");
	if (rc < 0)
		return rc == -ETIMEDOUT ? rc
		                        : nr_probe_fail(ctx, -rc, "cannot read /sys/hypervisor/type: %s",
		                                        strerror(-rc));
	rc = nr_probe_file(ctx, "capabilities", "/proc/xen/capabilities");
	return rc == -ETIMEDOUT ? rc : 0;
}

static void xen_parse(const struct nr_artifacts *arts, json_object *facts)
{
	const char *buf, *caps;
	char type[32];
	size_t len, clen;

	buf = nr_artifacts_get(arts, "sys-hypervisor-type", &len);
	if (!buf)
		return;
	nr_probe_first_line(buf, len, type, sizeof(type));
	if (strcmp(type, "xen") != 0)
		return;
	caps = nr_artifacts_get(arts, "capabilities", &clen);
	/* The "control_d" capability is dom0's alone; without xenfs mounted
	 * the two cannot be told apart. */
	if (caps && memmem(caps, clen, "control_d", 9)) {
		nr_facts_set(facts, "xen.domain", json_object_new_string("dom0"));
		nr_facts_evidence(facts, "xen.domain", nr_artifacts_path(arts, "capabilities"),
		                  "control_d: the control domain");
	} else if (caps) {
		nr_facts_set(facts, "xen.domain", json_object_new_string("domU"));
		nr_facts_evidence(facts, "xen.domain", nr_artifacts_path(arts, "capabilities"),
		                  "no control_d capability");
	} else {
		nr_facts_set(facts, "xen.domain", json_object_new_string("unknown"));
		nr_facts_evidence(facts, "xen.domain", nr_artifacts_path(arts, "sys-hypervisor-type"),
		                  "xen; /proc/xen/capabilities not readable");
	}
}

const struct nr_probe nr_probe_xen = {
	.name = "xen",
	.summary = "Xen domain: /sys/hypervisor/type and /proc/xen/capabilities (dom0 or domU)",
	.arches = NR_ARCH_X86 | NR_ARCH_ARM,
	.collect = xen_collect,
	.parse = xen_parse,
};
