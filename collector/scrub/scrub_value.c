/* SPDX-License-Identifier: MIT */
/* The grammar of arguments and values: which model reads a piece of text,
 * and how the syntaxes nest.  The models reach it through the hooks
 * (nr_scrub_grammar); it is the only file that calls the models.
 *
 *   argument   an argv element: json:{...} | rbd:... | io.systemd.credential:
 *              | {JSON} | a keyval list; after -append, a kernel command
 *              line.  A blank is part of an argument.
 *   value      a string found inside something else (a keyval value, a
 *              JSON string, an attribute): the same, and URLs anywhere in
 *              it, and blank-separated words each read as an argument (a
 *              kernel command line, a string holding "-spice password=x")
 *   named      the value of a name: hidden when the name is secret (kept
 *              when it is a switch: on, off, yes, no, true, false), only
 *              after NAME: for systemd.set_credential, the userinfo of a
 *              proxy, else read as a value.
 */
#include "scrub_model.h"

#include <string.h>

#define AS_ARG 0x100u    /* read as one argument: blanks do not split */

#define CRED_PREFIX "io.systemd.credential:"
#define CRED_BIN_PREFIX "io.systemd.credential.binary:"

static void value(struct nr_scrub_scan *sc, const struct nr_scrub_view *v, unsigned flags);

static size_t skip_blank(const struct nr_scrub_view *v, size_t i)
{
	while (i < v->n && nr_scrub_is_blank(v->p[i]))
		i++;
	return i;
}

/* Whether a forced cut may have cut v short: its last byte is the window's. */
static bool at_window_end(const struct nr_scrub_scan *sc, const struct nr_scrub_view *v)
{
	return sc->more && v->n > 0 && nr_scrub_view_hi(v, v->n - 1) >= sc->raw_len;
}

static void named(struct nr_scrub_scan *sc, enum nr_scrub_name cls,
                  const struct nr_scrub_view *v, const struct nr_scrub_term *t)
{
	const char *colon;
	size_t n = v->n;

	switch (cls) {
	case NR_SCRUB_NAME_SECRET:
		if (n == 0 || (nr_scrub_is_flag(v->p, n) && !at_window_end(sc, v)))
			return;
		/* password="x" in a log line: the quotes stay */
		if (n >= 2 && (v->p[0] == '"' || v->p[0] == '\'') && v->p[n - 1] == v->p[0])
			nr_scrub_hide(sc, v, 1, n - 1, t);
		else
			nr_scrub_hide(sc, v, 0, n, t);
		return;
	case NR_SCRUB_NAME_SETCRED:
		/* systemd.set_credential=NAME:VALUE: the name is evidence */
		colon = memchr(v->p, ':', n);
		nr_scrub_hide(sc, v, colon ? (size_t)(colon - v->p) + 1 : 0, n, t);
		return;
	case NR_SCRUB_NAME_PROXY:
		nr_scrub_authority(sc, v);
		return;
	case NR_SCRUB_NAME_REF:
	case NR_SCRUB_NAME_PLAIN:
		value(sc, v, 0);
		return;
	}
}

/* A systemd credential passed as an SMBIOS OEM string:
 * io.systemd.credential:NAME=VALUE (".binary:" for base64). */
static bool credential(struct nr_scrub_scan *sc, const struct nr_scrub_view *v)
{
	size_t from;
	const char *eq;

	if (nr_scrub_ci_prefix(v->p, v->n, CRED_PREFIX))
		from = strlen(CRED_PREFIX);
	else if (nr_scrub_ci_prefix(v->p, v->n, CRED_BIN_PREFIX))
		from = strlen(CRED_BIN_PREFIX);
	else
		return false;
	eq = memchr(v->p + from, '=', v->n - from);
	nr_scrub_hide(sc, v, eq ? (size_t)(eq - v->p) + 1 : from, v->n, NULL);
	return true;
}

/* Pseudo-filenames QEMU reads as another syntax; true when v was one. */
static bool pseudo_file(struct nr_scrub_scan *sc, const struct nr_scrub_view *v)
{
	struct nr_scrub_view rest;

	if (nr_scrub_ci_prefix(v->p, v->n, "json:")) {
		rest = nr_scrub_view_sub(v, 5, v->n);
		if (nr_scrub_json(sc, &rest, 0) == SIZE_MAX) {
			struct nr_scrub_jpend none = { 0 };

			nr_scrub_json_members(sc, &rest, &none);
		}
		return true;
	}
	if (nr_scrub_ci_prefix(v->p, v->n, "rbd:")) {
		rest = nr_scrub_view_sub(v, 4, v->n);
		nr_scrub_kv(sc, &rest, ':');
		return true;
	}
	return credential(sc, v);
}

