/* SPDX-License-Identifier: MIT */
/* Uploading a bundle to where its readers are: HTTPS PUT or POST (libcurl)
 * and SFTP (libssh).
 *
 * The uploader sees a bundle only as files: the tarball, its detached
 * signature and the manifest's bytes.  It knows nothing of probes or
 * levels, and it never prints: progress and retries go to hooks, and the
 * command layer renders them.
 *
 * Destinations:
 *   https://host/path   PUT: the bundle to the URL, the signature to the URL
 *                       with ".sig" appended to its path (before any
 *                       ?query).  A path ending in '/' gets the bundle's
 *                       file name appended first (WebDAV collections).
 *                       POST: one multipart/form-data request with the
 *                       bundle, the signature and manifest.json as separate
 *                       parts, so a portal can read the manifest without
 *                       unpacking anything.
 *   sftp://[user@]host[:port]/path   the same names as PUT, each written to
 *                       ".NAME.part" and renamed into place, so a reader
 *                       never sees half a bundle.  "/~/" starts a path
 *                       relative to the login directory.  A path naming a
 *                       directory gets the bundle's file name.
 *   http://             only when the caller says the user typed it
 *                       (allow_http), and never with a token.
 *
 * TLS verification is always on.  There is deliberately no switch to turn
 * it off and no fallback to plain HTTP: both are how bug-report tools have
 * leaked reports.  A private CA is trusted with opts.cacert.
 *
 * Retries: connection errors, stalls, timeouts, 5xx, 408 and 429 are
 * retried with exponential backoff and jitter, never sooner than a
 * Retry-After header asks; other 4xx are final (the server's error text is
 * kept, capped).  A TLS verification failure is final and local: retrying
 * cannot fix a certificate.
 */
#ifndef NR_UPLOAD_H
#define NR_UPLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

enum nr_upload_method { NR_UPLOAD_PUT, NR_UPLOAD_POST };

/* How an upload ended.  The values are the command's exit codes. */
enum nr_upload_status {
	NR_UPLOAD_OK = 0,
	NR_UPLOAD_LOCAL_ERROR = 1,   /* our side: a file, the URL, TLS trust, interrupted */
	NR_UPLOAD_REJECTED = 4,      /* the server said no (4xx other than 408/429, auth) */
	NR_UPLOAD_GAVE_UP = 5,       /* still failing after every retry */
};

struct nr_upload_timing {
	int connect_timeout_s;    /* 0: 30 */
	int stall_timeout_s;      /* no byte moved for this long fails the attempt; 0: 60 */
	long backoff_ms;          /* delay before the first retry; 0: 1000 */
	long backoff_max_ms;      /* 0: 60000 */
	int retry_after_max_s;    /* a server asking for a longer wait is given up on; 0: 600 */
};

/* Multipart part names (POST).  NULL or "" leaves the signature or the
 * manifest part out; the bundle part is always sent. */
struct nr_upload_fields {
	const char *bundle;       /* NULL: "bundle" */
	const char *signature;    /* NULL: "signature" */
	const char *manifest;     /* NULL: "manifest" */
};

struct nr_upload_opts {
	const char *url;
	const char *sig_url;               /* PUT: the signature's own URL (a second
	                                    * presigned URL), on the same server;
	                                    * NULL: url with ".sig" */
	enum nr_upload_method method;      /* ignored for sftp:// */
	bool allow_http;                   /* the user typed http:// */
	const char *const *headers;        /* "Name: value" lines, NULL-terminated, or NULL */
	const char *token;                 /* sent as "Authorization: Bearer", except to a
	                                    * URL that carries its own signature
	                                    * (nr_upload_url_signature); NULL: none */
	const char *cacert;                /* PEM file of trusted CAs; NULL: the system's */
	int retries;                       /* retries after the first attempt */
	struct nr_upload_fields fields;
	struct nr_upload_timing timing;
	const volatile int *stop;          /* set asynchronously (SIGINT): abort */
};

