/* SPDX-License-Identifier: MIT */
/* ECMA-262 patterns (JSON Schema's "pattern") on POSIX extended regexes;
 * see jschema.h for the subset.  Internal to the schema validator. */
#ifndef NR_JSCHEMA_REGEX_H
#define NR_JSCHEMA_REGEX_H

#include <regex.h>
#include <stdbool.h>

#include "util/error.h"

#define NR_JREGEX_LOOKS 4

struct nr_jregex {
	regex_t main;
	regex_t must[NR_JREGEX_LOOKS];       /* (?=X) after '^' */
	regex_t must_not[NR_JREGEX_LOOKS];   /* (?!X) after '^' */
	int n_must, n_must_not;
	bool main_ok;
};

/* Compile pattern; 0, or -EINVAL with the reason. */
int nr_jregex_compile(struct nr_jregex *re, const char *pattern, struct nr_error *err);

/* Whether s matches (search semantics, as JSON Schema wants). */
bool nr_jregex_match(const struct nr_jregex *re, const char *s);

void nr_jregex_free(struct nr_jregex *re);

/* Translate an ECMA pattern body (no lookaheads) to POSIX ERE; exposed for
 * the unit tests.  0, or -EINVAL. */
int nr_jregex_translate(const char *ecma, size_t len, char *out, size_t outlen);

#endif
