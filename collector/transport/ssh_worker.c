/* SPDX-License-Identifier: MIT */
/* The worker shells of an SSH level: how one starts, says it is ready,
 * is handed to an operation and is closed; see ssh_internal.h.
 *
 * Every wait here has the caller's deadline: a remote side that stalls
 * (a login script that sleeps, a forced command that never reads, a shell
 * that never answers) costs the operation its deadline and no more.
 *
 * A worker runs on a pseudo-terminal, so that closing it kills what it
 * started.  OpenSSH refuses the "signal" channel request for root logins
 * (no privilege separation after a root login), so the one lever left is
 * the hangup: when the channel closes, sshd closes the pty master and the
 * kernel sends SIGHUP to the session, which ends the shell and everything
 * in its process group, a stalled login script included.  The pty is set
 * raw before a byte is sent (stty, then a hello frame), so the stream
 * stays binary-clean; commands under `timeout` (their own process group)
 * die at their remote deadline, within a second of ours.  A remote side
 * without a working stty gets workers without a pty (the old way). */
#include "shell_quote.h"
#include "ssh_frame.h"
#include "ssh_internal.h"
#include "util/utf8.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CHUNK 32768
#define START_MAX 65536
/* A shell that has not said hello after this long while we waited is
 * stalled (a healthy one takes well under a second, even with a heavy
 * login script), and so is every later one: the level stops trying. */
#define STALLED_MS 1000

enum { WORKER_FREE, WORKER_IDLE, WORKER_BUSY };

/* Every operation runs in a subshell with stdin from /dev/null (stdin is
 * the request stream) and stderr to a temp file, returned capped.  r_run's
 * `timeout -s KILL` (coreutils or busybox) kills the command's process group
 * at the deadline even when our side has already given up.  Its output is
 * not capped here (that was a `head -c` per command): our side stops
 * reading at the artifact cap and hangs the worker up (transport_ssh.c),
 * and the command's next write to the dead pty fails.  $1 is the hello
 * token: the shell sets its pty raw, then says it is ready, in a frame. */
