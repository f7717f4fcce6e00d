/* SPDX-License-Identifier: MIT */
/* Streams stdin through one of the artifact stages and counts what comes
 * out, for bench/redact.py: "copy" (the anchor: reading and a memcpy),
 * "scrub" (the secret scrubber every artifact already passes through),
 * "redact" (the redactor, with the identities a level would teach it).
 * Prints "MODE BYTES_IN BYTES_OUT REPLACEMENTS" on stdout. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "redact/learn.h"
#include "redact/redact.h"
#include "scrub/scrub.h"

static unsigned long long out_bytes;

static int count(void *ud, const void *data, size_t len)
{
	static char sink[1 << 16];

	(void)ud;
	memcpy(sink, data, len < sizeof(sink) ? len : sizeof(sink));
	out_bytes += len;
	return 0;
}

int main(int argc, char **argv)
{
	static char buf[1 << 16];
	static const char hosts[] = "10.20.30.40 benchhost.corp.example.org benchhost\n"
	                            "10.20.30.41 benchpeer.corp.example.org benchpeer\n";
	const char *mode = argc > 1 ? argv[1] : "";
	struct nr_redactor *r = NULL;
	struct nr_redact_stream *rs = NULL;
	struct nr_scrub *sc = NULL;
	unsigned long long in = 0;
	ssize_t n;
	int rc = 0;

	if (strcmp(mode, "redact") == 0) {
		r = nr_redactor_new();
		if (!r || nr_redact_learn_text(r, NR_LEARN_HOSTS, hosts, sizeof(hosts) - 1) < 0 ||
		    nr_redact_learn(r, NR_ID_USER, "benchuser") < 0 || !(rs = nr_redact_stream_new(r, count, NULL)))
			return 1;
	} else if (strcmp(mode, "scrub") == 0) {
		if (!(sc = nr_scrub_new(count, NULL)))
			return 1;
	} else if (strcmp(mode, "copy") != 0) {
		fprintf(stderr, "usage: redact_stream copy|scrub|redact < INPUT\n");
		return 2;
	}
	while (rc == 0 && (n = read(0, buf, sizeof(buf))) > 0) {
		in += (unsigned long long)n;
		rc = rs ? nr_redact_stream_write(rs, buf, (size_t)n)
		        : sc ? nr_scrub_write(sc, buf, (size_t)n) : count(NULL, buf, (size_t)n);
	}
	if (rc == 0)
		rc = rs ? nr_redact_stream_finish(rs) : sc ? nr_scrub_finish(sc) : 0;
	printf("%s %llu %llu %zu\n", mode, in, out_bytes, r ? nr_redact_replacements(r) : 0);
	nr_redact_stream_free(rs);
	nr_redactor_free(r);
	nr_scrub_free(sc);
	return rc == 0 ? 0 : 1;
}
