/* SPDX-License-Identifier: MIT */
/* Quoting for the remote login shell: the one place where an argument
 * becomes shell text.  Every remote command is built from a constant script
 * and arguments passed through nr_shell_quote, never by pasting. */
#ifndef NR_SHELL_QUOTE_H
#define NR_SHELL_QUOTE_H

#include <stddef.h>

/* Append the POSIX-shell quoted form of arg ('...' with ' as '\'') plus a
 * leading space when *len > 0.  Returns 0, or -ENOSPC when it does not fit
 * (out is then left as it was). */
int nr_shell_quote_append(char *out, size_t outlen, size_t *len, const char *arg);

/* Join argv into one quoted command line in a new malloc'd string, or NULL
 * (ENOMEM, or longer than cap). */
char *nr_shell_join(const char *const *argv, size_t cap);

#endif
