/* SPDX-License-Identifier: MIT */
/* The replay transport: a captured tree stands in for a machine.
 *
 * Files are read from DIR/<path>, commands answer from their recorded
 * outputs, and `which`, path_info, listings and root from the recorded
 * metadata (layout in replay.h).  The tree is untrusted: every open goes
 * through sysroot.c, so nothing outside DIR is ever read, only regular
 * files are read, and every byte goes into a capped sink. */
#include "regs_text.h"
#include "replay.h"
#include "sysroot.h"
#include "transport.h"
#include "util/utf8.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


struct replay {
	struct nr_transport base;
	int rootfd;
	char *root;
};

static struct replay *replay_of(struct nr_transport *t)
{
	return (struct replay *)t;
}

static int name_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.';
}

int nr_replay_cmd_ok(const char *cmd)
{
	size_t i;

	if (!cmd || !cmd[0] || cmd[0] == '.' || strlen(cmd) > 128)
		return 0;
	for (i = 0; cmd[i]; i++)
		if (!name_char_ok(cmd[i]) && cmd[i] != '+')
			return 0;
	return 1;
}

int nr_replay_key_ok(const char *key)
{
	const char *slash = key ? strchr(key, '/') : NULL;
	const char *p;

	if (!slash || slash == key || strlen(key) > 200)
		return 0;
	for (p = key; p < slash; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
			return 0;
	if (!slash[1] || slash[1] == '.')
		return 0;
	for (p = slash + 1; *p; p++)
		if (!name_char_ok(*p))
			return 0;
	return 1;
}

/* Stream a file of the tree into sink: capped by the sink, bounded by the
 * deadline.  *truncated when the sink was full first. */
static int replay_stream(struct replay *r, const char *path, int64_t deadline_ms,
                         struct nr_sink *sink, bool *truncated, struct nr_error *err)
{
	char what[PATH_MAX + 64];
	int fd = -1, rc;

	*truncated = false;
	rc = nr_sysroot_open_file(r->rootfd, path, NR_SYSROOT_AUTO, &fd);
	if (rc == -EINVAL)
		return nr_error_set(err, EINVAL, "%s in %s is not a regular file", path, r->root);
	if (rc < 0)
		return nr_error_set(err, -rc, "cannot read %s in %s: %s", path, r->root, strerror(-rc));
	snprintf(what, sizeof(what), "%s in %s", path, r->root);
	rc = nr_sink_copy_fd(fd, what, deadline_ms, sink, truncated, err);
	close(fd);
	return rc;
}

/* A small metadata file (NUL-terminated, at most cap - 1 bytes kept).
 * Returns its length or a negative errno. */
static int replay_small(struct replay *r, const char *path, char *out, size_t cap)
{
	ssize_t n;
	size_t got = 0;
	int fd, rc;

	out[0] = '\0';
	rc = nr_sysroot_open_file(r->rootfd, path, NR_SYSROOT_AUTO, &fd);
	if (rc < 0)
		return rc;
	while (got + 1 < cap && (n = read(fd, out + got, cap - 1 - got)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			break;
		}
		got += (size_t)n;
	}
	close(fd);
	out[got] = '\0';
	return rc < 0 ? rc : (int)got;
}

/* The value of "key: value" in a metadata text, or NULL. */
static const char *meta_value(const char *text, const char *key, char *out, size_t outlen)
{
	size_t klen = strlen(key);
	const char *p = text;

	for (; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncmp(p, key, klen) == 0 && p[klen] == ':') {
			const char *v = p + klen + 1;
			size_t n;

			v += strspn(v, " \t");
			n = strcspn(v, "\r\n");
			snprintf(out, outlen, "%.*s", (int)n, v);
			return out;
		}
	}
	return NULL;
}

static int meta_yes(const char *text, const char *key)
{
	char v[16];

	if (!meta_value(text, key, v, sizeof(v)))
		return -1;
	return strcmp(v, "yes") == 0 ? 1 : strcmp(v, "no") == 0 ? 0 : -1;
}

