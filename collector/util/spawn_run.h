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
#include <sys/types.h>

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

/* A helper that reads what we produce while we produce it (ssh-keygen -Y
 * sign over a bundle as it is written): its stdin is a pipe we feed, its
 * stdout goes to io->out_fd (which must be >= 0: nothing is captured), the
 * start of its stderr is kept in io->err.  Start, feed any number of
 * times, then wait (or kill). */
struct nr_spawn_child {
	pid_t pid;
	int in;                 /* our end of its stdin; -1 once closed */
	int err;                /* our end of its stderr; -1 at its end */
	size_t err_len;
};
int nr_spawn_start(const char *const *argv, struct nr_spawn_io *io, struct nr_spawn_child *c,
                   struct nr_error *err);
/* Write all of buf to its stdin (draining its stderr meanwhile, so that
 * neither side can wait on the other).  0; -EPIPE when it stopped reading
 * (never a SIGPIPE); -EINTR on nr_interrupted; another negative errno. */
int nr_spawn_feed(struct nr_spawn_child *c, struct nr_spawn_io *io, const void *buf, size_t len);
/* Close its stdin, read the rest of its stderr, reap it: its exit status
 * as nr_spawn_run returns it, or a negative errno. */
int nr_spawn_wait(struct nr_spawn_child *c, struct nr_spawn_io *io, struct nr_error *err);
/* SIGKILL and reap it, close our ends (a no-op once waited for). */
void nr_spawn_kill(struct nr_spawn_child *c);

/* The first line of a helper's stderr (or stdout), for messages. */
const char *nr_spawn_reason(const struct nr_spawn_io *io, char *out, size_t outlen);

#endif
