/* SPDX-License-Identifier: MIT */
/* The local transport: commands via posix_spawn in their own process group,
 * files via plain reads.  Modelled on libvirt's virCommand and git's
 * run-command: argv only (never a shell), a clean environment, stdin from
 * /dev/null, no inherited fds, and the whole process group killed on
 * timeout, truncation or interrupt. */
#include "transport.h"
#include "local_regs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define LOCAL_CHUNK 65536
#define LOCAL_POLL_MS 100

/* Commands are looked up in the caller's PATH first (a site's own QEMU in
 * /opt is found), then in the standard directories, sbin included, since
 * `sudo` and plain users often lack sbin (dmidecode lives there). */
static const char *const std_path =
	"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
#define LOCAL_PATH_MAX 4096

static void local_search_path(char *out, size_t outlen)
{
	const char *user = getenv("PATH");

	if (user && *user && strlen(user) + strlen(std_path) + 2 <= outlen)
		snprintf(out, outlen, "%s:%s", user, std_path);
	else
		snprintf(out, outlen, "%s", std_path);
}

/* A minimal, predictable environment: the C locale so that parsers see
 * untranslated output, our search PATH, and only the few variables tools
 * legitimately need. */
static void local_build_env(char **env, size_t cap, char *storage, size_t storage_len)
{
	static const char *const keep[] = { "HOME", "USER", "LIBVIRT_DEFAULT_URI" };
	size_t n = 0, used = 0, i;

	env[n++] = (char *)"LC_ALL=C";
	memcpy(storage, "PATH=", 5);
	local_search_path(storage + 5, storage_len - 5);
	used = strlen(storage) + 1;
	env[n++] = storage;
	for (i = 0; i < sizeof(keep) / sizeof(keep[0]) && n + 1 < cap; i++) {
		const char *v = getenv(keep[i]);
		int w;

		if (!v)
			continue;
		w = snprintf(storage + used, storage_len - used, "%s=%s", keep[i], v);
		if (w < 0 || (size_t)w >= storage_len - used)
			continue;
		env[n++] = storage + used;
		used += (size_t)w + 1;
	}
	env[n] = NULL;
}

static void local_kill_group(pid_t pid)
{
	if (pid > 0)
		kill(-pid, SIGKILL);
}

static int local_spawn(const char *const *argv, int out_fd, int err_fd, pid_t *pid)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, dfl;
	char *env[8];
	char storage[LOCAL_PATH_MAX + 1024];
	int rc;

	local_build_env(env, 8, storage, sizeof(storage));
	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGINT);
	sigaddset(&dfl, SIGTERM);
	sigaddset(&dfl, SIGPIPE);
	sigaddset(&dfl, SIGHUP);
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&attr);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
	posix_spawn_file_actions_adddup2(&fa, err_fd, 2);
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &dfl);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
	                                POSIX_SPAWN_SETSIGDEF);
	rc = posix_spawn(pid, argv[0], &fa, &attr, (char *const *)argv, env);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	return -rc;
}

struct local_stream {
	int fd;
	struct nr_sink *sink;
	bool full;
};

/* What one read of a stream did. */
enum drain { DRAIN_MORE, DRAIN_EOF, DRAIN_FULL };

/* Drain what is readable on one stream.  Returns a drain value or a
 * negative errno.  A stream whose sink is full keeps being read (and
 * dropped), so the command never dies of SIGPIPE on, say, stderr noise;
 * only a full stdout stops the command, by the caller. */
static int local_drain(struct local_stream *st, char *buf)
{
	ssize_t n = read(st->fd, buf, LOCAL_CHUNK);
	int rc;

	if (n < 0)
		return (errno == EINTR || errno == EAGAIN) ? DRAIN_MORE : -errno;
	if (n == 0)
		return DRAIN_EOF;
	if (st->full || !st->sink)
		return DRAIN_MORE;
	rc = st->sink->write(st->sink, buf, (size_t)n);
	if (rc < 0)
		return rc;
	if (rc == NR_SINK_FULL) {
		st->full = true;
		return DRAIN_FULL;
	}
	return DRAIN_MORE;
}

