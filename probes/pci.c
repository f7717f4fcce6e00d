/* SPDX-License-Identifier: MIT */
/* PCI devices (/proc/bus/pci/devices): devices only a hypervisor emulates
 * name who runs us on every architecture, including those whose cpuinfo
 * says nothing about it (ppc, arm, loongarch). */
#include "level/facts.h"
#include "parse.h"
#include "probes.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int pci_collect(struct nr_probe_ctx *ctx)
{
	int rc = nr_probe_file(ctx, "devices", "/proc/bus/pci/devices");

	if (rc == -ENOENT)
		return nr_probe_skip(ctx, "no /proc/bus/pci/devices (no PCI bus here)");
	if (rc < 0 && rc != -ETIMEDOUT)
		return nr_probe_fail(ctx, -rc, "cannot read /proc/bus/pci/devices: %s", strerror(-rc));
	return rc;
}

static void pci_parse(const struct nr_artifacts *arts, json_object *facts)
{
	struct nr_pci pci;
	const char *buf;
	char detail[96];
	size_t len;

	buf = nr_artifacts_get(arts, "devices", &len);
	if (!buf || nr_pci_parse(buf, len, &pci) < 0)
		return;
	nr_facts_set(facts, "pci.devices", json_object_new_int(pci.devices));
	if (!pci.hypervisor[0])
		return;
	nr_facts_set(facts, "pci.hypervisor", json_object_new_string(pci.hypervisor));
	snprintf(detail, sizeof(detail), "PCI device %04x:%04x (%s)", pci.vendor, pci.device,
	         pci.hypervisor);
	nr_facts_evidence(facts, "pci.hypervisor", nr_artifacts_path(arts, "devices"), detail);
}

const struct nr_probe nr_probe_pci = {
	.name = "pci",
	.summary = "PCI device IDs (/proc/bus/pci/devices): devices only hypervisors emulate",
	.arches = NR_ARCH_ANY,
	.collect = pci_collect,
	.parse = pci_parse,
};
