/* SPDX-License-Identifier: MIT */
/* Many small reads in one request (transport.h's read_small and scan over
 * SSH), where one request per file costs a round trip and a program
 * started on the far side.
 *
 * read_small: the worker's r_small reads each file with the shell's own
 * `read` and follows it with a frame of its own (ssh_frame.h) under a
 * second fresh token, so a file's bytes can never be taken for the end of
 * it, as a response's cannot.
 *
 * scan: r_scan runs one `head -c CAP /dev/null FILE...`; head names each
 * file ("==> NAME <==").  A file's bytes can forge such a line: that only
 * adds bytes for the caller to look at (every real header is there too,
 * with the real bytes after it), which is why a scan is a hint and what it
 * finds is read again. */
#include "memsink.h"
#include "regs_text.h"
#include "ssh_frame.h"
#include "ssh_internal.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The request's stdout cut into one sub-frame per file. */
struct demux {
	struct nr_sink base;
	char token[NR_FRAME_TOKEN_LEN + 1];
	struct nr_frame f;
	size_t i, n;
	struct nr_sink *const *outs;
	bool *truncated;
	int *codes;
	bool bad;               /* more sub-frames than files, or a malformed one */
};

static int file_out(void *ud, int is_stderr, const char *data, size_t len)
{
	struct demux *d = ud;
	struct nr_sink *out = d->outs[d->i];

	if (is_stderr || d->truncated[d->i])
		return 0;
	if (out->write(out, data, len) == NR_SINK_FULL)
		d->truncated[d->i] = true;
	return 0;
}

static int demux_write(struct nr_sink *base, const void *data, size_t len)
{
	struct demux *d = (struct demux *)base;
	const char *p = data;
	long used;

	while (len > 0 && !d->bad) {
		used = d->i < d->n ? nr_frame_feed(&d->f, p, len) : -EPROTO;
		if (used < 0) {
			d->bad = true;
			break;
		}
		p += used;
		len -= (size_t)used;
		if (d->f.phase == NR_FRAME_DONE) {
			d->codes[d->i++] = d->f.exit_code;
			if (d->i < d->n)
				nr_frame_init(&d->f, d->token, file_out, d);
		}
	}
	return 0;
}

/* What r_small's status for one file means, as read_file would say it. */
static int small_result(int code, bool truncated)
{
	switch (code) {
	case 0: return 0;
	case NR_SSH_X_NOENT: return -ENOENT;
	case NR_SSH_X_NOTREG: return -EINVAL;
	case NR_SSH_X_NOACCESS: return -EACCES;
	case NR_SSH_X_BIG: return -EFBIG;
	default: return truncated ? 0 : -EIO;
	}
}

int nr_ssh_read_small(struct nr_transport *t, const char *const *paths, size_t n,
                      int64_t deadline_ms, struct nr_sink *const *outs, bool *truncated,
                      int *results, struct nr_error *err)
{
	const char **args = calloc(n + 2, sizeof(*args));
	struct demux *d = calloc(1, sizeof(*d));
	struct nr_run_result res;
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		truncated[i] = false;
		results[i] = -1;
	}
	if (!args || !d) {
		rc = nr_error_set(err, ENOMEM, "out of memory");
		goto out;
	}
	rc = nr_frame_token(d->token);
	if (rc < 0) {
		nr_error_set(err, -rc, "no random token for a request");
		goto out;
	}
	d->base.write = demux_write;
	d->n = n;
	d->outs = outs;
	d->truncated = truncated;
	d->codes = results;
	nr_frame_init(&d->f, d->token, file_out, d);
	args[0] = d->token;
	for (i = 0; i < n; i++)
		args[i + 1] = paths[i];
	rc = nr_ssh_call((struct ssh_tr *)t, "r_small", args, deadline_ms, &d->base, NULL, &res,
	                 err);
	if (rc == 0 && (d->bad || d->i != n))
		rc = nr_error_set(err, EPROTO, "the answer to a read of %zu files was malformed", n);
out:
	for (i = 0; i < n; i++)
		results[i] = rc < 0 ? rc : small_result(results[i], truncated[i]);
	free(args);
	free(d);
	return rc;
}

static size_t path_index(const char *const *paths, size_t n, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strlen(paths[i]) == len && memcmp(paths[i], name, len) == 0)
			return i;
	return n;
}