int nr_replay_meta_path(char *out, size_t outlen, const char *prefix, const char *path,
                        const char *suffix)
{
	int n;

	path += strspn(path, "/");
	n = snprintf(out, outlen, "%s/%s%s", prefix, path, suffix);
	return n > 0 && (size_t)n < outlen ? 0 : -ENAMETOOLONG;
}

static int replay_read_file(struct nr_transport *t, const char *path, int64_t deadline_ms,
                            struct nr_sink *out, bool *truncated, struct nr_error *err)
{
	return replay_stream(replay_of(t), path, deadline_ms, out, truncated, err);
}

/* Recorded "0", "signal 9" or "timeout" into res.  Missing or unreadable:
 * the exit code stays unknown (-1). */
static void replay_exit(struct replay *r, const char *key, struct nr_run_result *res)
{
	char path[512], text[64];
	int v;

	snprintf(path, sizeof(path), NR_REPLAY_COMMANDS "/%s.exit", key);
	if (replay_small(r, path, text, sizeof(text)) < 0)
		return;
	if (strncmp(text, "timeout", 7) == 0)
		res->timed_out = true;
	else if (sscanf(text, "signal %d", &v) == 1 && v > 0 && v < 128)
		res->term_signal = v;
	else if (sscanf(text, "%d", &v) == 1 && v >= 0 && v <= 255)
		res->exit_code = v;
}

static int replay_run(struct nr_transport *t, const char *key, const char *const *argv,
                      int64_t deadline_ms, struct nr_sink *out, struct nr_sink *err_out,
                      struct nr_run_result *res, struct nr_error *err)
{
	struct replay *r = replay_of(t);
	char path[512];
	bool etrunc;
	int rc;

	memset(res, 0, sizeof(*res));
	res->exit_code = -1;
	if (!nr_replay_key_ok(key))
		return nr_error_set(err, EINVAL, "%s: no recording can match this command", argv[0]);
	snprintf(path, sizeof(path), NR_REPLAY_COMMANDS "/%s.out", key);
	rc = replay_stream(r, path, deadline_ms, out, &res->truncated, err);
	if (rc == -ENOENT)
		return nr_error_set(err, ENOENT, "%s: no recorded output (%s) in %s", argv[0], path,
		                    r->root);
	if (rc < 0)
		return rc;
	snprintf(path, sizeof(path), NR_REPLAY_COMMANDS "/%s.err", key);
	if (err_out)
		replay_stream(r, path, deadline_ms, err_out, &etrunc, NULL);
	replay_exit(r, key, res);
	/* A recorded timeout replays as one, so the manifest says what
	 * happened on the captured machine. */
	if (res->timed_out)
		return nr_error_set(err, ETIMEDOUT, "%s timed out (recorded)", argv[0]);
	return 0;
}

struct list_cb {
	nr_list_fn fn;
	void *ud;
	bool at_root;
};

static int list_one(struct list_cb *cb, const char *name)
{
	/* Names reach argv and the manifest: junk ones are not names. */
	if (!name[0] || strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
	    strpbrk(name, "/\t\n") || !nr_utf8_clean_p(name, strlen(name)))
		return 0;
	/* Our own metadata is not part of the captured machine. */
	if (cb->at_root && strcmp(name, NR_REPLAY_META_DIR) == 0)
		return 0;
	return cb->fn(cb->ud, name);
}

/* A recorded listing: one name a line. */
static int list_recorded(struct replay *r, const char *lpath, struct list_cb *cb)
{
	char *buf = NULL, *p, *nl;
	size_t len = 0;
	ssize_t n;
	int fd = -1, rc;

	rc = nr_sysroot_open_file(r->rootfd, lpath, NR_SYSROOT_AUTO, &fd);
	if (rc < 0)
		goto out;
	buf = malloc(NR_REPLAY_LIST_MAX + 1);
	if (!buf) {
		rc = -ENOMEM;
		goto out;
	}
	while (len < NR_REPLAY_LIST_MAX && (n = read(fd, buf + len, NR_REPLAY_LIST_MAX - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			goto out;
		}
		len += (size_t)n;
	}
	buf[len] = '\0';
	for (p = buf; rc == 0 && p < buf + len; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(buf + len - p));
		if (!nl)
			nl = buf + len;
		*nl = '\0';
		/* A name with a NUL in it is junk, not a name. */
		if (strlen(p) == (size_t)(nl - p))
			rc = list_one(cb, p);
	}
out:
	free(buf);
	if (fd >= 0)
		close(fd);
	return rc;
}

