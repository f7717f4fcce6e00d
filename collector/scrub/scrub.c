/* SPDX-License-Identifier: MIT */
/* The scrubber's API (scrub.h): a stream cut into records, each scanned
 * as a whole (scrub_window.c) because a value's meaning needs context on
 * both sides: the list a data= belongs to, the quotes it sits in, the '@'
 * that makes "user:pass" a URL's password.
 *
 * A stream is argv (its first record ends with '\0': records end only at
 * '\0', a newline is part of an argument) or text (records end where
 * scrub_split.c says).  A record is scanned where it lies in the caller's
 * buffer when it is whole there, else gathered (up to NR_SCRUB_RECORD_MAX,
 * then scanned in windows); a run of empty records is copied at once.
 *
 * State that outlives a record (struct nr_scrub, scrub_stream.h): the XML
 * element or tag still open, a JSON member whose value is on the next line,
 * "-append" waiting for its argument.
 */
#include "scrub_stream.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Whether the first record, s->buf then p[0,e), names a QEMU binary:
 * the only command lines nest-report keeps are QEMU's (the qemu probe and
 * the capture policy).  Any other stream with a NUL in its first line (a
 * log with a stray NUL) is text, where every syntax model applies: taken
 * as argv, its XML and environment lines would be scanned as arguments
 * and a <secret> element would survive (found by fuzz_scrub). */
static bool first_is_qemu(const struct nr_scrub *s, const char *p, size_t e)
{
	char head[256];
	size_t n, take;
	const char *base;

	n = s->len < sizeof(head) - 1 ? s->len : sizeof(head) - 1;
	memcpy(head, s->buf, n);
	take = e < sizeof(head) - 1 - n ? e : sizeof(head) - 1 - n;
	memcpy(head + n, p, take);
	n += take;
	head[n] = '\0';
	base = strrchr(head, '/');
	base = base ? base + 1 : head;
	return strncmp(base, "qemu", 4) == 0;
}

/* Index in p[0,n) of the byte that ends the current record, or n. */
static size_t find_end(struct nr_scrub *s, const char *p, size_t n)
{
	const char *z;
	size_t e;

	if (s->kind == NR_SCRUB_KIND_ARGV) {
		z = memchr(p, '\0', n);
		return z ? (size_t)(z - p) : n;
	}
	e = nr_scrub_split_text(&s->sp, p, n);
	/* the first record decides: ended by '\0' (and holding no newline),
	 * and naming QEMU, it is argv[0] of a /proc/PID/cmdline */
	if (s->kind == NR_SCRUB_KIND_UNKNOWN && e < n) {
		s->kind = p[e] == '\0' && s->len + e > 0 && !memchr(p, '\n', e) &&
		                  !memchr(s->buf, '\n', s->len) && first_is_qemu(s, p, e)
		                  ? NR_SCRUB_KIND_ARGV
		                  : NR_SCRUB_KIND_TEXT;
	}
	return e;
}

/* The record in w[0,n) ends with sep (-1: the stream ends). */
static void record_end(struct nr_scrub *s, const char *w, size_t n, int sep)
{
	char c = (char)sep;

	nr_scrub_window(s, w, n, false);
	if (sep >= 0)
		nr_scrub_put(s, &c, 1);
	s->len = 0;
	s->mid = false;
	s->sp = s->sp0 = (struct nr_scrub_split){ NR_SCRUB_Q_OUT, 0 };
	s->text.sq = false;
	s->cont = false;
	s->carry.n = 0;
}

/* Appends p[0,n) (none of it ends the record) to the buffer, scanning a
 * window each time the buffer is full and more is to come. */
static void append(struct nr_scrub *s, const char *p, size_t n)
{
	size_t room, k, cut;

	while (n > 0 && !s->err) {
		if (s->len == NR_SCRUB_RECORD_MAX) {
			if (s->kind == NR_SCRUB_KIND_UNKNOWN)
				s->kind = NR_SCRUB_KIND_TEXT;
			cut = nr_scrub_window(s, s->buf, s->len, true);
			memmove(s->buf, s->buf + cut, s->len - cut);
			s->len -= cut;
			s->mid = true;
		}
		room = NR_SCRUB_RECORD_MAX - s->len;
		k = n < room ? n : room;
		memcpy(s->buf + s->len, p, k);
		s->len += k;
		p += k;
		n -= k;
	}
}

/* ---- API --------------------------------------------------------------------------- */

