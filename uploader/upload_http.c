/* SPDX-License-Identifier: MIT */
/* One HTTP(S) attempt with libcurl: PUT of one file, or the multipart POST
 * of the whole bundle; and what the result means for the retry loop.
 *
 * Bodies are streamed from the files by read callbacks (with seek
 * callbacks, so curl can rewind when it has to); nothing is loaded whole.
 * Redirects are not followed: a redirect could take the token to another
 * host or downgrade to http, and an upload endpoint that moved should be
 * configured, not chased. */
#include "upload_internal.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Larger than curl's 64 KiB default: fewer, fuller TLS records, which is
 * most of the distance to `curl -T` on a fast link. */
#define UPLOAD_BUFFER (512 * 1024)

struct nr_upload_http {
	CURL *curl;
	struct curl_slist *headers;      /* the caller's */
	struct curl_slist *with_token;   /* the caller's and Authorization; NULL: no token */
	const struct nr_upload_ctx *c;
	const char *what;                /* for progress */
	struct nr_upload_read_fail read_fail;   /* a body source's read error */
	uint64_t moved;                  /* bytes both ways, at the last change */
	double moved_at;                 /* when that was (monotonic s; 0: not yet) */
	bool stalled;
	struct nr_upload_response resp;
	char errbuf[CURL_ERROR_SIZE];
};

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* curl calls this about once a second even when nothing moves, which is
 * what makes it the stall detector: CURLOPT_LOW_SPEED_TIME alone judges a
 * five-second average, so a stall after a burst is noticed seconds late. */
static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
	struct nr_upload_http *h = ud;
	const struct nr_upload_hooks *hk = h->c->h;
	uint64_t moved = (uint64_t)dlnow + (uint64_t)ulnow;
	double now = mono_s();

	(void)dltotal;
	if (h->c->o->stop && *h->c->o->stop)
		return 1;
	if (moved != h->moved || h->moved_at == 0) {
		h->moved = moved;
		h->moved_at = now;
	} else if (now - h->moved_at >= h->c->o->timing.stall_timeout_s) {
		h->stalled = true;
		return 1;
	}
	if (hk->progress && ultotal > 0)
		hk->progress(hk->ud, h->what, (uint64_t)ulnow, (uint64_t)ultotal);
	return 0;
}

static int add_header(struct curl_slist **list, const char *line)
{
	struct curl_slist *l = curl_slist_append(*list, line);

	if (!l)
		return -ENOMEM;
	*list = l;
	return 0;
}

/* The headers for a request to url: no token to a URL that carries its own
 * signature (a presigned URL). */
static void use_headers(struct nr_upload_http *h, const char *url)
{
	bool token = h->with_token && !nr_upload_url_signature(url);

	curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, token ? h->with_token : h->headers);
}

static int set_common(struct nr_upload_http *h, const struct nr_upload_ctx *c)
{
	const struct nr_upload_opts *o = c->o;
	CURL *k = h->curl;
	CURLcode cc = CURLE_OK;

#define SET(opt, val) \
	do { if (cc == CURLE_OK) cc = curl_easy_setopt(k, opt, val); } while (0)
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_PROTOCOLS_STR, c->url->scheme == NR_SCHEME_HTTP ? "http" : "https");
	SET(CURLOPT_REDIR_PROTOCOLS_STR, "https");
	SET(CURLOPT_FOLLOWLOCATION, 0L);
	SET(CURLOPT_SSL_VERIFYPEER, 1L);
	SET(CURLOPT_SSL_VERIFYHOST, 2L);
	SET(CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	if (o->cacert) {
		/* Trust exactly this CA: no system directory beside it. */
		SET(CURLOPT_CAINFO, o->cacert);
		SET(CURLOPT_CAPATH, NULL);
	}
	SET(CURLOPT_CONNECTTIMEOUT, (long)o->timing.connect_timeout_s);
	/* A stall fails the attempt, which is then retried like any broken
	 * connection: on_progress notices it on time; this is the backstop. */
	SET(CURLOPT_LOW_SPEED_LIMIT, 1L);
	SET(CURLOPT_LOW_SPEED_TIME, (long)o->timing.stall_timeout_s);
	SET(CURLOPT_TCP_KEEPALIVE, 1L);
	SET(CURLOPT_UPLOAD_BUFFERSIZE, (long)UPLOAD_BUFFER);
	SET(CURLOPT_USERAGENT, "nest-report/" NR_VERSION);
	SET(CURLOPT_HEADERFUNCTION, nr_upload_response_header);
	SET(CURLOPT_HEADERDATA, &h->resp);
	SET(CURLOPT_WRITEFUNCTION, nr_upload_response_body);
	SET(CURLOPT_WRITEDATA, &h->resp);
	SET(CURLOPT_ERRORBUFFER, h->errbuf);
	SET(CURLOPT_NOPROGRESS, 0L);
	SET(CURLOPT_XFERINFOFUNCTION, on_progress);
	SET(CURLOPT_XFERINFODATA, h);
#undef SET
	return cc == CURLE_OK ? 0 : -EINVAL;
}

