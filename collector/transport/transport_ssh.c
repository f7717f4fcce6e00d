/* SPDX-License-Identifier: MIT */
/* The SSH transport's operations.
 *
 * A level's session runs a few long-lived worker shells (exec channels
 * running a constant POSIX-sh loop), so the remote login shell and its rc
 * files are paid once per worker, not once per operation.  Each request is
 * one line: a fresh random token, then a call of one of the loop's
 * functions whose arguments are quoted by nr_shell_quote_append, the only
 * place shell text is made.  Responses are framed by that token
 * (ssh_frame.h), so any bytes can come back.  Only a POSIX shell and
 * coreutils/busybox are assumed on the remote side.  The shells themselves,
 * how they start, stop and kill what they ran, are ssh_worker.c's. */
#include "shell_quote.h"
#include "ssh_frame.h"
#include "ssh_internal.h"
#include "regs_text.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define REQUEST_MAX 65536
#define NO_LIMIT "1099511627776"   /* 1 TiB: "no cap" for head -c */

static struct ssh_tr *tr_of(struct nr_transport *t)
{
	return (struct ssh_tr *)t;
}

struct exchange {
	struct nr_sink *out, *err_out;
	bool out_full;
	bool stop_at_cap;            /* the far side does not cap this output */
	struct nr_run_result *res;
};

/* r_run's output has no cap on the far side (no program is started for
 * one): at the cap we stop reading and hang the worker up, which ends the
 * command's output (its next write to the pty fails) or, at the latest,
 * the command itself at its remote deadline (`timeout`). */
static bool capped_here(const char *fn)
{
	return strcmp(fn, "r_run") == 0;
}

static int exchange_out(void *ud, int is_stderr, const char *data, size_t len)
{
	struct exchange *x = ud;

	if (is_stderr) {
		if (x->err_out)
			x->err_out->write(x->err_out, data, len);
		return 0;
	}
	if (x->out && !x->out_full && x->out->write(x->out, data, len) == NR_SINK_FULL) {
		x->out_full = true;
		x->res->truncated = true;
	}
	return x->out_full && x->stop_at_cap ? -ENOSPC : 0;
}

static char *build_request(const char *token, const char *fn, const char *const *args)
{
	char *line = malloc(REQUEST_MAX);
	size_t len, i;
	int rc = 0;

	if (!line)
		return NULL;
	len = (size_t)snprintf(line, REQUEST_MAX, "%s %s", token, fn);
	for (i = 0; args[i] && rc == 0; i++)
		/* The request is one line: a newline in an argument cannot be sent. */
		rc = strchr(args[i], '\n') ? -EINVAL
		                           : nr_shell_quote_append(line, REQUEST_MAX - 1, &len, args[i]);
	if (rc < 0) {
		free(line);
		return NULL;
	}
	line[len++] = '\n';
	line[len] = '\0';
	return line;
}

int nr_ssh_call(struct ssh_tr *tr, const char *fn, const char *const *args, int64_t deadline_ms,
                struct nr_sink *out, struct nr_sink *err_out, struct nr_run_result *res,
                struct nr_error *err)
{
	struct exchange x = { out, err_out, false, capped_here(fn), res };
	char token[NR_FRAME_TOKEN_LEN + 1], *line = NULL;
	struct ssh_worker *w = NULL;
	struct nr_frame f;
	bool stopped;
	int rc = 0, n;

	memset(res, 0, sizeof(*res));
	res->exit_code = -1;
	if (tr->base.lost)
		return nr_error_set(err, ECONNRESET, "connection to %s lost", tr->label);
	if (tr->base.broken)
		return nr_error_set(err, EIO, "%s", tr->base.why);
	if (nr_frame_token(token) < 0 || !(line = build_request(token, fn, args)))
		return nr_error_set(err, EINVAL, "cannot send %s to %s: argument too long or has a "
		                    "newline", fn, tr->label);
	w = nr_ssh_worker_acquire(tr, deadline_ms, err);
	if (!w) {
		free(line);
		res->timed_out = err && err->code == ETIMEDOUT;
		return err && (err->code == ETIMEDOUT || err->code == EINTR) ? -err->code : -EIO;
	}
	nr_frame_init(&f, token, exchange_out, &x);
	pthread_mutex_lock(&tr->lock);
	nr_ssh_budget(tr->session, deadline_ms);
	n = ssh_channel_write(w->ch, line, (uint32_t)strlen(line));
	pthread_mutex_unlock(&tr->lock);
	rc = n == (int)strlen(line) ? nr_ssh_pump(tr, w->ch, &f, deadline_ms, err) : -EPIPE;
	res->timed_out = rc == -ETIMEDOUT;
	if (rc == 0)
		res->exit_code = f.exit_code;
	/* Stopped at the cap: the output is whole up to it (exit code none,
	 * as locally); the worker is hung up below, its rest unread. */
	stopped = rc == -ENOSPC;
	if (stopped)
		rc = 0;
	else if (rc == -ETIMEDOUT || rc == -EINTR)
		nr_error_set(err, -rc, "%s on %s %s", args[0] && args[1] ? args[1] : fn, tr->label,
		             rc == -EINTR ? "interrupted" : "timed out");
	else if (tr->base.broken)
		nr_error_set(err, EIO, "%s", tr->base.why);
	else if (!tr->base.lost)
		nr_error_set(err, -rc, "the shell on %s failed (%s)", tr->label,
		             tr->sudo ? "does sudo -n work there?" : "protocol error");
	nr_ssh_worker_release(tr, w, rc < 0 || stopped);
	free(line);
	return rc == -EPIPE || rc == -EPROTO ? -EIO : rc;
}