struct nr_scrub *nr_scrub_new(nr_scrub_out_fn out, void *ud)
{
	struct nr_scrub *s;

	if (!out) {
		errno = EINVAL;
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->buf = malloc(NR_SCRUB_RECORD_MAX);
	s->obuf = malloc(NR_SCRUB_OBUF_MAX);
	if (!s->buf || !s->obuf) {
		nr_scrub_free(s);
		return NULL;
	}
	s->out = out;
	s->ud = ud;
	return s;
}

/* After the record that sep = p[0] ended, a run of the same separator is a
 * run of empty records (NUL padding of a file, blank lines): the first is
 * read like any record, the others change nothing and are copied at once.
 * Returns how many bytes after p[0] it took. */
static size_t empty_records(struct nr_scrub *s, const char *p, size_t n)
{
	size_t k = 1;

	if (s->err || (p[0] != '\0' && s->kind == NR_SCRUB_KIND_ARGV))
		return 0;
	while (k < n && p[k] == p[0])
		k++;
	if (k == 1)
		return 0;
	record_end(s, p + 1, 0, (unsigned char)p[0]);
	nr_scrub_put(s, p + 2, k - 2);
	return k - 1;
}

int nr_scrub_write(struct nr_scrub *s, const void *data, size_t len)
{
	const char *p = data;
	size_t e;

	if (!s || (!data && len))
		return -EINVAL;
	while (len > 0 && !s->err) {
		e = find_end(s, p, len);
		if (e == len) {
			append(s, p, len);
			break;
		}
		if (s->len == 0 && !s->mid && e <= NR_SCRUB_RECORD_MAX) {
			record_end(s, p, e, (unsigned char)p[e]);      /* no copy */
		} else {
			append(s, p, e);
			if (!s->err)
				record_end(s, s->buf, s->len, (unsigned char)p[e]);
		}
		e += 1 + empty_records(s, p + e, len - e);
		p += e;
		len -= e;
	}
	return s->err;
}

int nr_scrub_finish(struct nr_scrub *s)
{
	if (!s)
		return -EINVAL;
	if (!s->err && (s->len > 0 || s->mid)) {
		if (s->kind == NR_SCRUB_KIND_UNKNOWN)
			s->kind = NR_SCRUB_KIND_TEXT;
		record_end(s, s->buf, s->len, -1);
	}
	nr_scrub_flush(s);
	/* an XML element or JSON member left open ends with the stream */
	s->text = (struct nr_scrub_text){ 0 };
	s->argctx = s->elemctx = (struct nr_scrub_argctx){ 0 };
	return s->err;
}

size_t nr_scrub_count(const struct nr_scrub *s)
{
	return s ? s->count : 0;
}

void nr_scrub_free(struct nr_scrub *s)
{
	if (!s)
		return;
	nr_scrub_arena_free(&s->arena);
	nr_scrub_hits_free(&s->hits);
	nr_scrub_hits_free(&s->carry);
	free(s->buf);
	free(s->obuf);
	free(s);
}

struct strbuf {
	char *p;
	size_t len, cap;
};

static int strbuf_put(void *ud, const void *data, size_t len)
{
	struct strbuf *b = ud;
	size_t cap = b->cap ? b->cap : 64;
	char *p;

	while (cap - b->len < len) {
		if (cap > SIZE_MAX / 2)
			return -ENOMEM;
		cap *= 2;
	}
	if (cap != b->cap) {
		p = realloc(b->p, cap);
		if (!p)
			return -ENOMEM;
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, len);
	b->len += len;
	return 0;
}

static char *scrub_one(const char *in, size_t *count, enum nr_scrub_kind kind)
{
	struct strbuf b = { 0 };
	struct nr_scrub *s = nr_scrub_new(strbuf_put, &b);
	int rc;

	if (!s)
		return NULL;
	s->kind = kind;
	rc = nr_scrub_write(s, in ? in : "", in ? strlen(in) : 0);
	if (!rc)
		rc = nr_scrub_finish(s);
	if (!rc)
		rc = strbuf_put(&b, "", 1);
	if (!rc && count)
		*count += s->count;
	nr_scrub_free(s);
	if (rc) {
		free(b.p);
		return NULL;
	}
	return b.p;
}

char *nr_scrub_string(const char *in, size_t *count)
{
	return scrub_one(in, count, NR_SCRUB_KIND_TEXT);
}

char *nr_scrub_arg_string(const char *in, size_t *count)
{
	return scrub_one(in, count, NR_SCRUB_KIND_ARGV);
}