/* JSON at v[i]; true when it is v's whole rest. */
static bool json_whole(struct nr_scrub_scan *sc, const struct nr_scrub_view *v, size_t i)
{
	struct nr_scrub_jpend none = { 0 };
	struct nr_scrub_view rest;
	size_t e = nr_scrub_json(sc, v, i);

	if (e != SIZE_MAX)
		return skip_blank(v, e) == v->n;
	rest = nr_scrub_view_sub(v, i, v->n);
	nr_scrub_json_members(sc, &rest, &none);    /* broken or cut short */
	return false;
}

/* Blank-separated words, each an argument of its own; JSON with blanks
 * inside is read whole. */
static void words(struct nr_scrub_scan *sc, const struct nr_scrub_view *v)
{
	struct nr_scrub_word w;
	bool sq = false;
	size_t i = 0, e;

	while (nr_scrub_ok(sc) && nr_scrub_word_next(sc, v, &i, false, &sq, &w)) {
		if ((v->p[w.a] == '{' || v->p[w.a] == '[') &&
		    (e = nr_scrub_json(sc, v, w.a)) != SIZE_MAX) {
			i = e;
			continue;
		}
		value(sc, &w.v, AS_ARG);
	}
}

/* v is one URL: scheme://... up to its end. */
static bool is_url(const struct nr_scrub_view *v)
{
	size_t i = 0;

	while (i < v->n && (nr_scrub_is_alnum(v->p[i]) || v->p[i] == '+' || v->p[i] == '-' ||
	                    v->p[i] == '.'))
		i++;
	if (i == 0 || !nr_scrub_is_alpha(v->p[0]) || v->n - i < 3 || memcmp(v->p + i, "://", 3))
		return false;
	for (; i < v->n; i++)
		if (nr_scrub_is_blank(v->p[i]))
			return false;
	return true;
}

static bool has_blank(const struct nr_scrub_view *v)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		if (nr_scrub_is_blank(v->p[i]))
			return true;
	return false;
}

/* v is name=value pairs joined by '&' (and no ',' of a QEMU list). */
static bool is_query(const struct nr_scrub_view *v)
{
	return memchr(v->p, '&', v->n) && memchr(v->p, '=', v->n) && !memchr(v->p, ',', v->n) &&
	       !has_blank(v);
}

static void value(struct nr_scrub_scan *sc, const struct nr_scrub_view *v, unsigned flags)
{
	/* what is decoded below is dropped on the way out: scratch memory
	 * stays proportional to one path of nesting, not to the record */
	struct nr_scrub_mark mark = nr_scrub_arena_mark(sc->arena);
	struct nr_scrub_view w;
	size_t i;

	if (!nr_scrub_ok(sc))
		return;
	if (sc->depth >= NR_SCRUB_DEPTH_MAX) {
		nr_scrub_hide(sc, v, 0, v->n, NULL);    /* too deep to read: hide */
		return;
	}
	sc->depth++;
	i = skip_blank(v, 0);
	w = nr_scrub_view_sub(v, i, v->n);
	if (w.n == 0 || pseudo_file(sc, &w))
		goto out;
	nr_scrub_urls(sc, &w);
	if (is_url(&w))
		goto out;       /* its query is the URL model's, not a keyval list */
	if ((w.p[0] == '{' || w.p[0] == '[') && json_whole(sc, &w, 0))
		goto out;
	if (flags & NR_SCRUB_LEAF)
		goto out;
	if (is_query(&w)) {
		nr_scrub_query(sc, &w);     /* libvirt's <source query='a=b&amp;c=d'> */
		goto out;
	}
	if (!(flags & AS_ARG) && has_blank(&w))
		words(sc, &w);
	else if (memchr(w.p, '=', w.n))
		nr_scrub_kv(sc, &w, ',');
out:
	sc->depth--;
	nr_scrub_arena_release(sc->arena, mark);
}

static bool is_append(const struct nr_scrub_view *v)
{
	return nr_scrub_ci_equal(v->p, v->n, "-append") || nr_scrub_ci_equal(v->p, v->n, "--append");
}

void nr_scrub_argument(struct nr_scrub_scan *sc, const struct nr_scrub_view *v,
                       struct nr_scrub_argctx *ctx)
{
	bool kcmd = ctx->kcmd;

	ctx->kcmd = is_append(v);
	value(sc, v, kcmd ? 0 : AS_ARG);
}

static void value_hook(struct nr_scrub_scan *sc, const struct nr_scrub_view *v, unsigned flags)
{
	value(sc, v, flags & NR_SCRUB_LEAF);
}

static void text_hook(struct nr_scrub_scan *sc, const struct nr_scrub_view *v)
{
	struct nr_scrub_jpend none = { 0 };

	nr_scrub_json_members(sc, v, &none);
	value(sc, v, 0);
}

const struct nr_scrub_hooks nr_scrub_grammar = {
	.value = value_hook,
	.named = named,
	.arg = nr_scrub_argument,
	.text = text_hook,
};
