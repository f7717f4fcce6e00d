/* SPDX-License-Identifier: MIT */
/* The whole bundle reader (collector/bundle/bundle_read.c), archive bytes
 * in, as verify, show and diff read a stranger's bundle: open, then every
 * member to the end.  Caps are small so the fuzzer explores structure, not
 * size.  Oracle: what the reader hands out respects its own promises
 * (canonical relative member paths, sizes within the caps). */
#include "fuzz.h"
#include "bundle/bundle_read.h"
#include "util/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nr_bundle_limits lim;
	struct nr_bundle_reader *r;
	struct nr_bundle_member m;
	struct nr_error err;
	uint64_t total = 0;
	char path[64], buf[4096];
	int fd = nr_fuzz_file(data, size, path, sizeof(path)), rc;

	nr_bundle_limits_default(&lim);
	lim.member_max = 1 << 20;
	lim.total_max = 4 << 20;
	lim.manifest_max = 1 << 20;
	lim.members_max = 256;
	r = nr_bundle_open(path, &lim, &err);
	while (r && (rc = nr_bundle_next(r, &m, &err)) > 0) {
		ssize_t n;

		NR_FUZZ_ASSERT(m.path[0] != '/' && !strstr(m.path, "..") && m.size <= lim.member_max,
		               "the reader handed out a member it should have refused");
		while ((n = nr_bundle_read(r, buf, sizeof(buf), &err)) > 0)
			total += (uint64_t)n;
		if (n < 0)
			break;
		NR_FUZZ_ASSERT(total <= lim.total_max, "read more than the total cap");
	}
	nr_bundle_close(r);
	close(fd);
	return 0;
}