struct nr_upload_http *nr_upload_http_new(const struct nr_upload_ctx *c, struct nr_error *err)
{
	struct nr_upload_http *h = calloc(1, sizeof(*h));
	char *auth = NULL;
	int rc = -ENOMEM;
	size_t i;

	if (!h || !(h->curl = curl_easy_init()))
		goto fail;
	h->c = c;
	for (i = 0, rc = 0; c->o->headers && c->o->headers[i] && rc == 0; i++) {
		rc = add_header(&h->headers, c->o->headers[i]);
		if (rc == 0 && c->o->token)
			rc = add_header(&h->with_token, c->o->headers[i]);
	}
	if (rc == 0 && c->o->token) {
		rc = asprintf(&auth, "Authorization: Bearer %s", c->o->token) < 0 ? -ENOMEM : 0;
		if (rc == 0)
			rc = add_header(&h->with_token, auth);
	}
	if (rc == 0)
		rc = set_common(h, c);
	if (rc == 0)
		goto out;
fail:
	nr_error_set(err, rc == -ENOMEM ? ENOMEM : EINVAL,
	             rc == -ENOMEM ? "out of memory" : "libcurl refused an option (too old?)");
	nr_upload_http_free(h);
	h = NULL;
out:
	if (auth) {
		explicit_bzero(auth, strlen(auth));
		free(auth);
	}
	return h;
}

void nr_upload_http_free(struct nr_upload_http *h)
{
	struct curl_slist *l;

	if (!h)
		return;
	if (h->curl)
		curl_easy_cleanup(h->curl);
	/* The list holds the token: wipe it before it goes back to malloc. */
	for (l = h->with_token; l; l = l->next)
		explicit_bzero(l->data, strlen(l->data));
	curl_slist_free_all(h->with_token);
	curl_slist_free_all(h->headers);
	free(h);
}

static int tls_untrusted(CURLcode cc)
{
	return cc == CURLE_PEER_FAILED_VERIFICATION || cc == CURLE_SSL_CACERT_BADFILE ||
	       cc == CURLE_SSL_CERTPROBLEM || cc == CURLE_SSL_ISSUER_ERROR ||
	       cc == CURLE_SSL_CRL_BADFILE || cc == CURLE_SSL_PINNEDPUBKEYNOTMATCH;
}

static int local_failure(CURLcode cc)
{
	return cc == CURLE_UNSUPPORTED_PROTOCOL || cc == CURLE_URL_MALFORMAT ||
	       cc == CURLE_NOT_BUILT_IN || cc == CURLE_OUT_OF_MEMORY ||
	       cc == CURLE_BAD_FUNCTION_ARGUMENT || cc == CURLE_UNKNOWN_OPTION ||
	       cc == CURLE_FUNCTION_NOT_FOUND || cc == CURLE_SSL_ENGINE_NOTFOUND ||
	       cc == CURLE_SSL_ENGINE_SETFAILED || cc == CURLE_SSL_CIPHER;
}

/* A transfer that did not complete: what went wrong, and is it worth
 * another try? */
