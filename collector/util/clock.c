/* SPDX-License-Identifier: MIT */
#include "clock.h"

#include <time.h>

volatile int nr_interrupted;

int64_t nr_time_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