static void limit_arg(const struct nr_sink *s, char *out, size_t outlen)
{
	/* One byte over the cap, so that the sink itself sees truncation. */
	if (s && s->limit)
		snprintf(out, outlen, "%llu", (unsigned long long)s->limit + 1);
	else
		snprintf(out, outlen, "%s", NO_LIMIT);
}

static int ssh_run(struct nr_transport *t, const char *key, const char *const *argv,
                   int64_t deadline_ms, struct nr_sink *out, struct nr_sink *err_out,
                   struct nr_run_result *res, struct nr_error *err)
{
	const char *args[67];
	char secs[24];
	int64_t left = (deadline_ms - nr_time_now_ms() + 999) / 1000;
	size_t i;

	(void)key;
	snprintf(secs, sizeof(secs), "%lld", (long long)(left > 0 ? left : 1));
	args[0] = secs;
	for (i = 0; argv[i] && i < 64; i++)
		args[i + 1] = argv[i];
	args[i + 1] = NULL;
	return nr_ssh_call(tr_of(t), "r_run", args, deadline_ms, out, err_out, res, err);
}

static int ssh_read_file(struct nr_transport *t, const char *path, int64_t deadline_ms,
                         struct nr_sink *out, bool *truncated, struct nr_error *err)
{
	char limit[24];
	const char *args[] = { limit, path, NULL };
	struct nr_run_result res;
	int rc;

	limit_arg(out, limit, sizeof(limit));
	rc = nr_ssh_call(tr_of(t), "r_read", args, deadline_ms, out, NULL, &res, err);

	*truncated = res.truncated;
	if (rc < 0 || res.truncated)
		return rc;
	switch (res.exit_code) {
	case 0: return 0;
	case NR_SSH_X_NOENT: return nr_error_set(err, ENOENT, "%s: no such file", path);
	case NR_SSH_X_NOTREG: return nr_error_set(err, EINVAL, "%s is not a regular file", path);
	case NR_SSH_X_NOACCESS: return nr_error_set(err, EACCES, "%s: permission denied", path);
	default: return nr_error_set(err, EIO, "cannot read %s (exit %d)", path, res.exit_code);
	}
}

struct list_sink {
	struct nr_sink base;
	char *buf;
	size_t len, cap;
};

static int list_write(struct nr_sink *base, const void *data, size_t len)
{
	struct list_sink *s = (struct list_sink *)base;

	if (len > s->cap - s->len)
		return NR_SINK_FULL;
	memcpy(s->buf + s->len, data, len);
	s->len += len;
	return 0;
}

#define LIST_CAP (1024 * 1024)

static int ssh_list(struct nr_transport *t, const char *dir, int64_t deadline_ms,
		nr_list_fn fn, void *ud, struct nr_error *err)
{
	struct list_sink s = { { list_write, LIST_CAP }, malloc(LIST_CAP), 0, LIST_CAP };
	const char *args[] = { dir, NULL };
	struct nr_run_result res;
	size_t off = 0;
	int rc;

	if (!s.buf)
		return nr_error_set(err, ENOMEM, "out of memory");
	rc = nr_ssh_call(tr_of(t), "r_list", args, deadline_ms, &s.base, NULL, &res, err);
	if (rc == 0 && res.exit_code != 0)
		rc = nr_error_set(err, ENOENT, "cannot list %s", dir);
	/* Names are NUL-terminated; a truncated last one is dropped. */
	while (rc == 0 && off < s.len) {
		char *end = memchr(s.buf + off, '\0', s.len - off);

		if (!end)
			break;
		if (end > s.buf + off)
			rc = fn(ud, s.buf + off);
		off = (size_t)(end - s.buf) + 1;
	}
	free(s.buf);
	return rc;
}

