/* SPDX-License-Identifier: MIT */
/* bench/scrub.sh's driver: streams FILE through the scrubber it is built
 * with (today's, or the one at an older commit: the API is the same) in
 * 64 KiB reads, as an artifact sink would, and prints
 * "<bytes> <wall s> <cpu s> <values scrubbed> <peak RSS KiB>".
 * With --read-only it only reads FILE: the floor. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "scrub.h"

static int sink(void *ud, const void *data, size_t len)
{
	(void)data;
	*(unsigned long long *)ud += len;
	return 0;
}

int main(int argc, char **argv)
{
	static char buf[64 * 1024];
	unsigned long long in = 0, out = 0;
	struct timespec t0, t1, c0, c1;
	int read_only = argc == 3 && strcmp(argv[2], "--read-only") == 0;
	struct rusage ru;
	struct nr_scrub *s;
	ssize_t n;
	int fd, rc = 0;

	if (argc < 2 || argc > 3 || (argc == 3 && !read_only) ||
	    (fd = open(argv[1], O_RDONLY)) < 0) {
		fprintf(stderr, "usage: scrub-driver FILE [--read-only]\n");
		return 2;
	}
	s = nr_scrub_new(sink, &out);
	if (!s)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
	while (rc == 0 && (n = read(fd, buf, sizeof(buf))) > 0) {
		in += (unsigned long long)n;
		if (!read_only)
			rc = nr_scrub_write(s, buf, (size_t)n);
	}
	if (rc == 0)
		rc = nr_scrub_finish(s);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	getrusage(RUSAGE_SELF, &ru);
	printf("%llu %.3f %.3f %zu %ld\n", in,
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
	       (double)(c1.tv_sec - c0.tv_sec) + (double)(c1.tv_nsec - c0.tv_nsec) / 1e9,
	       nr_scrub_count(s), ru.ru_maxrss);
	nr_scrub_free(s);
	close(fd);
	return rc == 0 ? 0 : 1;
}
