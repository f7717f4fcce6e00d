/* SPDX-License-Identifier: MIT */
/* The full kernel ring buffer.  Restricted kernels (dmesg_restrict=1) refuse
 * it to non-root users: that is a skip with advice, not a failure. */
#include "level/facts.h"
#include "parse_text.h"
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

/* "ACPI: RSDP 0x00000000000E0000 000024 (v02 FIRECK)": the firmware's OEM
 * ID names a microVM that has no DMI at all (Firecracker: FIRECK,
 * cloud-hypervisor: CLOUDH), and QEMU's firmware (BOCHS), VirtualBox
 * (VBOX) or Hyper-V (VRTUAL) elsewhere. */
static void dmesg_parse_acpi(const char *buf, size_t len, const char *path, json_object *facts)
{
	static const char needle[] = "ACPI: RSDP ";
	const char *hit = memmem(buf, len, needle, sizeof(needle) - 1), *end, *open, *oem;
	char value[16];
	size_t n;

	if (!hit)
		return;
	end = memchr(hit, '\n', len - (size_t)(hit - buf));
	if (!end)
		end = buf + len;
	open = memmem(hit, (size_t)(end - hit), "(v", 2);
	if (!open || !(oem = memchr(open, ' ', (size_t)(end - open))))
		return;
	oem++;
	for (n = 0; oem + n < end && oem[n] != ')' && oem[n] != ' ' && n < 6; n++)
		;
	if (n == 0)
		return;
	nr_span_copy((struct nr_span){ oem, n }, value, sizeof(value));
	nr_facts_set(facts, "kernel.acpi_oem", json_object_new_string(value));
	nr_facts_evidence(facts, "kernel.acpi_oem", path, value);
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
	/* Captured from boot only if the ring buffer has not wrapped: the
	 * absence of a boot line proves nothing once it has. */
	if (memmem(buf, len < 65536 ? len : 65536, "Linux version ", 14)) {
		nr_facts_set(facts, "kernel.dmesg_captured", json_object_new_boolean(1));
		nr_facts_evidence(facts, "kernel.dmesg_captured", nr_artifacts_path(arts, "dmesg"),
		                  "kernel log from boot");
	}
	dmesg_parse_acpi(buf, len, nr_artifacts_path(arts, "dmesg"), facts);
	/* With no audit daemon, the kernel logs SELinux and AppArmor denials. */
	nr_security_add_denials(buf, len, "kernel log", nr_artifacts_path(arts, "dmesg"), facts);
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
