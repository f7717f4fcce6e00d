/* SPDX-License-Identifier: MIT */
/* XML as libvirt writes it (domain XML, secret definitions): tags,
 * attributes and text, entity-decoded before they are matched, so
 * pass&#119;ord='x' and value='{&quot;data&quot;:&quot;x&quot;}' are read as
 * what they say.  The marker needs no escaping, so the raw bytes a value
 * came from are simply replaced.
 *
 *   an attribute named secret       <graphics passwd='VALUE'/>
 *   a named value                   <qemu:env name='DB_PASSWORD' value='VALUE'/>,
 *                                   <qemu:property name='password' value='VALUE'/>
 *   an argument of QEMU             <qemu:arg value='-object'/><qemu:arg value='secret,...'/>
 *   an element named secret         <secret>VALUE</secret>, <cookie name='c'>VALUE</cookie>
 *   a kernel command line           <cmdline>... systemd.set_credential=NAME:VALUE</cmdline>
 *   any other attribute or text     read as a value (URLs, name=value, JSON)
 *
 * State carries across records: a tag may span lines, and so may the text
 * of a <secret>.  Text directly inside such an element is hidden; text of
 * its child elements (<uuid>, <usage>) is metadata and stays.  An element
 * that never closes is given up after NR_SCRUB_XML_TEXT_MAX bytes, so a
 * stray tag cannot hide the rest of a log. */
#include "scrub_model.h"

#include <string.h>

#define NR_SCRUB_XML_TEXT_MAX (64 * 1024)

static const struct nr_scrub_term lt_term = { .lt = true };

bool nr_scrub_xml_tag_at(const struct nr_scrub_view *v, size_t i)
{
	char c;

	if (i + 1 >= v->n || v->p[i] != '<')
		return false;
	c = v->p[i + 1];
	return nr_scrub_is_alpha(c) || c == '_' || c == '/' || c == '!' || c == '?' || c == ':';
}

/* ---- entities ------------------------------------------------------------------ */

static long char_ref(const char *p, size_t n)
{
	long u = 0;
	size_t i = 1;
	int base = 10, d;

	if (n < 2)
		return -1;
	if (p[1] == 'x' || p[1] == 'X') {
		base = 16;
		i = 2;
	}
	if (i >= n)
		return -1;
	for (; i < n; i++) {
		char c = nr_scrub_lower(p[i]);

		d = c >= '0' && c <= '9' ? c - '0' : base == 16 && c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
		if (d < 0 || u > 0x10ffff)
			return -1;
		u = u * base + d;
	}
	return u;
}

/* The entity at v[i] ('&'): its text in out, its raw length in *len. */
static int entity(const struct nr_scrub_view *v, size_t i, size_t b, char out[4], size_t *len)
{
	static const struct { const char *name; char c; } named[] = {
		{ "lt", '<' }, { "gt", '>' }, { "amp", '&' }, { "quot", '"' }, { "apos", '\'' },
	};
	const char *semi = memchr(v->p + i, ';', b - i < 12 ? b - i : 12);
	size_t n, k;
	long u;

	if (!semi)
		return 0;
	n = (size_t)(semi - v->p) - i - 1;
	*len = n + 2;
	if (n > 0 && v->p[i + 1] == '#') {
		u = char_ref(v->p + i + 1, n);
		return u < 0 ? 0 : nr_scrub_utf8(u, out);
	}
	for (k = 0; k < sizeof(named) / sizeof(named[0]); k++)
		if (strlen(named[k].name) == n && memcmp(v->p + i + 1, named[k].name, n) == 0) {
			out[0] = named[k].c;
			return 1;
		}
	return 0;
}

