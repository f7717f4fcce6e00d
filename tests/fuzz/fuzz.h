/* SPDX-License-Identifier: MIT */
/* Shared helpers for the libFuzzer harnesses (tests/fuzz/README.md).
 *
 * Each harness is one untrusted input nest-report reads: a parser's
 * buffer, a file it loads by path, or a whole bundle.  The helpers give
 * the fuzzer's bytes the shape each entry point takes: a NUL-terminated
 * copy, or a path naming a memory file that holds them. */
#ifndef NR_FUZZ_H
#define NR_FUZZ_H

#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <stdio.h>

#include "util/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A malloc'd NUL-terminated copy of data (embedded NULs kept: callers that
 * take C strings see the prefix, as they would from a real file). */
static inline char *nr_fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* The bytes as a regular file: a memfd, named by /proc/self/fd/N in path.
 * Returns the fd (close it after use). */
static inline int nr_fuzz_file(const uint8_t *data, size_t size, char *path, size_t pathlen)
{
	int fd = memfd_create("nr-fuzz", 0);
	size_t off = 0;

	if (fd < 0)
		abort();
	while (off < size) {
		ssize_t n = write(fd, data + off, size - off);

		if (n <= 0)
			abort();
		off += (size_t)n;
	}
	snprintf(path, pathlen, "/proc/self/fd/%d", fd);
	return fd;
}

/* A planted-secret oracle fails loudly: a leak is a crash for libFuzzer. */
#define NR_FUZZ_ASSERT(cond, what)                                                     \
	do {                                                                           \
		if (!(cond)) {                                                         \
			fprintf(stderr, "nr-fuzz oracle: %s\n", what);                 \
			abort();                                                       \
		}                                                                      \
	} while (0)

#endif

/* parse.h's promise: every string a parser fills is valid UTF-8 without
 * control characters, NUL-terminated inside its array. */
#define NR_FUZZ_CLEAN(field)                                                           \
	NR_FUZZ_ASSERT(memchr((field), '\0', sizeof(field)) &&                         \
	                       nr_utf8_clean_p((field), strlen(field)) &&              \
	                       !strchr((field), '\n'),                                 \
	               #field " is not clean text")