static void transfer_failed(struct nr_upload_http *h, CURLcode cc, struct nr_attempt_out *out)
{
	const char *detail = h->errbuf[0] ? h->errbuf : curl_easy_strerror(cc);
	const char *dest = h->c->url->dest;

	if (cc == CURLE_ABORTED_BY_CALLBACK && h->stalled)
		nr_upload_attempt_fail(out, NR_ATTEMPT_RETRY, ETIMEDOUT, "no progress for %d s",
		                       h->c->o->timing.stall_timeout_s);
	else if (cc == CURLE_ABORTED_BY_CALLBACK && h->c->o->stop && *h->c->o->stop)
		nr_upload_attempt_fail(out, NR_ATTEMPT_LOCAL, EINTR, "interrupted");
	else if (h->read_fail.code)
		nr_upload_attempt_fail(out, NR_ATTEMPT_LOCAL, h->read_fail.code, "cannot read %s: %s",
		                       h->read_fail.path, strerror(h->read_fail.code));
	else if (tls_untrusted(cc))
		/* Never retried, and never retried another way: a certificate
		 * that does not verify will not verify next time either. */
		nr_upload_attempt_fail(out, NR_ATTEMPT_LOCAL, EPERM,
		                       "TLS: the certificate of %s is not trusted (%s); a private CA "
		                       "is trusted with --cacert FILE", dest, detail);
	else if (local_failure(cc))
		nr_upload_attempt_fail(out, NR_ATTEMPT_LOCAL, EINVAL, "%s", detail);
	else if (cc == CURLE_REMOTE_ACCESS_DENIED || cc == CURLE_LOGIN_DENIED)
		nr_upload_attempt_fail(out, NR_ATTEMPT_REJECTED, EACCES, "%s", detail);
	else if (cc == CURLE_OPERATION_TIMEDOUT)
		nr_upload_attempt_fail(out, NR_ATTEMPT_RETRY, ETIMEDOUT, "timed out (%s)", detail);
	else
		nr_upload_attempt_fail(out, NR_ATTEMPT_RETRY, ECONNRESET, "%s", detail);
}

/* The server answered: 2xx done, else why not. */
static void answered(struct nr_upload_http *h, struct nr_attempt_out *out)
{
	struct nr_upload_result *res = h->c->res;
	char text[NR_UPLOAD_TEXT_MAX + 1], where[300];
	curl_off_t retry_after = 0, sent = 0;
	long status = 0;

	curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &status);
	res->http_status = status;
	out->verdict = nr_upload_http_verdict(status);
	if (out->verdict == NR_ATTEMPT_OK) {
		curl_easy_getinfo(h->curl, CURLINFO_SIZE_UPLOAD_T, &sent);
		res->bytes += (uint64_t)sent;
		nr_upload_response_ids(&h->resp, res);
		return;
	}
	nr_upload_response_text(&h->resp, text, sizeof(text));
	memcpy(res->server_text, text, sizeof(res->server_text));
	/* libcurl reads both forms of Retry-After: seconds and an HTTP date. */
	if (curl_easy_getinfo(h->curl, CURLINFO_RETRY_AFTER, &retry_after) == CURLE_OK &&
	    retry_after > 0)
		out->retry_after_s = (long)retry_after;
	if (status >= 300 && status < 400) {
		nr_upload_url_redact(h->resp.location, where, sizeof(where));
		nr_upload_attempt_fail(out, NR_ATTEMPT_REJECTED, EACCES,
		                       "server answered %ld %s (redirect%s%s); upload to the new "
		                       "URL directly", status, h->resp.reason, where[0] ? " to " : "",
		                       where);
		return;
	}
	nr_upload_attempt_fail(out, out->verdict, out->verdict == NR_ATTEMPT_RETRY ? EAGAIN : EACCES,
	                       "server answered %ld%s%s%s%s", status, h->resp.reason[0] ? " " : "",
	                       h->resp.reason, text[0] ? ": " : "", text);
}

static void perform(struct nr_upload_http *h, struct nr_attempt_out *out)
{
	CURLcode cc;

	nr_upload_response_reset(&h->resp);
	h->errbuf[0] = '\0';
	h->read_fail.code = 0;
	h->moved = 0;
	h->moved_at = 0;
	h->stalled = false;
	out->retry_after_s = -1;
	cc = curl_easy_perform(h->curl);
	if (cc == CURLE_OK)
		answered(h, out);
	else
		transfer_failed(h, cc, out);
}

