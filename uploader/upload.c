/* SPDX-License-Identifier: MIT */
/* nr_upload_run: check the request, pick the transport, and run each
 * transfer under the retry policy (upload_retry.c). */
#include "upload_internal.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

/* One transfer, attempted until it succeeds or the policy gives up. */
struct transfer {
	const struct nr_upload_ctx *c;
	const char *what;
	struct nr_upload_http *http;
	const char *url, *path;     /* PUT */
	bool done[2];               /* SFTP: bundle, signature delivered */
	void (*attempt)(struct transfer *t, struct nr_attempt_out *out);
};

static void attempt_put(struct transfer *t, struct nr_attempt_out *out)
{
	nr_upload_http_put(t->http, t->what, t->url, t->path, out);
	t->c->res->files += out->verdict == NR_ATTEMPT_OK;
}

static void attempt_post(struct transfer *t, struct nr_attempt_out *out)
{
	const struct nr_upload_ctx *c = t->c;
	const struct nr_upload_fields *f = &c->o->fields;

	nr_upload_http_post(t->http, out);
	if (out->verdict == NR_ATTEMPT_OK)
		c->res->files += 1u + (c->b->sig_path && f->signature[0]) +
		                 (c->b->manifest && f->manifest[0]);
}

static void attempt_sftp(struct transfer *t, struct nr_attempt_out *out)
{
	nr_upload_sftp_attempt(t->c, t->done, out);
}

static uint32_t random_u32(void)
{
	uint32_t r;

	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r))
		r = (uint32_t)time(NULL) ^ ((uint32_t)getpid() << 16);
	return r;
}

static void scrub_secrets(const struct nr_upload_ctx *c, char *s)
{
	nr_upload_scrub(s, c->o->token);
	nr_upload_scrub(s, c->url->password);
}

