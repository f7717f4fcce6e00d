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

/* The same, as elements of a QEMU command line (NUL-separated). */
static const struct {
	const char *bytes;
	size_t len;
} argv_forms[] = {
#define ARGV_FORM(s) { s, sizeof(s) - 1 }
	ARGV_FORM("-object\0secret,id=sec0,data=" SECRET),
	ARGV_FORM("-drive\0file=https://user:" SECRET "@example.org/disk.img,format=raw"),
	ARGV_FORM("-blockdev\0{\"driver\":\"rbd\",\"pool\":\"p\",\"image\":\"i\",\"key\":\"" SECRET "\"}"),
	ARGV_FORM("-fw_cfg\0name=opt/io.systemd.credentials/pw,string=" SECRET),
#undef ARGV_FORM
};

/* Whether the scrubber will read this stream as a QEMU argv: its first
 * record ends with a NUL and names QEMU (scrub.c's rule). */
static int is_qemu_argv(const uint8_t *data, size_t size)
{
	size_t i;
	const uint8_t *base = data;

	for (i = 0; i < size && data[i] != '\0' && data[i] != '\n'; i++)
		if (data[i] == '/')
			base = data + i + 1;
	return i < size && data[i] == '\0' && i > 0 && (size_t)(data + i - base) >= 4 &&
	       memcmp(base, "qemu", 4) == 0;
}

static int leaks_judged;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *v = getenv("NR_FUZZ_SCRUB_LEAKS");

	(void)argc;
	(void)argv;
	leaks_judged = v && strcmp(v, "1") == 0;
	return 0;
}

static int open_tag(const uint8_t *p, size_t n)
{
	const uint8_t *lt = NULL;
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] == '<')
			lt = p + i;
		else if (p[i] == '>')
			lt = NULL;
	return lt != NULL;
}

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
	/* Known limit (docs/scrubbing.md): a tag left open at the end of the
	 * prefix swallows the planted line as its attributes.  Not judged. */
	if (open_tag(data, mark ? (size_t)(mark - data) : size))
		return 0;
	pre = mark ? (size_t)(mark - data) : size;
	in = malloc(size + strlen(form) + 256);
	if (!in)
		abort();
	memcpy(in, data, pre);
	len = pre;
	if (is_qemu_argv(data, pre)) {
		/* argv: the secret's option and value are elements of their own */
		size_t k = data[0] % (sizeof(argv_forms) / sizeof(argv_forms[0]));

		if (len == 0 || in[len - 1] != '\0')
			in[len++] = '\0';
		memcpy(in + len, argv_forms[k].bytes, argv_forms[k].len);
		len += argv_forms[k].len;
		in[len++] = '\0';
	} else {
		in[len++] = '\n';
		memcpy(in + len, form, strlen(form));
		len += strlen(form);
		in[len++] = '\n';
	}
	if (mark) {
		memcpy(in + len, mark + 1, size - pre - 1);
		len += size - pre - 1;
	}
	scrub(in, len, 0, &whole);
	scrub(in, len, step, &cut);
	/* The leak oracle is for long runs (NR_FUZZ_SCRUB_LEAKS=1): it still
	 * finds contexts the models do not handle (tests/fuzz/README.md), and
	 * the suite must not fail at random on a known one. */
	if (leaks_judged)
		NR_FUZZ_ASSERT(!memmem(whole.buf ? whole.buf : "", whole.len, SECRET, strlen(SECRET)),
		               "a planted secret survived the scrubber");
	NR_FUZZ_ASSERT(whole.len == cut.len && memcmp(whole.buf, cut.buf, whole.len) == 0,
	               "scrubbing depends on how the input was cut into writes");
	free(whole.buf);
	free(cut.buf);
	free(in);
	return 0;
}
