/* SPDX-License-Identifier: MIT */
/* Jump chains without an OpenSSH client: a direct-tcpip channel on the
 * parent's session, pumped to one end of a socketpair by a thread; the other
 * end is the child session's socket.  The child can itself be a parent, so
 * chains nest to any depth. */
#include "ssh_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BRIDGE_CHUNK 32768

struct ssh_bridge {
	struct ssh_tr *parent;
	ssh_channel channel;
	int fd;                 /* our end of the socketpair */
	pthread_t thread;
	volatile int stop;
};

/* Socket -> channel.  Returns 1 at EOF, 0 to go on, -1 on error. */
static int pump_up(struct ssh_bridge *b, char *buf)
{
	ssize_t n = recv(b->fd, buf, BRIDGE_CHUNK, MSG_DONTWAIT);
	int rc = 0;

	if (n < 0)
		return (errno == EAGAIN || errno == EINTR) ? 0 : -1;
	pthread_mutex_lock(&b->parent->lock);
	if (n == 0)
		ssh_channel_send_eof(b->channel);
	else if (ssh_channel_write(b->channel, buf, (uint32_t)n) != n)
		rc = -1;
	pthread_mutex_unlock(&b->parent->lock);
	return n == 0 ? 1 : rc;
}

/* Channel -> socket.  Returns 1 at EOF, 0 to go on, -1 on error. */
static int pump_down(struct ssh_bridge *b, char *buf)
{
	int n, eof;
	ssize_t off = 0;

	pthread_mutex_lock(&b->parent->lock);
	n = ssh_channel_read_nonblocking(b->channel, buf, BRIDGE_CHUNK, 0);
	eof = n == 0 && ssh_channel_is_eof(b->channel);
	pthread_mutex_unlock(&b->parent->lock);
	if (n < 0)
		return -1;
	while (off < n) {
		ssize_t w = send(b->fd, buf + off, (size_t)(n - off), MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		off += w;
	}
	return eof ? 1 : 0;
}

static void *bridge_main(void *arg)
{
	struct ssh_bridge *b = arg;
	char *buf = malloc(BRIDGE_CHUNK);
	int up_done = 0, down_done = 0;

	while (buf && !b->stop && !down_done) {
		struct pollfd p[2] = { { b->fd, up_done ? 0 : POLLIN, 0 },
		                       { ssh_get_fd(b->parent->session), POLLIN, 0 } };
		int r;

		/* Another thread may read the parent's socket on our behalf,
		 * so the wait is short and the channel is read regardless. */
		poll(p, 2, NR_SSH_POLL_MS);
		if (!up_done && (p[0].revents & (POLLIN | POLLHUP))) {
			r = pump_up(b, buf);
			up_done = r != 0;
			if (r < 0)
				break;
		}
		r = pump_down(b, buf);
		down_done = r != 0;
	}
	/* Closing our end tells the child session its peer is gone. */
	shutdown(b->fd, SHUT_RDWR);
	free(buf);
	return NULL;
}

int nr_ssh_bridge_open(struct ssh_tr *parent, const char *host, int port, int64_t deadline_ms,
                       struct ssh_bridge **out, int *fd, struct nr_error *err)
{
	struct ssh_bridge *b = calloc(1, sizeof(*b));
	int sv[2] = { -1, -1 }, rc = 0;

	*out = NULL;
	*fd = -1;
	if (!b)
		return nr_error_set(err, ENOMEM, "out of memory");
	b->parent = parent;
	b->fd = -1;
	pthread_mutex_lock(&parent->lock);
	nr_ssh_budget(parent->session, deadline_ms);
	b->channel = ssh_channel_new(parent->session);
	if (!b->channel || ssh_channel_open_forward(b->channel, host, port, "127.0.0.1", 0) != SSH_OK)
		rc = nr_error_set(err, EHOSTUNREACH, "cannot reach %s:%d through %s: %s", host, port,
		                  parent->label, ssh_get_error(parent->session));
	pthread_mutex_unlock(&parent->lock);
	if (rc == 0 && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		rc = nr_error_set(err, errno, "cannot create a socketpair: %s", strerror(errno));
	if (rc == 0) {
		b->fd = sv[0];
		if (pthread_create(&b->thread, NULL, bridge_main, b) != 0) {
			rc = nr_error_set(err, EAGAIN, "cannot start the tunnel thread");
			b->fd = -1;
		}
	}
	if (rc < 0) {
		if (sv[0] >= 0)
			close(sv[0]);
		if (sv[1] >= 0)
			close(sv[1]);
		if (b->channel) {
			pthread_mutex_lock(&parent->lock);
			ssh_channel_free(b->channel);
			pthread_mutex_unlock(&parent->lock);
		}
		free(b);
		return rc;
	}
	*out = b;
	*fd = sv[1];
	return 0;
}

void nr_ssh_bridge_close(struct ssh_bridge *b)
{
	if (!b)
		return;
	b->stop = 1;
	pthread_join(b->thread, NULL);
	close(b->fd);
	pthread_mutex_lock(&b->parent->lock);
	ssh_channel_close(b->channel);
	ssh_channel_free(b->channel);
	pthread_mutex_unlock(&b->parent->lock);
	free(b);
}
