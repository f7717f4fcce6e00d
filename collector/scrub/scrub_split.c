/* SPDX-License-Identifier: MIT */
/* Where a record of a text stream ends: at '\n' (and '\0'), except inside
 * '...' opened where the shell would open it (a logged argument holding a
 * newline, libvirt's '\'' included) or inside ="..." (an XML attribute,
 * name="value"), which may span lines.  A byte-wise state machine, so it
 * needs no lookahead across writes; plain bytes cost one table lookup. */
#include "scrub_stream.h"

static bool quote_opens(char prev)
{
	return prev == 0 || prev == '=' || prev == '\'' || nr_scrub_is_blank(prev);
}

size_t nr_scrub_split_text(struct nr_scrub_split *sp, const char *p, size_t n)
{
	static const bool plain_stop[256] = {
		['\0'] = 1, ['\n'] = 1, ['\''] = 1, ['"'] = 1,
	};
	size_t i, j;

	for (i = 0; i < n; i++) {
		char c = p[i];

		if (sp->q == NR_SCRUB_Q_OUT && !plain_stop[(unsigned char)c]) {
			/* most bytes: nothing to do but remember the last one */
			for (j = i + 1; j < n && !plain_stop[(unsigned char)p[j]]; j++)
				;
			sp->prev = p[j - 1];
			i = j - 1;
			continue;
		}

		if (c == '\0')
			return i;
		switch (sp->q) {
		case NR_SCRUB_Q_DQ:
			sp->q = c == '"' ? NR_SCRUB_Q_OUT : c == '\\' ? NR_SCRUB_Q_DQB : NR_SCRUB_Q_DQ;
			sp->prev = c;
			continue;
		case NR_SCRUB_Q_DQB:
			sp->q = NR_SCRUB_Q_DQ;
			continue;
		case NR_SCRUB_Q_SQ:
			sp->q = c == '\'' ? NR_SCRUB_Q_SQ1 : NR_SCRUB_Q_SQ;
			continue;
		case NR_SCRUB_Q_SQ1:
			if (c == '\\') {
				sp->q = NR_SCRUB_Q_SQ2;
				continue;
			}
			sp->prev = '\'';        /* the quote closed */
			break;
		case NR_SCRUB_Q_SQ2:
			sp->q = c == '\'' ? NR_SCRUB_Q_SQ3 : NR_SCRUB_Q_OUT;
			if (sp->q == NR_SCRUB_Q_SQ3)
				continue;
			sp->prev = '\\';
			break;
		case NR_SCRUB_Q_SQ3:
			sp->q = c == '\'' ? NR_SCRUB_Q_SQ : NR_SCRUB_Q_OUT;
			if (sp->q == NR_SCRUB_Q_SQ)
				continue;
			sp->prev = '\\';
			break;
		}
		sp->q = NR_SCRUB_Q_OUT;
		if (c == '\n')
			return i;
		if (c == '\'' && quote_opens(sp->prev))
			sp->q = NR_SCRUB_Q_SQ;
		else if (c == '"' && sp->prev == '=')
			sp->q = NR_SCRUB_Q_DQ;
		sp->prev = c;
	}
	return n;
}

struct nr_scrub_split nr_scrub_split_at(const struct nr_scrub_split *sp0, const char *w, size_t cut)
{
	struct nr_scrub_split sp = *sp0;

	nr_scrub_split_text(&sp, w, cut);
	return sp;
}
