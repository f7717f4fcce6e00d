/* SPDX-License-Identifier: MIT */
#include "shell_quote.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int nr_shell_quote_append(char *out, size_t outlen, size_t *len, const char *arg)
{
	size_t n = *len, need = strlen(arg) + 3 + (n > 0);
	const char *p;

	/* Each quote inside becomes '\'' : three more bytes. */
	for (p = arg; *p; p++)
		need += *p == '\'' ? 3 : 0;
	if (n >= outlen || need > outlen - n)
		return -ENOSPC;
	if (n > 0)
		out[n++] = ' ';
	out[n++] = '\'';
	for (p = arg; *p; p++) {
		if (*p == '\'') {
			memcpy(out + n, "'\\''", 4);
			n += 4;
		} else {
			out[n++] = *p;
		}
	}
	out[n++] = '\'';
	out[n] = '\0';
	*len = n;
	return 0;
}

char *nr_shell_join(const char *const *argv, size_t cap)
{
	size_t need = 1, len = 0, i;
	char *out;

	for (i = 0; argv[i]; i++)
		need += strlen(argv[i]) * 4 + 3;
	if (need > cap)
		return NULL;
	out = malloc(need);
	if (!out)
		return NULL;
	out[0] = '\0';
	for (i = 0; argv[i]; i++)
		if (nr_shell_quote_append(out, need, &len, argv[i]) < 0) {
			free(out);
			return NULL;
		}
	return out;
}
