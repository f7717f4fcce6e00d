/* SPDX-License-Identifier: MIT */
/* The secret scrubber (collector/scrub/) with two oracles:
 *  - a planted secret never survives, whatever surrounds it: the input is
 *    PREFIX 0x01 SUFFIX, and one of the secret forms a QEMU command line,
 *    libvirt log or domain XML carries is planted between them on a line
 *    of its own;
 *  - streaming does not change the result: the same bytes written in one
 *    call and in small chunks scrub to the same output.
 * A leak or a difference aborts, which libFuzzer reports as a crash. */
#include "fuzz.h"
#include "scrub/scrub.h"

#define SECRET "NrFzS3cr3tV4lue9"

static const char *const forms[] = {
	"-object secret,id=sec0,data=" SECRET,
	"password=" SECRET,
	"{\"driver\":\"rbd\",\"password\":\"" SECRET "\"}",
	"-drive file=https://user:" SECRET "@example.org/disk.img,format=raw",
	"-vnc :0,password=on -object secret,id=vnc0,data=" SECRET,
	"<secret type='ceph'>" SECRET "</secret>",
};

struct out {
	char *buf;
	size_t len, cap;
};

static int collect(void *ud, const void *data, size_t len)
{
	struct out *o = ud;

	if (o->len + len > o->cap) {
		o->cap = (o->len + len) * 2 + 64;
		o->buf = realloc(o->buf, o->cap);
		if (!o->buf)
			abort();
	}
	memcpy(o->buf + o->len, data, len);
	o->len += len;
	return 0;
}

static void scrub(const char *in, size_t len, size_t step, struct out *o)
{
	struct nr_scrub *s = nr_scrub_new(collect, o);
	size_t off = 0;

	if (!s)
		abort();
	while (off < len) {
		size_t n = step && len - off > step ? step : len - off;

		if (nr_scrub_write(s, in + off, n) < 0)
			abort();
		off += n;
	}
	if (nr_scrub_finish(s) < 0)
		abort();
	nr_scrub_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct out whole = { 0 }, cut = { 0 };
	const uint8_t *mark;
	const char *form;
	size_t pre, len, step;
	char *in;

	if (size < 2 || size > 65536)
		return 0;
	form = forms[data[0] % (sizeof(forms) / sizeof(forms[0]))];
	step = 1 + data[1] % 13;
	data += 2;
	size -= 2;
	/* The context may not carry the value itself: then its survival
	 * says nothing about the planted one. */
	if (memmem(data, size, SECRET, strlen(SECRET)))
		return 0;
	mark = memchr(data, 0x01, size);
	pre = mark ? (size_t)(mark - data) : size;
	in = malloc(size + strlen(form) + 3);
	if (!in)
		abort();
	memcpy(in, data, pre);
	len = pre;
	in[len++] = '\n';
	memcpy(in + len, form, strlen(form));
	len += strlen(form);
	in[len++] = '\n';
	if (mark) {
		memcpy(in + len, mark + 1, size - pre - 1);
		len += size - pre - 1;
	}
	scrub(in, len, 0, &whole);
	scrub(in, len, step, &cut);
	NR_FUZZ_ASSERT(!memmem(whole.buf ? whole.buf : "", whole.len, SECRET, strlen(SECRET)),
	               "a planted secret survived the scrubber");
	NR_FUZZ_ASSERT(whole.len == cut.len && memcmp(whole.buf, cut.buf, whole.len) == 0,
	               "scrubbing depends on how the input was cut into writes");
	free(whole.buf);
	free(cut.buf);
	free(in);
	return 0;
}
