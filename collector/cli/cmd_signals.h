/* SPDX-License-Identifier: MIT */
/* One interrupt handler for every command.  SIGINT, SIGTERM and SIGHUP set
 * nr_interrupted (which transports poll, so in-flight work stops) and
 * unlink the temporary files the command registered: a bundle or a
 * signature half-written must never be left where a user would take it for
 * a finished one.  unlink() is the only cleanup that is async-signal-safe;
 * anything larger (a capture's staging tree) is removed by the command when
 * it sees nr_interrupted. */
#ifndef NR_CMD_SIGNALS_H
#define NR_CMD_SIGNALS_H

#include <signal.h>

#include "transport/transport.h"   /* nr_interrupted */

/* Install the handler (and ignore SIGPIPE: a closed pipe is an error
 * return, not a death). */
void nr_cmd_signals_install(void);

/* While *live is non-zero, path is unlinked on a signal.  path and live
 * must outlive the watch; at most 4 are watched at once.  Returns 0 or -1
 * when the table is full. */
int nr_cmd_signals_watch(const char *path, volatile sig_atomic_t *live);
void nr_cmd_signals_unwatch(const char *path);

#endif