/* What to send.  Files are streamed, never loaded whole. */
struct nr_upload_bundle {
	const char *path;                  /* the bundle */
	const char *sig_path;              /* its detached signature; NULL: unsigned */
	const char *manifest;              /* POST: manifest.json's bytes; NULL: no part */
	size_t manifest_len;
};

/* One failed attempt, about to be retried. */
struct nr_upload_retry {
	const char *what;                  /* "bundle", "signature" */
	unsigned attempt;                  /* the attempt that failed, from 1 */
	unsigned max_attempts;
	long delay_ms;                     /* until the next one */
	const char *reason;                /* "server answered 503 Service Unavailable" */
};

struct ssh_session_struct;

/* Where an sftp:// URL points, for the connect hook. */
struct nr_upload_ssh_target {
	const char *user;                  /* "" : the ssh config's, else the local user */
	const char *host;
	int port;                          /* 0 : the ssh config's, else 22 */
};

struct nr_upload_hooks {
	void *ud;
	/* Bytes of `what` sent so far; called often, throttling is the
	 * caller's business.  May be NULL. */
	void (*progress)(void *ud, const char *what, uint64_t done, uint64_t total);
	void (*retry)(void *ud, const struct nr_upload_retry *r);   /* may be NULL */
	/* sftp:// only: open an authenticated session with the host-key and
	 * authentication rules of remote collection.  On failure returns a
	 * negative errno, fills err, and sets *status to NR_UPLOAD_GAVE_UP
	 * when a retry may help (unreachable), NR_UPLOAD_REJECTED
	 * (authentication failed) or NR_UPLOAD_LOCAL_ERROR (host key). */
	int (*ssh_connect)(void *ud, const struct nr_upload_ssh_target *t,
	                   struct ssh_session_struct **out, enum nr_upload_status *status,
	                   struct nr_error *err);
};

#define NR_UPLOAD_TEXT_MAX 200

struct nr_upload_result {
	enum nr_upload_status status;
	const char *method;                /* "put", "post", "sftp" */
	char dest[300];                    /* "scheme://host[:port]": never a path, user or secret */
	unsigned attempts;                 /* requests or sessions started, retries included */
	unsigned files;                    /* files delivered */
	uint64_t bytes;                    /* payload bytes delivered */
	double seconds;
	long http_status;                  /* of the last response; 0: none */
	char server_id[128];               /* from the server's answer, "" when none */
	char server_url[1024];
	char server_text[NR_UPLOAD_TEXT_MAX + 1];   /* the server's error text, cleaned and capped */
};

/* Upload b as o says.  Returns 0, or a negative errno with err filled and
 * res->status saying which kind of failure it was.  res is always filled
 * as far as the upload got.  err->msg never holds the token, a password or
 * the URL's path or query: only res->dest names the destination. */
int nr_upload_run(const struct nr_upload_opts *o, const struct nr_upload_bundle *b,
                  const struct nr_upload_hooks *h, struct nr_upload_result *res,
                  struct nr_error *err);

/* "scheme://host[:port]" of url, for messages; "" when it cannot be parsed.
 * Never the user, password, path, query or fragment. */
void nr_upload_url_redact(const char *url, char *out, size_t outlen);

/* A URL that carries its own signature in the query (a presigned S3, GCS
 * or Azure SAS URL): the name of that parameter ("X-Amz-Signature",
 * "X-Goog-Signature", "Signature" with AWSAccessKeyId or GoogleAccessId,
 * "sig" with sv), else NULL.  The token is never sent to such a URL: the
 * stores refuse a request authenticated twice, and the token is not theirs
 * to see. */
const char *nr_upload_url_signature(const char *url);

/* Reads a bearer token from path: the first line, trailing whitespace
 * stripped, at most 4 KiB, printable ASCII only (so it cannot inject a
 * header).  *out is freed with nr_upload_token_free (which wipes it). */
int nr_upload_token_read(const char *path, char **out, struct nr_error *err);
/* Checks a token from elsewhere (the environment) by the same rules. */
int nr_upload_token_check(const char *token, struct nr_error *err);
void nr_upload_token_free(char *token);

#endif
