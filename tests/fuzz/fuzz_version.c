/* SPDX-License-Identifier: MIT */
/* Version strings from --version outputs (probes/parse_version.c): the
 * first byte picks the prefix a probe would use. */
#include "fuzz.h"
#include "parse.h"

#include <ctype.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const prefixes[] = {
		"QEMU emulator version", "libvirtd (libvirt)", "Using library: libvirt", "", NULL,
	};
	const char *prefix;
	char out[32];
	size_t i;
	int rc;

	if (size == 0)
		return 0;
	prefix = prefixes[data[0] % (sizeof(prefixes) / sizeof(prefixes[0]))];
	rc = nr_version_extract((const char *)data + 1, size - 1, prefix, out, 1 + data[0] % sizeof(out));
	if (rc == 0) {
		NR_FUZZ_ASSERT(isdigit((unsigned char)out[0]), "version does not start with a digit");
		for (i = 0; out[i]; i++)
			NR_FUZZ_ASSERT(isdigit((unsigned char)out[i]) || out[i] == '.',
			               "version holds more than digits and dots");
	}
	return 0;
}
