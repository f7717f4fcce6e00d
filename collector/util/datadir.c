/* SPDX-License-Identifier: MIT */
#include "datadir.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Defaults for a compile outside the Makefile (a unit test, an IDE). */
#ifndef NR_DATADIR
#define NR_DATADIR "/usr/local/share/nest-report"
#endif
#ifndef NR_BINDIR_REL
#define NR_BINDIR_REL "bin"
#endif
#ifndef NR_DATADIR_REL
#define NR_DATADIR_REL "share/nest-report"
#endif

const char *nr_datadir_compiled(void)
{
	return NR_DATADIR;
}

/* The prefix the binary runs from: its directory with NR_BINDIR_REL taken
 * off the end, or -1 when it does not end so (or BINDIR was not below
 * PREFIX, so there is no relative path to go by). */
static int runtime_prefix(char *out, size_t outlen)
{
	const char *rel = NR_BINDIR_REL;
	size_t rlen = strlen(rel), n;
	ssize_t got;
	char *slash;

	if (rel[0] == '/' || rlen == 0 || NR_DATADIR_REL[0] == '/')
		return -1;
	got = readlink("/proc/self/exe", out, outlen - 1);
	if (got <= 0 || (size_t)got >= outlen - 1)
		return -1;
	out[got] = '\0';
	slash = strrchr(out, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	n = strlen(out);
	if (n <= rlen || strcmp(out + n - rlen, rel) != 0 || out[n - rlen - 1] != '/')
		return -1;
	out[n - rlen - 1] = '\0';
	return 0;
}

size_t nr_datadir_candidates(char (*out)[4096], size_t max)
{
	char prefix[4096];
	size_t n = 0;
	int w;

	if (n < max && runtime_prefix(prefix, sizeof(prefix)) == 0) {
		w = snprintf(out[n], sizeof(out[n]), "%s/%s", prefix, NR_DATADIR_REL);
		if (w > 0 && (size_t)w < sizeof(out[n]))
			n++;
	}
	if (n < max && (n == 0 || strcmp(out[0], NR_DATADIR) != 0)) {
		snprintf(out[n], sizeof(out[n]), "%s", NR_DATADIR);
		n++;
	}
	return n;
}
