/* SPDX-License-Identifier: MIT */
/* One SFTP attempt: a session opened by the caller's hook (so host keys
 * and authentication follow exactly the rules of remote collection), then
 * every file not yet delivered, each written to ".NAME.part" and renamed
 * into place so that a reader polling the directory never takes half a
 * bundle for a whole one. */
#include "upload_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <libssh/libssh.h>
#include <libssh/sftp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHUNK (64 * 1024)

struct sftp_run {
	const struct nr_upload_ctx *c;
	ssh_session ssh;
	sftp_session sftp;
	char dir[2048];          /* where the files go, "" for the login directory */
	char name[2048];         /* the bundle's remote file name */
};

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* A failed SFTP call: a lost connection is worth a retry; anything the
 * server said (permission denied, no such directory, disk full) is not. */
static void sftp_failed(struct sftp_run *r, struct nr_attempt_out *out, const char *doing)
{
	int code = r->sftp ? sftp_get_error(r->sftp) : 0;
	const char *why;

	if (!ssh_is_connected(r->ssh) || code == SSH_FX_CONNECTION_LOST ||
	    code == SSH_FX_NO_CONNECTION) {
		nr_upload_attempt_fail(out, NR_ATTEMPT_RETRY, ECONNRESET, "%s: connection lost (%s)",
		                       doing, ssh_get_error(r->ssh));
		return;
	}
	switch (code) {
	case SSH_FX_PERMISSION_DENIED: why = "permission denied"; break;
	case SSH_FX_NO_SUCH_FILE:
	case SSH_FX_NO_SUCH_PATH: why = "no such file or directory"; break;
	case SSH_FX_FILE_ALREADY_EXISTS: why = "already exists"; break;
	case SSH_FX_OP_UNSUPPORTED: why = "not supported by the server"; break;
	default: why = ssh_get_error(r->ssh); break;
	}
	nr_upload_attempt_fail(out, NR_ATTEMPT_REJECTED, EACCES, "%s: %s", doing, why);
}

/* Split the URL's path into a directory and the bundle's remote name. */
static void plan_names(struct sftp_run *r)
{
	const char *p = r->c->url->path, *slash;
	sftp_attributes a;

	/* "/~/x" is "x" in the login directory (curl's convention). */
	if (strncmp(p, "/~/", 3) == 0)
		p += 3;
	else if (strcmp(p, "/~") == 0)
		p = "";
	a = p[0] ? sftp_stat(r->sftp, p) : NULL;
	if (!p[0] || p[strlen(p) - 1] == '/' || (a && a->type == SSH_FILEXFER_TYPE_DIRECTORY)) {
		snprintf(r->dir, sizeof(r->dir), "%s", p);
		snprintf(r->name, sizeof(r->name), "%s", base_name(r->c->b->path));
	} else {
		slash = strrchr(p, '/');
		snprintf(r->dir, sizeof(r->dir), "%.*s", slash ? (int)(slash - p + 1) : 0, p);
		snprintf(r->name, sizeof(r->name), "%s", slash ? slash + 1 : p);
	}
	sftp_attributes_free(a);
}

static int send_data(struct sftp_run *r, int fd, sftp_file f, const char *what, int64_t size,
                     struct nr_attempt_out *out)
{
	const struct nr_upload_ctx *c = r->c;
	char *buf = malloc(CHUNK);
	uint64_t done = 0;
	ssize_t got = 0, put;

	if (!buf) {
		nr_upload_attempt_fail(out, NR_ATTEMPT_LOCAL, ENOMEM, "out of memory");
		return -1;
	}
	while (out->verdict == NR_ATTEMPT_OK && (got = read(fd, buf, CHUNK)) != 0) {
		ssize_t off = 0;

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			nr_upload_attempt_fail(out, NR_ATTEMPT_LOCAL, errno, "cannot read %s: %s",
			                       what, strerror(errno));
			break;
		}
		while (off < got && out->verdict == NR_ATTEMPT_OK) {
			put = sftp_write(f, buf + off, (size_t)(got - off));
			if (put <= 0)
				sftp_failed(r, out, "writing");
			else
				off += put;
		}
		done += (uint64_t)got;
		if (c->o->stop && *c->o->stop)
			nr_upload_attempt_fail(out, NR_ATTEMPT_LOCAL, EINTR, "interrupted");
		else if (c->h->progress)
			c->h->progress(c->h->ud, what, done, (uint64_t)size);
	}
	free(buf);
	return out->verdict == NR_ATTEMPT_OK ? 0 : -1;
}

