/* SPDX-License-Identifier: MIT */
/* The SSH transport: agentless collection over libssh exec channels.
 *
 * One session per level; probes run concurrently over up to
 * NR_SSH_MAX_CHANNELS worker shells at once.  Four, not more: each costs a
 * remote login shell, and on small guests (2 CPUs) eight made a level slower
 * (2.7 s) than four (2.0 s); OpenSSH's MaxSessions default is 10.
 * libssh sessions are not thread-safe, so every libssh call on a session
 * holds that session's lock; waiting happens outside it.
 *
 * A level reached `via` another is tunnelled through the parent's session:
 * a direct-tcpip channel bridged to a socketpair whose other end becomes the
 * child session's socket (ssh_bridge.c).  No OpenSSH client is needed, and
 * chains nest to any depth.
 */
#ifndef NR_TRANSPORT_SSH_H
#define NR_TRANSPORT_SSH_H

#include <stdbool.h>

#include "transport.h"

#define NR_SSH_MAX_CHANNELS 4

struct nr_ssh_target {
	char user[64];       /* "" : from ssh config, else the local user */
	char host[256];      /* host name, address or ~/.ssh/config alias */
	int port;            /* 0 : from ssh config, else 22 */
};

/* "[user@]host[:port]", "[user@][v6addr]:port".  Returns 0 or -EINVAL. */
int nr_ssh_target_parse(const char *text, struct nr_ssh_target *t);

struct nr_ssh_opts {
	struct nr_ssh_target target;
	const char *config_file;     /* NULL: ~/.ssh/config and /etc/ssh/ssh_config */
	const char *known_hosts;     /* NULL: from config, else ~/.ssh/known_hosts */
	const char *identity;        /* NULL: agent, then config/default identities */
	bool accept_new_host_keys;   /* StrictHostKeyChecking=accept-new */
	int connect_timeout_s;
	bool sudo;                   /* run everything through `sudo -n` */
	bool interactive;            /* may prompt (stdin is a TTY) */
	struct nr_transport *via;    /* tunnel through this ssh transport, or NULL */
};

/* Level statuses a failed connect maps to. */
enum nr_ssh_fail { NR_SSH_UNREACHABLE, NR_SSH_AUTH_FAILED, NR_SSH_HOSTKEY_REJECTED };

/* Connect and authenticate.  On failure returns NULL, fills err and *why. */
struct nr_transport *nr_transport_ssh_new(const struct nr_ssh_opts *o, enum nr_ssh_fail *why,
                                          struct nr_error *err);

/* The session setup under every SSH use (the transport, SFTP upload):
 * ssh config, known_hosts checking (accept-new only when asked), then the
 * agent, keys and, on a TTY, keyboard-interactive or password.  fd >= 0 is
 * an already-connected socket (a tunnel).  On success *out is an
 * authenticated libssh session (ssh_session) that the caller disconnects
 * and frees; label holds "user@host:port" for messages.  On failure *out is
 * NULL and err and *why say what went wrong.  Leaves o->via alone. */
struct ssh_session_struct;
int nr_ssh_session_connect(const struct nr_ssh_opts *o, int fd, struct ssh_session_struct **out,
                           char *label, size_t labellen, enum nr_ssh_fail *why,
                           struct nr_error *err);

/* True when t is an ssh transport (only those can carry a `via` child). */
bool nr_transport_is_ssh(const struct nr_transport *t);

#endif
