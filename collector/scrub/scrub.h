/* SPDX-License-Identifier: MIT */
/* Secret scrubbing: always on, cannot be turned off.
 *
 * Every artifact passes through a streaming scrubber before it is hashed
 * and spooled, so a secret never reaches the bundle, the manifest or the
 * summary.  A scrubbed value is replaced by NR_SCRUB_MARKER; the count of
 * replaced values (never the values) is recorded per artifact.
 *
 * The scrubber reads the syntaxes secrets live in, not a list of forms:
 * QEMU keyval options, QEMU's JSON dialect, URLs, shell words and
 * environment assignments as libvirt logs them, XML, kernel command lines,
 * with one vocabulary of secret-bearing names over all of them.
 * docs/scrubbing.md is the reference: the model, the vocabulary, what is
 * kept on purpose, and the limits.
 *
 * A stream is read as records.  It is an argv stream (/proc/PID/cmdline:
 * records end at '\0', a newline is part of an argument) when its first
 * record ends with '\0', else text (records end at '\n', except inside a
 * '...' argument of a logged command line, and at '\0').  A record longer
 * than NR_SCRUB_RECORD_MAX is cut, with what was open at the cut carried
 * over, so memory stays bounded and the cost linear.
 *
 * Output does not depend on how the input is split across nr_scrub_write()
 * calls.  The functions never print.
 */
#ifndef NR_SCRUB_H
#define NR_SCRUB_H

#include <stddef.h>

#include "util/error.h"

#define NR_SCRUB_MARKER "[scrubbed]"
#define NR_SCRUB_RECORD_MAX (64 * 1024)
/* --redact-word: at most this many words, each 3 to 256 bytes. */
#define NR_SCRUB_WORDS_MAX 64
#define NR_SCRUB_WORD_MIN 3
#define NR_SCRUB_WORD_MAX 256

/* Receives scrubbed output; returns 0 or a negative errno, which aborts the
 * stream and is returned by nr_scrub_write/nr_scrub_finish (and by every
 * later call: the error is sticky).  Output is passed on in blocks of up to
 * 64 KiB, so a write may produce no call at all. */
typedef int (*nr_scrub_out_fn)(void *ud, const void *data, size_t len);

struct nr_scrub;

/* NULL on allocation failure or when out is NULL (errno EINVAL). */
struct nr_scrub *nr_scrub_new(nr_scrub_out_fn out, void *ud);
/* 0, or a negative errno (the sink's, or -ENOMEM): then nothing more is
 * passed on, and the caller must drop what it was given. */
int nr_scrub_write(struct nr_scrub *s, const void *data, size_t len);
int nr_scrub_finish(struct nr_scrub *s);   /* the last record, then all output */
size_t nr_scrub_count(const struct nr_scrub *s);  /* values replaced so far */
void nr_scrub_free(struct nr_scrub *s);    /* accepts NULL */

/* Scrub a text (a captured stderr) into a new malloc'd string; *count (may
 * be NULL) is increased by the number of values replaced.  NULL only on
 * allocation failure. */
char *nr_scrub_string(const char *in, size_t *count);

/* The same for one argv element (of a command we ran, or our own argv):
 * blanks and newlines are part of its values. */
char *nr_scrub_arg_string(const char *in, size_t *count);

/* --redact-word: every later scrubber also hides each occurrence of word
 * (ASCII case ignored), for secrets no syntax reveals (free text in a
 * domain's <description>).  Call before any scrubber runs: the list is
 * process-wide and read without a lock.  -EINVAL (too short, too long,
 * too many, a newline or NUL in it). */
int nr_scrub_redact_word(const char *word, struct nr_error *err);

#endif
