/* SPDX-License-Identifier: MIT */
#include "ssh_frame.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

void nr_frame_init(struct nr_frame *f, const char *token, nr_frame_out_fn out, void *ud)
{
	memset(f, 0, sizeof(*f));
	f->marker[0] = '\n';
	memcpy(f->marker + 1, token, NR_FRAME_TOKEN_LEN);
	f->marker_len = NR_FRAME_TOKEN_LEN + 1;
	f->out = out;
	f->ud = ud;
	f->exit_code = -1;
}

int nr_frame_token(char token[NR_FRAME_TOKEN_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[NR_FRAME_TOKEN_LEN / 2];
	size_t i;

	if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw))
		return -EIO;
	for (i = 0; i < sizeof(raw); i++) {
		token[2 * i] = hex[raw[i] >> 4];
		token[2 * i + 1] = hex[raw[i] & 15];
	}
	token[NR_FRAME_TOKEN_LEN] = '\0';
	return 0;
}

/* The longest suffix of buf that is a proper prefix of the marker: those
 * bytes might start a marker completed by the next chunk. */
static size_t partial_marker(const struct nr_frame *f, const char *buf, size_t len)
{
	size_t k = len < f->marker_len - 1 ? len : f->marker_len - 1;

	for (; k > 0; k--)
		if (memcmp(buf + len - k, f->marker, k) == 0)
			return k;
	return 0;
}

/* Scan payload bytes (stdout or stderr) for the marker.  Returns bytes of
 * data consumed; sets *found when the marker (and so the phase) ended. */
static long scan_payload(struct nr_frame *f, const char *data, size_t len, bool *found)
{
	int is_err = f->phase == NR_FRAME_STDERR;
	size_t used = 0;

	*found = false;
	while (used < len) {
		/* Work on hold + as much new data as fits a small window, so the
		 * held-back bytes are always compared together with what follows. */
		char win[4096 + sizeof(f->hold)];
		size_t take = len - used < 4096 ? len - used : 4096, wlen, keep;
		const char *hit;
		int rc;

		memcpy(win, f->hold, f->hold_len);
		memcpy(win + f->hold_len, data + used, take);
		wlen = f->hold_len + take;
		hit = memmem(win, wlen, f->marker, f->marker_len);
		if (hit) {
			size_t before = (size_t)(hit - win);

			rc = before ? f->out(f->ud, is_err, win, before) : 0;
			if (rc < 0)
				return rc;
			/* Bytes of data consumed: up to the marker's end. */
			used += before + f->marker_len - f->hold_len;
			f->hold_len = 0;
			*found = true;
			return (long)used;
		}
		keep = partial_marker(f, win, wlen);
		rc = wlen - keep ? f->out(f->ud, is_err, win, wlen - keep) : 0;
		if (rc < 0)
			return rc;
		memcpy(f->hold, win + wlen - keep, keep);
		f->hold_len = keep;
		used += take;
	}
	return (long)used;
}

/* " CODE\n" after the first marker. */
static long scan_code(struct nr_frame *f, const char *data, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		char c = data[i];

		if (c == '\n') {
			f->code[f->code_len] = '\0';
			if (f->code_len < 2 || f->code[0] != ' ')
				return -EPROTO;
			f->exit_code = atoi(f->code + 1);
			f->phase = NR_FRAME_STDERR;
			return (long)i + 1;
		}
		if (f->code_len + 1 >= sizeof(f->code) || !(c == ' ' || (c >= '0' && c <= '9')))
			return -EPROTO;
		f->code[f->code_len++] = c;
	}
	return (long)len;
}

long nr_frame_feed(struct nr_frame *f, const char *data, size_t len)
{
	size_t used = 0;

	while (used < len && f->phase != NR_FRAME_DONE) {
		bool found = false;
		long n;

		if (f->phase == NR_FRAME_CODE) {
			n = scan_code(f, data + used, len - used);
		} else {
			n = scan_payload(f, data + used, len - used, &found);
			if (found)
				f->phase = f->phase == NR_FRAME_STDOUT ? NR_FRAME_CODE : NR_FRAME_DONE;
		}
		if (n < 0)
			return n;
		used += (size_t)n;
	}
	return (long)used;
}
