/* SPDX-License-Identifier: MIT */
/* A kernel module parameter's value (probes/parse_modparam.c). */
#include "fuzz.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum nr_tri t = nr_modparam_bool((const char *)data, size);

	NR_FUZZ_ASSERT(t == NR_TRI_UNKNOWN || t == NR_TRI_FALSE || t == NR_TRI_TRUE,
	               "not a tri-state");
	return 0;
}
