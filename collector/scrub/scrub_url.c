/* SPDX-License-Identifier: MIT */
/* URLs (RFC 3986): scheme://userinfo@host/path?query#fragment.  The password
 * in the userinfo is hidden and the user kept (it says which account, not
 * how to get in); so are the values of query and fragment parameters whose
 * names are secret (?token=, &sig=, X-Amz-Signature=, #access_token=).
 *
 * Real URLs put '/', '?', '#' and '@' in passwords without encoding them,
 * so the userinfo ends at the URL's *last* '@', not at the first '/': when
 * unsure, hide more.  libiscsi writes iscsi://user%password@host; without a
 * ':' the part after the first '%' is taken as the password. */
#include "scrub_model.h"

#include <string.h>

static bool is_scheme(char c)
{
	return nr_scrub_is_alnum(c) || c == '+' || c == '-' || c == '.';
}

/* Where the URL whose authority starts at v[a] ends: at a blank, a control
 * byte, a quote, an angle bracket, or ",name=" (the next QEMU option). */
static size_t url_end(const struct nr_scrub_view *v, size_t a)
{
	size_t i, k;

	for (i = a; i < v->n; i++) {
		unsigned char c = (unsigned char)v->p[i];

		if (c <= ' ' || c == 0x7f || c == '"' || c == '\'' || c == '<' || c == '>' ||
		    c == '`')
			return i;
		if (c == ',') {
			for (k = i + 1; k < v->n && nr_scrub_is_name(v->p[k]); k++)
				;
			if (k > i + 1 && k < v->n && v->p[k] == '=')
				return i;
		}
	}
	return v->n;
}

/* name=value pairs split at '&' or ';' in v[a,b). */
static void params(struct nr_scrub_scan *sc, const struct nr_scrub_view *v, size_t a, size_t b)
{
	size_t i, e;
	const char *eq;
	struct nr_scrub_view val;
	enum nr_scrub_name cls;

	for (i = a; i < b; i = e + 1) {
		for (e = i; e < b && v->p[e] != '&' && v->p[e] != ';'; e++)
			;
		eq = memchr(v->p + i, '=', e - i);
		if (!eq)
			continue;
		cls = nr_scrub_name_class(v->p + i, (size_t)(eq - v->p) - i);
		if (cls != NR_SCRUB_NAME_SECRET && cls != NR_SCRUB_NAME_SETCRED)
			continue;
		val = nr_scrub_view_sub(v, (size_t)(eq - v->p) + 1, e);
		sc->hooks->named(sc, cls, &val, NULL);
	}
}

/* The password of the userinfo v[a,at). */
static void userinfo(struct nr_scrub_scan *sc, const struct nr_scrub_view *v, size_t a, size_t at)
{
	const char *sep = memchr(v->p + a, ':', at - a);

	if (!sep)
		sep = memchr(v->p + a, '%', at - a);
	if (sep)
		nr_scrub_hide(sc, v, (size_t)(sep - v->p) + 1, at, NULL);
}

static void url(struct nr_scrub_scan *sc, const struct nr_scrub_view *v, size_t a, size_t e)
{
	const char *at = memrchr(v->p + a, '@', e - a), *q, *hash;
	size_t from = a;

	if (at) {
		userinfo(sc, v, a, (size_t)(at - v->p));
		from = (size_t)(at - v->p) + 1;
	}
	hash = memchr(v->p + from, '#', e - from);
	q = memchr(v->p + from, '?', (hash ? (size_t)(hash - v->p) : e) - from);
	if (q)
		params(sc, v, (size_t)(q - v->p) + 1, hash ? (size_t)(hash - v->p) : e);
	if (hash)
		params(sc, v, (size_t)(hash - v->p) + 1, e);
}

void nr_scrub_urls(struct nr_scrub_scan *sc, const struct nr_scrub_view *v)
{
	const char *hit;
	size_t i = 0, k, s;

	while (i < v->n && (hit = memmem(v->p + i, v->n - i, "://", 3)) != NULL) {
		k = (size_t)(hit - v->p);
		for (s = k; s > 0 && is_scheme(v->p[s - 1]); s--)
			;
		while (s < k && !nr_scrub_is_alpha(v->p[s]))
			s++;
		if (s < k)
			url(sc, v, k + 3, url_end(v, k + 3));
		/* a URL inside this one's query (?next=https://u:p@h) is read too */
		i = k + 3;
	}
}

void nr_scrub_query(struct nr_scrub_scan *sc, const struct nr_scrub_view *v)
{
	params(sc, v, 0, v->n);
}

void nr_scrub_authority(struct nr_scrub_scan *sc, const struct nr_scrub_view *v)
{
	size_t e = 0;
	const char *at;

	if (memmem(v->p, v->n, "://", 3)) {
		nr_scrub_urls(sc, v);
		return;
	}
	while (e < v->n && !nr_scrub_is_blank(v->p[e]) && v->p[e] != ',')
		e++;
	at = memrchr(v->p, '@', e);
	if (at)
		userinfo(sc, v, 0, (size_t)(at - v->p));
}
