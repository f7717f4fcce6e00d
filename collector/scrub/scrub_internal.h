/* SPDX-License-Identifier: MIT */
/* The scrubber's internals, shared by scrub.c (records, fragments and the
 * API), scrub_scan.c (byte tests, output, quote tracking) and
 * scrub_rules.c (the secret forms: key=value, JSON, URL userinfo, XML).
 * Not an API: see scrub.h for that. */
#ifndef NR_SCRUB_INTERNAL_H
#define NR_SCRUB_INTERNAL_H

#include "scrub.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MARKER_LEN (sizeof(NR_SCRUB_MARKER) - 1)
#define NOMATCH SIZE_MAX

/* How a record was ended decides how values inside it end: an argv element
 * ('\0', as in /proc/PID/cmdline) is one argument, so a space belongs to the
 * value; a line (log, XML) separates arguments with spaces and shell quotes. */
enum mode { MODE_LINE, MODE_ARG };

/* What ends a bare key=value value (',' always does, ",," never does). */
enum {
	T_COLON = 1u << 0,      /* rbd filename: "key=...:mon_host=" */
	T_WS = 1u << 1,         /* unquoted word of a log line */
	T_SQ = 1u << 2,         /* inside '...' */
	T_DQ = 1u << 3,         /* inside "..." */
	T_LT = 1u << 4,         /* XML text in a line */
};

enum cont_kind { CONT_NONE, CONT_OPT, CONT_QUOTED, CONT_JSON };

/* How far a JSON "key": "value" member got: before ':', before the opening
 * quote, inside the string. */
enum json_phase { J_COLON, J_OPEN, J_STR };

/* A secret value that a forced cut may leave open. */
struct cont {
	enum cont_kind kind;
	unsigned term;          /* CONT_OPT: T_* that end the value */
	char quote;             /* CONT_QUOTED: the closing quote */
	enum json_phase phase;  /* CONT_JSON */
	bool level1;            /* CONT_JSON: member of a JSON text escaped
	                           inside another JSON string (\"key\") */
	size_t run;             /* CONT_JSON: backslashes just before the cut */
	bool marked;            /* the marker for this value is already out */
};

/* Everything a forced cut hands from one fragment to the next. */
struct carry {
	struct cont value;
	char sh;                /* shell quote open at the cut */
	bool js;                /* JSON string open at the cut */
	bool word_secret;       /* the comma-list open at the cut is a secret's */
};

enum xml_state {
	X_NONE,
	X_OPEN,                 /* inside the "<secret ...>" start tag */
	X_TEXT,                 /* inside the element, between tags */
	X_TAG,                  /* inside some other tag within the element */
};

struct xml {
	enum xml_state st;
	char quote;             /* attribute value quote we are in, or 0 */
	char prev;              /* previous tag byte, to see "/>" */
	bool first;             /* X_TAG: next byte is the one after '<' */
	bool closing;           /* X_TAG: "</..." */
	bool special;           /* X_TAG: "<!..." or "<?..." */
	unsigned depth;         /* child elements open inside <secret> */
	bool marked;            /* the marker for this element is already out */
	size_t seen;            /* bytes since "<secret", see xml_step() */
};

struct nr_scrub {
	nr_scrub_out_fn out;
	void *ud;
	char *buf;              /* the record being gathered */
	size_t len;
	size_t count;
	int err;                /* first error from out, sticky */
	bool seen_nul;          /* stream is argv-like: forced cuts use MODE_ARG */
	bool final_is_arg;      /* nr_scrub_string(): the input is one argument */
	struct carry carry;
	struct xml xml;
};

/* One pass over one fragment of a record. */
struct scan {
	struct nr_scrub *s;
	const char *r;
	size_t n;
	enum mode mode;
	bool forced;            /* r ends at a forced cut, not at a record end */
	size_t i;               /* next byte to look at */
	size_t done;            /* r[0,done) is already emitted or dropped */
	char sh;                /* shell quote we are in (MODE_LINE) or 0 */
	bool js;                /* inside a JSON string */
	bool bs;                /* previous byte was an escaping backslash */
	size_t wlo, whi;        /* last comma-list word looked at: r[wlo,whi) */
	bool wset, wsecret;
	bool carry_word;        /* the word at r[0] continues a secret's list */
	struct cont next;       /* value left open at a forced cut */
};

/* Every byte test is ASCII-only on purpose: <ctype.h> is undefined for
 * negative chars (binary junk) and depends on the locale. */
static inline bool is_ws(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\v' || ch == '\f';
}

static inline bool is_alnum(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9');
}

static inline char lower(char ch)
{
	return ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
}

/* scrub_scan.c */
bool nr_scrub_ci_prefix(const char *p, size_t len, const char *word);
bool nr_scrub_ci_equal(const char *p, size_t len, const char *word);
size_t nr_scrub_skip_ws(const char *r, size_t p, size_t n);
void nr_scrub_out_raw(struct nr_scrub *s, const void *p, size_t len);
bool nr_scrub_hide(struct scan *c, size_t from, size_t to, bool marked);
void nr_scrub_value_span(struct scan *c, size_t from, size_t to, struct cont k);
void nr_scrub_track(struct scan *c, char ch);
unsigned nr_scrub_value_term(const struct scan *c, bool colon);

/* scrub_rules.c */
size_t nr_scrub_opt_value_end(const char *r, size_t p, size_t n, unsigned term);
size_t nr_scrub_quoted_end(const char *r, size_t p, size_t n, char q);
bool nr_scrub_is_word_delim(char ch);
bool nr_scrub_word_secret(struct scan *c, size_t i);
bool nr_scrub_try_opt(struct scan *c);
size_t nr_scrub_json_run(struct scan *c, size_t p, struct cont *k);
bool nr_scrub_try_json(struct scan *c);
bool nr_scrub_try_url(struct scan *c);
bool nr_scrub_try_secret_tag(struct scan *c);
bool nr_scrub_xml_step(struct scan *c);

#endif
