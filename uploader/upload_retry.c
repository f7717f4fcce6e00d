/* SPDX-License-Identifier: MIT */
/* The retry policy: which failures are worth another attempt, and how long
 * to wait before it. */
#include "upload_internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

enum nr_attempt nr_upload_http_verdict(long status)
{
	if (status >= 200 && status < 300)
		return NR_ATTEMPT_OK;
	/* 408: the server timed out waiting for us; 429: too many requests.
	 * Both say "later", unlike every other 4xx, which says "not like this". */
	if (status == 408 || status == 429 || (status >= 500 && status < 600))
		return NR_ATTEMPT_RETRY;
	return NR_ATTEMPT_REJECTED;
}

void nr_upload_timing_fill(struct nr_upload_timing *t)
{
	if (t->connect_timeout_s <= 0)
		t->connect_timeout_s = 30;
	if (t->stall_timeout_s <= 0)
		t->stall_timeout_s = 60;
	if (t->backoff_ms <= 0)
		t->backoff_ms = 1000;
	if (t->backoff_max_ms <= 0)
		t->backoff_max_ms = 60000;
	if (t->backoff_max_ms < t->backoff_ms)
		t->backoff_max_ms = t->backoff_ms;
	if (t->retry_after_max_s <= 0)
		t->retry_after_max_s = 600;
}

long nr_upload_backoff_ms(const struct nr_upload_timing *t, unsigned retry, long retry_after_s,
                          uint32_t rnd)
{
	long d = t->backoff_ms, half;
	unsigned i;

	for (i = 1; i < retry && d < t->backoff_max_ms; i++)
		d *= 2;
	if (d > t->backoff_max_ms)
		d = t->backoff_max_ms;
	half = d / 2;
	d = half + (long)(rnd % (uint32_t)(d - half + 1));
	if (retry_after_s >= 0 && d < retry_after_s * 1000)
		d = retry_after_s * 1000;
	return d;
}

int nr_upload_sleep_ms(long ms, const volatile int *stop)
{
	/* Short slices, so that Ctrl-C is honoured within 100 ms. */
	while (ms > 0) {
		long slice = ms < 100 ? ms : 100;
		struct timespec ts = { slice / 1000, (slice % 1000) * 1000000L };

		if (stop && *stop)
			return -EINTR;
		nanosleep(&ts, NULL);
		ms -= slice;
	}
	return stop && *stop ? -EINTR : 0;
}

void nr_upload_attempt_fail(struct nr_attempt_out *out, enum nr_attempt v, int code,
                            const char *fmt, ...)
{
	va_list ap;

	out->verdict = v;
	out->code = code > 0 ? code : EIO;
	va_start(ap, fmt);
	vsnprintf(out->reason, sizeof(out->reason), fmt, ap);
	va_end(ap);
}
