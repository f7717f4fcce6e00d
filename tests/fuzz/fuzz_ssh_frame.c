/* SPDX-License-Identifier: MIT */
/* The SSH worker's response framing (collector/transport/ssh_frame.c): a
 * hostile remote controls every byte but the token.  Oracle: the result
 * (stdout, stderr, exit code, bytes consumed, error) does not depend on
 * how the stream was cut into reads, and no output carries the marker.
 * A 0xff byte in the input stands for "\n" TOKEN, so the fuzzer meets the
 * marker without having to guess it. */
#include "fuzz.h"
#include "transport/ssh_frame.h"

#define TOKEN "0123456789abcdef0123456789abcdef"

struct result {
	char out[2][8192];
	size_t len[2];
	long consumed;
	int exit_code;
	int phase;
};

static int collect(void *ud, int is_stderr, const char *data, size_t len)
{
	struct result *r = ud;
	size_t room = sizeof(r->out[0]) - r->len[is_stderr];

	if (len > room)
		len = room;
	memcpy(r->out[is_stderr] + r->len[is_stderr], data, len);
	r->len[is_stderr] += len;
	return 0;
}

static void run(const char *s, size_t n, size_t step, struct result *r)
{
	struct nr_frame f;
	size_t off = 0;

	memset(r, 0, sizeof(*r));
	nr_frame_init(&f, TOKEN, collect, r);
	while (off < n && f.phase != NR_FRAME_DONE) {
		size_t chunk = step && n - off > step ? step : n - off;
		long rc = nr_frame_feed(&f, s + off, chunk);

		if (rc < 0) {
			r->consumed = rc;
			break;
		}
		NR_FUZZ_ASSERT((size_t)rc <= chunk, "consumed more than it was given");
		off += (size_t)rc;
		r->consumed = (long)off;
		if ((size_t)rc < chunk)
			break;   /* past the end of the response */
	}
	r->exit_code = f.exit_code;
	r->phase = f.phase;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct result whole, cut;
	char *s;
	size_t i, n = 0, step;

	if (size < 1 || size > 4096)
		return 0;
	step = 1 + data[0] % 7;
	s = malloc(size * (sizeof(TOKEN) + 1));
	if (!s)
		abort();
	for (i = 1; i < size; i++) {
		if (data[i] == 0xff) {
			s[n++] = '\n';
			memcpy(s + n, TOKEN, sizeof(TOKEN) - 1);
			n += sizeof(TOKEN) - 1;
		} else {
			s[n++] = (char)data[i];
		}
	}
	run(s, n, 0, &whole);
	run(s, n, step, &cut);
	NR_FUZZ_ASSERT(whole.phase == cut.phase, "phase depends on how the stream was cut");
	NR_FUZZ_ASSERT((whole.consumed < 0) == (cut.consumed < 0), "error depends on the cut");
	if (whole.consumed >= 0) {
		NR_FUZZ_ASSERT(whole.consumed == cut.consumed, "consumed depends on the cut");
		NR_FUZZ_ASSERT(whole.exit_code == cut.exit_code, "exit code depends on the cut");
		for (i = 0; i < 2; i++) {
			NR_FUZZ_ASSERT(whole.len[i] == cut.len[i] &&
			                       memcmp(whole.out[i], cut.out[i], whole.len[i]) == 0,
			               "output depends on the cut");
			NR_FUZZ_ASSERT(!memmem(whole.out[i], whole.len[i], "\n" TOKEN, sizeof(TOKEN)),
			               "the marker leaked into the output");
		}
	}
	free(s);
	return 0;
}
