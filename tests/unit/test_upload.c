/* SPDX-License-Identifier: MIT */
/* The uploader's pure parts: the retry policy (which statuses are retried,
 * the backoff and its bounds), URLs (what is printed, where the signature
 * goes), the server's answer (ids, error text, capping, scrubbing) and
 * tokens.  The network parts are tested against real servers in
 * tests/integration/upload_*.sh. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "upload_internal.h"

static void test_verdicts(void **state)
{
	static const long ok[] = { 200, 201, 202, 204 };
	static const long retry[] = { 408, 429, 500, 502, 503, 504, 599 };
	static const long no[] = { 100, 301, 302, 307, 400, 401, 403, 404, 405, 409, 413, 422, 499, 600 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		assert_int_equal(nr_upload_http_verdict(ok[i]), NR_ATTEMPT_OK);
	for (i = 0; i < sizeof(retry) / sizeof(retry[0]); i++)
		assert_int_equal(nr_upload_http_verdict(retry[i]), NR_ATTEMPT_RETRY);
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		assert_int_equal(nr_upload_http_verdict(no[i]), NR_ATTEMPT_REJECTED);
}

static void test_backoff(void **state)
{
	struct nr_upload_timing t = { 0 };
	unsigned r;

	(void)state;
	nr_upload_timing_fill(&t);
	assert_int_equal(t.backoff_ms, 1000);
	/* Retry n waits within [d/2, d] with d = 1 s * 2^(n-1), capped at 60 s. */
	assert_int_equal(nr_upload_backoff_ms(&t, 1, -1, 0), 500);
	assert_int_equal(nr_upload_backoff_ms(&t, 1, -1, 500), 1000);
	assert_int_equal(nr_upload_backoff_ms(&t, 3, -1, 0), 2000);
	for (r = 1; r < 200; r++) {
		long lo = nr_upload_backoff_ms(&t, r, -1, 0), hi = nr_upload_backoff_ms(&t, r, -1, UINT32_MAX);

		assert_true(lo >= 500 && lo <= 30000);
		assert_true(hi >= lo && hi <= 60000);
	}
	assert_int_equal(nr_upload_backoff_ms(&t, 100, -1, 0), 30000);
	/* Retry-After is a floor, not a hint. */
	assert_int_equal(nr_upload_backoff_ms(&t, 1, 7, 0), 7000);
	assert_int_equal(nr_upload_backoff_ms(&t, 10, 0, 0), 30000);
	/* Jitter spreads: different draws, different delays. */
	assert_int_not_equal(nr_upload_backoff_ms(&t, 4, -1, 12345), nr_upload_backoff_ms(&t, 4, -1, 54321));
}

static void test_sleep_stops(void **state)
{
	volatile int stop = 1;

	(void)state;
	assert_int_equal(nr_upload_sleep_ms(10000, &stop), -EINTR);
	assert_int_equal(nr_upload_sleep_ms(1, NULL), 0);
}

static void test_url_parse(void **state)
{
	struct nr_upload_url u;
	struct nr_error err = { 0 };

	(void)state;
	assert_int_equal(nr_upload_url_parse("https://bob:pa%40ss@files.example.org:8443/d/x?sig=abc",
	                                     &u, &err), 0);
	assert_int_equal(u.scheme, NR_SCHEME_HTTPS);
	assert_string_equal(u.dest, "https://files.example.org:8443");
	assert_string_equal(u.user, "bob");
	assert_string_equal(u.password, "pa@ss");
	assert_int_equal(u.port, 8443);
	nr_upload_url_wipe(&u);
	assert_string_equal(u.password, "");

	assert_int_equal(nr_upload_url_parse("sftp://me@[::1]:2222/~/drop/", &u, &err), 0);
	assert_int_equal(u.scheme, NR_SCHEME_SFTP);
	assert_string_equal(u.host, "::1");
	assert_string_equal(u.dest, "sftp://[::1]:2222");
	assert_string_equal(u.path, "/~/drop/");

	assert_int_equal(nr_upload_url_parse("HTTP://h/x", &u, &err), 0);
	assert_int_equal(u.scheme, NR_SCHEME_HTTP);

	assert_true(nr_upload_url_parse("ftp://u:secretpw@h/x", &u, &err) < 0);
	assert_non_null(strstr(err.msg, "ftp://"));
	assert_null(strstr(err.msg, "secretpw"));
	assert_true(nr_upload_url_parse("h:/x", &u, &err) < 0);
	assert_true(nr_upload_url_parse("https://", &u, &err) < 0);
	assert_true(nr_upload_url_parse("https://:443/x", &u, &err) < 0);
}