static int replay_list(struct nr_transport *t, const char *dir, int64_t deadline_ms,
		nr_list_fn fn, void *ud, struct nr_error *err)
{
	struct replay *r = replay_of(t);
	struct list_cb cb = { fn, ud, false };
	struct dirent *de;
	char lpath[4096];
	DIR *d = NULL;
	int fd = -1, rc;

	(void)deadline_ms;   /* local file system calls: nothing here can wait long */
	cb.at_root = dir[strspn(dir, "/")] == '\0';
	rc = nr_replay_meta_path(lpath, sizeof(lpath), NR_REPLAY_LISTS, dir, ".list");
	if (rc == 0)
		rc = list_recorded(r, lpath, &cb);
	if (rc != -ENOENT)
		goto out;
	rc = nr_sysroot_open_dir(r->rootfd, dir, NR_SYSROOT_AUTO, &fd);
	if (rc < 0)
		goto out;
	d = fdopendir(fd);
	if (!d) {
		rc = -errno;
		goto out;
	}
	fd = -1;
	while (rc == 0 && (de = readdir(d)) != NULL)
		rc = list_one(&cb, de->d_name);
out:
	if (rc < 0)
		nr_error_set(err, -rc, "cannot list %s in %s: %s", dir, r->root, strerror(-rc));
	if (d)
		closedir(d);
	if (fd >= 0)
		close(fd);
	return rc;
}

static int replay_which(struct nr_transport *t, const char *cmd, int64_t deadline_ms,
		char *out, size_t outlen)
{
	struct replay *r = replay_of(t);
	char path[256], text[NR_REPLAY_SMALL_MAX];
	size_t n;
	int rc;

	(void)deadline_ms;   /* local file system calls: nothing here can wait long */
	out[0] = '\0';
	if (!nr_replay_cmd_ok(cmd))
		return -ENOENT;
	snprintf(path, sizeof(path), NR_REPLAY_WHICH "/%s", cmd);
	rc = replay_small(r, path, text, sizeof(text));
	if (rc < 0)
		return -ENOENT;
	n = strcspn(text, "\r\n");
	/* An empty (or junk) record still says "installed"; the path is then
	 * unknown. */
	if (n == 0 || text[0] != '/' || !nr_utf8_clean_p(text, n) || memchr(text, '\t', n))
		snprintf(out, outlen, "%s", cmd);
	else
		snprintf(out, outlen, "%.*s", (int)n, text);
	return 0;
}

/* A recorded path_info wins; else the tree itself tells whether the path
 * exists (a device there is never opened, so open_rw stays false); a path
 * whose directory was not captured at all is unknown (-ENOENT). */
static int replay_path_info(struct nr_transport *t, const char *path, int64_t deadline_ms,
		struct nr_path_info *info, struct nr_error *err)
{
	struct replay *r = replay_of(t);
	char ipath[4096], text[NR_REPLAY_SMALL_MAX];
	struct stat st;
	char *slash;
	int fd = -1, rc;