static int small_op(struct nr_transport *t, const char *op, const char *arg, int64_t deadline_ms,
                    char *out, size_t outlen, int *exit_code)
{
	struct list_sink s = { { list_write, outlen - 1 }, out, 0, outlen - 1 };
	const char *args[] = { arg, NULL };
	struct nr_run_result res;
	struct nr_error err;
	int rc = nr_ssh_call(tr_of(t), op, arg ? args : args + 1, deadline_ms, &s.base,
	                  NULL, &res, &err);

	out[s.len] = '\0';
	*exit_code = res.exit_code;
	return rc;
}

static int ssh_which(struct nr_transport *t, const char *cmd, int64_t deadline_ms,
		char *out, size_t outlen)
{
	int code, rc = small_op(t, "r_which", cmd, deadline_ms, out, outlen, &code);

	out[strcspn(out, "\n")] = '\0';
	if (rc < 0)
		return rc;
	return code == 0 && out[0] == '/' ? 0 : -ENOENT;
}

static int ssh_path_info(struct nr_transport *t, const char *path, int64_t deadline_ms,
		struct nr_path_info *info, struct nr_error *err)
{
	char out[64];
	int code, rc = small_op(t, "r_info", path, deadline_ms, out, sizeof(out), &code);

	memset(info, 0, sizeof(*info));
	if (rc < 0)
		return nr_error_set(err, -rc, "cannot check %s", path);
	info->exists = strstr(out, "exists") != NULL;
	info->is_char_device = strstr(out, "chr") != NULL;
	info->opened_rw = strstr(out, "rw") != NULL;
	info->readable = info->writable = info->opened_rw;
	return 0;
}

static int ssh_is_root(struct nr_transport *t, int64_t deadline_ms)
{
	struct ssh_tr *tr = tr_of(t);
	char out[32];
	int code;

	int known;

	/* The level's first hello says it, most often (ssh_worker.c). */
	pthread_mutex_lock(&tr->lock);
	known = tr->is_root;
	pthread_mutex_unlock(&tr->lock);
	if (known < 0 && small_op(t, "r_id", NULL, deadline_ms, out, sizeof(out), &code) == 0 &&
	    code == 0) {
		known = atoi(out) == 0 && out[0] == '0';
		pthread_mutex_lock(&tr->lock);
		tr->is_root = known;
		pthread_mutex_unlock(&tr->lock);
	}
	return known;
}

#define REGS_OUT_MAX 8192

static int ssh_read_regs(struct nr_transport *t, const char *path, const uint64_t *offsets,
                         size_t n, size_t width, int64_t deadline_ms, unsigned char *data,
                         int *errs, struct nr_error *err)
{
	struct list_sink s = { { list_write, REGS_OUT_MAX }, malloc(REGS_OUT_MAX), 0, REGS_OUT_MAX };
	char numbers[NR_REGS_MAX + 1][24], *text;
	const char *args[NR_REGS_MAX + 3];
	int tlen;
	struct nr_run_result res;
	size_t i;
	int rc;

	if (!s.buf)
		return nr_error_set(err, ENOMEM, "out of memory");
	if (width == 0 || width > NR_REGS_MAX_WIDTH || n > NR_REGS_MAX) {
		rc = nr_error_set(err, EINVAL, "%s: %zu reads of %zu bytes asked", path, n, width);
		goto out;
	}
	snprintf(numbers[0], sizeof(numbers[0]), "%zu", width);
	args[0] = path;
	args[1] = numbers[0];
	for (i = 0; i < n; i++) {
		snprintf(numbers[i + 1], sizeof(numbers[i + 1]), "%llu", (unsigned long long)offsets[i]);
		args[i + 2] = numbers[i + 1];
	}
	args[n + 2] = NULL;
	rc = nr_ssh_call(tr_of(t), "r_regs", args, deadline_ms, &s.base, NULL, &res, err);
	if (rc < 0)
		goto out;
	switch (res.exit_code) {
	case 0:
		text = malloc(REGS_OUT_MAX);
		if (!text) {
			rc = nr_error_set(err, ENOMEM, "out of memory");
			break;
		}
		tlen = nr_ssh_regs_canon(s.buf, s.len, width, text, REGS_OUT_MAX);
		nr_regs_text_parse(text, (size_t)tlen, offsets, n, width, data, errs);
		free(text);
		break;
	case NR_SSH_X_NOENT: rc = nr_error_set(err, ENOENT, "%s: no such device", path); break;
	case NR_SSH_X_NOTREG: rc = nr_error_set(err, ENODEV, "%s is not a character device", path); break;
	case NR_SSH_X_NOACCESS: rc = nr_error_set(err, EACCES, "%s: permission denied", path); break;
	case NR_SSH_X_NOTOOL:
		rc = nr_error_set(err, ENOSYS, "cannot read %s: needs dd with iflag=skip_bytes,"
		                  "count_bytes (coreutils) and od", path);
		break;
	default: rc = nr_error_set(err, EIO, "cannot read %s (exit %d)", path, res.exit_code);
	}
out:
	free(s.buf);
	return rc;
}

