/* SPDX-License-Identifier: MIT */
#include "spawn_run.h"

#include "clock.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define ENV_MAX 24

/* What OpenSSH's tools read from the environment, and nothing else. */
static const char *const keep_env[] = {
	"HOME", "PATH", "USER", "LOGNAME", "TMPDIR", "TERM", "SSH_AUTH_SOCK", "SSH_ASKPASS",
	"SSH_ASKPASS_REQUIRE", "DISPLAY", "WAYLAND_DISPLAY", "SSH_SK_PROVIDER", "SSH_SK_HELPER",
	NULL,
};

static void build_env(char **env)
{
	size_t n = 0, i, k;

	env[n++] = (char *)"LC_ALL=C";
	for (i = 0; environ[i] && n + 1 < ENV_MAX; i++)
		for (k = 0; keep_env[k]; k++) {
			size_t kl = strlen(keep_env[k]);

			if (strncmp(environ[i], keep_env[k], kl) == 0 && environ[i][kl] == '=') {
				env[n++] = environ[i];
				break;
			}
		}
	env[n] = NULL;
}

void nr_spawn_io_init(struct nr_spawn_io *io)
{
	memset(io, 0, sizeof(*io));
	io->in_fd = -1;
	io->out_fd = -1;
}

static void drain(int *fd, char *buf, size_t *len, size_t cap)
{
	char junk[4096];
	ssize_t n;

	if (*len + 1 < cap)
		n = read(*fd, buf + *len, cap - 1 - *len);
	else
		n = read(*fd, junk, sizeof(junk));   /* keep the child from blocking */
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		close(*fd);
		*fd = -1;
		return;
	}
	if (*len + 1 < cap)
		*len += (size_t)n;
	buf[*len] = '\0';
}

/* Read both pipes until the child closes them. */
static void collect_output(int out, int errfd, struct nr_spawn_io *io)
{
	size_t err_len = 0;

	while (out >= 0 || errfd >= 0) {
		struct pollfd p[2] = { { out, POLLIN, 0 }, { errfd, POLLIN, 0 } };

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (out >= 0 && p[0].revents)
			drain(&out, io->out, &io->out_len, NR_SPAWN_OUT_MAX);
		if (errfd >= 0 && p[1].revents)
			drain(&errfd, io->err, &err_len, sizeof(io->err));
	}
	if (out >= 0)
		close(out);
	if (errfd >= 0)
		close(errfd);
}

/* Start argv: stdin from in_fd (-1: /dev/null), stdout to out_fd, stderr
 * to err_fd, every other fd closed. */
static int spawn_child(const char *const *argv, int in_fd, int out_fd, int err_fd, pid_t *pid,
                       struct nr_error *err)
{
	posix_spawn_file_actions_t fa;
	char *env[ENV_MAX];
	int rc;

	build_env(env);
	posix_spawn_file_actions_init(&fa);
	if (in_fd >= 0)
		posix_spawn_file_actions_adddup2(&fa, in_fd, 0);
	else
		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
	posix_spawn_file_actions_adddup2(&fa, err_fd, 2);
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	rc = posix_spawnp(pid, argv[0], &fa, NULL, (char *const *)argv, env);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0)
		return nr_error_set(err, rc, "cannot run %s: %s", argv[0], strerror(rc));
	return 0;
}

static int reap(pid_t pid, struct nr_error *err)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return nr_error_set(err, errno, "waitpid: %s", strerror(errno));
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void close_pair(int p[2])
{
	for (int i = 0; i < 2; i++)
		if (p[i] >= 0)
			close(p[i]);
	p[0] = p[1] = -1;
}

int nr_spawn_run(const char *const *argv, struct nr_spawn_io *io, struct nr_error *err)
{
	int outp[2] = { -1, -1 }, errp[2] = { -1, -1 }, rc;
	pid_t pid;

	io->err[0] = '\0';
	io->out_len = 0;
	if (io->out_fd < 0 && !io->out && !(io->out = malloc(NR_SPAWN_OUT_MAX)))
		return nr_error_set(err, ENOMEM, "out of memory");
	if (io->out)
		io->out[0] = '\0';
	if ((io->out_fd < 0 && pipe2(outp, O_CLOEXEC) < 0) || pipe2(errp, O_CLOEXEC) < 0) {
		rc = nr_error_set(err, errno, "pipe: %s", strerror(errno));
		goto fail;
	}
	rc = spawn_child(argv, io->in_fd, io->out_fd >= 0 ? io->out_fd : outp[1], errp[1], &pid, err);
	if (rc < 0)
		goto fail;
	if (outp[1] >= 0)
		close(outp[1]);
	close(errp[1]);
	collect_output(outp[0], errp[0], io);
	return reap(pid, err);
fail:
	close_pair(outp);
	close_pair(errp);
	return rc;
}