/* v[a,b) with entities decoded. */
static struct nr_scrub_view decode(struct nr_scrub_scan *sc, const struct nr_scrub_view *v,
                                   size_t a, size_t b)
{
	struct nr_scrub_vbuild vb;
	size_t i, len = 0;
	char out[4];
	int n, k;

	if (!memchr(v->p + a, '&', b - a) || !nr_scrub_vb_begin(sc->arena, &vb, b - a))
		return nr_scrub_view_sub(v, a, b);
	for (i = a; i < b;) {
		n = v->p[i] == '&' ? entity(v, i, b, out, &len) : 0;
		if (n == 0) {
			nr_scrub_vb_put(&vb, v->p[i], v, i, i + 1);
			i++;
			continue;
		}
		for (k = 0; k < n; k++)
			nr_scrub_vb_put(&vb, out[k], v, i, i + len);
		i += len;
	}
	return vb.v;
}

/* ---- elements and attributes ------------------------------------------------------ */

static bool is_tag_name(char c)
{
	return nr_scrub_is_name(c) || c == ':';
}

static enum nr_scrub_xml_el element_kind(const char *p, size_t n)
{
	const char *colon = memrchr(p, ':', n);

	if (colon) {                    /* qemu:env -> env */
		n -= (size_t)(colon + 1 - p);
		p = colon + 1;
	}
	if (nr_scrub_ci_equal(p, n, "cmdline"))
		return NR_SCRUB_EL_KCMD;
	if (nr_scrub_ci_equal(p, n, "env") || nr_scrub_ci_equal(p, n, "property"))
		return NR_SCRUB_EL_NAMED;
	if (nr_scrub_ci_equal(p, n, "arg"))
		return NR_SCRUB_EL_ARG;
	return nr_scrub_name_class(p, n) == NR_SCRUB_NAME_SECRET ? NR_SCRUB_EL_HIDE
	                                                         : NR_SCRUB_EL_PLAIN;
}

static bool attr_is(const struct nr_scrub_xml *x, const char *name)
{
	return nr_scrub_ci_equal(x->attr, x->attr_len, name);
}

/* The value v of the attribute x->attr (of a tag of kind x->tag_el),
 * quoted with q (0: unquoted). */
static void attribute(struct nr_scrub_scan *sc, const struct nr_scrub_view *v,
                      struct nr_scrub_xml *x, char q)
{
	struct nr_scrub_term t = { .quote = q, .blank = !q };
	enum nr_scrub_name cls;

	if (x->tag_el == NR_SCRUB_EL_ARG && attr_is(x, "value")) {
		sc->hooks->arg(sc, v, &x->arg);
		return;
	}
	if (x->tag_el == NR_SCRUB_EL_NAMED && attr_is(x, "name"))
		return;
	if (x->tag_el == NR_SCRUB_EL_NAMED && attr_is(x, "value"))
		cls = x->tag_named_seen ? (enum nr_scrub_name)x->tag_named_cls : NR_SCRUB_NAME_PLAIN;
	else
		cls = nr_scrub_name_class(x->attr, x->attr_len);
	sc->hooks->named(sc, cls, v, &t);
}

/* Index of the end of the quoted value that starts at v[i], or v->n. */
static size_t quote_end(const struct nr_scrub_view *v, size_t i, char q)
{
	const char *e = memchr(v->p + i, q, v->n - i);

	return e ? (size_t)(e - v->p) : v->n;
}

/* A <qemu:env> or <qemu:property> says in name= whether value= is secret;
 * the name may come after the value, so the tag is read ahead. */
static void read_name_ahead(const struct nr_scrub_view *v, size_t i, struct nr_scrub_xml *x)
{
	size_t a, e;
	char q;

	while (i < v->n && v->p[i] != '>') {
		if (!is_tag_name(v->p[i])) {
			i++;
			continue;
		}
		for (a = i; i < v->n && is_tag_name(v->p[i]); i++)
			;
		if (i >= v->n || v->p[i] != '=' || i + 1 >= v->n)
			continue;
		q = v->p[i + 1];
		if (q != '\'' && q != '"')
			continue;
		e = quote_end(v, i + 2, q);
		if (nr_scrub_ci_equal(v->p + a, i - a, "name")) {
			x->tag_named_seen = true;
			x->tag_named_cls = (unsigned char)nr_scrub_name_class(v->p + i + 2, e - i - 2);
			return;
		}
		i = e;
	}
}

