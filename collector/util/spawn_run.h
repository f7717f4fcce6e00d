/* SPDX-License-Identifier: MIT */
/* Running a helper program (ssh-keygen, ssh-add) for the trust commands:
 * an argv, never a shell; searched in PATH; stdin from an fd or
 * /dev/null; stdout to an fd or captured (capped); the start of stderr
 * kept for the error message; every other fd closed.
 *
 * Unlike the local transport (probes), the child stays in our process
 * group and keeps the terminal, so that ssh-keygen can ask for a key's
 * passphrase, and Ctrl-C reaches it.  Its environment is ours reduced to
 * what the OpenSSH tools use (HOME, PATH, SSH_AUTH_SOCK, SSH_ASKPASS,
 * DISPLAY ...), with LC_ALL=C so that we can read their messages. */
#ifndef NR_SPAWN_RUN_H
#define NR_SPAWN_RUN_H

#include <stddef.h>

#include "error.h"

#define NR_SPAWN_OUT_MAX (1024 * 1024)

struct nr_spawn_io {
	int in_fd;              /* -1: /dev/null */
	int out_fd;             /* -1: capture stdout into out */
	char *out;              /* captured stdout, NUL-terminated; free() it */
	size_t out_len;
	char err[1024];         /* the start of stderr, NUL-terminated */
};

/* Initialise io: /dev/null in, stdout captured. */
void nr_spawn_io_init(struct nr_spawn_io *io);

/* Run argv and wait.  Returns its exit status (0-255; 128+N when killed by
 * signal N), or a negative errno when it could not run (-ENOENT: not
 * installed), with err filled. */
int nr_spawn_run(const char *const *argv, struct nr_spawn_io *io, struct nr_error *err);

/* The first line of a helper's stderr (or stdout), for messages. */
const char *nr_spawn_reason(const struct nr_spawn_io *io, char *out, size_t outlen);

#endif
