/* SPDX-License-Identifier: MIT */
/* Version comparison for the findings: see version_cmp.h. */
#include "version_cmp.h"

#include <errno.h>
#include <stddef.h>

#define MAX_DIGITS 9

int nr_version_parse(const char *s, unsigned long parts[NR_VERSION_PARTS])
{
	int n = 0;

	for (n = 0; n < NR_VERSION_PARTS; n++)
		parts[n] = 0;
	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	for (n = 0; n < NR_VERSION_PARTS;) {
		int digits = 0;

		while (*s >= '0' && *s <= '9') {
			if (++digits > MAX_DIGITS)
				return -EINVAL;
			parts[n] = parts[n] * 10 + (unsigned long)(*s - '0');
			s++;
		}
		n++;
		/* A dot continues the number only when a digit follows it:
		 * "5.3." and "5.3.x" are 5.3. */
		if (s[0] != '.' || s[1] < '0' || s[1] > '9')
			break;
		s++;
	}
	return n;
}

int nr_version_compare(const char *a, const char *b, int *cmp)
{
	unsigned long pa[NR_VERSION_PARTS], pb[NR_VERSION_PARTS];
	int i;

	if (nr_version_parse(a, pa) < 0 || nr_version_parse(b, pb) < 0)
		return -EINVAL;
	for (i = 0; i < NR_VERSION_PARTS; i++)
		if (pa[i] != pb[i]) {
			*cmp = pa[i] < pb[i] ? -1 : 1;
			return 0;
		}
	*cmp = 0;
	return 0;
}

int nr_version_older(const char *have, const char *ref)
{
	int cmp;

	if (nr_version_compare(have, ref, &cmp) < 0)
		return -1;
	return cmp < 0;
}

int nr_version_same_series(const char *a, const char *b)
{
	unsigned long pa[NR_VERSION_PARTS], pb[NR_VERSION_PARTS];

	if (nr_version_parse(a, pa) < 0 || nr_version_parse(b, pb) < 0)
		return -1;
	return pa[0] == pb[0] && pa[1] == pb[1];
}