static void tag_open(const struct nr_scrub_view *v, size_t i, size_t *end, struct nr_scrub_xml *x)
{
	size_t a, j = i + 1;
	unsigned depth = x->depth;
	size_t seen = x->seen;
	unsigned char text_el = x->text_el;
	bool marked = x->marked;
	struct nr_scrub_argctx arg = x->arg;

	*x = (struct nr_scrub_xml){ .in_tag = true, .text_el = text_el, .depth = depth,
	                            .marked = marked, .seen = seen, .arg = arg };
	if (v->p[j] == '/') {
		x->tag_closing = true;
		j++;
	} else if (v->p[j] == '!' || v->p[j] == '?') {
		x->tag_special = true;
		j++;
	}
	for (a = j; j < v->n && is_tag_name(v->p[j]); j++)
		;
	if (!x->tag_closing && !x->tag_special) {
		x->tag_el = (unsigned char)element_kind(v->p + a, j - a);
		if (x->tag_el == NR_SCRUB_EL_NAMED)
			read_name_ahead(v, j, x);
	}
	*end = j;
}

/* The element's text starts or ends with this tag. */
static void tag_close(struct nr_scrub_xml *x, bool empty)
{
	x->in_tag = false;
	if (x->tag_special)
		return;
	if (x->tag_closing) {
		if (x->depth > 0)
			x->depth--;
		else
			x->text_el = 0;
		return;
	}
	if (empty)
		return;
	if (x->tag_el == NR_SCRUB_EL_HIDE || x->tag_el == NR_SCRUB_EL_KCMD) {
		/* <auth><secret>: the inner element's text is what counts */
		x->text_el = x->tag_el;
		x->depth = 0;
		x->marked = false;
		x->seen = 0;
	} else if (x->text_el) {
		x->depth++;
	}
}

static void set_attr(struct nr_scrub_xml *x, const char *p, size_t n)
{
	x->attr_len = n < NR_SCRUB_XML_ATTR_MAX ? n : NR_SCRUB_XML_ATTR_MAX;
	memcpy(x->attr, p, x->attr_len);
}

/* One attribute of a start tag at v[i] (a name); returns where the tag goes on. */
static size_t attr_at(struct nr_scrub_scan *sc, const struct nr_scrub_view *v, size_t i,
                      struct nr_scrub_xml *x)
{
	struct nr_scrub_view val;
	size_t a = i, e;
	char q;

	while (i < v->n && is_tag_name(v->p[i]))
		i++;
	set_attr(x, v->p + a, i - a);
	while (i < v->n && nr_scrub_is_blank(v->p[i]))
		i++;
	if (i >= v->n || v->p[i] != '=')
		return i;               /* <option selected> */
	for (i++; i < v->n && nr_scrub_is_blank(v->p[i]); i++)
		;
	if (i >= v->n)
		return i;
	q = v->p[i];
	if (q == '\'' || q == '"') {
		e = quote_end(v, i + 1, q);
		val = decode(sc, v, i + 1, e);
		if (!x->tag_closing && !x->tag_special)
			attribute(sc, &val, x, q);
		if (e == v->n) {
			x->quote = q;   /* the value goes on in the next record */
			return e;
		}
		return e + 1;
	}
	for (e = i; e < v->n && !nr_scrub_is_blank(v->p[e]) && v->p[e] != '>' &&
	            !(v->p[e] == '/' && e + 1 < v->n && v->p[e + 1] == '>');
	     e++)
		;
	val = decode(sc, v, i, e);
	if (!x->tag_closing && !x->tag_special)
		attribute(sc, &val, x, 0);
	return e;
}

