/* SPDX-License-Identifier: MIT */
/* nr_spawn_start/feed/wait, the pipe collect signs through: every byte
 * arrives in order; a helper that stops reading is -EPIPE, never a SIGPIPE
 * that kills us; a helper that floods its stderr before reading cannot
 * deadlock us; its exit status and the start of its stderr come back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/spawn_run.h"

#define FEED (4u << 20)

static char *pattern(void)
{
	char *buf = malloc(FEED);
	size_t i;

	assert_non_null(buf);
	for (i = 0; i < FEED; i++)
		buf[i] = (char)(i * 7 + i / 4096);
	return buf;
}

/* Feed in uneven pieces, as a writer's blocks come. */
static int feed_all(struct nr_spawn_child *c, struct nr_spawn_io *io, const char *buf)
{
	size_t off = 0, piece = 1;
	int rc = 0;

	while (off < FEED && rc == 0) {
		size_t n = FEED - off < piece ? FEED - off : piece;

		rc = nr_spawn_feed(c, io, buf + off, n);
		off += n;
		piece = piece * 3 + 1;
		if (piece > 200000)
			piece = 10240;
	}
	return rc;
}

static int run_helper(const char *script, char *buf, int *feed_rc, struct nr_spawn_io *io,
                      FILE **out)
{
	const char *argv[] = { "sh", "-c", script, NULL };
	struct nr_spawn_child c;
	struct nr_error err = { 0 };

	*out = tmpfile();
	assert_non_null(*out);
	nr_spawn_io_init(io);
	io->out_fd = fileno(*out);
	assert_int_equal(nr_spawn_start(argv, io, &c, &err), 0);
	*feed_rc = feed_all(&c, io, buf);
	return nr_spawn_wait(&c, io, &err);
}

static void test_every_byte_in_order(void **state)
{
	char *buf = pattern(), *back = malloc(FEED);
	struct nr_spawn_io io;
	int feed_rc, rc;
	FILE *out;

	(void)state;
	assert_non_null(back);
	rc = run_helper("cat", buf, &feed_rc, &io, &out);
	assert_int_equal(feed_rc, 0);
	assert_int_equal(rc, 0);
	assert_int_equal(pread(fileno(out), back, FEED, 0), FEED);
	assert_memory_equal(back, buf, FEED);
	fclose(out);
	free(back);
	free(buf);
}

/* SIGPIPE is at its default here: a SIGPIPE would end the test binary. */
static void test_reader_gone_is_epipe(void **state)
{
	char *buf = pattern();
	struct nr_spawn_io io;
	int feed_rc, rc;
	FILE *out;

	(void)state;
	signal(SIGPIPE, SIG_DFL);
	rc = run_helper("head -c 1000 >/dev/null; echo 'gave up' >&2; exit 3", buf, &feed_rc,
	                &io, &out);
	assert_int_equal(feed_rc, -EPIPE);
	assert_int_equal(rc, 3);
	assert_string_equal(io.err, "gave up\n");
	fclose(out);
	free(buf);
}

/* 200 kB of stderr before it reads a byte: more than a pipe holds. */
static void test_stderr_flood_no_deadlock(void **state)
{
	char *buf = pattern();
	struct nr_spawn_io io;
	int feed_rc, rc;
	FILE *out;

	(void)state;
	rc = run_helper("yes 'noise on stderr' | head -c 200000 >&2; cat >/dev/null", buf,
	                &feed_rc, &io, &out);
	assert_int_equal(feed_rc, 0);
	assert_int_equal(rc, 0);
	assert_true(strncmp(io.err, "noise on stderr\n", 16) == 0);
	assert_true(strlen(io.err) < sizeof(io.err));
	fclose(out);
	free(buf);
}

/* kill() on a helper that never reads: reaped, our ends closed. */
static void test_kill(void **state)
{
	const char *argv[] = { "sleep", "60", NULL };
	struct nr_spawn_child c;
	struct nr_spawn_io io;
	struct nr_error err = { 0 };
	FILE *out = tmpfile();

	(void)state;
	assert_non_null(out);
	nr_spawn_io_init(&io);
	io.out_fd = fileno(out);
	assert_int_equal(nr_spawn_start(argv, &io, &c, &err), 0);
	assert_int_equal(nr_spawn_feed(&c, &io, "x", 1), 0);
	nr_spawn_kill(&c);
	assert_int_equal(c.pid, -1);
	assert_int_equal(c.in, -1);
	assert_int_equal(nr_spawn_feed(&c, &io, "x", 1), -EPIPE);
	fclose(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_byte_in_order),
		cmocka_unit_test(test_reader_gone_is_epipe),
		cmocka_unit_test(test_stderr_flood_no_deadlock),
		cmocka_unit_test(test_kill),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