void nr_upload_http_put(struct nr_upload_http *h, const char *what, const char *url,
                        const char *path, struct nr_attempt_out *out)
{
	struct nr_upload_source s;
	CURL *k = h->curl;

	h->what = what;
	if (nr_upload_source_open(&s, path, &h->read_fail, out) == 0) {
		curl_easy_setopt(k, CURLOPT_URL, url);
		use_headers(h, url);
		curl_easy_setopt(k, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(k, CURLOPT_READFUNCTION, nr_upload_source_read);
		curl_easy_setopt(k, CURLOPT_READDATA, &s);
		curl_easy_setopt(k, CURLOPT_SEEKFUNCTION, nr_upload_source_seek);
		curl_easy_setopt(k, CURLOPT_SEEKDATA, &s);
		curl_easy_setopt(k, CURLOPT_INFILESIZE_LARGE, (curl_off_t)s.size);
		perform(h, out);
	}
	nr_upload_source_close(&s);
}

static const char *bundle_type(const char *path)
{
	static const struct { const char *suffix, *type; } types[] = {
		{ ".tar.zst", "application/zstd" }, { ".tar.gz", "application/gzip" },
		{ ".tar.xz", "application/x-xz" }, { ".tar", "application/x-tar" },
	};
	size_t len = strlen(path), i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		size_t sl = strlen(types[i].suffix);

		if (len > sl && strcmp(path + len - sl, types[i].suffix) == 0)
			return types[i].type;
	}
	return "application/octet-stream";
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* A part streamed from an open file. */
static int add_file_part(curl_mime *mime, const char *field, struct nr_upload_source *s,
                         const char *type)
{
	curl_mimepart *p = curl_mime_addpart(mime);

	if (!p || curl_mime_name(p, field) != CURLE_OK ||
	    curl_mime_filename(p, base_name(s->path)) != CURLE_OK ||
	    curl_mime_type(p, type) != CURLE_OK ||
	    curl_mime_data_cb(p, (curl_off_t)s->size, nr_upload_source_read, nr_upload_source_seek,
	                      NULL, s) != CURLE_OK)
		return -ENOMEM;
	return 0;
}

static int add_manifest_part(curl_mime *mime, const char *field, const struct nr_upload_bundle *b)
{
	curl_mimepart *p = curl_mime_addpart(mime);

	if (!p || curl_mime_name(p, field) != CURLE_OK ||
	    curl_mime_filename(p, "manifest.json") != CURLE_OK ||
	    curl_mime_type(p, "application/json") != CURLE_OK ||
	    curl_mime_data(p, b->manifest, b->manifest_len) != CURLE_OK)
		return -ENOMEM;
	return 0;
}

static int field_on(const char *f)
{
	return f && f[0];
}

void nr_upload_http_post(struct nr_upload_http *h, struct nr_attempt_out *out)
{
	const struct nr_upload_bundle *b = h->c->b;
	const struct nr_upload_fields *f = &h->c->o->fields;
	struct nr_upload_source bundle = { .fd = -1 }, sig = { .fd = -1 };
	curl_mime *mime = curl_mime_init(h->curl);
	int rc = mime ? 0 : -ENOMEM;

	h->what = "bundle";
	if (rc == 0 && nr_upload_source_open(&bundle, b->path, &h->read_fail, out) < 0)
		goto done;
	if (rc == 0 && b->sig_path && field_on(f->signature) &&
	    nr_upload_source_open(&sig, b->sig_path, &h->read_fail, out) < 0)
		goto done;
	if (rc == 0)
		rc = add_file_part(mime, f->bundle, &bundle, bundle_type(b->path));
	if (rc == 0 && sig.fd >= 0)
		rc = add_file_part(mime, f->signature, &sig, "application/octet-stream");
	if (rc == 0 && b->manifest && field_on(f->manifest))
		rc = add_manifest_part(mime, f->manifest, b);
	if (rc < 0) {
		nr_upload_attempt_fail(out, NR_ATTEMPT_LOCAL, ENOMEM, "out of memory");
		goto done;
	}
	curl_easy_setopt(h->curl, CURLOPT_URL, h->c->o->url);
	use_headers(h, h->c->o->url);
	curl_easy_setopt(h->curl, CURLOPT_MIMEPOST, mime);
	perform(h, out);
	curl_easy_setopt(h->curl, CURLOPT_MIMEPOST, NULL);
done:
	curl_mime_free(mime);
	nr_upload_source_close(&bundle);
	nr_upload_source_close(&sig);
}