/* Inside a tag from v[i] up to its '>'; returns the index after it, or v->n. */
static size_t tag_body(struct nr_scrub_scan *sc, const struct nr_scrub_view *v, size_t i,
                       struct nr_scrub_text *st, struct nr_scrub_cutpick *cp)
{
	struct nr_scrub_xml *x = &st->xml;
	struct nr_scrub_view val;
	size_t e;

	if (x->quote) {                 /* an attribute value began in a record before */
		e = quote_end(v, i, x->quote);
		val = decode(sc, v, i, e);
		if (!x->tag_closing && !x->tag_special)
			attribute(sc, &val, x, x->quote);
		if (e == v->n)
			return e;
		x->quote = 0;
		i = e + 1;
	}
	while (i < v->n && nr_scrub_ok(sc)) {
		char c = v->p[i];

		if (++x->tag_seen > NR_SCRUB_XML_TEXT_MAX) {
			x->in_tag = false;      /* a '<' that never closed: not a tag */
			return i;
		}
		if (c == '>') {
			tag_close(x, i > 0 && v->p[i - 1] == '/');
			return i + 1;
		}
		if (nr_scrub_is_blank(c)) {
			nr_scrub_cutpick_offer(cp, v, i, st);
			i++;
		} else if (is_tag_name(c)) {
			i = attr_at(sc, v, i, x);
		} else {
			i++;
		}
	}
	return v->n;
}

/* ---- text ----------------------------------------------------------------------- */

static void text(struct nr_scrub_scan *sc, const struct nr_scrub_view *v, size_t a, size_t b,
                 struct nr_scrub_xml *x)
{
	struct nr_scrub_argctx kcmd = { .kcmd = true };
	struct nr_scrub_view t;
	size_t ta = a, tb = b;

	while (ta < tb && nr_scrub_is_blank(v->p[ta]))
		ta++;
	while (tb > ta && nr_scrub_is_blank(v->p[tb - 1]))
		tb--;
	if (ta == tb)
		return;
	if (x->text_el && x->depth == 0 && x->text_el == NR_SCRUB_EL_HIDE) {
		/* keep the indentation and line layout around the value */
		if (x->marked)
			nr_scrub_hide_more(sc, v, ta, tb, &lt_term);
		else
			nr_scrub_hide(sc, v, ta, tb, &lt_term);
		x->marked = true;
		return;
	}
	t = decode(sc, v, ta, tb);
	if (x->text_el && x->depth == 0)
		sc->hooks->arg(sc, &t, &kcmd);
	else
		sc->hooks->text(sc, &t);
}

void nr_scrub_xml_scan(struct nr_scrub_scan *sc, const struct nr_scrub_view *v, size_t i,
                       struct nr_scrub_text *st, struct nr_scrub_cutpick *cp)
{
	struct nr_scrub_xml *x = &st->xml;
	size_t j;

	while (i < v->n && nr_scrub_ok(sc)) {
		if (x->in_tag) {
			i = tag_body(sc, v, i, st, cp);
			continue;
		}
		if (nr_scrub_xml_tag_at(v, i)) {
			nr_scrub_cutpick_offer(cp, v, i, st);
			if (v->n - i >= 4 && memcmp(v->p + i, "<!--", 4) == 0) {
				i += 4;         /* a comment's content is read as XML */
				continue;
			}
			if (v->n - i >= 9 && memcmp(v->p + i, "<![CDATA[", 9) == 0) {
				i += 9;         /* and so is CDATA's, as text */
				continue;
			}
			tag_open(v, i, &i, x);
			continue;
		}
		for (j = i + 1; j < v->n && !nr_scrub_xml_tag_at(v, j); j++)
			;
		if (x->text_el) {
			x->seen += j - i;
			if (x->seen > NR_SCRUB_XML_TEXT_MAX)
				x->text_el = 0;
		}
		text(sc, v, i, j, x);
		i = j;
	}
}
