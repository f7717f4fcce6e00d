/* SPDX-License-Identifier: MIT */
/* The probe table.  To add a probe: write probes/<family>.c exporting a
 * const struct nr_probe, declare it in probes.h, and list it here.  The
 * order is the order of the manifest and of `nest-report probes`, and of
 * parse(): a parse() may read the facts of a probe listed before it
 * (packages and modules read kernel.release and kernel.cmdline). */
#include "probes.h"

#include <string.h>

const struct nr_probe *const nr_probe_table[] = {
	&nr_probe_kernel,
	&nr_probe_os,
	&nr_probe_cpu,
	&nr_probe_dmesg,
	&nr_probe_kvm,
	&nr_probe_modules,
	&nr_probe_dmi,
	&nr_probe_x86info,
	&nr_probe_cpuid,
	&nr_probe_vmx_msr,
	&nr_probe_s390,
	&nr_probe_pci,
	&nr_probe_devicetree,
	&nr_probe_xen,
	&nr_probe_packages,
	&nr_probe_security,
	&nr_probe_qemu,
	&nr_probe_libvirt,
	NULL,
};

/* Drop-ins, set once by the command layer before any level runs and
 * read-only afterwards, as the table itself is. */
static const struct nr_probe *const *extra;
static size_t n_extra;

size_t nr_probe_count(void)
{
	return sizeof(nr_probe_table) / sizeof(nr_probe_table[0]) - 1;
}

void nr_probe_set_extra(const struct nr_probe *const *probes, size_t n)
{
	extra = probes;
	n_extra = probes ? n : 0;
}

size_t nr_probe_total(void)
{
	return nr_probe_count() + n_extra;
}

const struct nr_probe *nr_probe_at(size_t i)
{
	return i < nr_probe_count() ? nr_probe_table[i] : extra[i - nr_probe_count()];
}

const struct nr_probe *nr_probe_find(const char *name)
{
	size_t i;

	for (i = 0; i < nr_probe_total(); i++)
		if (strcmp(nr_probe_at(i)->name, name) == 0)
			return nr_probe_at(i);
	return NULL;
}

bool nr_probe_name_reserved(const char *name)
{
	size_t i;

	if (strcmp(name, "detect") == 0)
		return true;
	for (i = 0; nr_probe_table[i]; i++)
		if (strcmp(nr_probe_table[i]->name, name) == 0)
			return true;
	return false;
}
