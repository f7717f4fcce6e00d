/* SPDX-License-Identifier: MIT */
/* --redact-word: literal words hidden wherever they appear, in any ASCII
 * case.  The list is process-wide, filled by the command layer before any
 * scrubber runs and only read after, so it needs no lock and the option
 * does not have to be threaded through every artifact sink. */
#include "scrub_stream.h"

#include <errno.h>
#include <string.h>

static char redact[NR_SCRUB_WORDS_MAX][NR_SCRUB_WORD_MAX + 1];
static size_t redact_len[NR_SCRUB_WORDS_MAX];
static size_t n_redact;

int nr_scrub_redact_word(const char *word, struct nr_error *err)
{
	size_t n = word ? strlen(word) : 0, i;

	/* the word is a secret: messages never repeat it */
	if (n < NR_SCRUB_WORD_MIN || n > NR_SCRUB_WORD_MAX)
		return nr_error_set(err, EINVAL, "--redact-word wants %d to %d bytes, not %zu",
		                    NR_SCRUB_WORD_MIN, NR_SCRUB_WORD_MAX, n);
	if (strchr(word, '\n'))
		return nr_error_set(err, EINVAL, "--redact-word: a word cannot hold a newline");
	if (n_redact == NR_SCRUB_WORDS_MAX)
		return nr_error_set(err, EINVAL, "--redact-word: at most %d words",
		                    NR_SCRUB_WORDS_MAX);
	for (i = 0; i < n; i++)
		redact[n_redact][i] = nr_scrub_lower(word[i]);
	redact_len[n_redact++] = n;
	return 0;
}

bool nr_scrub_redact_find(const char *w, size_t n, struct nr_scrub_hits *hits)
{
	size_t k, i;
	bool any = false;

	for (k = 0; k < n_redact; k++)
		for (i = 0; i + redact_len[k] <= n; i++) {
			if (nr_scrub_lower(w[i]) != redact[k][0] ||
			    !nr_scrub_ci_prefix(w + i, n - i, redact[k]))
				continue;
			any = true;
			if (!hits)
				return true;
			nr_scrub_hits_add(hits, (uint32_t)i, (uint32_t)(i + redact_len[k]), true);
			i += redact_len[k] - 1;
		}
	return any;
}