/* One file to dir/name via dir/.name.part. */
static void put_file(struct sftp_run *r, const char *local, const char *name, const char *what,
                     struct nr_attempt_out *out)
{
	char final[4200], part[4200];
	sftp_attributes a;
	sftp_file f = NULL;
	int64_t size;
	int fd = open(local, O_RDONLY | O_CLOEXEC | O_NONBLOCK);   /* see upload_source.c */

	out->verdict = NR_ATTEMPT_OK;
	snprintf(final, sizeof(final), "%s%s%s", r->dir, r->dir[0] && r->dir[strlen(r->dir) - 1] != '/' ? "/" : "", name);
	snprintf(part, sizeof(part), "%.*s.%s.part", (int)(strlen(final) - strlen(name)), final, name);
	size = fd < 0 ? -errno : nr_upload_file_size(fd);
	if (size < 0) {
		nr_upload_attempt_fail(out, NR_ATTEMPT_LOCAL, (int)-size, "cannot read %s: %s", local,
		                       strerror((int)-size));
		goto done;
	}
	a = sftp_lstat(r->sftp, final);
	if (a) {
		/* Bundle names are unique; one already there is someone else's. */
		sftp_attributes_free(a);
		nr_upload_attempt_fail(out, NR_ATTEMPT_REJECTED, EEXIST,
		                       "the %s's file name already exists there; not overwriting it", what);
		goto done;
	}
	f = sftp_open(r->sftp, part, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (!f) {
		sftp_failed(r, out, "creating the file");
		goto done;
	}
	if (send_data(r, fd, f, what, size, out) < 0)
		goto done;
	if (sftp_extension_supported(r->sftp, "fsync@openssh.com", "1") && sftp_fsync(f) < 0) {
		sftp_failed(r, out, "syncing the file");
		goto done;
	}
	sftp_close(f);
	f = NULL;
	if (sftp_rename(r->sftp, part, final) < 0)
		sftp_failed(r, out, "renaming the file into place");
	else
		r->c->res->bytes += (uint64_t)size;
done:
	if (f)
		sftp_close(f);
	/* Leave no .part behind when the server is still there to ask. */
	if (out->verdict != NR_ATTEMPT_OK && ssh_is_connected(r->ssh))
		sftp_unlink(r->sftp, part);
	if (fd >= 0)
		close(fd);
}

void nr_upload_sftp_attempt(const struct nr_upload_ctx *c, bool done[2], struct nr_attempt_out *out)
{
	struct nr_upload_ssh_target t = { c->url->user, c->url->host, c->url->port };
	struct sftp_run r = { .c = c };
	enum nr_upload_status st = NR_UPLOAD_LOCAL_ERROR;
	struct nr_error e = { 0 };
	long stall = c->o->timing.stall_timeout_s;
	char signame[2100];

	out->verdict = NR_ATTEMPT_OK;
	out->retry_after_s = -1;
	if (!c->h->ssh_connect) {
		nr_upload_attempt_fail(out, NR_ATTEMPT_LOCAL, ENOTSUP, "sftp needs an ssh connector");
		return;
	}
	if (c->h->ssh_connect(c->h->ud, &t, &r.ssh, &st, &e) < 0) {
		nr_upload_attempt_fail(out, st == NR_UPLOAD_GAVE_UP ? NR_ATTEMPT_RETRY
		                       : st == NR_UPLOAD_REJECTED ? NR_ATTEMPT_REJECTED : NR_ATTEMPT_LOCAL,
		                       e.code, "%s", e.msg);
		return;
	}
	/* From here on, a server that stops answering for this long fails
	 * the attempt (libssh applies it to each blocking SFTP call). */
	ssh_options_set(r.ssh, SSH_OPTIONS_TIMEOUT, &stall);
	r.sftp = sftp_new(r.ssh);
	if (!r.sftp || sftp_init(r.sftp) < 0) {
		sftp_failed(&r, out, "starting sftp");
		goto done;
	}
	plan_names(&r);
	if (!done[0]) {
		put_file(&r, c->b->path, r.name, "bundle", out);
		done[0] = out->verdict == NR_ATTEMPT_OK;
		c->res->files += done[0];
	}
	if (done[0] && !done[1] && c->b->sig_path) {
		snprintf(signame, sizeof(signame), "%s.sig", r.name);
		put_file(&r, c->b->sig_path, signame, "signature", out);
		done[1] = out->verdict == NR_ATTEMPT_OK;
		c->res->files += done[1];
	}
done:
	if (r.sftp)
		sftp_free(r.sftp);
	ssh_disconnect(r.ssh);
	ssh_free(r.ssh);
}
