/* SPDX-License-Identifier: MIT */
/* Secret scrubbing: always on, cannot be turned off.
 *
 * Every artifact passes through a streaming scrubber before it is hashed
 * and spooled, so a secret never reaches the bundle, the manifest or the
 * summary.  A scrubbed value is replaced by NR_SCRUB_MARKER; the count of
 * replaced values is recorded per artifact in the manifest.
 *
 * Input is split into records at '\n' and '\0' (QEMU argv from
 * /proc/PID/cmdline is NUL-separated; logs and XML are line-based).  A record
 * longer than NR_SCRUB_RECORD_MAX is cut at the last safe separator
 * (preferably a blank, else ',', ':', '"', '\'', '>'; hard at the limit if
 * there is none) so memory stays bounded; a value open at the cut is still
 * hidden to its end.  docs/scrubbing.md lists every form scrubbed, what is
 * deliberately kept, and the few cases a forced cut can break.
 *
 * Output does not depend on how the input is split across nr_scrub_write()
 * calls.  The functions never print.
 */
#ifndef NR_SCRUB_H
#define NR_SCRUB_H

#include <stddef.h>

#define NR_SCRUB_MARKER "[scrubbed]"
#define NR_SCRUB_RECORD_MAX (64 * 1024)

/* Receives scrubbed output; returns 0 or a negative errno, which aborts the
 * stream and is returned by nr_scrub_write/nr_scrub_finish (and by every
 * later call: the error is sticky).  A record is delivered once it is
 * complete (or cut at the limit), so a write may produce no call at all. */
typedef int (*nr_scrub_out_fn)(void *ud, const void *data, size_t len);

struct nr_scrub;

/* NULL on allocation failure or when out is NULL (errno EINVAL). */
struct nr_scrub *nr_scrub_new(nr_scrub_out_fn out, void *ud);
int nr_scrub_write(struct nr_scrub *s, const void *data, size_t len);
int nr_scrub_finish(struct nr_scrub *s);   /* flushes the last record */
size_t nr_scrub_count(const struct nr_scrub *s);  /* values replaced so far */
void nr_scrub_free(struct nr_scrub *s);    /* accepts NULL */

/* Scrub one string (e.g. a single argv element) into a new malloc'd string.
 * A string without '\n' is taken as one argv element (a blank is part of a
 * value); a string with lines (a captured stderr) is scrubbed as text.
 * *count (may be NULL) is increased by the number of values replaced.
 * Returns NULL only on allocation failure. */
char *nr_scrub_string(const char *in, size_t *count);

#endif
