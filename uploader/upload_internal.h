/* SPDX-License-Identifier: MIT */
/* Shared between the uploader's files; not an API. */
#ifndef NR_UPLOAD_INTERNAL_H
#define NR_UPLOAD_INTERNAL_H

#include <curl/curl.h>

#include "upload.h"

/* ---- URLs (upload_url.c) -------------------------------------------- */

enum nr_upload_scheme { NR_SCHEME_HTTPS, NR_SCHEME_HTTP, NR_SCHEME_SFTP };

struct nr_upload_url {
	enum nr_upload_scheme scheme;
	char dest[300];          /* scheme://host[:port] */
	char host[256];          /* without [] around an IPv6 address */
	char user[64];           /* decoded; "" when none */
	char password[128];      /* decoded; only kept to scrub it from messages */
	int port;                /* 0: the scheme's default */
	char path[2048];         /* decoded (sftp) */
};

int nr_upload_url_parse(const char *url, struct nr_upload_url *u, struct nr_error *err);
void nr_upload_url_wipe(struct nr_upload_url *u);

/* url with name appended to its path when the path ends in '/', then
 * suffix appended; the query and fragment stay where they were.  Returns a
 * malloc'd string, NULL when out of memory or unparsable. */
char *nr_upload_url_sibling(const char *url, const char *name, const char *suffix);

/* ---- retry policy (upload_retry.c) ------------------------------------ */

enum nr_attempt { NR_ATTEMPT_OK, NR_ATTEMPT_RETRY, NR_ATTEMPT_REJECTED, NR_ATTEMPT_LOCAL };

/* What one attempt came to, as the retry loop needs it. */
struct nr_attempt_out {
	enum nr_attempt verdict;
	int code;                      /* errno for the failure */
	long retry_after_s;            /* from the server, -1: none */
	char reason[NR_ERROR_MSG_MAX]; /* why it failed, for messages */
};

/* The verdict on an HTTP status: 2xx ok; 408, 429 and 5xx retry; the rest
 * (3xx, 4xx, anything odd) rejected. */
enum nr_attempt nr_upload_http_verdict(long status);

/* Defaults for zero fields. */
void nr_upload_timing_fill(struct nr_upload_timing *t);

/* Delay before retry number `retry` (1 for the first): base * 2^(retry-1),
 * capped, then "equal jitter" (a uniform draw from its upper half, using
 * rnd) so that many clients failing together do not come back together;
 * never less than retry_after_s (when >= 0). */
long nr_upload_backoff_ms(const struct nr_upload_timing *t, unsigned retry, long retry_after_s,
                          uint32_t rnd);

/* Sleep ms, waking early (-EINTR) when *stop becomes set. */
int nr_upload_sleep_ms(long ms, const volatile int *stop);

/* ---- the server's answer (upload_response.c) --------------------------- */

#define NR_UPLOAD_BODY_MAX (16 * 1024)

struct nr_upload_response {
	long status;
	char reason[96];               /* HTTP/1 reason phrase, "" for HTTP/2 */
	char location[1024];           /* Location header, when absolute http(s) */
	char body[NR_UPLOAD_BODY_MAX + 1]; /* the first NR_UPLOAD_BODY_MAX bytes, NUL-ended */
	size_t body_len;
};

void nr_upload_response_reset(struct nr_upload_response *r);
/* curl header and write callbacks (userdata: the response). */
size_t nr_upload_response_header(char *buf, size_t size, size_t n, void *ud);
size_t nr_upload_response_body(char *buf, size_t size, size_t n, void *ud);
/* The id and URL a server gave: JSON {"id": ..., "url": ...} or Location;
 * fields of res already set are kept. */
void nr_upload_response_ids(const struct nr_upload_response *r, struct nr_upload_result *res);
/* The server's error text: JSON error/message/detail, an HTML <title>, or
 * the text itself; control characters dropped, whitespace folded, capped. */
void nr_upload_response_text(const struct nr_upload_response *r, char *out, size_t outlen);

/* Replace every occurrence of secret (when 4 bytes or longer) in s. */
void nr_upload_scrub(char *s, const char *secret);

/* ---- transports --------------------------------------------------------- */

struct nr_upload_ctx {
	const struct nr_upload_opts *o;
	const struct nr_upload_hooks *h;
	const struct nr_upload_bundle *b;
	const struct nr_upload_url *url;
	struct nr_upload_result *res;
};

/* One file by PUT, or the whole bundle by POST: one attempt each. */
struct nr_upload_http;
struct nr_upload_http *nr_upload_http_new(const struct nr_upload_ctx *c, struct nr_error *err);
void nr_upload_http_free(struct nr_upload_http *h);
void nr_upload_http_put(struct nr_upload_http *h, const char *what, const char *url,
                        const char *path, struct nr_attempt_out *out);
void nr_upload_http_post(struct nr_upload_http *h, struct nr_attempt_out *out);

/* One SFTP session delivering every file not yet delivered (done[i]). */
void nr_upload_sftp_attempt(const struct nr_upload_ctx *c, bool done[2],
                            struct nr_attempt_out *out);

/* Fill out as a failure; returns nothing so attempts can `return attempt_fail(...)`. */
void nr_upload_attempt_fail(struct nr_attempt_out *out, enum nr_attempt v, int code,
                            const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* ---- files as request bodies (upload_source.c) -------------------------- */

/* Size of a regular file open on fd, or a negative errno. */
int64_t nr_upload_file_size(int fd);

/* Where a source records a read error, for the attempt to report. */
struct nr_upload_read_fail {
	int code;
	const char *path;
};

struct nr_upload_source {
	const char *path;
	int fd;
	int64_t size;
	struct nr_upload_read_fail *fail;
};

/* Open path for streaming; on failure fills out (a local error). */
int nr_upload_source_open(struct nr_upload_source *s, const char *path,
                          struct nr_upload_read_fail *fail, struct nr_attempt_out *out);
void nr_upload_source_close(struct nr_upload_source *s);
/* curl read and seek callbacks (userdata: the source). */
size_t nr_upload_source_read(char *buf, size_t size, size_t n, void *ud);
int nr_upload_source_seek(void *ud, curl_off_t offset, int origin);

#endif