static void ssh_close(struct nr_transport *t)
{
	struct ssh_tr *tr = tr_of(t);

	/* Closing flushes what is queued; a peer that stopped reading gets a
	 * second for it, not the session's timeout. */
	if (tr->session)
		nr_ssh_budget(tr->session, nr_time_now_ms() + 1000);
	nr_ssh_workers_close(tr);
	if (tr->session) {
		ssh_disconnect(tr->session);
		ssh_free(tr->session);
	}
	nr_ssh_bridge_close(tr->bridge);
	pthread_mutex_destroy(&tr->lock);
	pthread_mutex_destroy(&tr->slots_lock);
	pthread_cond_destroy(&tr->slots_cond);
	free(tr->workers);
	free(tr);
}

static const struct nr_transport_ops ssh_ops = {
	.kind = "ssh",
	.run = ssh_run,
	.read_file = ssh_read_file,
	.list = ssh_list,
	.which = ssh_which,
	.path_info = ssh_path_info,
	.is_root = ssh_is_root,
	.read_regs = ssh_read_regs,
	.close = ssh_close,
	.read_small = nr_ssh_read_small,
	.scan = nr_ssh_scan,
};

bool nr_transport_is_ssh(const struct nr_transport *t)
{
	return t && t->ops == &ssh_ops;
}

struct nr_transport *nr_transport_ssh_new(const struct nr_ssh_opts *o, enum nr_ssh_fail *why,
                                          struct nr_error *err)
{
	struct ssh_tr *tr = calloc(1, sizeof(*tr));
	int fd = -1, port = o->target.port > 0 ? o->target.port : 22;
	pthread_condattr_t ca;

	*why = NR_SSH_UNREACHABLE;
	if (!tr) {
		nr_error_set(err, ENOMEM, "out of memory");
		return NULL;
	}
	tr->base.ops = &ssh_ops;
	tr->workers = calloc(NR_SSH_MAX_CHANNELS, sizeof(*tr->workers));
	tr->sudo = o->sudo;
	tr->is_root = -1;
	tr->has_timeout = -1;
	pthread_mutex_init(&tr->lock, NULL);
	pthread_mutex_init(&tr->slots_lock, NULL);
	/* Waits for a free shell end at a monotonic deadline. */
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&tr->slots_cond, &ca);
	pthread_condattr_destroy(&ca);
	if (!tr->workers) {
		nr_error_set(err, ENOMEM, "out of memory");
		ssh_close(&tr->base);
		return NULL;
	}
	if (o->via && nr_ssh_bridge_open((struct ssh_tr *)o->via, o->target.host, port,
	                                 nr_time_now_ms() + (int64_t)(o->connect_timeout_s > 0
	                                                              ? o->connect_timeout_s : 10) * 1000,
	                                 &tr->bridge, &fd, err) < 0) {
		ssh_close(&tr->base);
		return NULL;
	}
	if (nr_ssh_session_open(tr, o, fd, why, err) < 0) {
		ssh_close(&tr->base);
		return NULL;
	}
	return &tr->base;
}

int nr_ssh_target_parse(const char *text, struct nr_ssh_target *t)
{
	const char *at = strrchr(text, '@'), *host = at ? at + 1 : text, *colon;
	size_t hlen;

	memset(t, 0, sizeof(*t));
	if (at && (size_t)(at - text) >= sizeof(t->user))
		return -EINVAL;
	if (at)
		memcpy(t->user, text, (size_t)(at - text));
	if (*host == '[') {
		const char *close = strchr(host, ']');

		if (!close)
			return -EINVAL;
		hlen = (size_t)(close - host - 1);
		host++;
		colon = close[1] == ':' ? close + 1 : NULL;
		if (close[1] && !colon)
			return -EINVAL;
	} else {
		colon = strchr(host, ':');
		/* Two colons: a bare IPv6 address, no port. */
		if (colon && strchr(colon + 1, ':'))
			colon = NULL;
		hlen = colon ? (size_t)(colon - host) : strlen(host);
	}
	if (hlen == 0 || hlen >= sizeof(t->host) || (at && at == text))
		return -EINVAL;
	memcpy(t->host, host, hlen);
	if (colon) {
		char *end;
		long port = strtol(colon + 1, &end, 10);

		if (*end || port < 1 || port > 65535)
			return -EINVAL;
		t->port = (int)port;
	}
	return 0;
}
