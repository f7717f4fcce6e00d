/* SPDX-License-Identifier: MIT */
/* Upload URLs: parsing with libcurl's own parser (so we read a URL exactly
 * as the request will), the redacted form used in every message, and the
 * URL of a sibling file (the .sig next to the bundle). */
#include "upload_internal.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Copy a URL part into out; "" when absent.  Returns -1 when too long. */
static int get_part(CURLU *h, CURLUPart what, unsigned flags, char *out, size_t outlen)
{
	char *v = NULL;
	int rc = 0;

	out[0] = '\0';
	if (curl_url_get(h, what, &v, flags) != CURLUE_OK || !v)
		return 0;
	if (strlen(v) >= outlen)
		rc = -1;
	else
		strcpy(out, v);
	/* The part may be a password: do not leave it in freed memory. */
	memset(v, 0, strlen(v));
	curl_free(v);
	return rc;
}

static CURLU *url_open(const char *url)
{
	CURLU *h = curl_url();

	if (h && curl_url_set(h, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) {
		curl_url_cleanup(h);
		return NULL;
	}
	return h;
}

static void make_dest(const char *scheme, const char *host, const char *port, char *out,
                      size_t outlen)
{
	snprintf(out, outlen, "%s://%s%s%s", scheme, host, port[0] ? ":" : "", port);
}

void nr_upload_url_redact(const char *url, char *out, size_t outlen)
{
	char scheme[16], host[256], port[8];
	CURLU *h = url ? url_open(url) : NULL;

	out[0] = '\0';
	if (!h)
		return;
	if (get_part(h, CURLUPART_SCHEME, 0, scheme, sizeof(scheme)) == 0 &&
	    get_part(h, CURLUPART_HOST, 0, host, sizeof(host)) == 0 &&
	    get_part(h, CURLUPART_PORT, 0, port, sizeof(port)) == 0 && host[0])
		make_dest(scheme, host, port, out, outlen);
	curl_url_cleanup(h);
}

static int scheme_of(const char *s, enum nr_upload_scheme *out)
{
	if (strcasecmp(s, "https") == 0)
		*out = NR_SCHEME_HTTPS;
	else if (strcasecmp(s, "http") == 0)
		*out = NR_SCHEME_HTTP;
	else if (strcasecmp(s, "sftp") == 0)
		*out = NR_SCHEME_SFTP;
	else
		return -1;
	return 0;
}

/* Messages here never quote the URL: it may carry a password or a
 * presigned query. */
int nr_upload_url_parse(const char *url, struct nr_upload_url *u, struct nr_error *err)
{
	char scheme[16], port[8], host[sizeof(u->host)];
	CURLU *h;
	int rc = 0;

	memset(u, 0, sizeof(*u));
	if (!strstr(url, "://"))
		return nr_error_set(err, EINVAL, "the upload URL must start with https:// or sftp://");
	h = url_open(url);
	if (!h)
		return nr_error_set(err, EINVAL, "the upload URL is not a valid URL");
	if (get_part(h, CURLUPART_SCHEME, 0, scheme, sizeof(scheme)) < 0 ||
	    scheme_of(scheme, &u->scheme) < 0)
		rc = nr_error_set(err, EPROTONOSUPPORT, "cannot upload to a %s:// URL; use https:// or "
		                  "sftp://", scheme[0] ? scheme : "?");
	else if (get_part(h, CURLUPART_HOST, 0, host, sizeof(host)) < 0 || !host[0])
		rc = nr_error_set(err, EINVAL, "the upload URL names no host");
	else if (get_part(h, CURLUPART_PORT, 0, port, sizeof(port)) < 0 ||
	         get_part(h, CURLUPART_USER, CURLU_URLDECODE, u->user, sizeof(u->user)) < 0 ||
	         get_part(h, CURLUPART_PASSWORD, CURLU_URLDECODE, u->password,
	                  sizeof(u->password)) < 0 ||
	         get_part(h, CURLUPART_PATH, CURLU_URLDECODE, u->path, sizeof(u->path)) < 0)
		rc = nr_error_set(err, ENAMETOOLONG, "the upload URL is too long");
	if (rc == 0) {
		make_dest(scheme, host, port, u->dest, sizeof(u->dest));
		u->port = atoi(port);
		/* libssh wants a bare IPv6 address. */
		if (host[0] == '[' && host[strlen(host) - 1] == ']')
			snprintf(u->host, sizeof(u->host), "%.*s", (int)strlen(host) - 2, host + 1);
		else
			snprintf(u->host, sizeof(u->host), "%s", host);
	}
	curl_url_cleanup(h);
	if (rc < 0)
		nr_upload_url_wipe(u);
	return rc;
}

void nr_upload_url_wipe(struct nr_upload_url *u)
{
	memset(u->password, 0, sizeof(u->password));
}

char *nr_upload_url_sibling(const char *url, const char *name, const char *suffix)
{
	CURLU *h = url_open(url);
	char *path = NULL, *esc = NULL, *joined = NULL, *full = NULL, *out = NULL;
	size_t plen;

	if (!h || curl_url_get(h, CURLUPART_PATH, &path, 0) != CURLUE_OK)
		goto done;
	plen = strlen(path);
	if (plen > 0 && path[plen - 1] == '/' && name) {
		esc = curl_easy_escape(NULL, name, 0);
		if (!esc)
			goto done;
	}
	if (asprintf(&joined, "%s%s%s", path, esc ? esc : "", suffix ? suffix : "") < 0) {
		joined = NULL;
		goto done;
	}
	if (curl_url_set(h, CURLUPART_PATH, joined, 0) != CURLUE_OK ||
	    curl_url_get(h, CURLUPART_URL, &full, 0) != CURLUE_OK)
		goto done;
	out = strdup(full);
done:
	if (full) {
		memset(full, 0, strlen(full));
		curl_free(full);
	}
	free(joined);
	curl_free(esc);
	curl_free(path);
	curl_url_cleanup(h);
	return out;
}

/* Whether the raw query holds the parameter name (case-insensitive, as
 * written: these names are never percent-encoded by the services). */
static int has_param(const char *query, const char *name)
{
	size_t n = strlen(name);
	const char *p;

	for (p = query; p && *p; p = strchr(p, '&') ? strchr(p, '&') + 1 : NULL)
		if (strncasecmp(p, name, n) == 0 && (p[n] == '=' || p[n] == '&' || !p[n]))
			return 1;
	return 0;
}

const char *nr_upload_url_signature(const char *url)
{
	/* The signature parameter, and the one that must come with it for a
	 * name as generic as "Signature" or "sig" to mean a presigned URL. */
	static const struct { const char *sig, *with; } forms[] = {
		{ "X-Amz-Signature", NULL },           /* S3 and its clones, SigV4 */
		{ "X-Goog-Signature", NULL },          /* GCS V4 */
		{ "Signature", "AWSAccessKeyId" },     /* S3 SigV2 */
		{ "Signature", "GoogleAccessId" },     /* GCS V2 */
		{ "sig", "sv" },                       /* Azure Blob SAS */
	};
	const char *found = NULL;
	char *query = NULL;
	CURLU *h = url ? url_open(url) : NULL;
	size_t i;

	if (h && curl_url_get(h, CURLUPART_QUERY, &query, 0) == CURLUE_OK && query)
		for (i = 0; i < sizeof(forms) / sizeof(forms[0]) && !found; i++)
			if (has_param(query, forms[i].sig) && (!forms[i].with || has_param(query, forms[i].with)))
				found = forms[i].sig;
	if (query) {
		memset(query, 0, strlen(query));
		curl_free(query);
	}
	curl_url_cleanup(h);
	return found;
}