#define STR_(x) #x
#define STR(x) STR_(x)
#define SMALL_MAX STR(NR_SMALL_FILE_MAX)
static const char loop_script[] =
	"PATH=$PATH:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin; LC_ALL=C; "
	"export PATH LC_ALL; "
	"if [ -t 0 ]; then stty raw -echo 2>/dev/null || exit 97; fi; "
	/* A directory of our own (0700): the names in it cannot be planted
	 * by another user, as "$e.r" beside a temp file in /tmp could be. */
	"e=$(mktemp -d 2>/dev/null) || { e=/tmp/.nest-report.$$; mkdir -m 700 \"$e\" 2>/dev/null || exit 96; }; "
	"trap 'rm -rf \"$e\"' EXIT; "
	/* The hangup that ends a worker must still run the EXIT trap. */
	"trap 'exit 129' HUP; trap 'exit 143' TERM; "
	/* $2: whether `timeout -s KILL` works there, when an earlier worker
	 * of the level found out (its hello says); else find out, with the
	 * program the root check needs anyway (id -u): U, its answer.  An id
	 * that fails or hangs says nothing of timeout: then ask with true. */
	"U=; case $2 in 1) T=1;; 0) T=;; *) T=; U=$(timeout -s KILL 1 id -u 2>/dev/null) && T=1 || "
	"{ U=; timeout -s KILL 1 true >/dev/null 2>&1 && T=1; };; esac; "
	"r_run() { s=$1; shift; "
	"if [ -n \"$T\" ]; then timeout -s KILL \"$s\" \"$@\"; else \"$@\"; fi; }; "
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
	/* Register reads (read_regs): dd at a byte offset each, into one
	 * file, and one od for all: a line "OFFSET +" (read) or "OFFSET -5"
	 * per offset, then "data" and the bytes read, in order, as hex
	 * (ssh_small.c turns it into regs_text.h's form).  Whether dd knows
	 * iflag=skip_bytes,count_bytes is asked (one more dd) only when a
	 * read failed: a dd without them fails every read alike. */
	"r_regs() { p=$1 w=$2 k=; shift 2; [ -e \"$p\" ] || return 101; [ -c \"$p\" ] || return 102; "
	"[ -r \"$p\" ] || return 103; command -v od >/dev/null 2>&1 || return 104; "
	": >\"$e/r\" || return 103; "
	"for o; do if dd if=\"$p\" bs=\"$w\" count=\"$w\" skip=\"$o\" iflag=skip_bytes,count_bytes "
	">>\"$e/r\" 2>/dev/null; then echo \"$o +\"; else [ -n \"$k\" ] || "
	"dd if=/dev/zero bs=1 count=1 skip=1 iflag=skip_bytes,count_bytes >/dev/null 2>&1 || return 104; "
	"k=1; echo \"$o -5\"; fi; done; "
	"echo data; od -An -v -tx1 \"$e/r\"; }; "
	/* Small text files (read_small), read by the shell itself: no program
	 * started, NUL bytes lost.  Each is followed by a frame of its own
	 * (ssh_frame.h) under the token $1: "\n" $1 " " STATUS "\n\n" $1;
	 * 105: more than NR_SMALL_FILE_MAX bytes. */
	"r_small() { s=$1; shift; for f; do st=0 n=0 l=; "
	"if [ ! -e \"$f\" ]; then st=101; elif [ ! -f \"$f\" ]; then st=102; "
	"elif [ ! -r \"$f\" ]; then st=103; else "
	"while [ $n -le " SMALL_MAX " ] && IFS= read -r l; do printf '%s\\n' \"$l\"; "
	"n=$((n+${#l}+1)); l=; done <\"$f\" || st=103; "
	"if [ $n -gt " SMALL_MAX " ]; then st=105; else printf %s \"$l\"; fi; fi; "
	"printf '\\n%s %d\\n\\n%s' \"$s\" $st \"$s\"; done; }; "
	/* The first $1 bytes of many files with one program (scan): head
	 * names each file, given two at least (ssh_small.c). */
	"r_scan() { c=$1; shift; head -c \"$c\" /dev/null \"$@\"; return 0; }; "
	/* The hello: ready; its code says whether timeout works here (+1)
	 * and, when the probe ran, whether we are root (+2) or not (+4). */
	"h=${T:-0}; case $U in 0) h=$((h+2));; ?*) h=$((h+4));; esac; "
	"printf '\\n%s %d\\n\\n%s' \"$1\" $h \"$1\"; "
	"while IFS= read -r l; do b=${l%% *}; c=${l#* }; "
	"(eval \"$c\") </dev/null 2>\"$e/e\"; r=$?; "
	/* A program to read the stderr file only when there is something. */
	"printf '\\n%s %d\\n' \"$b\" \"$r\"; if [ -s \"$e/e\" ]; then head -c 512 \"$e/e\"; fi; "
	"printf '\\n%s' \"$b\"; done";

void nr_ssh_mark_lost(struct ssh_tr *tr, struct nr_error *err)
{
	if (!ssh_is_connected(tr->session) && !tr->base.lost) {
		snprintf(tr->base.why, sizeof(tr->base.why), "connection to %s lost", tr->label);
		tr->base.lost = ECONNRESET;
		nr_error_set(err, ECONNRESET, "connection to %s lost", tr->label);
	}
}

void nr_ssh_budget(ssh_session s, int64_t deadline_ms)
{
	int64_t left = deadline_ms - nr_time_now_ms();
	long sec, usec;

	/* 0 would mean "do not wait at all" to libssh: at least 1 ms. */
	if (left < 1)
		left = 1;
	sec = (long)(left / 1000);
	usec = (long)(left % 1000) * 1000;
	ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &sec);
	ssh_options_set(s, SSH_OPTIONS_TIMEOUT_USEC, &usec);
}

