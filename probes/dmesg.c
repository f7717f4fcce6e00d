/* The full kernel ring buffer.  Restricted kernels (dmesg_restrict=1) refuse
 * it to non-root users: that is a skip with advice, not a failure. */
#include "facts.h"
#include "probes.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int dmesg_collect(struct nr_probe_ctx *ctx)
{
	static const char *const argv[] = { "dmesg", NULL };
	char *restrict_buf = NULL;
	size_t len;
	int rc, exit_code = -1;

	rc = nr_probe_cmd(ctx, "dmesg", argv, &exit_code);
	if (rc == -ENOENT)
		return nr_probe_skip(ctx, "dmesg not installed (util-linux)");
	if (rc < 0)
		return rc;
	if (exit_code == 0)
		return 0;
	if (nr_probe_is_root(ctx) != 1) {
		nr_probe_slurp(ctx, "/proc/sys/kernel/dmesg_restrict", 16, &restrict_buf, &len);
		if (restrict_buf)
			restrict_buf[strcspn(restrict_buf, " \n")] = '\0';
		rc = nr_probe_skip(ctx, "needs root (kernel.dmesg_restrict=%s); re-run with sudo",
		                   restrict_buf && *restrict_buf ? restrict_buf : "?");
		free(restrict_buf);
		return rc;
	}
	return nr_probe_fail(ctx, EIO, "dmesg exited with status %d", exit_code);
}

/* "Hypervisor detected: KVM" is what the x86 kernel printed at boot from
 * the CPUID hypervisor leaf: the strongest evidence of who runs us. */
static void dmesg_parse(const struct nr_artifacts *arts, json_object *facts)
{
	static const char needle[] = "Hypervisor detected: ";
	const char *buf, *hit;
	size_t len;
	char value[64];

	buf = nr_artifacts_get(arts, "dmesg", &len);
	if (!buf || len == 0)
		return;
	nr_facts_set(facts, "kernel.dmesg_captured", json_object_new_boolean(1));
	hit = memmem(buf, len, needle, sizeof(needle) - 1);
	if (!hit)
		return;
	hit += sizeof(needle) - 1;
	nr_probe_first_line(hit, len - (size_t)(hit - buf), value, sizeof(value));
	nr_facts_set(facts, "kernel.hypervisor_detected", nr_json_str_or_null(value));
	nr_facts_evidence(facts, "kernel.hypervisor_detected", nr_artifacts_path(arts, "dmesg"),
	                  value);
}

const struct nr_probe nr_probe_dmesg = {
	.name = "dmesg",
	.summary = "the full kernel ring buffer (dmesg)",
	.arches = NR_ARCH_ANY,
	.collect = dmesg_collect,
	.parse = dmesg_parse,
};
