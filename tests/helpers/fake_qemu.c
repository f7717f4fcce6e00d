/* SPDX-License-Identifier: MIT */
/* A stand-in for a running QEMU: does nothing but wait to be killed, so that
 * its /proc/PID/cmdline (whatever argv the test gave it) can be probed.
 * Exits by itself after an hour in case a test's cleanup never ran. */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static void on_term(int sig)
{
	(void)sig;
	_exit(0);
}

int main(void)
{
	int i;

	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	signal(SIGHUP, on_term);
	/* Tell the test that argv is in place: the test waits for this line. */
	printf("ready\n");
	fflush(stdout);
	for (i = 0; i < 3600; i++)
		sleep(1);
	return 0;
}