int nr_ssh_pump(struct ssh_tr *tr, ssh_channel ch, struct nr_frame *f, int64_t deadline_ms,
                struct nr_error *err)
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
		n = ssh_channel_read_nonblocking(ch, buf, CHUNK, 0);
		/* libssh 0.10 says SSH_EOF once the channel has ended. */
		eof = n == SSH_EOF || (n == 0 && ssh_channel_is_eof(ch));
		if (n == SSH_ERROR || eof)
			nr_ssh_mark_lost(tr, err);
		pthread_mutex_unlock(&tr->lock);
		if (n == SSH_ERROR || eof) {
			rc = tr->base.lost ? -ECONNRESET : -EPIPE;
			break;
		}
		if (n > 0) {
			long used = nr_frame_feed(f, buf, (size_t)n);

			/* One request at a time: nothing may follow the response.
			 * A sink's own error (-ENOSPC: stop at the cap) passes. */
			rc = used == -ENOSPC ? -ENOSPC : used < 0 || used != n ? -EPROTO : 0;
		} else {
			/* Wake as soon as the socket has data (another thread may
			 * read it for us, hence the short cap). */
			struct pollfd p = { ssh_get_fd(tr->session), POLLIN, 0 };

			poll(&p, 1, NR_SSH_POLL_MS);
		}
	}
	free(buf);
	return rc;
}

/* What a shell says before its hello (a login script's chatter, sudo's
 * refusal), kept short for messages; the rest is dropped as it comes. */
struct hello {
	char said[200];
	size_t len;
};

static int hello_out(void *ud, int is_stderr, const char *data, size_t len)
{
	struct hello *h = ud;
	size_t take = sizeof(h->said) - 1 - h->len;

	(void)is_stderr;
	if (take > len)
		take = len;
	memcpy(h->said + h->len, data, take);
	h->len += take;
	h->said[h->len] = '\0';
	return 0;
}

/* Without a pty, a failing shell (sudo -n) says why on stderr. */
static void said_stderr(struct ssh_tr *tr, ssh_channel ch, struct hello *h)
{
	char buf[sizeof(h->said)];
	int n;

	pthread_mutex_lock(&tr->lock);
	n = ssh_channel_read_nonblocking(ch, buf, sizeof(buf), 1);
	pthread_mutex_unlock(&tr->lock);
	if (n > 0)
		hello_out(h, 1, buf, (size_t)n);
}

/* Why the level's shells cannot be used, once: every later call fails at
 * once instead of starting shell after shell.  what: "exited at once"...;
 * said: what the shell printed (its first line is quoted).  Called with
 * tr->lock held. */
static void mark_broken(struct ssh_tr *tr, const char *what, const char *said)
{
	char msg[200];

	if (tr->base.broken || tr->base.lost)
		return;
	/* Skip the blank lines a pty starts with. */
	said += strspn(said, "\r\n");
	snprintf(msg, sizeof(msg), "%s", said);
	msg[strcspn(msg, "\r\n")] = '\0';
	snprintf(tr->base.why, sizeof(tr->base.why), "the remote shell on %s%s %s%s%s", tr->label,
	         tr->sudo ? " (run with sudo -n)" : "", what, msg[0] ? ": " : "", msg);
	nr_utf8_clean(tr->base.why);
	tr->base.broken = 1;
}

/* Close a channel, hanging up its pty: the remote session gets SIGHUP. */
static void worker_hangup(struct ssh_tr *tr, ssh_channel ch)
{
	pthread_mutex_lock(&tr->lock);
	ssh_channel_close(ch);
	ssh_channel_free(ch);
	pthread_mutex_unlock(&tr->lock);
}

