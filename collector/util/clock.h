/* SPDX-License-Identifier: MIT */
/* Time and interruption: the two questions every deadline loop asks.
 * Kept apart from any transport so that low-level helpers (sink copies,
 * readers) can ask them without reaching up into a transport's file. */
#ifndef NR_CLOCK_H
#define NR_CLOCK_H

#include <stdint.h>

/* Set by the command layer's signal handler; transports and copy loops
 * poll it so that Ctrl-C stops in-flight work promptly. */
extern volatile int nr_interrupted;

/* Monotonic milliseconds: every deadline in nest-report is on this clock. */
int64_t nr_time_now_ms(void);

#endif
