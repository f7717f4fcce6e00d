/* SPDX-License-Identifier: MIT */
/* Firmware and platform: DMI (sysfs identity files, readable by anyone, and
 * the full `dmidecode`, which needs root) and `x86info -a` on x86. */
#include "level/facts.h"
#include "probes.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char *const dmi_ids[] = { "sys_vendor", "product_name", "bios_vendor",
	                               "bios_version", "board_vendor", "chassis_vendor" };
#define N_DMI_IDS (sizeof(dmi_ids) / sizeof(dmi_ids[0]))

/* dmidecode failed: is it because the machine has no DMI table at all
 * (Firecracker, many ARM boards, some hypervisors)?  Then there is nothing
 * to install or re-run, and a note says so in words the evidence rule
 * (evidence-no-dmi-table) looks for.  The kernel exports the SMBIOS entry
 * point when the firmware has one; dmidecode says it found none. */
static void dmi_table_absent(struct nr_probe_ctx *ctx)
{
	static const char entry[] = "/sys/firmware/dmi/tables/smbios_entry_point";
	static const char sorry[] = "No SMBIOS nor DMI entry point found";
	bool exists = true, chr = false, rw = false;
	const char *out;
	size_t len;

	out = nr_probe_output(ctx, "dmidecode", &len);
	if (out && memmem(out, len, sorry, sizeof(sorry) - 1))
		nr_probe_note(ctx, NR_DMI_NO_TABLE " (dmidecode: %s)", sorry);
	else if (nr_probe_path_info(ctx, entry, &exists, &chr, &rw) == 0 && !exists)
		nr_probe_note(ctx, NR_DMI_NO_TABLE " (no %s)", entry);
}

static int dmi_collect(struct nr_probe_ctx *ctx)
{
	static const char *const argv[] = { "dmidecode", NULL };
	char paths[N_DMI_IDS][128], artifacts[N_DMI_IDS][64];
	struct nr_probe_file_spec files[N_DMI_IDS];
	size_t i;
	int rc, exit_code = -1;

	/* Small text files: one batch (one request over SSH). */
	for (i = 0; i < N_DMI_IDS; i++) {
		snprintf(paths[i], sizeof(paths[i]), "/sys/class/dmi/id/%s", dmi_ids[i]);
		snprintf(artifacts[i], sizeof(artifacts[i]), "id-%s", dmi_ids[i]);
		files[i] = (struct nr_probe_file_spec){ artifacts[i], paths[i], 0 };
	}
	rc = nr_probe_files(ctx, files, N_DMI_IDS);
	if (rc == -ETIMEDOUT)
		return rc;
	if (!nr_probe_has(ctx, "dmidecode"))
		return nr_probe_skip(ctx, "dmidecode not installed; DMI identity from sysfs only");
	if (nr_probe_is_root(ctx) != 1)
		return nr_probe_skip(ctx, "dmidecode needs root; re-run with sudo (DMI identity "
		                          "from sysfs only)");
	rc = nr_probe_cmd(ctx, "dmidecode", argv, &exit_code);
	/* Without a DMI table dmidecode exits 1 after its header ("Scanning
	 * /dev/mem for entry point."): the output is kept, since it says what
	 * was tried, but the table the kernel document asks for is missing,
	 * and the probe fails saying so. */
	if (rc == 0 && exit_code != 0) {
		nr_probe_cmd_failed(ctx, "dmidecode");
		dmi_table_absent(ctx);
	}
	return rc;
}

static void dmi_parse(const struct nr_artifacts *arts, json_object *facts)
{
	static const char *const keep[] = { "sys_vendor", "product_name", "bios_vendor" };
	char artifact[64], fact[64], value[128];
	const char *buf;
	size_t i, len;

	for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		snprintf(artifact, sizeof(artifact), "id-%s", keep[i]);
		buf = nr_artifacts_get(arts, artifact, &len);
		if (!buf)
			continue;
		nr_probe_first_line(buf, len, value, sizeof(value));
		snprintf(fact, sizeof(fact), "firmware.%s", keep[i]);
		nr_facts_set(facts, fact, nr_json_str_or_null(value));
		if (value[0])
			nr_facts_evidence(facts, fact, nr_artifacts_path(arts, artifact), value);
	}
}

const struct nr_probe nr_probe_dmi = {
	.name = "dmi",
	.summary = "firmware identity: /sys/class/dmi/id and dmidecode (root)",
	.arches = NR_ARCH_X86 | NR_ARCH_ARM | NR_ARCH_LOONGARCH | NR_ARCH_RISCV,
	.collect = dmi_collect,
	.parse = dmi_parse,
};

static int x86info_collect(struct nr_probe_ctx *ctx)
{
	static const char *const argv[] = { "x86info", "-a", NULL };

	if (!nr_probe_has(ctx, "x86info"))
		return nr_probe_skip(ctx, "x86info not installed (Debian/Fedora package x86info)");
	/* It reads /dev/cpu/N/cpuid and MSRs: without root it prints little. */
	if (nr_probe_is_root(ctx) != 1)
		return nr_probe_skip(ctx, "x86info -a needs root; re-run with sudo");
	return nr_probe_cmd(ctx, "x86info-a", argv, NULL);
}

const struct nr_probe nr_probe_x86info = {
	.name = "x86info",
	.summary = "x86info -a: CPUID and MSR dump (x86, root)",
	.arches = NR_ARCH_X86,
	.timeout_s = 20,
	.collect = x86info_collect,
};