static void test_url_redact(void **state)
{
	char out[300];

	(void)state;
	nr_upload_url_redact("https://u:p@h.example:444/a/b?c=d#e", out, sizeof(out));
	assert_string_equal(out, "https://h.example:444");
	nr_upload_url_redact("sftp://root@10.0.0.1/srv/in/", out, sizeof(out));
	assert_string_equal(out, "sftp://10.0.0.1");
	nr_upload_url_redact("not a url", out, sizeof(out));
	assert_string_equal(out, "");
	nr_upload_url_redact(NULL, out, sizeof(out));
	assert_string_equal(out, "");
}

static void test_url_sibling(void **state)
{
	char *s;

	(void)state;
	s = nr_upload_url_sibling("https://h/dav/in/", "b.tar.zst", ".sig");
	assert_string_equal(s, "https://h/dav/in/b.tar.zst.sig");
	free(s);
	s = nr_upload_url_sibling("https://h/dav/in/", "b.tar.zst", "");
	assert_string_equal(s, "https://h/dav/in/b.tar.zst");
	free(s);
	/* A presigned-style query stays at the end. */
	s = nr_upload_url_sibling("https://h/k/b.tar.zst?X-Amz-Signature=ab&e=1", "x", ".sig");
	assert_string_equal(s, "https://h/k/b.tar.zst.sig?X-Amz-Signature=ab&e=1");
	free(s);
	s = nr_upload_url_sibling("https://h/in/", "a b#c.tar", "");
	assert_string_equal(s, "https://h/in/a%20b%23c.tar");
	free(s);
}

/* URLs that carry their own signature: the real forms of S3 (V4 and V2),
 * GCS (V4 and V2) and Azure SAS, in any case; and look-alikes that do not. */
static void test_url_signature(void **state)
{
	(void)state;
	assert_string_equal(nr_upload_url_signature(
		"https://b.s3.eu-west-1.amazonaws.com/in/x.tar.zst?X-Amz-Algorithm=AWS4-HMAC-SHA256"
		"&X-Amz-Credential=AKIA%2F20260101%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Date=20260101T000000Z"
		"&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=0123abcd"), "X-Amz-Signature");
	assert_string_equal(nr_upload_url_signature(
		"https://storage.googleapis.com/b/x?X-Goog-Algorithm=GOOG4-RSA-SHA256&x-goog-signature=ab"),
		"X-Goog-Signature");
	assert_string_equal(nr_upload_url_signature(
		"https://b.s3.amazonaws.com/x?AWSAccessKeyId=AKIA&Expires=1&Signature=abc%3D"), "Signature");
	assert_string_equal(nr_upload_url_signature(
		"https://storage.googleapis.com/b/x?GoogleAccessId=a%40b&Expires=1&Signature=abc"), "Signature");
	assert_string_equal(nr_upload_url_signature(
		"https://a.blob.core.windows.net/c/x?sv=2022-11-02&se=2026&sr=b&sp=cw&sig=abc%3D"), "sig");
	assert_null(nr_upload_url_signature("https://portal.example.org/v1/bundles"));
	assert_null(nr_upload_url_signature("https://portal.example.org/v1/?ticket=1&Signature=x"));
	assert_null(nr_upload_url_signature("https://portal.example.org/v1/?sig=1"));
	assert_null(nr_upload_url_signature("https://h/p?X-Amz-Signaturex=1"));
	assert_null(nr_upload_url_signature("https://h/X-Amz-Signature=1/p"));
	assert_null(nr_upload_url_signature("https://h/p#X-Amz-Signature=1"));
	assert_null(nr_upload_url_signature("not a url"));
	assert_null(nr_upload_url_signature(NULL));
}

static void test_scrub(void **state)
{
	char s[100] = "a SECRET-1 b SECRET-1SECRET-1 c";
	char t[100] = "ab abc";

	(void)state;
	nr_upload_scrub(s, "SECRET-1");
	assert_string_equal(s, "a *** b ****** c");
	nr_upload_scrub(t, "abc");   /* too short to scrub without wrecking text */
	assert_string_equal(t, "ab abc");
	nr_upload_scrub(t, NULL);
	assert_string_equal(t, "ab abc");
}

static void respond(struct nr_upload_response *r, const char *body)
{
	nr_upload_response_reset(r);
	nr_upload_response_body((char *)body, 1, strlen(body), r);
}

