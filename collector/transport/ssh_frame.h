/* SPDX-License-Identifier: MIT */
/* Framing of responses from a remote worker shell.  A response is
 *
 *   STDOUT-BYTES "\n" TOKEN " " EXIT-CODE "\n" STDERR-BYTES "\n" TOKEN
 *
 * where TOKEN is a fresh random marker per request, which the remote side
 * cannot predict, so any bytes at all (binary, huge, hostile) can be carried
 * without escaping.  The scanner is streaming and holds back at most one
 * marker's length, so memory stays bounded whatever the remote sends. */
#ifndef NR_SSH_FRAME_H
#define NR_SSH_FRAME_H

#include <stdbool.h>
#include <stddef.h>

#define NR_FRAME_TOKEN_LEN 32   /* hex characters */

enum nr_frame_phase { NR_FRAME_STDOUT, NR_FRAME_CODE, NR_FRAME_STDERR, NR_FRAME_DONE };

typedef int (*nr_frame_out_fn)(void *ud, int is_stderr, const char *data, size_t len);

struct nr_frame {
	char marker[NR_FRAME_TOKEN_LEN + 2];  /* "\n" TOKEN */
	size_t marker_len;
	char hold[NR_FRAME_TOKEN_LEN + 2 + 16];
	size_t hold_len;
	enum nr_frame_phase phase;
	char code[16];
	size_t code_len;
	int exit_code;
	nr_frame_out_fn out;
	void *ud;
};

void nr_frame_init(struct nr_frame *f, const char *token, nr_frame_out_fn out, void *ud);

/* Feed received bytes.  Returns the number of bytes consumed (bytes past
 * the end of the response are left for the next one), or -EPROTO on a
 * malformed exit-code line, or the out callback's negative return. */
long nr_frame_feed(struct nr_frame *f, const char *data, size_t len);

/* Fill token with NR_FRAME_TOKEN_LEN random hex characters and a NUL. */
int nr_frame_token(char token[NR_FRAME_TOKEN_LEN + 1]);

#endif