static int local_wait_exit(pid_t pid, int64_t deadline_ms)
{
	siginfo_t info;

	for (;;) {
		memset(&info, 0, sizeof(info));
		if (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOWAIT | WNOHANG) < 0 && errno != EINTR)
			return 0;
		if (info.si_pid == pid)
			return 0;
		if (nr_time_now_ms() >= deadline_ms)
			return -ETIMEDOUT;
		if (nr_interrupted)
			return -EINTR;
		poll(NULL, 0, 5);
	}
}

static void local_reap(pid_t pid, struct nr_run_result *res)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return;
	if (WIFEXITED(status))
		res->exit_code = WEXITSTATUS(status);
	else if (WIFSIGNALED(status))
		res->term_signal = WTERMSIG(status);
}

/* Pump both pipes until EOF on both, the deadline, a full stdout sink or an
 * interrupt.  Returns 0 or a negative errno; the caller kills and reaps. */
static int local_pump(struct local_stream st[2], int64_t deadline_ms, pid_t pid,
                      struct nr_run_result *res)
{
	struct pollfd pfd[2];
	char *buf = malloc(LOCAL_CHUNK);
	int open_streams = 2, rc = 0, i;

	if (!buf)
		return -ENOMEM;
	while (open_streams > 0 && rc == 0) {
		int64_t left = deadline_ms - nr_time_now_ms();

		if (left <= 0 || nr_interrupted) {
			res->timed_out = left <= 0;
			rc = left <= 0 ? -ETIMEDOUT : -EINTR;
			break;
		}
		for (i = 0; i < 2; i++) {
			pfd[i].fd = st[i].fd;
			pfd[i].events = POLLIN;
		}
		if (poll(pfd, 2, left < LOCAL_POLL_MS ? (int)left : LOCAL_POLL_MS) < 0) {
			rc = errno == EINTR ? 0 : -errno;
			continue;
		}
		for (i = 0; i < 2 && rc == 0; i++) {
			int d;

			if (st[i].fd < 0 || !(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			d = local_drain(&st[i], buf);
			if (d == DRAIN_EOF) {
				close(st[i].fd);
				st[i].fd = -1;
				open_streams--;
			} else if (d == DRAIN_FULL && i == 0) {
				res->truncated = true;
				local_kill_group(pid);
			} else if (d < 0) {
				rc = d;
			}
		}
	}
	free(buf);
	return rc;
}

static int local_run(struct nr_transport *t, const char *key, const char *const *argv,
                     int64_t deadline_ms, struct nr_sink *out, struct nr_sink *err_out,
                     struct nr_run_result *res, struct nr_error *err)
{
	struct local_stream st[2] = { { -1, out, false }, { -1, err_out, false } };
	int pout[2] = { -1, -1 }, perr[2] = { -1, -1 };
	pid_t pid = -1;
	int rc;

	(void)t;
	(void)key;
	memset(res, 0, sizeof(*res));
	res->exit_code = -1;
	if (pipe2(pout, O_CLOEXEC) < 0 || pipe2(perr, O_CLOEXEC) < 0) {
		rc = nr_error_set(err, errno, "cannot create a pipe: %s", strerror(errno));
		goto out;
	}
	rc = local_spawn(argv, pout[1], perr[1], &pid);
	if (rc < 0) {
		nr_error_set(err, -rc, "cannot run %s: %s", argv[0], strerror(-rc));
		goto out;
	}
	close(pout[1]);
	close(perr[1]);
	pout[1] = perr[1] = -1;
	st[0].fd = pout[0];
	st[1].fd = perr[0];
	pout[0] = perr[0] = -1;
	rc = local_pump(st, deadline_ms, pid, res);
	if (rc == 0 && !res->truncated) {
		rc = local_wait_exit(pid, deadline_ms);
		res->timed_out = rc == -ETIMEDOUT;
	}
	/* Kill the whole group whatever happened: a command that exited may
	 * have left children behind. */
	local_kill_group(pid);
	local_reap(pid, res);
	if (rc == -ETIMEDOUT)
		nr_error_set(err, ETIMEDOUT, "%s timed out", argv[0]);
	else if (rc == -EINTR)
		nr_error_set(err, EINTR, "%s interrupted", argv[0]);
	else if (rc < 0)
		nr_error_set(err, -rc, "%s: %s", argv[0], strerror(-rc));
	if (res->truncated && !res->timed_out && res->term_signal == SIGKILL)
		res->term_signal = 0;
out:
	for (int i = 0; i < 2; i++) {
		if (pout[i] >= 0) close(pout[i]);
		if (perr[i] >= 0) close(perr[i]);
		if (st[i].fd >= 0) close(st[i].fd);
	}
	return rc;
}

static int local_read_file(struct nr_transport *t, const char *path, int64_t deadline_ms,
                           struct nr_sink *out, bool *truncated, struct nr_error *err)
{
	struct stat sb;
	int fd, rc;

	(void)t;
	*truncated = false;
	/* O_NONBLOCK so that a FIFO planted at a probed path cannot hang us
	 * before the S_ISREG check below refuses it. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return nr_error_set(err, errno, "cannot read %s: %s", path, strerror(errno));
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode))
		rc = nr_error_set(err, EINVAL, "%s is not a regular file", path);
	else
		rc = nr_sink_copy_fd(fd, path, deadline_ms, out, truncated, err);
	close(fd);
	return rc;
}

static int local_list(struct nr_transport *t, const char *dir, int64_t deadline_ms,
		nr_list_fn fn, void *ud, struct nr_error *err)
{
	struct dirent *de;
	DIR *d;
	int rc = 0;

	(void)deadline_ms;   /* local file system calls: nothing here can wait long */
	(void)t;
	d = opendir(dir);
	if (!d)
		return nr_error_set(err, errno, "cannot list %s: %s", dir, strerror(errno));
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		rc = fn(ud, de->d_name);
	}
	closedir(d);
	return rc;
}

static int local_which(struct nr_transport *t, const char *cmd, int64_t deadline_ms,
		char *out, size_t outlen)
{
	char search[LOCAL_PATH_MAX];
	const char *p = search;

	(void)deadline_ms;   /* local file system calls: nothing here can wait long */
	(void)t;
	local_search_path(search, sizeof(search));
	if (strchr(cmd, '/'))
		return -EINVAL;
	while (*p) {
		const char *end = strchr(p, ':');
		size_t dlen = end ? (size_t)(end - p) : strlen(p);
		struct stat sb;
		int w = snprintf(out, outlen, "%.*s/%s", (int)dlen, p, cmd);

		if (w > 0 && (size_t)w < outlen && stat(out, &sb) == 0 && S_ISREG(sb.st_mode) &&
		    access(out, X_OK) == 0)
			return 0;
		p += dlen + (end ? 1 : 0);
	}
	out[0] = '\0';
	return -ENOENT;
}

static int local_path_info(struct nr_transport *t, const char *path, int64_t deadline_ms,
		struct nr_path_info *info, struct nr_error *err)
{
	struct stat sb;
	int fd;

