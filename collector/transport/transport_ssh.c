/* The SSH transport's operations.
 *
 * A level's session runs a few long-lived worker shells (exec channels
 * running a constant POSIX-sh loop), so the remote login shell and its rc
 * files are paid once per worker, not once per operation.  Each request is
 * one line: a fresh random token, then a call of one of the loop's
 * functions whose arguments are quoted by nr_shell_quote_append, the only
 * place shell text is made.  Responses are framed by that token
 * (ssh_frame.h), so any bytes can come back.  Only a POSIX shell and
 * coreutils/busybox are assumed on the remote side. */
#include "shell_quote.h"
#include "util/utf8.h"
#include "ssh_frame.h"
#include "ssh_internal.h"
#include "regs_text.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK 32768
#define REQUEST_MAX 65536
#define NO_LIMIT "1099511627776"   /* 1 TiB: "no cap" for head -c */

/* Exit codes the loop uses to say why a file could not be read. */
#define X_NOENT 101
#define X_NOTREG 102
#define X_NOACCESS 103
#define X_NOTOOL 104     /* r_regs: no dd with iflag=skip_bytes,count_bytes, or no od */

/* Every operation runs in a subshell with stdin from /dev/null (stdin is
 * the request stream) and stderr to a temp file, returned capped.  r_run's
 * `timeout -s KILL` (coreutils or busybox) kills the command's process group
 * at the deadline even when our side has already given up; `head -c` stops
 * a producer at the artifact cap on the far side. */
static const char loop_script[] =
	"PATH=$PATH:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin; LC_ALL=C; "
	"export PATH LC_ALL; "
	"e=$(mktemp 2>/dev/null) || e=/tmp/.nest-report.$$; trap 'rm -f \"$e\" \"$e.rc\"' EXIT; "
	"T=; timeout -s KILL 1 true >/dev/null 2>&1 && T=1; "
	"r_run() { s=$1 c=$2; shift 2; "
	"{ if [ -n \"$T\" ]; then timeout -s KILL \"$s\" \"$@\"; else \"$@\"; fi; echo $? >\"$e.rc\"; } "
	"| head -c \"$c\"; return \"$(cat \"$e.rc\" 2>/dev/null || echo 125)\"; }; "
	"r_read() { [ -e \"$2\" ] || return 101; [ -f \"$2\" ] || return 102; "
	"[ -r \"$2\" ] || return 103; head -c \"$1\" \"$2\"; }; "
	"r_list() { [ -d \"$1\" ] || return 101; for f in \"$1\"/* \"$1\"/.[!.]* \"$1\"/..?*; do "
	"[ -e \"$f\" ] || [ -L \"$f\" ] || continue; printf '%s\\0' \"${f##*/}\"; done; }; "
	/* busybox ash built to prefer applets answers `command -v dmesg` with
	 * a bare name: then search PATH (IFS is changed in the subshell only). */
	"r_which() { p=$(command -v \"$1\") || return 101; case $p in /*) echo \"$p\"; return 0;; esac; "
	"IFS=:; for d in $PATH; do [ -f \"$d/$1\" ] && [ -x \"$d/$1\" ] && { echo \"$d/$1\"; return 0; }; "
	"done; return 101; }; "
	"r_info() { [ -e \"$1\" ] && echo exists; [ -c \"$1\" ] && echo chr; "
	"if [ -c \"$1\" ] && (: <>\"$1\") 2>/dev/null; then echo rw; fi; return 0; }; "
	"r_id() { id -u; }; "
	/* Register reads (read_regs): dd at a byte offset, one line per
	 * offset, "OFFSET HEX" or "OFFSET -5" (regs_text.h). */
	"r_regs() { p=$1 w=$2; shift 2; [ -e \"$p\" ] || return 101; [ -c \"$p\" ] || return 102; "
	"[ -r \"$p\" ] || return 103; "
	"dd if=/dev/zero bs=1 count=1 skip=1 iflag=skip_bytes,count_bytes >/dev/null 2>&1 "
	"&& command -v od >/dev/null 2>&1 || return 104; "
	"for o; do x=$(dd if=\"$p\" bs=\"$w\" count=\"$w\" skip=\"$o\" iflag=skip_bytes,count_bytes "
	"2>/dev/null | od -An -v -tx1 | tr -d ' \\n'); echo \"$o ${x:--5}\"; done; }; "
	"while IFS= read -r l; do b=${l%% *}; c=${l#* }; "
	"(eval \"$c\") </dev/null 2>\"$e\"; r=$?; "
	"printf '\\n%s %d\\n' \"$b\" \"$r\"; head -c 512 \"$e\"; printf '\\n%s' \"$b\"; done";

