/* SPDX-License-Identifier: MIT */
/* The device tree (/proc/device-tree, on ppc, arm, riscv, loongarch):
 * the board's compatible strings and model, the hypervisor node a KVM or
 * Xen guest is given ("linux,kvm", "xen,xen"), and the properties PowerVM
 * puts in a partition's tree (ibm,partition-name), the way lscpu tells a
 * PowerVM LPAR apart. */
#include "level/facts.h"
#include "parse_text.h"
#include "probes.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define DT "/proc/device-tree"
#define MAX_COMPATIBLE 8

static const struct {
	const char *artifact;
	const char *path;
} dt_files[] = {
	{ "compatible", DT "/compatible" },
	{ "model", DT "/model" },
	{ "hypervisor-compatible", DT "/hypervisor/compatible" },
	{ "ibm-partition-name", DT "/ibm,partition-name" },
	{ "hmc-managed", DT "/hmc-managed?" },
};
#define N_DT_FILES (sizeof(dt_files) / sizeof(dt_files[0]))

static int dt_collect(struct nr_probe_ctx *ctx)
{
	size_t i, found = 0;
	int rc = 0;

	for (i = 0; i < N_DT_FILES && rc != -ETIMEDOUT; i++) {
		rc = nr_probe_file(ctx, dt_files[i].artifact, dt_files[i].path);
		found += rc == 0;
	}
	if (rc == -ETIMEDOUT)
		return rc;
	if (!found)
		return nr_probe_skip(ctx, "no device tree here (" DT " absent)");
	return 0;
}

/* A property is a list of NUL-terminated strings. */
static json_object *dt_strings(const char *buf, size_t len, size_t max)
{
	json_object *arr = json_object_new_array();
	size_t pos = 0;

	while (pos < len && json_object_array_length(arr) < max) {
		size_t n = strnlen(buf + pos, len - pos);
		char s[128];

		if (n > 0) {
			nr_span_copy((struct nr_span){ buf + pos, n }, s, sizeof(s));
			json_object_array_add(arr, json_object_new_string(s));
		}
		pos += n + 1;
	}
	return arr;
}

static void dt_first(const struct nr_artifacts *arts, const char *artifact, json_object *facts,
                     const char *fact)
{
	json_object *arr;
	const char *buf, *s;
	size_t len;

	buf = nr_artifacts_get(arts, artifact, &len);
	if (!buf)
		return;
	arr = dt_strings(buf, len, 1);
	s = json_object_array_length(arr) ? json_object_get_string(json_object_array_get_idx(arr, 0))
	                                  : NULL;
	if (s) {
		nr_facts_set(facts, fact, json_object_new_string(s));
		nr_facts_evidence(facts, fact, nr_artifacts_path(arts, artifact), s);
	}
	json_object_put(arr);
}

static void dt_parse(const struct nr_artifacts *arts, json_object *facts)
{
	const char *buf;
	size_t len;

	buf = nr_artifacts_get(arts, "compatible", &len);
	if (buf) {
		nr_facts_set(facts, "devicetree.compatible", dt_strings(buf, len, MAX_COMPATIBLE));
		nr_facts_evidence(facts, "devicetree.compatible", nr_artifacts_path(arts, "compatible"),
		                  "/compatible");
	}
	dt_first(arts, "model", facts, "devicetree.model");
	dt_first(arts, "hypervisor-compatible", facts, "devicetree.hypervisor");
	/* PowerVM gives every partition a name and says whether an HMC
	 * manages it; QEMU's pseries machine gives neither. */
	if (nr_artifacts_get(arts, "ibm-partition-name", &len)) {
		nr_facts_set(facts, "devicetree.powervm_lpar", json_object_new_boolean(1));
		nr_facts_evidence(facts, "devicetree.powervm_lpar",
		                  nr_artifacts_path(arts, "ibm-partition-name"),
		                  "ibm,partition-name present");
	} else if (buf) {
		nr_facts_set(facts, "devicetree.powervm_lpar", json_object_new_boolean(0));
	}
}

const struct nr_probe nr_probe_devicetree = {
	.name = "devicetree",
	.summary = "device tree identity: compatible, model, hypervisor node, PowerVM partition",
	.arches = NR_ARCH_PPC | NR_ARCH_ARM | NR_ARCH_RISCV | NR_ARCH_LOONGARCH | NR_ARCH_MIPS,
	.collect = dt_collect,
	.parse = dt_parse,
};
