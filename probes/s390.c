/* SPDX-License-Identifier: MIT */
/* s390x: /proc/sysinfo describes this level and every level above it
 * (LPAR, then one VMnn block per hypervisor, VM00 innermost). */
#include "level/facts.h"
#include "parse.h"
#include "probes.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int s390_collect(struct nr_probe_ctx *ctx)
{
	int rc = nr_probe_file(ctx, "sysinfo", "/proc/sysinfo");

	if (rc < 0 && rc != -ETIMEDOUT)
		return nr_probe_fail(ctx, -rc, "cannot read /proc/sysinfo");
	return rc;
}

/* virt.stack lists outermost first: LPAR, then VMnn from the highest nn
 * down to VM00, the hypervisor this level runs on. */
static void s390_parse(const struct nr_artifacts *arts, json_object *facts)
{
	struct nr_sysinfo si;
	json_object *stack, *e;
	const char *buf;
	char detail[128];
	size_t len;
	int i;

	buf = nr_artifacts_get(arts, "sysinfo", &len);
	if (!buf || nr_sysinfo_parse(buf, len, &si) < 0)
		return;
	stack = json_object_new_array();
	if (si.has_lpar) {
		e = json_object_new_object();
		json_object_object_add(e, "kind", json_object_new_string("lpar"));
		json_object_object_add(e, "name", nr_json_str_or_null(si.lpar_name));
		json_object_object_add(e, "control_program", json_object_new_string("LPAR"));
		json_object_array_add(stack, e);
	}
	for (i = si.vm_count - 1; i >= 0; i--) {
		e = json_object_new_object();
		json_object_object_add(e, "kind", json_object_new_string("vm"));
		json_object_object_add(e, "index", json_object_new_int(si.vm[i].index));
		json_object_object_add(e, "name", nr_json_str_or_null(si.vm[i].name));
		json_object_object_add(e, "control_program",
		                       nr_json_str_or_null(si.vm[i].control_program));
		json_object_array_add(stack, e);
	}
	nr_facts_set(facts, "virt.stack", stack);
	snprintf(detail, sizeof(detail), "%s LPAR, %d VMnn block(s)", si.has_lpar ? "an" : "no",
	         si.vm_count);
	nr_facts_evidence(facts, "virt.stack", nr_artifacts_path(arts, "sysinfo"), detail);
}

const struct nr_probe nr_probe_s390 = {
	.name = "s390",
	.summary = "s390x /proc/sysinfo: the LPAR and every hypervisor level above this one",
	.arches = NR_ARCH_S390,
	.collect = s390_collect,
	.parse = s390_parse,
};
