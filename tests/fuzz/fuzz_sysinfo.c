/* SPDX-License-Identifier: MIT */
/* s390's /proc/sysinfo (probes/parse_sysinfo.c) on arbitrary bytes. */
#include "fuzz.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nr_sysinfo out;
	int i;

	(void)nr_sysinfo_parse((const char *)data, size, &out);
	NR_FUZZ_CLEAN(out.manufacturer);
	NR_FUZZ_CLEAN(out.type);
	NR_FUZZ_CLEAN(out.lpar_name);
	NR_FUZZ_ASSERT(out.vm_count >= 0 && out.vm_count <= NR_SYSINFO_MAX_VM, "vm_count out of range");
	for (i = 0; i < out.vm_count; i++) {
		NR_FUZZ_CLEAN(out.vm[i].name);
		NR_FUZZ_CLEAN(out.vm[i].control_program);
		NR_FUZZ_ASSERT(i == 0 || out.vm[i - 1].index <= out.vm[i].index, "VM blocks not sorted");
	}
	return 0;
}