	(void)deadline_ms;   /* local file system calls: nothing here can wait long */
	(void)t;
	(void)err;
	memset(info, 0, sizeof(*info));
	if (stat(path, &sb) < 0)
		return 0;
	info->exists = true;
	info->is_char_device = S_ISCHR(sb.st_mode);
	info->readable = access(path, R_OK) == 0;
	info->writable = access(path, W_OK) == 0;
	if (info->is_char_device) {
		fd = open(path, O_RDWR | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
		if (fd >= 0) {
			info->opened_rw = true;
			close(fd);
		}
	}
	return 0;
}

static int local_is_root(struct nr_transport *t, int64_t deadline_ms)
{
	(void)t;
	(void)deadline_ms;
	return geteuid() == 0;
}

static void local_close(struct nr_transport *t)
{
	free(t);
}

static const struct nr_transport_ops local_ops = {
	.kind = "local",
	.run = local_run,
	.read_file = local_read_file,
	.list = local_list,
	.which = local_which,
	.path_info = local_path_info,
	.is_root = local_is_root,
	.read_regs = nr_local_read_regs,
	.close = local_close,
};

struct nr_transport *nr_transport_local_new(struct nr_error *err)
{
	struct nr_transport *t = calloc(1, sizeof(*t));

	if (!t) {
		nr_error_set(err, ENOMEM, "out of memory");
		return NULL;
	}
	t->ops = &local_ops;
	return t;
}

void nr_transport_close(struct nr_transport *t)
{
	if (t)
		t->ops->close(t);
}
