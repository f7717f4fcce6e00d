/* SPDX-License-Identifier: MIT */
/* What the server answered: its status, the headers we act on, and the
 * start of its body, from which we take an id and URL on success or the
 * error text on failure.  Everything from the server is untrusted: capped,
 * stripped of control characters, and scrubbed of our secrets before anyone
 * prints it (a hostile server could echo the Authorization header). */
#include "upload_internal.h"

#include <ctype.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

void nr_upload_response_reset(struct nr_upload_response *r)
{
	r->status = 0;
	r->reason[0] = '\0';
	r->location[0] = '\0';
	r->body_len = 0;
	r->body[0] = '\0';
}

/* Copy a header value without its CR/LF and surrounding blanks. */
static void header_value(const char *v, size_t len, char *out, size_t outlen)
{
	while (len > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)v[len - 1]))
		len--;
	if (len >= outlen)
		len = outlen - 1;
	memcpy(out, v, len);
	out[len] = '\0';
}

size_t nr_upload_response_header(char *buf, size_t size, size_t n, void *ud)
{
	struct nr_upload_response *r = ud;
	size_t len = size * n;

	if (len > 5 && strncmp(buf, "HTTP/", 5) == 0) {
		/* A new response (after 100 Continue, say): forget the last one. */
		const char *sp = memchr(buf, ' ', len), *sp2;

		nr_upload_response_reset(r);
		if (sp) {
			sp2 = memchr(sp + 1, ' ', len - (size_t)(sp + 1 - buf));
			if (sp2)
				header_value(sp2 + 1, len - (size_t)(sp2 + 1 - buf), r->reason,
				             sizeof(r->reason));
		}
	} else if (len > 9 && strncasecmp(buf, "location:", 9) == 0) {
		char v[sizeof(r->location)];

		header_value(buf + 9, len - 9, v, sizeof(v));
		/* Only absolute URLs: resolving a relative one against ours would
		 * copy our URL's credentials into what we print. */
		if (strncasecmp(v, "https://", 8) == 0 || strncasecmp(v, "http://", 7) == 0)
			memcpy(r->location, v, sizeof(v));
	}
	return len;
}

size_t nr_upload_response_body(char *buf, size_t size, size_t n, void *ud)
{
	struct nr_upload_response *r = ud;
	size_t len = size * n, room = NR_UPLOAD_BODY_MAX - r->body_len;

	memcpy(r->body + r->body_len, buf, len < room ? len : room);
	r->body_len += len < room ? len : room;
	r->body[r->body_len] = '\0';
	return len;   /* the rest is read and dropped, so the connection ends cleanly */
}

static json_object *body_json(const struct nr_upload_response *r)
{
	json_tokener *tok;
	json_object *o;

	if (r->body_len == 0)
		return NULL;
	tok = json_tokener_new_ex(16);
	if (!tok)
		return NULL;
	o = json_tokener_parse_ex(tok, r->body, (int)r->body_len);
	json_tokener_free(tok);
	if (o && !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		o = NULL;
	}
	return o;
}

/* Clean untrusted text into out (outlen >= 4): control bytes become
 * spaces, runs of whitespace fold into one, and a cut, marked "...", never
 * splits a UTF-8 sequence. */
static void clean_text(const char *s, size_t len, char *out, size_t outlen)
{
	size_t o = 0, i, max = outlen - 1;
	int space = 1, cut = 0;

	for (i = 0; i < len && s[i] && !cut; i++) {
		unsigned char ch = (unsigned char)s[i];
		int blank = ch <= 0x20 || ch == 0x7f;

		if (blank && space)
			continue;
		if (o >= max)
			cut = 1;
		else
			out[o++] = blank ? ' ' : (char)ch;
		space = blank;
	}
	if (cut) {
		o = max - 3;
		while (o > 0 && ((unsigned char)out[o] & 0xc0) == 0x80)
			o--;
		memcpy(out + o, "...", 3);
		o += 3;
	}
	while (o > 0 && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
}

static const char *json_str(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return NULL;
	if (json_object_is_type(v, json_type_object))
		return json_str(v, "message");
	if (json_object_is_type(v, json_type_string) || json_object_is_type(v, json_type_int))
		return json_object_get_string(v);
	return NULL;
}

void nr_upload_response_ids(const struct nr_upload_response *r, struct nr_upload_result *res)
{
	json_object *o = body_json(r);
	const char *id = o ? json_str(o, "id") : NULL, *url = o ? json_str(o, "url") : NULL;

	/* The first answer wins: the bundle's, not its signature's. */
	if (id && !res->server_id[0])
		clean_text(id, strlen(id), res->server_id, sizeof(res->server_id));
	if (!url && r->location[0])
		url = r->location;
	if (url && !res->server_url[0])
		clean_text(url, strlen(url), res->server_url, sizeof(res->server_url));
	json_object_put(o);
}

void nr_upload_response_text(const struct nr_upload_response *r, char *out, size_t outlen)
{
	static const char *const keys[] = { "error", "message", "detail", "title" };
	json_object *o = body_json(r);
	const char *s = NULL, *end;
	size_t i, len = 0;

	for (i = 0; o && !s && i < sizeof(keys) / sizeof(keys[0]); i++)
		s = json_str(o, keys[i]);
	if (s) {
		len = strlen(s);
	} else {
		/* An HTML error page says it best in its <title>. */
		s = strcasestr(r->body, "<title>");
		end = s ? strcasestr(s, "</title>") : NULL;
		if (s && end && (size_t)(end - r->body) <= r->body_len) {
			s += 7;
			len = (size_t)(end - s);
		} else {
			s = r->body;
			len = r->body_len;
		}
	}
	clean_text(s, len, out, outlen);
	json_object_put(o);
}

void nr_upload_scrub(char *s, const char *secret)
{
	size_t n = secret ? strlen(secret) : 0;
	char *p;

	if (n < 4)
		return;
	while ((p = strstr(s, secret)) != NULL) {
		memcpy(p, "***", 3);
		memmove(p + 3, p + n, strlen(p + n) + 1);
	}
}
