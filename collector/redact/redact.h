/* SPDX-License-Identifier: MIT */
/* Redaction: identities replaced by consistent placeholders, so a bundle
 * can be attached to a public bug tracker (docs/redaction.md).
 *
 * A redactor holds the identity map of one run: every identity it knows
 * (learnt up front, or met in the text) and its placeholder.  The map is
 * consistent: an identity gets one placeholder, in every artifact and level,
 * the manifest and summary.txt; placeholders keep their kind (host-1,
 * user-1, domain-1.example, 198.18.1.10, fd00:254:0:1::1, 52:54:00:00:00:01,
 * 00000000-0000-4000-8000-000000000001).
 *
 * Identities come from two places:
 *   - learnt before any text is redacted (nr_redact_learn*, learn.c,
 *     seed.c): the levels' hostnames, FQDNs and domains, user names, DMI
 *     serial numbers, addresses, and the words the user adds.  Learnt words
 *     are replaced wherever they stand as a word (case-insensitively, never
 *     inside a longer word: "ken" is not replaced in "kernel");
 *   - shapes recognised in the text (shapes.c): IPv4 and IPv6 addresses,
 *     MAC addresses, UUIDs, names under a learnt domain and /home/NAME.
 *     Loopback, link-local IPv4, multicast, unspecified and the
 *     documentation ranges are left readable; a MAC keeps its OUI.
 *
 * Text is redacted as a stream (stream.c) in a sliding window: memory is
 * bounded whatever the input, and the output does not depend on how the
 * input is split across writes.  Single-threaded: a redactor belongs to
 * one thread at a time.  Nothing here prints.
 */
#ifndef NR_REDACT_H
#define NR_REDACT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "util/error.h"

/* What the manifest records as "redaction.version": bump it when the same
 * input would be redacted differently. */
#define NR_REDACT_VERSION 1

/* Caps: the map (a hostile input could hold millions of distinct
 * addresses; past the cap every new one gets its kind's overflow
 * placeholder, still redacted, and the manifest counts them), a word, and
 * a words file. */
#define NR_REDACT_MAX_IDS (1u << 18)
#define NR_REDACT_WORD_MAX 255
#define NR_REDACT_WORDS_FILE_MAX (1u << 20)
#define NR_REDACT_MAP_FILE_MAX (256u << 20)

enum nr_ident_kind {
	NR_ID_HOST,
	NR_ID_DOMAIN,
	NR_ID_USER,
	NR_ID_SERIAL,
	NR_ID_WORD,
	NR_ID_IPV4,
	NR_ID_IPV6,
	NR_ID_MAC,
	NR_ID_UUID,
	NR_ID_KINDS
};

/* "host", "domain", "user", "serial", "word", "ipv4", "ipv6", "mac", "uuid" */
const char *nr_ident_kind_name(enum nr_ident_kind k);

struct nr_redactor;

/* NULL when out of memory. */
struct nr_redactor *nr_redactor_new(void);
void nr_redactor_free(struct nr_redactor *r);     /* accepts NULL */

/* Learn an identity of a word kind (host, domain, user, serial).  Values
 * too generic to identify anyone (too short, a distribution's default
 * hostname, "To Be Filled By O.E.M.", nest-report's own vocabulary ...)
 * are ignored.  Returns 1 learnt or already known, 0 ignored, -ENOMEM. */
int nr_redact_learn(struct nr_redactor *r, enum nr_ident_kind kind, const char *value);

/* A name as hosts are named: an IPv4/IPv6 address, a bare hostname, or an
 * FQDN (its first label is a host, the rest and its parents down to two
 * labels are domains).  Same returns. */
int nr_redact_learn_name(struct nr_redactor *r, const char *name);

/* An address or MAC seen on a level: always replaced, even where the text
 * around it would make a shape look like something else (a version). */
int nr_redact_learn_shape(struct nr_redactor *r, const char *value);

/* A word the user adds (--redact-word): 3 to 255 bytes, starting and
 * ending with a letter or digit, no control characters, and not one of
 * the words the report's structure is made of.  -EINVAL with err saying
 * why. */
int nr_redact_add_word(struct nr_redactor *r, const char *word, struct nr_error *err);

/* One word a line; blank lines and lines starting with '#' are skipped;
 * the file is capped at NR_REDACT_WORDS_FILE_MAX. */
int nr_redact_add_words_file(struct nr_redactor *r, const char *path, struct nr_error *err);

/* Identities known, per kind; replacements made so far; values that got
 * an overflow placeholder because the map was full. */
size_t nr_redact_ident_count(const struct nr_redactor *r, enum nr_ident_kind k);
size_t nr_redact_replacements(const struct nr_redactor *r);
size_t nr_redact_overflowed(const struct nr_redactor *r);

/* ---- text (stream.c) ---- */

/* Receives redacted output; a negative errno aborts the stream and is
 * returned by every later call. */
typedef int (*nr_redact_out_fn)(void *ud, const void *data, size_t len);

struct nr_redact_stream;

struct nr_redact_stream *nr_redact_stream_new(struct nr_redactor *r, nr_redact_out_fn out,
                                              void *ud);
int nr_redact_stream_write(struct nr_redact_stream *s, const void *data, size_t len);
int nr_redact_stream_finish(struct nr_redact_stream *s);   /* flushes the window */
size_t nr_redact_stream_count(const struct nr_redact_stream *s);
void nr_redact_stream_free(struct nr_redact_stream *s);    /* accepts NULL */

/* One string, redacted into a new malloc'd string (NULL: out of memory).
 * *count (may be NULL) grows by the replacements made. */
char *nr_redact_string(struct nr_redactor *r, const char *in, size_t *count);

/* ---- the map file (map_file.c) ---- */

/* Write the map as JSON to path, mode 0600, never over an existing file
 * (a temporary name in the same directory, fsynced, then linked into
 * place).  bundle names the bundle it belongs to, for the reader. */
int nr_redact_map_write(const struct nr_redactor *r, const char *path, const char *bundle,
                        struct nr_error *err);

/* Start from a map written earlier, so that the same identities get the
 * same placeholders in a new bundle (two redacted bundles of one setup
 * then diff cleanly).  Must come before anything else is learnt. */
int nr_redact_map_load(struct nr_redactor *r, const char *path, struct nr_error *err);

/* BUNDLE.redact-map.json for a bundle path (NULL when too long). */
char *nr_redact_map_path(const char *bundle);

#endif