struct ssh_worker {
	ssh_channel ch;
	int state;               /* WORKER_FREE, WORKER_IDLE, WORKER_BUSY */
	bool answered;           /* has completed a request */
};

enum { WORKER_FREE, WORKER_IDLE, WORKER_BUSY };

static struct ssh_tr *tr_of(struct nr_transport *t)
{
	return (struct ssh_tr *)t;
}

static void mark_lost(struct ssh_tr *tr, struct nr_error *err)
{
	if (!ssh_is_connected(tr->session) && !tr->base.lost) {
		snprintf(tr->base.why, sizeof(tr->base.why), "connection to %s lost", tr->label);
		tr->base.lost = ECONNRESET;
		nr_error_set(err, ECONNRESET, "connection to %s lost", tr->label);
	}
}

/* A worker shell that ends before answering anything will end the same way
 * next time (sudo -n wanting a password, no sh): say why, once, and fail
 * every later call at once instead of starting shell after shell.  Called
 * with tr->lock held. */
static void mark_broken(struct ssh_tr *tr, struct ssh_worker *w)
{
	char msg[200] = "";
	int n;

	if (tr->base.broken || tr->base.lost)
		return;
	n = ssh_channel_read_nonblocking(w->ch, msg, sizeof(msg) - 1, 1);
	msg[n > 0 ? n : 0] = '\0';
	msg[strcspn(msg, "\r\n")] = '\0';
	snprintf(tr->base.why, sizeof(tr->base.why), "the remote shell on %s%s exited at once%s%s",
	         tr->label, tr->sudo ? " (run with sudo -n)" : "", msg[0] ? ": " : "", msg);
	nr_utf8_clean(tr->base.why);
	tr->base.broken = 1;
}

/* Start a worker shell; the caller holds no lock. */
static ssh_channel worker_start(struct ssh_tr *tr, struct nr_error *err)
{
	char *cmd = malloc(REQUEST_MAX);
	size_t len = 0;
	ssh_channel ch = NULL;
	int rc = cmd ? 0 : -ENOMEM;

	if (rc == 0 && tr->sudo)
		rc = nr_shell_quote_append(cmd, REQUEST_MAX, &len, "sudo");
	if (rc == 0 && tr->sudo)
		rc = nr_shell_quote_append(cmd, REQUEST_MAX, &len, "-n");
	if (rc == 0)
		rc = nr_shell_quote_append(cmd, REQUEST_MAX, &len, "sh");
	if (rc == 0)
		rc = nr_shell_quote_append(cmd, REQUEST_MAX, &len, "-c");
	if (rc == 0)
		rc = nr_shell_quote_append(cmd, REQUEST_MAX, &len, loop_script);
	if (rc < 0) {
		free(cmd);
		nr_error_set(err, ENOMEM, "out of memory");
		return NULL;
	}
	pthread_mutex_lock(&tr->lock);
	ch = ssh_channel_new(tr->session);
	if (!ch || ssh_channel_open_session(ch) != SSH_OK || ssh_channel_request_exec(ch, cmd) != SSH_OK) {
		nr_error_set(err, EIO, "cannot start a shell on %s: %s", tr->label,
		             ssh_get_error(tr->session));
		mark_lost(tr, err);
		if (ch)
			ssh_channel_free(ch);
		ch = NULL;
	}
	pthread_mutex_unlock(&tr->lock);
	free(cmd);
	return ch;
}

/* An idle worker, a new one in a free slot, or wait for one. */
static struct ssh_worker *worker_acquire(struct ssh_tr *tr, struct nr_error *err)
{
	struct ssh_worker *w = NULL, *slot = NULL;
	int i;

	pthread_mutex_lock(&tr->slots_lock);
	while (!w && !slot) {
		for (i = 0; i < NR_SSH_MAX_CHANNELS && !w; i++)
			if (tr->workers[i].state == WORKER_IDLE)
				w = &tr->workers[i];
		for (i = 0; i < NR_SSH_MAX_CHANNELS && !w && !slot; i++)
			if (tr->workers[i].state == WORKER_FREE)
				slot = &tr->workers[i];
		if (!w && !slot)
			pthread_cond_wait(&tr->slots_cond, &tr->slots_lock);
	}
	(w ? w : slot)->state = WORKER_BUSY;
	pthread_mutex_unlock(&tr->slots_lock);
	if (w)
		return w;
	slot->answered = false;
	slot->ch = worker_start(tr, err);
	if (slot->ch)
		return slot;
	pthread_mutex_lock(&tr->slots_lock);
	slot->state = WORKER_FREE;
	pthread_cond_signal(&tr->slots_cond);
	pthread_mutex_unlock(&tr->slots_lock);
	return NULL;
}

