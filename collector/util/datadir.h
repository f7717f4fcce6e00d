/* SPDX-License-Identifier: MIT */
/* Where an installed nest-report keeps its data (the JSON schemas).
 *
 * As git's RUNTIME_PREFIX: the binary is BINDIR_REL below some prefix, and
 * the data DATADIR_REL below the same prefix, both relative paths baked in
 * by the Makefile; the prefix is what remains of the binary's own directory
 * (/proc/self/exe) once BINDIR_REL is taken off its end.  So `make install
 * DESTDIR=...` and a moved tree find their own data, and an installed copy
 * never reads the data of another version.  The absolute DATADIR the
 * Makefile was given is the fallback. */
#ifndef NR_DATADIR_H
#define NR_DATADIR_H

#include <stddef.h>

/* Candidate data directories, best first, into out[0..max): the one beside
 * the binary (when the binary's directory ends in BINDIR_REL) and the
 * absolute DATADIR.  Returns how many were written (they need not exist). */
size_t nr_datadir_candidates(char (*out)[4096], size_t max);

/* The absolute DATADIR compiled in, for messages. */
const char *nr_datadir_compiled(void);

#endif
