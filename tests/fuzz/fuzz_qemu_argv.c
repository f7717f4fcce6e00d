/* SPDX-License-Identifier: MIT */
/* A QEMU command line as /proc/PID/cmdline holds it (NUL-separated argv),
 * through probes/parse_qemu.c.  The first argv is forced to a QEMU binary
 * name half of the time so the fuzzer reaches the option parser. */
#include "fuzz.h"
#include "parse.h"

#define MAX_ARGS 256

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *argv[MAX_ARGS + 1];
	struct nr_qemu_guest out;
	char *buf = nr_fuzz_cstr(data, size), *p = buf, *end = buf + size;
	size_t argc = 0;
	int i;

	if (size > 0 && (data[0] & 1))
		argv[argc++] = "/usr/bin/qemu-system-x86_64";
	while (p < end && argc < MAX_ARGS) {
		argv[argc++] = p;
		p += strlen(p) + 1;
	}
	argv[argc] = NULL;
	if (nr_qemu_argv_parse(argv, argc, &out) == 0) {
		NR_FUZZ_CLEAN(out.binary);
		NR_FUZZ_CLEAN(out.name);
		NR_FUZZ_CLEAN(out.cpu_model);
		NR_FUZZ_CLEAN(out.machine);
		NR_FUZZ_ASSERT(out.accel_count >= 0 && out.accel_count <= NR_QEMU_MAX_ACCEL,
		               "accel_count out of range");
		NR_FUZZ_ASSERT(out.hostfwd_count >= 0 && out.hostfwd_count <= NR_QEMU_MAX_FWD,
		               "hostfwd_count out of range");
		for (i = 0; i < out.hostfwd_count; i++)
			NR_FUZZ_ASSERT(out.hostfwd[i].host_port > 0 && out.hostfwd[i].host_port < 65536,
			               "hostfwd port out of range");
	}
	free(buf);
	return 0;
}