/* A worker that timed out or broke is closed; its slot is free again. */
static void worker_release(struct ssh_tr *tr, struct ssh_worker *w, bool broken)
{
	if (broken) {
		pthread_mutex_lock(&tr->lock);
		if (!tr->base.lost)
			ssh_channel_request_send_signal(w->ch, "KILL");
		ssh_channel_close(w->ch);
		ssh_channel_free(w->ch);
		pthread_mutex_unlock(&tr->lock);
		w->ch = NULL;
	}
	pthread_mutex_lock(&tr->slots_lock);
	w->state = broken ? WORKER_FREE : WORKER_IDLE;
	pthread_cond_signal(&tr->slots_cond);
	pthread_mutex_unlock(&tr->slots_lock);
}

struct exchange {
	struct nr_sink *out, *err_out;
	bool out_full;
	struct nr_run_result *res;
};

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
	return 0;
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

/* Pump one response.  Returns 0 when complete, or a negative errno. */
static int exchange_wait(struct ssh_tr *tr, struct ssh_worker *w, struct nr_frame *f,
                         int64_t deadline_ms, struct nr_error *err)
{
	char *buf = malloc(CHUNK);
	int rc = buf ? 0 : -ENOMEM;

	while (rc == 0 && f->phase != NR_FRAME_DONE) {
		int n, eof;

		if (nr_time_now_ms() >= deadline_ms || nr_interrupted) {
			rc = nr_interrupted ? -EINTR : -ETIMEDOUT;
			break;
		}
		pthread_mutex_lock(&tr->lock);
		n = ssh_channel_read_nonblocking(w->ch, buf, CHUNK, 0);
		/* libssh 0.10 says SSH_EOF once the channel has ended. */
		eof = n == SSH_EOF || (n == 0 && ssh_channel_is_eof(w->ch));
		if (n == SSH_ERROR || eof)
			mark_lost(tr, err);
		if (eof && !tr->base.lost && !w->answered)
			mark_broken(tr, w);
		pthread_mutex_unlock(&tr->lock);
		if (n == SSH_ERROR || eof) {
			rc = tr->base.lost ? -ECONNRESET : -EPIPE;
			break;
		}
		if (n > 0) {
			long used = nr_frame_feed(f, buf, (size_t)n);

			/* One request at a time: nothing may follow the response. */
			rc = used < 0 || used != n ? -EPROTO : 0;
		} else {
			/* Wake as soon as the socket has data (another thread may
			 * read it for us, hence the short cap). */
			struct pollfd p = { ssh_get_fd(tr->session), POLLIN, 0 };

			poll(&p, 1, NR_SSH_POLL_MS);
		}
	}
	if (rc == 0)
		w->answered = true;
	free(buf);
	return rc;
}

/* Run one loop function remotely.  args[0..] are its arguments. */
static int ssh_call(struct ssh_tr *tr, const char *fn, const char *const *args, int64_t deadline_ms,
                    struct nr_sink *out, struct nr_sink *err_out, struct nr_run_result *res,
                    struct nr_error *err)
{
	struct exchange x = { out, err_out, false, res };
	char token[NR_FRAME_TOKEN_LEN + 1], *line = NULL;
	struct ssh_worker *w = NULL;
	struct nr_frame f;
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
	w = worker_acquire(tr, err);
	if (!w) {
		free(line);
		return -EIO;
	}
	nr_frame_init(&f, token, exchange_out, &x);
	pthread_mutex_lock(&tr->lock);
	n = ssh_channel_write(w->ch, line, (uint32_t)strlen(line));
	pthread_mutex_unlock(&tr->lock);
	rc = n == (int)strlen(line) ? exchange_wait(tr, w, &f, deadline_ms, err) : -EPIPE;
	res->timed_out = rc == -ETIMEDOUT;
	if (rc == 0)
		res->exit_code = f.exit_code;
	else if (rc == -ETIMEDOUT || rc == -EINTR)
		nr_error_set(err, -rc, "%s on %s %s", args[0] && args[1] ? args[1] : fn, tr->label,
		             rc == -EINTR ? "interrupted" : "timed out");
	else if (tr->base.broken)
		nr_error_set(err, EIO, "%s", tr->base.why);
	else if (!tr->base.lost)
		nr_error_set(err, -rc, "the shell on %s failed (%s)", tr->label,
		             tr->sudo ? "does sudo -n work there?" : "protocol error");
	worker_release(tr, w, rc < 0);
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
	const char *args[68];
	char secs[24], limit[24];
	int64_t left = (deadline_ms - nr_time_now_ms() + 999) / 1000;
	size_t i;

