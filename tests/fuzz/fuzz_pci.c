/* SPDX-License-Identifier: MIT */
/* /proc/bus/pci/devices (probes/parse_pci.c) on arbitrary bytes. */
#include "fuzz.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nr_pci out;

	(void)nr_pci_parse((const char *)data, size, &out);
	NR_FUZZ_CLEAN(out.hypervisor);
	NR_FUZZ_ASSERT(out.devices >= 0, "negative device count");
	NR_FUZZ_ASSERT(out.vendor <= 0xffff && out.device <= 0xffff, "PCI id over 16 bits");
	return 0;
}
