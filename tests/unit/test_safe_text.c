/* SPDX-License-Identifier: MIT */
/* util/safe_text.c: what a terminal would obey is escaped (C0, DEL, C1 as
 * UTF-8 and as raw bytes, bidi overrides, isolates and marks, bytes that
 * are not UTF-8), everything else is kept byte for byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "util/safe_text.h"

static const char *esc(const char *s, unsigned flags)
{
	static char out[512];

	assert_int_equal(nr_text_escape(s, strlen(s), flags, out, sizeof(out)), strlen(s));
	return out;
}

static void test_escape_controls(void **state)
{
	(void)state;
	assert_string_equal(esc("plain text, 100%", 0), "plain text, 100%");
	assert_string_equal(esc("\033]0;pwned\007", 0), "\\x1b]0;pwned\\x07");
	assert_string_equal(esc("a\nb\tc\rd", 0), "a\\x0ab\\x09c\\x0dd");
	assert_string_equal(esc("a\nb\tc\rd", NR_TEXT_KEEP_LINES), "a\nb\tc\\x0dd");
	assert_string_equal(esc("del\177", 0), "del\\x7f");
	/* C1 as UTF-8: U+009B is CSI, U+0085 NEL, U+0080 and U+009F the ends. */
	assert_string_equal(esc("\302\23331m", 0), "\\u009b31m");
	assert_string_equal(esc("\302\200\302\205\302\237", 0), "\\u0080\\u0085\\u009f");
	/* C1 as raw bytes (not UTF-8): escaped byte by byte. */
	assert_string_equal(esc("\23331m\220", 0), "\\x9b31m\\x90");
	/* Bidi overrides, isolates and marks. */
	assert_string_equal(esc("\342\200\252\342\200\256x\342\201\246\342\201\251", 0),
	                    "\\u202a\\u202ex\\u2066\\u2069");
	assert_string_equal(esc("\342\200\216\342\200\217\330\234", 0), "\\u200e\\u200f\\u061c");
	/* Invalid UTF-8: overlong, surrogate, truncated. */
	assert_string_equal(esc("\300\257", 0), "\\xc0\\xaf");
	assert_string_equal(esc("\355\240\200", 0), "\\xed\\xa0\\x80");
	assert_string_equal(esc("x\342\200", 0), "x\\xe2\\x80");
}

static void test_keep_unicode(void **state)
{
	const char *s = "Gr\303\274\303\237e \302\240\302\251 \342\200\251 \346\227\245\346\234\254 "
	                "\360\237\230\200 \342\200\213 \342\201\245";

	(void)state;
	/* U+00A0 (after C1), U+2029, U+2065 (just before the isolates) and
	 * other text are not controls. */
	assert_string_equal(esc(s, 0), s);
	assert_true(nr_text_is_safe(s, strlen(s), 0));
	assert_false(nr_text_is_safe("a\302\233", 3, 0));
	assert_true(nr_text_is_safe("a\nb", 3, NR_TEXT_KEEP_LINES));
	assert_false(nr_text_is_safe("a\nb", 3, 0));
}

static void test_escape_small_buffer(void **state)
{
	char out[8];
	size_t used;

	(void)state;
	/* Never half an escape, never half a character. */
	used = nr_text_escape("ab\033cd", 5, 0, out, sizeof(out));
	assert_string_equal(out, "ab\\x1bc");
	assert_int_equal(used, 4);
	used = nr_text_escape("abcdef\303\274", 8, 0, out, sizeof(out));
	assert_string_equal(out, "abcdef");
	assert_int_equal(used, 6);
	used = nr_text_escape("\033\033", 2, 0, out, 4);
	assert_string_equal(out, "");
	assert_int_equal(used, 0);
}

static void test_incomplete_tail(void **state)
{
	(void)state;
	assert_int_equal(nr_text_incomplete_tail("abc", 3), 0);
	assert_int_equal(nr_text_incomplete_tail("ab\303", 3), 1);
	assert_int_equal(nr_text_incomplete_tail("ab\342\200", 4), 2);
	assert_int_equal(nr_text_incomplete_tail("a\360\237\230", 4), 3);
	assert_int_equal(nr_text_incomplete_tail("a\360\237\230\200", 5), 0);   /* complete */
	assert_int_equal(nr_text_incomplete_tail("ab\200", 3), 0);              /* stray */
	assert_int_equal(nr_text_incomplete_tail("ab\300", 3), 0);              /* never valid */
	assert_int_equal(nr_text_incomplete_tail("ab\355\240", 4), 0);          /* surrogate */
	assert_int_equal(nr_text_incomplete_tail("", 0), 0);
}

static void test_scrub(void **state)
{
	char s[] = "a\033[31mb\302\233c\342\200\256d\236e\n";

	(void)state;
	nr_text_scrub(s);
	assert_string_equal(s, "a?[31mb?c?d?e?");
}

static void test_json(void **state)
{
	char *j = nr_text_json("{\n  \"h\": \"a\177b\302\233c\342\200\256d\236\",\n"
	                       "  \"ok\": \"\303\274 \\u001b\"\n}");

	(void)state;
	assert_non_null(j);
	assert_string_equal(j, "{\n  \"h\": \"a\\u007fb\\u009bc\\u202ed\\ufffd\",\n"
	                       "  \"ok\": \"\303\274 \\u001b\"\n}");
	free(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_controls),
		cmocka_unit_test(test_keep_unicode),
		cmocka_unit_test(test_escape_small_buffer),
		cmocka_unit_test(test_incomplete_tail),
		cmocka_unit_test(test_scrub),
		cmocka_unit_test(test_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