	(void)key;
	snprintf(secs, sizeof(secs), "%lld", (long long)(left > 0 ? left : 1));
	limit_arg(out, limit, sizeof(limit));
	args[0] = secs;
	args[1] = limit;
	for (i = 0; argv[i] && i < 64; i++)
		args[i + 2] = argv[i];
	args[i + 2] = NULL;
	return ssh_call(tr_of(t), "r_run", args, deadline_ms, out, err_out, res, err);
}

static int ssh_read_file(struct nr_transport *t, const char *path, int64_t deadline_ms,
                         struct nr_sink *out, bool *truncated, struct nr_error *err)
{
	char limit[24];
	const char *args[] = { limit, path, NULL };
	struct nr_run_result res;
	int rc;

	limit_arg(out, limit, sizeof(limit));
	rc = ssh_call(tr_of(t), "r_read", args, deadline_ms, out, NULL, &res, err);

	*truncated = res.truncated;
	if (rc < 0 || res.truncated)
		return rc;
	switch (res.exit_code) {
	case 0: return 0;
	case X_NOENT: return nr_error_set(err, ENOENT, "%s: no such file", path);
	case X_NOTREG: return nr_error_set(err, EINVAL, "%s is not a regular file", path);
	case X_NOACCESS: return nr_error_set(err, EACCES, "%s: permission denied", path);
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
/* is_root() has no caller deadline: asked once, at the start of a level. */
#define ID_TIMEOUT_MS 30000

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
	rc = ssh_call(tr_of(t), "r_list", args, deadline_ms, &s.base, NULL, &res, err);
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
	int rc = ssh_call(tr_of(t), op, arg ? args : args + 1, deadline_ms, &s.base,
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

static int ssh_is_root(struct nr_transport *t)
{
	struct ssh_tr *tr = tr_of(t);
	char out[32];
	int code;

	if (tr->is_root < 0 && small_op(t, "r_id", NULL, nr_time_now_ms() + ID_TIMEOUT_MS, out, sizeof(out), &code) == 0 && code == 0)
		tr->is_root = atoi(out) == 0 && out[0] == '0';
	return tr->is_root;
}

#define REGS_OUT_MAX 8192

static int ssh_read_regs(struct nr_transport *t, const char *path, const uint64_t *offsets,
                         size_t n, size_t width, int64_t deadline_ms, unsigned char *data,
                         int *errs, struct nr_error *err)
{
	struct list_sink s = { { list_write, REGS_OUT_MAX }, malloc(REGS_OUT_MAX), 0, REGS_OUT_MAX };
	char numbers[NR_REGS_MAX + 1][24];
	const char *args[NR_REGS_MAX + 3];
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
	rc = ssh_call(tr_of(t), "r_regs", args, deadline_ms, &s.base, NULL, &res, err);
	if (rc < 0)
		goto out;
	switch (res.exit_code) {
	case 0:
		nr_regs_text_parse(s.buf, s.len, offsets, n, width, data, errs);
		break;
	case X_NOENT: rc = nr_error_set(err, ENOENT, "%s: no such device", path); break;
	case X_NOTREG: rc = nr_error_set(err, ENODEV, "%s is not a character device", path); break;
	case X_NOACCESS: rc = nr_error_set(err, EACCES, "%s: permission denied", path); break;
	case X_NOTOOL:
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
	int i;

	for (i = 0; tr->workers && i < NR_SSH_MAX_CHANNELS; i++)
		if (tr->workers[i].ch) {
			ssh_channel_send_eof(tr->workers[i].ch);
			ssh_channel_close(tr->workers[i].ch);
			ssh_channel_free(tr->workers[i].ch);
		}
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

	*why = NR_SSH_UNREACHABLE;
	if (!tr) {
		nr_error_set(err, ENOMEM, "out of memory");
		return NULL;
	}
	tr->base.ops = &ssh_ops;
	tr->workers = calloc(NR_SSH_MAX_CHANNELS, sizeof(*tr->workers));
	tr->sudo = o->sudo;
	tr->is_root = -1;
	pthread_mutex_init(&tr->lock, NULL);
	pthread_mutex_init(&tr->slots_lock, NULL);
	pthread_cond_init(&tr->slots_cond, NULL);
	if (!tr->workers) {
		nr_error_set(err, ENOMEM, "out of memory");
		ssh_close(&tr->base);
		return NULL;
	}
	if (o->via && nr_ssh_bridge_open((struct ssh_tr *)o->via, o->target.host, port, &tr->bridge,
	                                 &fd, err) < 0) {
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
