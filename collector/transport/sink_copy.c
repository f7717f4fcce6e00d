/* SPDX-License-Identifier: MIT */
/* Copying an open file into a sink: shared by every transport that reads
 * files it has opened itself (local, replay). */
#include "transport.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define COPY_CHUNK 65536

int nr_sink_copy_fd(int fd, const char *what, int64_t deadline_ms, struct nr_sink *out,
                    bool *truncated, struct nr_error *err)
{
	char *buf = malloc(COPY_CHUNK);
	int rc = 0;

	*truncated = false;
	if (!buf)
		return nr_error_set(err, ENOMEM, "out of memory reading %s", what);
	for (;;) {
		ssize_t n;

		/* Checked per chunk: a slow /sys file or a huge one cannot keep a
		 * probe past its deadline by more than one read. */
		if (nr_time_now_ms() > deadline_ms || nr_interrupted) {
			rc = nr_error_set(err, nr_interrupted ? EINTR : ETIMEDOUT, "reading %s %s", what,
			                  nr_interrupted ? "was interrupted" : "timed out");
			break;
		}
		n = read(fd, buf, COPY_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = nr_error_set(err, errno, "cannot read %s: %s", what, strerror(errno));
			break;
		}
		if (n == 0)
			break;
		rc = out ? out->write(out, buf, (size_t)n) : 0;
		if (rc == NR_SINK_FULL) {
			*truncated = true;
			rc = 0;
			break;
		}
		if (rc < 0) {
			nr_error_set(err, -rc, "cannot store %s: %s", what, strerror(-rc));
			break;
		}
	}
	free(buf);
	return rc;
}