static int run_transfer(struct transfer *t, struct nr_error *err)
{
	const struct nr_upload_ctx *c = t->c;
	struct nr_upload_result *res = c->res;
	unsigned max = (unsigned)c->o->retries + 1, n;
	struct nr_attempt_out out;

	for (n = 1;; n++) {
		struct nr_upload_retry r;

		memset(&out, 0, sizeof(out));
		out.retry_after_s = -1;
		res->attempts++;
		t->attempt(t, &out);
		scrub_secrets(c, out.reason);
		if (out.verdict == NR_ATTEMPT_OK)
			return 0;
		if (out.verdict == NR_ATTEMPT_REJECTED) {
			res->status = NR_UPLOAD_REJECTED;
			return nr_error_set(err, out.code, "%s refused the %s: %s", c->url->dest, t->what,
			                    out.reason);
		}
		if (out.verdict == NR_ATTEMPT_LOCAL) {
			res->status = NR_UPLOAD_LOCAL_ERROR;
			return nr_error_set(err, out.code, "uploading the %s to %s: %s", t->what,
			                    c->url->dest, out.reason);
		}
		res->status = NR_UPLOAD_GAVE_UP;
		if (n >= max)
			return nr_error_set(err, out.code, "gave up uploading the %s to %s after %u "
			                    "attempt%s: %s", t->what, c->url->dest, n, n == 1 ? "" : "s",
			                    out.reason);
		if (out.retry_after_s > c->o->timing.retry_after_max_s)
			return nr_error_set(err, out.code, "gave up uploading the %s to %s: the server "
			                    "asks to wait %ld s (more than %d): %s", t->what, c->url->dest,
			                    out.retry_after_s, c->o->timing.retry_after_max_s, out.reason);
		r.what = t->what;
		r.attempt = n;
		r.max_attempts = max;
		r.delay_ms = nr_upload_backoff_ms(&c->o->timing, n, out.retry_after_s, random_u32());
		r.reason = out.reason;
		if (c->h->retry)
			c->h->retry(c->h->ud, &r);
		if (nr_upload_sleep_ms(r.delay_ms, c->o->stop) < 0) {
			res->status = NR_UPLOAD_LOCAL_ERROR;
			return nr_error_set(err, EINTR, "interrupted while waiting to retry");
		}
	}
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* PUT: the bundle, then its signature beside it. */
static int run_put(const struct nr_upload_ctx *c, struct nr_upload_http *http,
                   struct nr_error *err)
{
	struct transfer t = { .c = c, .http = http, .attempt = attempt_put };
	char *bundle_url = nr_upload_url_sibling(c->o->url, base_name(c->b->path), "");
	char *sig_url = c->o->sig_url ? strdup(c->o->sig_url)
	                              : nr_upload_url_sibling(c->o->url, base_name(c->b->path), ".sig");
	int rc = 0;

	if (!bundle_url || !sig_url)
		rc = nr_error_set(err, ENOMEM, "out of memory");
	if (rc == 0) {
		t.what = "bundle";
		t.url = bundle_url;
		t.path = c->b->path;
		rc = run_transfer(&t, err);
	}
	if (rc == 0 && c->b->sig_path) {
		t.what = "signature";
		t.url = sig_url;
		t.path = c->b->sig_path;
		rc = run_transfer(&t, err);
	}
	free(bundle_url);
	free(sig_url);
	return rc;
}

static int run_transport(const struct nr_upload_ctx *c, struct nr_error *err)
{
	struct transfer t = { .c = c, .what = "bundle" };
	int rc;

	if (c->url->scheme == NR_SCHEME_SFTP) {
		t.attempt = attempt_sftp;
		return run_transfer(&t, err);
	}
	t.http = nr_upload_http_new(c, err);
	if (!t.http)
		return -(err->code ? err->code : ENOMEM);
	if (c->o->method == NR_UPLOAD_POST) {
		t.attempt = attempt_post;
		rc = run_transfer(&t, err);
	} else {
		rc = run_put(c, t.http, err);
	}
	nr_upload_http_free(t.http);
	return rc;
}

/* Refusals that need no server. */
static int check_request(const struct nr_upload_opts *o, const struct nr_upload_bundle *b,
                         const struct nr_upload_url *u, struct nr_error *err)
{
	if (u->scheme == NR_SCHEME_HTTP && !o->allow_http)
		return nr_error_set(err, EPROTONOSUPPORT, "refusing plain http:// for %s; use https://",
		                    u->dest);
	if (u->scheme == NR_SCHEME_HTTP && o->token)
		return nr_error_set(err, EPERM, "refusing to send the token over plain http:// to %s; "
		                    "use https://", u->dest);
	if (o->sig_url && (u->scheme == NR_SCHEME_SFTP || o->method != NR_UPLOAD_PUT))
		return nr_error_set(err, EINVAL, "a separate signature URL is for PUT only");
	if (o->sig_url) {
		char sig_dest[sizeof(u->dest)];

		/* One server only: the token goes with both requests. */
		nr_upload_url_redact(o->sig_url, sig_dest, sizeof(sig_dest));
		if (strcmp(sig_dest, u->dest) != 0)
			return nr_error_set(err, EINVAL, "the signature URL must be on the same server as "
			                    "the upload URL (%s)", u->dest);
	}
	if (u->scheme == NR_SCHEME_SFTP && u->password[0])
		return nr_error_set(err, EINVAL, "sftp:// URLs take no password; use a key, "
		                    "ssh-agent or the terminal prompt");
	if (u->scheme == NR_SCHEME_SFTP && (!u->path[0] || strcmp(u->path, "/") == 0))
		return nr_error_set(err, EINVAL, "the sftp:// URL names no directory or file");
	if (access(b->path, R_OK) < 0)
		return nr_error_set(err, errno, "cannot read %s: %s", b->path, strerror(errno));
	if (b->sig_path && access(b->sig_path, R_OK) < 0)
		return nr_error_set(err, errno, "cannot read %s: %s", b->sig_path, strerror(errno));
	return 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int nr_upload_run(const struct nr_upload_opts *opts, const struct nr_upload_bundle *b,
                  const struct nr_upload_hooks *h, struct nr_upload_result *res,
                  struct nr_error *err)
{
	static const struct nr_upload_hooks no_hooks;
	struct nr_upload_opts o = *opts;
	struct nr_upload_url u;
	struct nr_upload_ctx c = { .o = &o, .h = h ? h : &no_hooks, .b = b, .url = &u, .res = res };
	double t0 = now_s();
	int rc;

	memset(res, 0, sizeof(*res));
	res->status = NR_UPLOAD_LOCAL_ERROR;
	nr_upload_timing_fill(&o.timing);
	if (o.retries < 0)
		o.retries = 0;
	if (!o.fields.bundle || !o.fields.bundle[0])
		o.fields.bundle = "bundle";
	if (!o.fields.signature)
		o.fields.signature = "signature";
	if (!o.fields.manifest)
		o.fields.manifest = "manifest";
	rc = nr_upload_url_parse(o.url, &u, err);
	if (rc < 0)
		return rc;
	memcpy(res->dest, u.dest, sizeof(res->dest));
	res->method = u.scheme == NR_SCHEME_SFTP ? "sftp" : o.method == NR_UPLOAD_POST ? "post" : "put";
	rc = check_request(&o, b, &u, err);
	if (rc == 0 && curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		rc = nr_error_set(err, ENOMEM, "cannot initialise libcurl");
	if (rc == 0) {
		rc = run_transport(&c, err);
		curl_global_cleanup();
	}
	if (rc == 0)
		res->status = NR_UPLOAD_OK;
	else if (res->status == NR_UPLOAD_OK)
		res->status = NR_UPLOAD_LOCAL_ERROR;
	res->seconds = now_s() - t0;
	if (err) {
		scrub_secrets(&c, err->msg);
	}
	scrub_secrets(&c, res->server_text);
	scrub_secrets(&c, res->server_id);
	scrub_secrets(&c, res->server_url);
	nr_upload_url_wipe(&u);
	return rc;
}