static char *start_command(struct ssh_tr *tr, const char *token)
{
	const char *has_timeout;
	const char *argv[] = { "sudo", "-n", "sh", "-c", loop_script, "nest-report", token, NULL,
	                       NULL };
	char *cmd = malloc(START_MAX);
	size_t len = 0, i;
	int rc = cmd ? 0 : -ENOMEM;

	/* What the level's first hello said of timeout: the probe is not
	 * run again in every shell (two programs each). */
	pthread_mutex_lock(&tr->lock);
	has_timeout = tr->has_timeout < 0 ? "?" : tr->has_timeout ? "1" : "0";
	pthread_mutex_unlock(&tr->lock);
	argv[7] = has_timeout;
	for (i = tr->sudo ? 0 : 2; rc == 0 && argv[i]; i++)
		rc = nr_shell_quote_append(cmd, START_MAX, &len, argv[i]);
	if (rc < 0) {
		free(cmd);
		return NULL;
	}
	return cmd;
}

/* Open a channel and exec the loop (on a pty unless the level has none).
 * NULL with err filled. */
static ssh_channel open_worker(struct ssh_tr *tr, const char *cmd, int64_t deadline_ms,
                               struct nr_error *err)
{
	ssh_channel ch;

	pthread_mutex_lock(&tr->lock);
	/* The blocking calls below wait for the server: no longer than we may. */
	nr_ssh_budget(tr->session, deadline_ms);
	ch = ssh_channel_new(tr->session);
	if (!ch || ssh_channel_open_session(ch) != SSH_OK ||
	    (!tr->no_pty && ssh_channel_request_pty_size(ch, "dumb", 80, 24) != SSH_OK) ||
	    ssh_channel_request_exec(ch, cmd) != SSH_OK) {
		nr_error_set(err, EIO, "cannot start a shell on %s: %s", tr->label,
		             ssh_get_error(tr->session));
		nr_ssh_mark_lost(tr, err);
		if (ch)
			ssh_channel_free(ch);
		ch = NULL;
	}
	pthread_mutex_unlock(&tr->lock);
	return ch;
}

/* Start a worker shell and wait for its hello; the caller holds no lock. */
static ssh_channel worker_start(struct ssh_tr *tr, int64_t deadline_ms, struct nr_error *err)
{
	char token[NR_FRAME_TOKEN_LEN + 1], *cmd = NULL;
	struct hello h = { "", 0 };
	ssh_channel ch = NULL;
	struct nr_frame f;
	int64_t since;
	bool retry;
	int rc;

	if (nr_frame_token(token) < 0 || !(cmd = start_command(tr, token))) {
		nr_error_set(err, ENOMEM, "out of memory");
		return NULL;
	}
	for (;;) {
		since = nr_time_now_ms();
		ch = open_worker(tr, cmd, deadline_ms, err);
		if (!ch)
			break;
		nr_frame_init(&f, token, hello_out, &h);
		rc = nr_ssh_pump(tr, ch, &f, deadline_ms, err);
		/* The hello's code: ready, without or with (+1) timeout; root
		 * (+2) or not (+4) when the first shell asked. */
		if (rc == 0 && f.exit_code >= 0 && f.exit_code <= 5) {
			pthread_mutex_lock(&tr->lock);
			tr->has_timeout = f.exit_code & 1;
			if (f.exit_code >= 2)
				tr->is_root = f.exit_code < 4;
			pthread_mutex_unlock(&tr->lock);
			break;
		}
		said_stderr(tr, ch, &h);
		worker_hangup(tr, ch);
		ch = NULL;
		/* Ended before its hello on a pty: no stty there, perhaps; once
		 * more without one (what the first try said is kept). */
		pthread_mutex_lock(&tr->lock);
		retry = rc == -EPIPE && !tr->no_pty;
		tr->no_pty |= retry;
		pthread_mutex_unlock(&tr->lock);
		if (retry)
			continue;
		pthread_mutex_lock(&tr->lock);
		if (rc == -EPIPE || rc == -EPROTO || rc == 0)
			mark_broken(tr, "exited at once", h.said);
		else if (rc == -ETIMEDOUT && nr_time_now_ms() - since >= STALLED_MS)
			mark_broken(tr, "did not start before the deadline (a login script that waits?)",
			            h.said);
		pthread_mutex_unlock(&tr->lock);
		if (tr->base.broken || tr->base.lost)
			nr_error_set(err, rc == -ETIMEDOUT ? ETIMEDOUT : EIO, "%s", tr->base.why);
		else
			nr_error_set(err, -rc, "cannot start a shell on %s: %s", tr->label,
			             rc == -EINTR ? "interrupted" : strerror(-rc));
		break;
	}
	free(cmd);
	return ch;
}

