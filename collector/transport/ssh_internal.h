/* SPDX-License-Identifier: MIT */
/* Shared between the ssh transport's files; not an API. */
#ifndef NR_SSH_INTERNAL_H
#define NR_SSH_INTERNAL_H

#include <libssh/libssh.h>
#include <pthread.h>

#include "transport_ssh.h"

struct ssh_bridge;
struct ssh_worker;

struct ssh_tr {
	struct nr_transport base;
	ssh_session session;
	pthread_mutex_t lock;        /* held for every libssh call on session */
	pthread_mutex_t slots_lock;  /* guards workers[].state */
	pthread_cond_t slots_cond;
	struct ssh_worker *workers;  /* NR_SSH_MAX_CHANNELS worker shells */
	bool sudo;
	int is_root;                 /* cached: -1 unknown */
	struct ssh_bridge *bridge;   /* when reached via a parent, else NULL */
	char label[300];             /* "user@host:port" for messages */
};

/* Session setup (ssh_session.c). */
int nr_ssh_session_open(struct ssh_tr *tr, const struct nr_ssh_opts *o, int fd,
                        enum nr_ssh_fail *why, struct nr_error *err);

/* A direct-tcpip tunnel through parent to host:port; *fd becomes the child
 * session's socket (ssh_bridge.c). */
int nr_ssh_bridge_open(struct ssh_tr *parent, const char *host, int port,
                       struct ssh_bridge **out, int *fd, struct nr_error *err);
void nr_ssh_bridge_close(struct ssh_bridge *b);

/* The longest wait on the session socket before looking at a channel
 * again, in ms: another thread may have read our data off the socket. */
#define NR_SSH_POLL_MS 5

#endif