static void test_response_text(void **state)
{
	struct nr_upload_response *r = calloc(1, sizeof(*r));
	char out[NR_UPLOAD_TEXT_MAX + 1], big[NR_UPLOAD_BODY_MAX * 2];
	size_t i;

	(void)state;
	respond(r, "{\"error\": \"quota\\nexceeded\"}");
	nr_upload_response_text(r, out, sizeof(out));
	assert_string_equal(out, "quota exceeded");
	respond(r, "{\"error\": {\"code\": 9, \"message\": \"bad case id\"}}");
	nr_upload_response_text(r, out, sizeof(out));
	assert_string_equal(out, "bad case id");
	respond(r, "<html><head><title>413 Request Entity Too Large</title></head><body>x</body></html>");
	nr_upload_response_text(r, out, sizeof(out));
	assert_string_equal(out, "413 Request Entity Too Large");
	respond(r, "  plain\x1b[31m text\r\n\r\n");
	nr_upload_response_text(r, out, sizeof(out));
	assert_string_equal(out, "plain [31m text");
	/* Capped, marked, and never cut inside a UTF-8 sequence. */
	for (i = 0; i + 2 < sizeof(big); i += 2)
		memcpy(big + i, "\xc3\xa9", 2);
	big[i] = '\0';
	respond(r, big);
	assert_int_equal(r->body_len, NR_UPLOAD_BODY_MAX);
	nr_upload_response_text(r, out, sizeof(out));
	assert_true(strlen(out) <= NR_UPLOAD_TEXT_MAX);
	assert_string_equal(out + strlen(out) - 3, "...");
	assert_int_equal((strlen(out) - 3) % 2, 0);
	free(r);
}

static void test_response_ids(void **state)
{
	struct nr_upload_response *r = calloc(1, sizeof(*r));
	struct nr_upload_result res;
	const char *h1 = "HTTP/1.1 201 Created\r\n", *h2 = "Location: https://p.example/b/7\r\n";
	const char *h3 = "location: /relative/only\r\n";

	(void)state;
	memset(&res, 0, sizeof(res));
	respond(r, "{\"id\": 42, \"url\": \"https://p.example/cases/42\"}");
	nr_upload_response_ids(r, &res);
	assert_string_equal(res.server_id, "42");
	assert_string_equal(res.server_url, "https://p.example/cases/42");
	/* The first answer wins (the bundle's, not the signature's). */
	respond(r, "{\"id\": \"other\"}");
	nr_upload_response_ids(r, &res);
	assert_string_equal(res.server_id, "42");

	memset(&res, 0, sizeof(res));
	nr_upload_response_reset(r);
	nr_upload_response_header((char *)h1, 1, strlen(h1), r);
	nr_upload_response_header((char *)h2, 1, strlen(h2), r);
	assert_string_equal(r->reason, "Created");
	nr_upload_response_ids(r, &res);
	assert_string_equal(res.server_id, "");
	assert_string_equal(res.server_url, "https://p.example/b/7");
	nr_upload_response_reset(r);
	nr_upload_response_header((char *)h3, 1, strlen(h3), r);
	assert_string_equal(r->location, "");
	free(r);
}

static void test_token(void **state)
{
	char path[] = "/tmp/nr-test-token-XXXXXX", *tok = NULL, big[5000];
	struct nr_error err = { 0 };
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(nr_upload_token_check("abc.DEF-123_~+/=", &err), 0);
	assert_true(nr_upload_token_check("two words", &err) < 0);
	assert_true(nr_upload_token_check("ctl\x01", &err) < 0);
	assert_true(nr_upload_token_check("", &err) < 0);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_true(nr_upload_token_check(big, &err) < 0);

	assert_int_equal(write(fd, "tok-123\r\n", 9), 9);
	assert_int_equal(nr_upload_token_read(path, &tok, &err), 0);
	assert_string_equal(tok, "tok-123");
	nr_upload_token_free(tok);
	assert_int_equal(ftruncate(fd, 0), 0);
	assert_int_equal(nr_upload_token_read(path, &tok, &err), -EINVAL);
	assert_null(tok);
	assert_int_equal(pwrite(fd, "secret-x y\n", 11, 0), 11);
	assert_int_equal(nr_upload_token_read(path, &tok, &err), -EINVAL);
	assert_null(strstr(err.msg, "secret"));
	close(fd);
	unlink(path);
	assert_true(nr_upload_token_read(path, &tok, &err) < 0);
	nr_upload_token_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_sleep_stops),
		cmocka_unit_test(test_url_parse),
		cmocka_unit_test(test_url_redact),
		cmocka_unit_test(test_url_sibling),
		cmocka_unit_test(test_url_signature),
		cmocka_unit_test(test_scrub),
		cmocka_unit_test(test_response_text),
		cmocka_unit_test(test_response_ids),
		cmocka_unit_test(test_token),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
