/* SPDX-License-Identifier: MIT */
/* The full kernel ring buffer.  Restricted kernels (dmesg_restrict=1) refuse
 * it to non-root users: that is a skip with advice, not a failure. */
#include "level/facts.h"
#include "parse_text.h"
#include "probes.h"

#include <errno.h>
#include <stdbool.h>
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
 * (VBOX) or Hyper-V (VRTUAL) elsewhere.  hit..end is the rest of the line. */
static void dmesg_parse_acpi(const char *hit, const char *end, const char *path, json_object *facts)
{
	const char *open, *oem;
	char value[16];
	size_t n;

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

/* The boot lines come first: a "Linux version" line in the first 64 KiB
 * says the log reaches back to boot. */
#define BOOT_WINDOW 65536

/* The lines of SELinux and AppArmor denials kept for their parser. */
#define DENIALS_MAX (1024 * 1024)

struct dmesg_scan {
	const char *path;
	json_object *facts;
	bool boot, acpi, hypervisor;
	char *denials;
	size_t denials_len;
};

static int dmesg_line(void *ud, const char *line, size_t len, uint64_t offset)
{
	static const char acpi[] = "ACPI: RSDP ", hv[] = "Hypervisor detected: ";
	struct dmesg_scan *s = ud;
	const char *hit, *end = line + len;
	char value[64];

	if (!s->boot && offset < BOOT_WINDOW && memmem(line, len, "Linux version ", 14)) {
		s->boot = true;
		nr_facts_set(s->facts, "kernel.dmesg_captured", json_object_new_boolean(1));
		nr_facts_evidence(s->facts, "kernel.dmesg_captured", s->path, "kernel log from boot");
	}
	if (!s->acpi && (hit = memmem(line, len, acpi, sizeof(acpi) - 1))) {
		s->acpi = true;
		dmesg_parse_acpi(hit, end, s->path, s->facts);
	}
	/* "Hypervisor detected: KVM" is what the x86 kernel printed at boot
	 * from the CPUID hypervisor leaf: the strongest evidence of who runs us. */
	if (!s->hypervisor && (hit = memmem(line, len, hv, sizeof(hv) - 1))) {
		s->hypervisor = true;
		hit += sizeof(hv) - 1;
		nr_probe_first_line(hit, (size_t)(end - hit), value, sizeof(value));
		nr_facts_set(s->facts, "kernel.hypervisor_detected", nr_json_str_or_null(value));
		nr_facts_evidence(s->facts, "kernel.hypervisor_detected", s->path, value);
	}
	/* With no audit daemon, the kernel logs SELinux and AppArmor denials:
	 * their lines are kept (bounded) for the security probe's parser. */
	if ((memmem(line, len, "avc:", 4) || memmem(line, len, "apparmor=", 9)) &&
	    s->denials_len + len + 1 <= DENIALS_MAX) {
		memcpy(s->denials + s->denials_len, line, len);
		s->denials_len += len;
		s->denials[s->denials_len++] = '\n';
	}
	return false;
}

/* Line by line through a window: a dmesg runs to hundreds of MB. */
static void dmesg_parse(const struct nr_artifacts *arts, json_object *facts)
{
	struct dmesg_scan s = { nr_artifacts_path(arts, "dmesg"), facts, false, false, false,
		                malloc(DENIALS_MAX), 0 };

	if (s.denials && nr_artifacts_lines(arts, "dmesg", dmesg_line, &s) == 0)
		nr_security_add_denials(s.denials, s.denials_len, "kernel log", s.path, facts);
	free(s.denials);
}

const struct nr_probe nr_probe_dmesg = {
	.name = "dmesg",
	.summary = "the full kernel ring buffer (dmesg)",
	.arches = NR_ARCH_ANY,
	.collect = dmesg_collect,
	.parse = dmesg_parse,
};
