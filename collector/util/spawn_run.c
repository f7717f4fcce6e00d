/* SPDX-License-Identifier: MIT */
#include "spawn_run.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
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

int nr_spawn_run(const char *const *argv, struct nr_spawn_io *io, struct nr_error *err)
{
	posix_spawn_file_actions_t fa;
	int outp[2] = { -1, -1 }, errp[2] = { -1, -1 }, status, rc;
	char *env[ENV_MAX];
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
	build_env(env);
	posix_spawn_file_actions_init(&fa);
	if (io->in_fd >= 0)
		posix_spawn_file_actions_adddup2(&fa, io->in_fd, 0);
	else
		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, io->out_fd >= 0 ? io->out_fd : outp[1], 1);
	posix_spawn_file_actions_adddup2(&fa, errp[1], 2);
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, (char *const *)argv, env);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		rc = nr_error_set(err, rc, "cannot run %s: %s", argv[0], strerror(rc));
		goto fail;
	}
	if (outp[1] >= 0)
		close(outp[1]);
	close(errp[1]);
	collect_output(outp[0], errp[0], io);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return nr_error_set(err, errno, "waitpid: %s", strerror(errno));
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
fail:
	for (int i = 0; i < 2; i++) {
		if (outp[i] >= 0)
			close(outp[i]);
		if (errp[i] >= 0)
			close(errp[i]);
	}
	return rc;
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