	(void)deadline_ms;   /* local file system calls: nothing here can wait long */
	memset(info, 0, sizeof(*info));
	rc = nr_replay_meta_path(ipath, sizeof(ipath), NR_REPLAY_PATHS, path, ".info");
	/* A record that does not say yes or no to "exists" is no record. */
	if (rc == 0 && replay_small(r, ipath, text, sizeof(text)) >= 0 &&
	    meta_yes(text, "exists") >= 0) {
		info->exists = meta_yes(text, "exists") == 1;
		info->is_char_device = meta_yes(text, "char_device") == 1;
		info->readable = meta_yes(text, "readable") == 1;
		info->writable = meta_yes(text, "writable") == 1;
		info->opened_rw = meta_yes(text, "open_rw") == 1;
		return 0;
	}
	if (nr_sysroot_resolve(r->rootfd, path, NR_SYSROOT_AUTO, &fd) == 0) {
		rc = fstat(fd, &st) < 0 ? -errno : 0;
		info->exists = rc == 0;
		info->is_char_device = rc == 0 && S_ISCHR(st.st_mode);
		info->readable = rc == 0 && S_ISREG(st.st_mode);
		goto out;
	}
	/* Absent: a fact only if its directory was captured. */
	snprintf(ipath, sizeof(ipath), "%s", path);
	slash = strrchr(ipath, '/');
	if (slash)
		*slash = '\0';
	rc = nr_sysroot_open_dir(r->rootfd, ipath, NR_SYSROOT_AUTO, &fd);
out:
	if (rc < 0)
		nr_error_set(err, ENOENT, "%s: not captured in %s", path, r->root);
	if (fd >= 0)
		close(fd);
	return rc < 0 ? -ENOENT : 0;
}

static int replay_is_root(struct nr_transport *t, int64_t deadline_ms)
{
	char text[NR_REPLAY_SMALL_MAX];
	int v;

	(void)deadline_ms;   /* a local directory: nothing to wait on */
	if (replay_small(replay_of(t), NR_REPLAY_META, text, sizeof(text)) < 0)
		return -ENOENT;
	v = meta_yes(text, "root");
	return v < 0 ? -ENOENT : v;
}

/* Recorded register reads; a tree without them (a plain copy of /proc and
 * /sys, or a capture from before the probes that read registers) has no
 * answer, which is not "no such device". */
static int replay_read_regs(struct nr_transport *t, const char *path, const uint64_t *offsets,
                            size_t n, size_t width, int64_t deadline_ms, unsigned char *data,
                            int *errs, struct nr_error *err)
{
	struct replay *r = replay_of(t);
	char rpath[4096], text[NR_REPLAY_SMALL_MAX];
	int len, rc;

	(void)deadline_ms;   /* local file system calls: nothing here can wait long */
	if (width == 0 || width > NR_REGS_MAX_WIDTH || n > NR_REGS_MAX)
		return nr_error_set(err, EINVAL, "%s: %zu reads of %zu bytes asked", path, n, width);
	if (nr_replay_meta_path(rpath, sizeof(rpath), NR_REPLAY_REGS, path, ".regs") < 0 ||
	    (len = replay_small(r, rpath, text, sizeof(text))) < 0)
		return nr_error_set(err, ENODATA, "%s: not recorded in %s", path, r->root);
	rc = nr_regs_text_parse(text, (size_t)len, offsets, n, width, data, errs);
	if (rc < 0)
		nr_error_set(err, -rc, "%s: %s (recorded)", path, strerror(-rc));
	return rc;
}

static void replay_close(struct nr_transport *t)
{
	struct replay *r = replay_of(t);

	if (r->rootfd >= 0)
		close(r->rootfd);
	free(r->root);
	free(r);
}

static const struct nr_transport_ops replay_ops = {
	.kind = "replay",
	.run = replay_run,
	.read_file = replay_read_file,
	.list = replay_list,
	.which = replay_which,
	.path_info = replay_path_info,
	.is_root = replay_is_root,
	.read_regs = replay_read_regs,
	.close = replay_close,
};

struct nr_transport *nr_transport_replay_new(const char *root, struct nr_error *err)
{
	struct replay *r = calloc(1, sizeof(*r));

	if (!r || !(r->root = strdup(root))) {
		free(r);
		nr_error_set(err, ENOMEM, "out of memory");
		return NULL;
	}
	r->base.ops = &replay_ops;
	r->rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (r->rootfd < 0)
		nr_error_set(err, errno, "cannot replay %s: %s", root, strerror(errno));
	if (r->rootfd < 0 || nr_replay_root_check(r->rootfd, root, err) < 0) {
		replay_close(&r->base);
		return NULL;
	}
	return &r->base;
}