int nr_ssh_scan_cut(const char *buf, size_t len, const char *const *paths, size_t n, size_t cap,
                    nr_scan_fn fn, void *ud)
{
	const char *p = buf, *end = buf + len, *hdr, *name, *close, *next;
	size_t i, take;
	int rc = 0;

	while (rc == 0 && p < end && (hdr = memmem(p, (size_t)(end - p), "==> ", 4))) {
		name = hdr + 4;
		close = memmem(name, (size_t)(end - name), " <==\n", 5);
		if (!close)
			break;
		i = path_index(paths, n, name, (size_t)(close - name));
		p = close + 5;
		if (i == n)
			continue;
		/* To the next header, which head puts after a blank line. */
		next = memmem(p, (size_t)(end - p), "\n==> ", 5);
		take = (size_t)((next ? next : end) - p);
		rc = fn(ud, i, p, take < cap ? take : cap);
	}
	return rc;
}

int nr_ssh_scan(struct nr_transport *t, const char *const *paths, size_t n, size_t cap,
                int64_t deadline_ms, nr_scan_fn fn, void *ud, struct nr_error *err)
{
	const char **args = calloc(n + 2, sizeof(*args));
	struct nr_mem_sink m = { { NULL }, NULL, 0, 0 };
	struct nr_run_result res;
	char capbuf[24];
	size_t i, room = 64;
	int rc;

	/* Room for every file's bytes and its header: nothing is cut off. */
	for (i = 0; i < n; i++)
		room += cap + strlen(paths[i]) + 16;
	if (!args || nr_mem_sink_init(&m, room) < 0) {
		rc = nr_error_set(err, ENOMEM, "out of memory");
		goto out;
	}
	snprintf(capbuf, sizeof(capbuf), "%zu", cap);
	args[0] = capbuf;
	for (i = 0; i < n; i++)
		args[i + 1] = paths[i];
	rc = nr_ssh_call((struct ssh_tr *)t, "r_scan", args, deadline_ms, &m.base, NULL, &res, err);
	if (rc == 0)
		rc = nr_ssh_scan_cut(m.buf, m.len, paths, n, cap, fn, ud);
out:
	free(args);
	nr_mem_sink_release(&m);
	return rc;
}

/* r_regs answers "OFFSET +" or "OFFSET -ERRNO" per register, then "data"
 * and every byte read, in order, as hex (one od for all of them); turn
 * that into regs_text.h's "OFFSET HEX" form, each "+" taking the next
 * width bytes.  When the bytes do not add up (a short read, junk), none
 * is trusted: each "+" becomes -EIO rather than a register holding its
 * neighbour's bytes. */
static int hex_nibble(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The line at p (to end): its length, without the '\n'. */
static size_t line_len(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	return (size_t)((nl ? nl : end) - p);
}

static bool is_read(const char *p, size_t k)
{
	return k >= 2 && p[k - 1] == '+' && p[k - 2] == ' ';
}

/* The bytes after "data": 0 and *n, or -1 on anything but hex pairs. */
static int regs_bytes(const char *p, const char *end, unsigned char *bytes, size_t cap, size_t *n)
{
	int hi = -1, v;

	for (*n = 0; p < end; p++) {
		if (*p == ' ' || *p == '\n')
			continue;
		if ((v = hex_nibble(*p)) < 0 || *n >= cap)
			return -1;
		if (hi < 0) {
			hi = v;
			continue;
		}
		bytes[(*n)++] = (unsigned char)(hi << 4 | v);
		hi = -1;
	}
	return hi < 0 ? 0 : -1;
}

int nr_ssh_regs_canon(const char *in, size_t len, size_t width, char *out, size_t outlen)
{
	unsigned char bytes[NR_REGS_MAX * NR_REGS_MAX_WIDTH];
	const char *p, *end = in + len, *data = NULL;
	size_t k, plus = 0, nbytes = 0, used = 0, o = 0, b;
	bool trusted;

	for (p = in; p < end && !data; p += k + 1) {
		k = line_len(p, end);
		if (k == 4 && memcmp(p, "data", 4) == 0)
			data = p;
		plus += is_read(p, k);
	}
	trusted = data && regs_bytes(data + 4, end, bytes, sizeof(bytes), &nbytes) == 0 &&
	          nbytes == plus * width;
	for (p = in; p < (data ? data : end); p += k + 1) {
		k = line_len(p, end);
		/* Room for the longest line: an offset, the bytes, "\n". */
		if (o + k + 2 * NR_REGS_MAX_WIDTH + 4 > outlen)
			break;
		if (!is_read(p, k)) {
			memcpy(out + o, p, k);   /* "OFFSET -ERRNO", as it is */
			o += k;
		} else if (!trusted || used + width > nbytes) {
			memcpy(out + o, p, k - 1);
			o += k - 1;
			o += (size_t)snprintf(out + o, outlen - o, "-%d", EIO);
		} else {
			memcpy(out + o, p, k - 1);
			o += k - 1;
			for (b = 0; b < width; b++)
				o += (size_t)snprintf(out + o, outlen - o, "%02x", bytes[used + b]);
			used += width;
		}
		out[o++] = '\n';
	}
	return (int)o;
}
