/* SPDX-License-Identifier: MIT */
/* Hostile arguments must reach the command verbatim, never as shell code:
 * each quoted line is run through a real /bin/sh and the argv it sees is
 * compared with what we meant to pass. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "transport/shell_quote.h"

static const char *const hostile[] = {
	"plain", "", " ", "two words", "'", "''", "it's", "\"double\"", "$(id)", "`id`",
	"${HOME}", "$HOME", "; touch /tmp/nr-pwned", "&& touch /tmp/nr-pwned", "| cat",
	"a\nb", "tab\there", "*", "?", "[a-z]", "~", "-n", "--", "\\", "\\'", "'\\''",
	"!", "#comment", "a'b'c'd", "\x01\x7f", "é ü", NULL,
};

/* Run `sh -c 'printf "%s\0" "$@"' x <quoted args>` and collect its argv. */
static char *run_through_sh(const char *line, size_t *len)
{
	char *cmd, *buf = malloc(1 << 16);
	FILE *p;

	assert_non_null(buf);
	assert_true(asprintf(&cmd, "sh -c 'printf \"%%s\\0\" \"$@\"' x %s", line) > 0);
	p = popen(cmd, "r");
	assert_non_null(p);
	*len = fread(buf, 1, (1 << 16) - 1, p);
	assert_int_equal(pclose(p), 0);
	free(cmd);
	return buf;
}

static void test_roundtrip_each(void **state)
{
	size_t i, len;

	(void)state;
	unlink("/tmp/nr-pwned");
	for (i = 0; hostile[i]; i++) {
		const char *one[] = { hostile[i], NULL };
		char *line = nr_shell_join(one, 4096), *got;

		assert_non_null(line);
		got = run_through_sh(line, &len);
		assert_int_equal(len, strlen(hostile[i]) + 1);
		assert_memory_equal(got, hostile[i], len);
		free(got);
		free(line);
	}
	assert_int_not_equal(access("/tmp/nr-pwned", F_OK), 0);
}

static void test_roundtrip_all_at_once(void **state)
{
	char *line = nr_shell_join(hostile, 1 << 15), *got, *p;
	size_t len, i;

	(void)state;
	assert_non_null(line);
	got = run_through_sh(line, &len);
	for (i = 0, p = got; hostile[i]; i++) {
		assert_true(p < got + len);
		assert_string_equal(p, hostile[i]);
		p += strlen(p) + 1;
	}
	assert_ptr_equal(p, got + len);
	free(got);
	free(line);
}

static void test_cap_and_space(void **state)
{
	const char *argv[] = { "aaaa", "bbbb", NULL };
	char small[8];
	size_t len = 0;

	(void)state;
	assert_null(nr_shell_join(argv, 8));
	assert_int_equal(nr_shell_quote_append(small, sizeof(small), &len, "toolong"), -28);
	assert_int_equal(len, 0);
	assert_int_equal(nr_shell_quote_append(small, sizeof(small), &len, "ab"), 0);
	assert_string_equal(small, "'ab'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_each),
		cmocka_unit_test(test_roundtrip_all_at_once),
		cmocka_unit_test(test_cap_and_space),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
