/* SPDX-License-Identifier: MIT */
/* The text form of register reads (transport.h's read_regs): a line
 * "OFFSET HEX" per register read (the offset in decimal, the bytes in the
 * order read, as hex) or "OFFSET -ERRNO" for one that failed, and
 * optionally "device RC" for the device as a whole.  The SSH worker's
 * r_regs prints it, a capture records it, a replay reads it back: one
 * format, one parser. */
#ifndef NR_REGS_TEXT_H
#define NR_REGS_TEXT_H

#include <stddef.h>
#include <stdint.h>

#define NR_REGS_MAX_WIDTH 16   /* a CPUID leaf: eax ebx ecx edx */
#define NR_REGS_MAX 64         /* offsets per call */

/* Write the reads (device_rc 0) or the device's failure into out.
 * Returns 0, or -ENOSPC. */
int nr_regs_text_format(char *out, size_t outlen, int device_rc, const uint64_t *offsets,
                        size_t n, size_t width, const unsigned char *data, const int *errs);

/* Fill data[i * width] and errs[i] for each offset from text, which is
 * untrusted: an offset with no line gets -ENODATA, a line whose bytes are
 * not exactly width hex pairs -EBADMSG, an errno outside 1..4095 -EIO.
 * Returns the "device" line's value (a negative errno, or 0), 0 when there
 * is none. */
int nr_regs_text_parse(const char *text, size_t len, const uint64_t *offsets, size_t n,
                       size_t width, unsigned char *data, int *errs);

#endif
