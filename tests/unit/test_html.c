/* SPDX-License-Identifier: MIT */
/* nr_html_escape / nr_html_esc_feed: what a hostile bundle's strings and
 * artifacts become in `show --html`.  Markup turns into entities, controls,
 * C1, bidi controls and broken UTF-8 into visible escapes, and a stream cut
 * anywhere gives the same page as the whole. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/html.h"

struct out {
	char buf[8192];
	size_t len;
	int fail_after;            /* calls before put fails; -1 never */
};

static int put(void *ud, const char *s, size_t n)
{
	struct out *o = ud;

	if (o->fail_after == 0)
		return -ENOSPC;
	if (o->fail_after > 0)
		o->fail_after--;
	assert_true(o->len + n < sizeof(o->buf));
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
	return 0;
}

static const char *esc(const char *s, int flags)
{
	static struct out o;

	memset(&o, 0, sizeof(o));
	o.fail_after = -1;
	assert_int_equal(nr_html_escape(s, flags, put, &o), 0);
	return o.buf;
}

static void test_markup(void **state)
{
	(void)state;
	assert_string_equal(esc("plain text, 1.2.3", 0), "plain text, 1.2.3");
	assert_string_equal(esc("<script>alert('x')</script>", 0),
	                    "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
	assert_string_equal(esc("a=\"b\" & c", NR_HTML_ATTR), "a=&quot;b&quot; &amp; c");
	assert_string_equal(esc("tab\tand\nnewline", 0), "tab\tand\nnewline");
	assert_string_equal(esc("", 0), "");
	/* Valid UTF-8 that is not a control passes: names, dashes, CJK. */
	assert_string_equal(esc("caf\xc3\xa9 \xe2\x80\x94 \xe6\xbc\xa2 \xf0\x9f\x90\xa7", 0),
	                    "caf\xc3\xa9 \xe2\x80\x94 \xe6\xbc\xa2 \xf0\x9f\x90\xa7");
}

static void test_controls(void **state)
{
	(void)state;
	/* A terminal's colour and title sequences, NUL, DEL, BEL. */
	assert_string_equal(esc("\x1b[31mred\x1b]0;title\x07", NR_HTML_ATTR),
	                    "\\x1b[31mred\\x1b]0;title\\x07");
	assert_string_equal(esc("\x7f", 0), "<span class=\"esc\">\\x7f</span>");
	/* C1 CSI (U+009B) and NEL, as UTF-8. */
	assert_string_equal(esc("\xc2\x9b" "2J\xc2\x85", NR_HTML_ATTR), "\\u009b2J\\u0085");
	/* Bidirectional overrides and isolates, LRM/RLM/ALM. */
	assert_string_equal(esc("a\xe2\x80\xae" "b\xe2\x81\xa6" "c\xe2\x80\x8f\xd8\x9c", NR_HTML_ATTR),
	                    "a\\u202eb\\u2066c\\u200f\\u061c");
	/* CRLF keeps the line break only; a lone CR is shown. */
	assert_string_equal(esc("one\r\ntwo\rthree", NR_HTML_ATTR), "one\ntwo\\x0dthree");
}

static void test_bad_utf8(void **state)
{
	(void)state;
	/* Stray continuation, overlong '/', a surrogate, a lead at the end,
	 * bytes above F4: each byte on its own. */
	assert_string_equal(esc("\x80|\xc0\xaf|\xed\xa0\x80|\xff|\xe2\x82", NR_HTML_ATTR),
	                    "\\x80|\\xc0\\xaf|\\xed\\xa0\\x80|\\xff|\\xe2\\x82");
}

/* Every way of cutting a hostile text into two or three chunks gives the
 * same output as one piece. */
static void test_stream_cuts(void **state)
{
	static const char text[] = "x\xe2\x80\xae<b>\r\n\xf0\x9f\x90\xa7\r\xc2\x9b\xe2\x82|\xed\xa0\x80\r";
	const size_t len = sizeof(text) - 1;
	struct out whole, cut;
	struct nr_html_esc e;
	size_t i, j;

	(void)state;
	memset(&whole, 0, sizeof(whole));
	whole.fail_after = -1;
	nr_html_esc_init(&e, 0, put, &whole);
	assert_int_equal(nr_html_esc_feed(&e, text, len), 0);
	assert_int_equal(nr_html_esc_finish(&e), 0);
	/* The trailing CR, lone at the end, is shown. */
	assert_non_null(strstr(whole.buf, "\\x0d</span>"));
	assert_null(strchr(whole.buf, '\r'));
	for (i = 0; i <= len; i++)
		for (j = i; j <= len; j++) {
			memset(&cut, 0, sizeof(cut));
			cut.fail_after = -1;
			nr_html_esc_init(&e, 0, put, &cut);
			assert_int_equal(nr_html_esc_feed(&e, text, i), 0);
			assert_int_equal(nr_html_esc_feed(&e, text + i, j - i), 0);
			assert_int_equal(nr_html_esc_feed(&e, text + j, len - j), 0);
			assert_int_equal(nr_html_esc_finish(&e), 0);
			if (strcmp(cut.buf, whole.buf) != 0)
				fail_msg("cut at %zu and %zu:\n%s\nwhole:\n%s", i, j, cut.buf, whole.buf);
		}
	/* One byte at a time, too. */
	memset(&cut, 0, sizeof(cut));
	cut.fail_after = -1;
	nr_html_esc_init(&e, 0, put, &cut);
	for (i = 0; i < len; i++)
		assert_int_equal(nr_html_esc_feed(&e, text + i, 1), 0);
	assert_int_equal(nr_html_esc_finish(&e), 0);
	assert_string_equal(cut.buf, whole.buf);
}

/* The output never holds a byte a browser or terminal would act on. */
static void test_output_inert(void **state)
{
	unsigned char all[256 * 2];
	struct out o;
	struct nr_html_esc e;
	size_t i;

	(void)state;
	for (i = 0; i < 256; i++) {
		all[2 * i] = (unsigned char)i;
		all[2 * i + 1] = 'a';
	}
	memset(&o, 0, sizeof(o));
	o.fail_after = -1;
	nr_html_esc_init(&e, NR_HTML_ATTR, put, &o);
	assert_int_equal(nr_html_esc_feed(&e, all, sizeof(all)), 0);
	assert_int_equal(nr_html_esc_finish(&e), 0);
	for (i = 0; i < o.len; i++) {
		unsigned char c = (unsigned char)o.buf[i];

		assert_true(c == '\n' || c == '\t' || (c >= 0x20 && c < 0x7f));
		assert_true(c != '<' && c != '>' && c != '"' && c != '\'');
	}
}

static void test_put_error_stops(void **state)
{
	struct out o;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.fail_after = 1;
	assert_int_equal(nr_html_escape("a<b<c<d", 0, put, &o), -ENOSPC);
	assert_string_equal(o.buf, "a");
	assert_int_equal(nr_html_escape(NULL, 0, put, &o), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_markup),
		cmocka_unit_test(test_controls),
		cmocka_unit_test(test_bad_utf8),
		cmocka_unit_test(test_stream_cuts),
		cmocka_unit_test(test_output_inert),
		cmocka_unit_test(test_put_error_stops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
