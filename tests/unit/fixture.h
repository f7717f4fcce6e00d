/* SPDX-License-Identifier: MIT */
/* Test support: reading fixtures.
 *
 * Two sources.  The shared real-machine snapshots live outside the repo, in
 * $NR_SHARED_DIR/fixtures/real-machines (NAME.tar.gz and NAME.lscpu); they
 * may be absent, and a test that needs them skips (never fails) then.
 * Small fixtures of our own live in tests/fixtures/ and are always there;
 * tests run from the repo root.
 *
 * Every reader returns a malloc'd buffer, NUL-terminated for convenience
 * (the NUL is not counted in *len), or NULL.  The caller frees it.
 */
#ifndef NR_TEST_FIXTURE_H
#define NR_TEST_FIXTURE_H

#include <stddef.h>

/* The cap on any one fixture read, in bytes. */
#define NR_TEST_FIXTURE_MAX (16u * 1024 * 1024)

/* $NR_SHARED_DIR when it is set and is a directory, else NULL. */
const char *nr_test_shared_dir(void);

/* Member (e.g. "proc/cpuinfo") of <machine>.tar.gz, read in memory with
 * libarchive, no extraction.  Archive paths are "<machine>/<member>"; a
 * leading "./" is tolerated. */
char *nr_test_fixture_read(const char *machine, const char *member, size_t *len);

/* $NR_SHARED_DIR/fixtures/real-machines/<relpath>, e.g. "s390-kvm.lscpu". */
char *nr_test_fixture_file(const char *relpath, size_t *len);

/* tests/fixtures/<relpath>, relative to the repo root. */
char *nr_test_local_file(const char *relpath, size_t *len);

/* For cmocka tests: skip() with a message when the shared fixtures are
 * absent.  Use at the top of a test. */
#define NR_TEST_NEED_SHARED()                                                  \
	do {                                                                   \
		if (!nr_test_real_machines_present()) {                        \
			print_message("shared fixtures absent, skipping\n");   \
			skip();                                                \
		}                                                              \
	} while (0)

/* True when $NR_SHARED_DIR/fixtures/real-machines is a directory. */
int nr_test_real_machines_present(void);

/* argv from a NUL-separated buffer (a /proc/PID/cmdline capture) or, for
 * an ".args" fixture, one argument per line with '#' comment lines.  The
 * strings point into buf, which is modified and must outlive the result;
 * free() the returned array.  NULL on a buffer with no argument. */
char **nr_test_argv_from_cmdline(char *buf, size_t len, size_t *argc);
char **nr_test_argv_from_lines(char *buf, size_t len, size_t *argc);

/* The 19 real machines, NULL-terminated, in the order of docs/parsers.md. */
extern const char *const nr_test_real_machines[];

#endif
