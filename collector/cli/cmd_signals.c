/* SPDX-License-Identifier: MIT */
#include "cmd_signals.h"
#include "transport/transport.h"

#include <stddef.h>
#include <string.h>
#include <unistd.h>

#define MAX_WATCHED 4

struct watched {
	const char *volatile path;
	volatile sig_atomic_t *volatile live;
};

static struct watched watched[MAX_WATCHED];

static void on_signal(int sig)
{
	size_t i;

	(void)sig;
	nr_interrupted = 1;
	for (i = 0; i < MAX_WATCHED; i++) {
		const char *path = watched[i].path;
		volatile sig_atomic_t *live = watched[i].live;

		if (path && live && *live)
			unlink(path);
	}
}

void nr_cmd_signals_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int nr_cmd_signals_watch(const char *path, volatile sig_atomic_t *live)
{
	size_t i;

	for (i = 0; i < MAX_WATCHED; i++)
		if (!watched[i].path) {
			/* live first: the handler reads path, then live. */
			watched[i].live = live;
			watched[i].path = path;
			return 0;
		}
	return -1;
}

void nr_cmd_signals_unwatch(const char *path)
{
	size_t i;

	for (i = 0; i < MAX_WATCHED; i++)
		if (watched[i].path == path) {
			watched[i].path = NULL;
			watched[i].live = NULL;
		}
}
