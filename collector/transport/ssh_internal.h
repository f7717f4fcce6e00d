/* SPDX-License-Identifier: MIT */
/* Shared between the ssh transport's files; not an API. */
#ifndef NR_SSH_INTERNAL_H
#define NR_SSH_INTERNAL_H

#include <libssh/libssh.h>
#include <pthread.h>

#include "transport_ssh.h"

struct ssh_bridge;
struct nr_frame;

/* A worker shell: a channel running the loop of ssh_worker.c. */
struct ssh_worker {
	ssh_channel ch;
	int state;                   /* free, idle or busy (ssh_worker.c) */
};

struct ssh_tr {
	struct nr_transport base;
	ssh_session session;
	pthread_mutex_t lock;        /* held for every libssh call on session */
	pthread_mutex_t slots_lock;  /* guards workers[].state */
	pthread_cond_t slots_cond;
	struct ssh_worker *workers;  /* NR_SSH_MAX_CHANNELS worker shells */
	bool sudo;
	bool no_pty;                 /* the far side cannot make its pty raw */
	int is_root;                 /* cached: -1 unknown */
	int has_timeout;             /* `timeout -s KILL` works there; -1 unknown */
	struct ssh_bridge *bridge;   /* when reached via a parent, else NULL */
	char label[300];             /* "user@host:port" for messages */
};

/* Worker shells (ssh_worker.c).  Every wait takes the caller's deadline
 * (monotonic ms).  acquire: an idle worker, a new one in a free slot (its
 * shell started and ready), or one freed before the deadline; NULL with
 * err filled (ETIMEDOUT, EINTR, EIO: the level's shells are broken or its
 * connection lost, tr->base.why says which).  release: broken closes the
 * worker, which hangs up its pty and so ends what it ran remotely. */
struct ssh_worker *nr_ssh_worker_acquire(struct ssh_tr *tr, int64_t deadline_ms,
                                         struct nr_error *err);
void nr_ssh_worker_release(struct ssh_tr *tr, struct ssh_worker *w, bool broken);
void nr_ssh_workers_close(struct ssh_tr *tr);
/* Feed ch's output to f until its response is complete: 0, -ETIMEDOUT,
 * -EINTR, -EPIPE (the channel ended), -ECONNRESET (the connection),
 * -EPROTO, -ENOMEM, -ENOSPC (f's output callback said so: stop reading). */
int nr_ssh_pump(struct ssh_tr *tr, ssh_channel ch, struct nr_frame *f, int64_t deadline_ms,
                struct nr_error *err);
/* Record a lost connection (once) when the session is down; lock held. */
void nr_ssh_mark_lost(struct ssh_tr *tr, struct nr_error *err);
/* Make libssh's blocking calls on s wait no later than deadline_ms. */
void nr_ssh_budget(ssh_session s, int64_t deadline_ms);

/* Exit codes the loop's functions use to say why a file could not be read. */
#define NR_SSH_X_NOENT 101
#define NR_SSH_X_NOTREG 102
#define NR_SSH_X_NOACCESS 103
#define NR_SSH_X_NOTOOL 104     /* r_regs: no dd with iflag=skip_bytes,count_bytes, or no od */
#define NR_SSH_X_BIG 105        /* r_small: more than NR_SMALL_FILE_MAX bytes */

/* Run one of the loop's functions remotely (transport_ssh.c): args are its
 * arguments, out gets its stdout, err_out the start of its stderr. */
int nr_ssh_call(struct ssh_tr *tr, const char *fn, const char *const *args, int64_t deadline_ms,
                struct nr_sink *out, struct nr_sink *err_out, struct nr_run_result *res,
                struct nr_error *err);

/* transport.h's read_small and scan (ssh_small.c); scan_cut is scan's
 * reading of head's output, alone (for its unit test). */
int nr_ssh_read_small(struct nr_transport *t, const char *const *paths, size_t n,
                      int64_t deadline_ms, struct nr_sink *const *outs, bool *truncated,
                      int *results, struct nr_error *err);
int nr_ssh_scan(struct nr_transport *t, const char *const *paths, size_t n, size_t cap,
                int64_t deadline_ms, nr_scan_fn fn, void *ud, struct nr_error *err);
int nr_ssh_scan_cut(const char *buf, size_t len, const char *const *paths, size_t n, size_t cap,
                    nr_scan_fn fn, void *ud);
/* r_regs' answer (a status line per register, then all the bytes read as
 * hex) in regs_text.h's form, into out: its length (ssh_small.c). */
int nr_ssh_regs_canon(const char *in, size_t len, size_t width, char *out, size_t outlen);

/* Session setup (ssh_session.c). */
int nr_ssh_session_open(struct ssh_tr *tr, const struct nr_ssh_opts *o, int fd,
                        enum nr_ssh_fail *why, struct nr_error *err);

/* A direct-tcpip tunnel through parent to host:port, opened before
 * deadline_ms; *fd becomes the child session's socket (ssh_bridge.c). */
int nr_ssh_bridge_open(struct ssh_tr *parent, const char *host, int port, int64_t deadline_ms,
                       struct ssh_bridge **out, int *fd, struct nr_error *err);
void nr_ssh_bridge_close(struct ssh_bridge *b);

/* The longest wait on the session socket before looking at a channel
 * again, in ms: another thread may have read our data off the socket. */
#define NR_SSH_POLL_MS 5

#endif
