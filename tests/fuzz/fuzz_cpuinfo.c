/* SPDX-License-Identifier: MIT */
/* /proc/cpuinfo (probes/parse_cpuinfo.c) on arbitrary bytes. */
#include "fuzz.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nr_cpuinfo out;

	(void)nr_cpuinfo_parse((const char *)data, size, &out);
	NR_FUZZ_CLEAN(out.vendor);
	NR_FUZZ_CLEAN(out.model);
	NR_FUZZ_CLEAN(out.platform);
	NR_FUZZ_CLEAN(out.machine);
	NR_FUZZ_CLEAN(out.isa);
	NR_FUZZ_CLEAN(out.arch_hint);
	NR_FUZZ_CLEAN(out.machine_name);
	NR_FUZZ_ASSERT(out.ncpus >= 0, "negative cpu count");
	return 0;
}