/* Wait on the slots until deadline; false when it passed. */
static bool slots_wait(struct ssh_tr *tr, int64_t deadline_ms)
{
	struct timespec ts;
	int64_t left = deadline_ms - nr_time_now_ms();

	if (left <= 0 || nr_interrupted)
		return false;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	/* Short waits: an interrupt is noticed within a tenth of a second. */
	if (left > 100)
		left = 100;
	ts.tv_sec += (time_t)(left / 1000);
	ts.tv_nsec += (long)(left % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_cond_timedwait(&tr->slots_cond, &tr->slots_lock, &ts);
	return true;
}

struct ssh_worker *nr_ssh_worker_acquire(struct ssh_tr *tr, int64_t deadline_ms,
                                         struct nr_error *err)
{
	struct ssh_worker *w = NULL, *slot = NULL;
	bool waiting = true;
	int i;

	/* No time left: not even an idle shell can answer. */
	if (nr_time_now_ms() >= deadline_ms || nr_interrupted) {
		nr_error_set(err, nr_interrupted ? EINTR : ETIMEDOUT, "%s on %s",
		             nr_interrupted ? "interrupted" : "no time left", tr->label);
		return NULL;
	}
	pthread_mutex_lock(&tr->slots_lock);
	while (!w && !slot && waiting && !tr->base.broken && !tr->base.lost) {
		for (i = 0; i < NR_SSH_MAX_CHANNELS && !w; i++)
			if (tr->workers[i].state == WORKER_IDLE)
				w = &tr->workers[i];
		for (i = 0; i < NR_SSH_MAX_CHANNELS && !w && !slot; i++)
			if (tr->workers[i].state == WORKER_FREE)
				slot = &tr->workers[i];
		if (!w && !slot)
			waiting = slots_wait(tr, deadline_ms);
	}
	if (w || slot)
		(w ? w : slot)->state = WORKER_BUSY;
	pthread_mutex_unlock(&tr->slots_lock);
	if (w)
		return w;
	if (!slot) {
		if (tr->base.broken || tr->base.lost)
			nr_error_set(err, EIO, "%s", tr->base.why);
		else
			nr_error_set(err, nr_interrupted ? EINTR : ETIMEDOUT,
			             "no shell on %s was free before the deadline", tr->label);
		return NULL;
	}
	slot->ch = worker_start(tr, deadline_ms, err);
	if (slot->ch)
		return slot;
	pthread_mutex_lock(&tr->slots_lock);
	slot->state = WORKER_FREE;
	pthread_cond_broadcast(&tr->slots_cond);
	pthread_mutex_unlock(&tr->slots_lock);
	return NULL;
}

void nr_ssh_worker_release(struct ssh_tr *tr, struct ssh_worker *w, bool broken)
{
	if (broken) {
		/* The hangup, not a signal, is what ends the remote side: see
		 * the top of this file. */
		worker_hangup(tr, w->ch);
		w->ch = NULL;
	}
	pthread_mutex_lock(&tr->slots_lock);
	w->state = broken ? WORKER_FREE : WORKER_IDLE;
	pthread_cond_broadcast(&tr->slots_cond);
	pthread_mutex_unlock(&tr->slots_lock);
}

void nr_ssh_workers_close(struct ssh_tr *tr)
{
	int i;

	for (i = 0; tr->workers && i < NR_SSH_MAX_CHANNELS; i++)
		if (tr->workers[i].ch) {
			ssh_channel_send_eof(tr->workers[i].ch);
			ssh_channel_close(tr->workers[i].ch);
			ssh_channel_free(tr->workers[i].ch);
			tr->workers[i].ch = NULL;
		}
}