int nr_spawn_start(const char *const *argv, struct nr_spawn_io *io, struct nr_spawn_child *c,
                   struct nr_error *err)
{
	int inp[2] = { -1, -1 }, errp[2] = { -1, -1 }, rc;

	c->pid = -1;
	c->in = c->err = -1;
	c->err_len = 0;
	io->err[0] = '\0';
	if (pipe2(inp, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0) {
		rc = nr_error_set(err, errno, "pipe: %s", strerror(errno));
		goto fail;
	}
	rc = spawn_child(argv, inp[0], io->out_fd, errp[1], &c->pid, err);
	if (rc < 0)
		goto fail;
	close(inp[0]);
	close(errp[1]);
	c->in = inp[1];
	c->err = errp[0];
	/* Our ends never block: feed() waits in poll() for both at once. */
	fcntl(c->in, F_SETFL, O_NONBLOCK);
	fcntl(c->err, F_SETFL, O_NONBLOCK);
	return 0;
fail:
	close_pair(inp);
	close_pair(errp);
	return rc;
}

/* A write to a pipe whose reader is gone must be -EPIPE, not a SIGPIPE
 * that kills us: block it for this thread and take back the one the write
 * raised (unless one was already pending, which is not ours). */
static ssize_t write_nosigpipe(int fd, const void *buf, size_t len)
{
	sigset_t pipe_set, old, pending;
	struct timespec zero = { 0, 0 };
	bool was_pending;
	ssize_t n;
	int e;

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
	sigpending(&pending);
	was_pending = sigismember(&pending, SIGPIPE);
	n = write(fd, buf, len);
	e = errno;
	if (n < 0 && e == EPIPE && !was_pending)
		sigtimedwait(&pipe_set, NULL, &zero);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	errno = e;
	return n;
}

int nr_spawn_feed(struct nr_spawn_child *c, struct nr_spawn_io *io, const void *buf, size_t len)
{
	const char *p = buf;

	if (c->in < 0)
		return -EPIPE;
	/* Write its stdin and read its stderr as each is ready, so that a
	 * helper blocked on a full stderr never blocks us. */
	while (len > 0) {
		struct pollfd pfd[2] = { { c->in, POLLOUT, 0 }, { c->err, POLLIN, 0 } };
		ssize_t n;

		if (poll(pfd, c->err >= 0 ? 2 : 1, -1) < 0) {
			if (errno == EINTR && !nr_interrupted)
				continue;
			return errno == EINTR ? -EINTR : -errno;
		}
		if (c->err >= 0 && pfd[1].revents)
			drain(&c->err, io->err, &c->err_len, sizeof(io->err));
		if (!(pfd[0].revents & (POLLOUT | POLLERR | POLLHUP)))
			continue;
		n = write_nosigpipe(c->in, p, len);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int nr_spawn_wait(struct nr_spawn_child *c, struct nr_spawn_io *io, struct nr_error *err)
{
	int rc;

	if (c->in >= 0)
		close(c->in);
	c->in = -1;
	if (c->err >= 0) {
		fcntl(c->err, F_SETFL, 0);
		while (c->err >= 0)
			drain(&c->err, io->err, &c->err_len, sizeof(io->err));
	}
	rc = reap(c->pid, err);
	c->pid = -1;
	return rc;
}

void nr_spawn_kill(struct nr_spawn_child *c)
{
	struct nr_error ignored;

	if (c->pid > 0) {
		kill(c->pid, SIGKILL);
		reap(c->pid, &ignored);
	}
	c->pid = -1;
	if (c->in >= 0)
		close(c->in);
	if (c->err >= 0)
		close(c->err);
	c->in = c->err = -1;
}

const char *nr_spawn_reason(const struct nr_spawn_io *io, char *out, size_t outlen)
{
	const char *src = io->err[0] ? io->err : (io->out ? io->out : "");
	size_t n;

	while (*src == '\n')
		src++;
	n = strcspn(src, "\n");
	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, src, n);
	out[n] = '\0';
	return n ? out : "no message";
}
