/* SPDX-License-Identifier: MIT */
/* lscpu's "Key: value" output (probes/parse_lscpu.c) on arbitrary bytes. */
#include "fuzz.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nr_lscpu out;

	(void)nr_lscpu_parse((const char *)data, size, &out);
	NR_FUZZ_CLEAN(out.architecture);
	NR_FUZZ_CLEAN(out.vendor);
	NR_FUZZ_CLEAN(out.model_name);
	NR_FUZZ_CLEAN(out.hypervisor);
	NR_FUZZ_CLEAN(out.hypervisor_vendor);
	NR_FUZZ_CLEAN(out.virt_type);
	NR_FUZZ_CLEAN(out.virtualization);
	NR_FUZZ_CLEAN(out.dispatching_mode);
	NR_FUZZ_ASSERT(out.cpus >= 0, "negative cpu count");
	return 0;
}
