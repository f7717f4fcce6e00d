/* SPDX-License-Identifier: MIT */
/* QEMU's JSON dialect: JSON plus single-quoted strings (QEMU's parser takes
 * both, and \' inside them).  Member names are decoded (\u escapes included)
 * before the vocabulary judges them, so {"\u0070assword": ...} is a
 * password; blanks, tabs and newlines may sit anywhere between tokens.
 *
 * Two readers: nr_scrub_json() parses a value structurally and hands every
 * string it does not hide to the value hook (a string may hold a URL,
 * json:{...} or escaped JSON); nr_scrub_json_members() finds members in text
 * that is not one JSON value (a log line, pretty-printed JSON cut into
 * lines), a fallback that needs no structure. */
#include "scrub_model.h"

#include <string.h>

#define JSON_DEPTH_MAX 64
#define NAME_LEN_MAX 256        /* a longer "string": is no member name */
#define JPEND_DATA 0xff

static const struct nr_scrub_term dq_term = { .quote = '"', .quote_bs = true };
static const struct nr_scrub_term sq_term = { .quote = '\'', .quote_bs = true };

static size_t skip_ws(const struct nr_scrub_view *v, size_t i)
{
	while (i < v->n && nr_scrub_is_blank(v->p[i]))
		i++;
	return i;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = nr_scrub_lower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static long hex4(const struct nr_scrub_view *v, size_t i, size_t lim)
{
	long u = 0;
	size_t k;

	if (i > lim || lim - i < 4)
		return -1;
	for (k = 0; k < 4; k++) {
		int h = hexval(v->p[i + k]);

		if (h < 0)
			return -1;
		u = u * 16 + h;
	}
	return u;
}

/* Decodes the \u escape at v[i] ("\uXXXX", a surrogate pair taking two)
 * that ends before lim into b; returns the index after it, or i when it is
 * no valid escape. */
static size_t put_unicode(struct nr_scrub_vbuild *b, const struct nr_scrub_view *v, size_t i,
                          size_t lim)
{
	long u = hex4(v, i + 2, lim), lo;
	size_t end = i + 6;
	char out[4];
	int n, k;

	if (u < 0)
		return i;
	if (u >= 0xd800 && u < 0xdc00 && end + 6 <= lim && v->p[end] == '\\' &&
	    v->p[end + 1] == 'u' && (lo = hex4(v, end + 2, lim)) >= 0xdc00 && lo < 0xe000) {
		u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
		end += 6;
	}
	n = nr_scrub_utf8(u, out);
	for (k = 0; k < n; k++)
		nr_scrub_vb_put(b, out[k], v, i, end);
	return end;
}

static char simple_escape(char c)
{
	switch (c) {
	case 'b': return '\b';
	case 'f': return '\f';
	case 'n': return '\n';
	case 'r': return '\r';
	case 't': return '\t';
	default: return c;     /* \" \\ \/ \' and anything QEMU would refuse */
	}
}

/* Decodes v[a,b) (a string's contents, escapes included) into *s. */
static bool decode(struct nr_scrub_scan *sc, const struct nr_scrub_view *v, size_t a, size_t b,
                   struct nr_scrub_view *s)
{
	struct nr_scrub_vbuild vb;
	size_t i = a, next;

	if (!nr_scrub_vb_begin(sc->arena, &vb, b - a))
		return false;
	while (i < b) {
		if (v->p[i] != '\\' || i + 1 >= b) {
			nr_scrub_vb_put(&vb, v->p[i], v, i, i + 1);
			i++;
			continue;
		}
		if (v->p[i + 1] == 'u' && (next = put_unicode(&vb, v, i, b)) > i) {
			i = next;
			continue;
		}
		nr_scrub_vb_put(&vb, simple_escape(v->p[i + 1]), v, i, i + 2);
		i += 2;
	}
	*s = vb.v;
	return true;
}

/* The string whose opening quote is v[i]: *s its decoded contents.
 * Returns the index after the closing quote; v->n with *closed false when
 * it does not close; SIZE_MAX when it is longer than limit or memory ran out. */
static size_t string_at(struct nr_scrub_scan *sc, const struct nr_scrub_view *v, size_t i,
                        size_t limit, struct nr_scrub_view *s, bool *closed)
{
	char q = v->p[i];
	size_t j = i + 1;
	bool escapes = false;

	while (j < v->n && v->p[j] != q) {
		if (j - i > limit)
			return SIZE_MAX;
		if (v->p[j] == '\\') {
			escapes = true;
			j++;
		}
		j++;
	}
	if (j > v->n)
		j = v->n;       /* a backslash was the last byte */
	*closed = j < v->n;
	if (!escapes)
		*s = nr_scrub_view_sub(v, i + 1, j);
	else if (!decode(sc, v, i + 1, j, s))
		return SIZE_MAX;
	return *closed ? j + 1 : j;
}

static bool is_scalar_end(char c)
{
	return c == ',' || c == '}' || c == ']' || c == ':' || nr_scrub_is_blank(c);
}

/* A number or literal at v[i]: hidden when a secret's (a numeric PIN), kept
 * when it is true, false or null. */
static size_t scalar(struct nr_scrub_scan *sc, const struct nr_scrub_view *v, size_t i,
                     enum nr_scrub_name cls)
{
	size_t e = i;

	while (e < v->n && !is_scalar_end(v->p[e]) && v->p[e] != '{' && v->p[e] != '[')
		e++;
	if (cls == NR_SCRUB_NAME_SECRET && !nr_scrub_ci_equal(v->p + i, e - i, "null") &&
	    !nr_scrub_is_flag(v->p + i, e - i))
		nr_scrub_hide(sc, v, i, e, NULL);
	return e;
}

/* The class a member's value gets: "data" is the value of a secret object,
 * and hidden whatever object holds it (QMP's "data" are objects, kept).
 * Inside the object or array of a secret name ("cookies": {"s": "v"},
 * "credentials": ["v"]) every value is secret but a reference's. */
static enum nr_scrub_name member_class(const struct nr_scrub_view *name,
                                       enum nr_scrub_name parent)
{
	enum nr_scrub_name cls;

	if (nr_scrub_ci_equal(name->p, name->n, "data"))
		return NR_SCRUB_NAME_SECRET;
	cls = nr_scrub_name_class(name->p, name->n);
	return parent == NR_SCRUB_NAME_SECRET && cls == NR_SCRUB_NAME_PLAIN ? parent : cls;
}

/* ---- structured -------------------------------------------------------------- */

struct parse {
	struct nr_scrub_scan *sc;
	const struct nr_scrub_view *v;
	unsigned depth;
};

static size_t value(struct parse *j, size_t i, enum nr_scrub_name cls);

static size_t string_value(struct parse *j, size_t i, enum nr_scrub_name cls)
{
	struct nr_scrub_view s;
	bool closed;
	size_t e = string_at(j->sc, j->v, i, SIZE_MAX, &s, &closed);

	if (e == SIZE_MAX)
		return SIZE_MAX;
	j->sc->hooks->named(j->sc, cls, &s, j->v->p[i] == '"' ? &dq_term : &sq_term);
	return closed ? e : SIZE_MAX;
}

static size_t members(struct parse *j, size_t i, enum nr_scrub_name parent)
{
	struct nr_scrub_view name;
	bool closed;

	i = skip_ws(j->v, i + 1);
	while (i < j->v->n && j->v->p[i] != '}') {
		if (j->v->p[i] != '"' && j->v->p[i] != '\'')
			return SIZE_MAX;
		i = string_at(j->sc, j->v, i, SIZE_MAX, &name, &closed);
		if (i == SIZE_MAX || !closed)
			return SIZE_MAX;
		i = skip_ws(j->v, i);
		if (i >= j->v->n || j->v->p[i] != ':')
			return SIZE_MAX;
		i = value(j, skip_ws(j->v, i + 1), member_class(&name, parent));
		if (i == SIZE_MAX)
			return SIZE_MAX;
		i = skip_ws(j->v, i);
		if (i < j->v->n && j->v->p[i] == ',')
			i = skip_ws(j->v, i + 1);
		else if (i < j->v->n && j->v->p[i] != '}')
			return SIZE_MAX;
	}
	return i < j->v->n ? i + 1 : SIZE_MAX;
}

static size_t elements(struct parse *j, size_t i, enum nr_scrub_name cls)
{
	i = skip_ws(j->v, i + 1);
	while (i < j->v->n && j->v->p[i] != ']') {
		i = value(j, i, cls);
		if (i == SIZE_MAX)
			return SIZE_MAX;
		i = skip_ws(j->v, i);
		if (i < j->v->n && j->v->p[i] == ',')
			i = skip_ws(j->v, i + 1);
		else if (i < j->v->n && j->v->p[i] != ']')
			return SIZE_MAX;
	}
	return i < j->v->n ? i + 1 : SIZE_MAX;
}

/* cls: the class of the member this value belongs to (PLAIN at the top). */
static size_t value(struct parse *j, size_t i, enum nr_scrub_name cls)
{
	size_t e;

	if (i >= j->v->n || !nr_scrub_ok(j->sc))
		return SIZE_MAX;
	switch (j->v->p[i]) {
	case '{':
	case '[':
		if (++j->depth > JSON_DEPTH_MAX)
			return SIZE_MAX;
		e = j->v->p[i] == '{' ? members(j, i, cls) : elements(j, i, cls);
		j->depth--;
		return e;
	case '"':
	case '\'':
		return string_value(j, i, cls);
	default:
		e = scalar(j->sc, j->v, i, cls);
		return e > i ? e : SIZE_MAX;
	}
}

size_t nr_scrub_json(struct nr_scrub_scan *sc, const struct nr_scrub_view *v, size_t i)
{
	struct parse j = { sc, v, 0 };

	i = skip_ws(v, i);
	if (i >= v->n || (v->p[i] != '{' && v->p[i] != '['))
		return SIZE_MAX;
	return value(&j, i, NR_SCRUB_NAME_PLAIN);
}

/* ---- members anywhere ----------------------------------------------------------- */

static bool worth_hiding(unsigned cls)
{
	return cls == JPEND_DATA || cls == NR_SCRUB_NAME_SECRET || cls == NR_SCRUB_NAME_SETCRED ||
	       cls == NR_SCRUB_NAME_PROXY;
}

/* The value of a secret member at v[i]; returns the index after it. */
static size_t flat_value(struct nr_scrub_scan *sc, const struct nr_scrub_view *v, size_t i,
                         unsigned cls)
{
	enum nr_scrub_name c = cls == JPEND_DATA ? NR_SCRUB_NAME_SECRET : (enum nr_scrub_name)cls;
	struct nr_scrub_view s;
	bool closed;
	size_t e;

	if (v->p[i] != '"' && v->p[i] != '\'')
		return scalar(sc, v, i, c);
	e = string_at(sc, v, i, SIZE_MAX, &s, &closed);
	if (e == SIZE_MAX)
		return v->n;
	sc->hooks->named(sc, c, &s, v->p[i] == '"' ? &dq_term : &sq_term);
	return e;
}

/* JSON escaped inside a JSON string, seen without the string around it
 * (a log line cut from a journal export): \"name\":\"value\".  The value's
 * closer is \" after a run of 4k+1 backslashes (\\\" is a quote inside it),
 * or an unescaped " ending the outer string. */
static const struct nr_scrub_term level1_term = { .quote = '"', .quote_bs = 2 };

/* Index of the quote closing the level-1 string that starts at v[i], or
 * v->n; *outer when it is the outer string's end instead. */
static size_t level1_close(const struct nr_scrub_view *v, size_t i, size_t limit, bool *outer)
{
	size_t run = 0;

	for (; i < v->n && i < limit; i++) {
		if (v->p[i] == '\\') {
			run++;
			continue;
		}
		if (v->p[i] == '"' && (run % 4 == 1 || run % 2 == 0)) {
			*outer = run % 2 == 0;
			return i;
		}
		run = 0;
	}
	*outer = false;
	return i < v->n ? SIZE_MAX : v->n;
}

/* A level-1 member whose name's opening \" is at v[i]; returns where the
 * scan goes on, or 0 when there is none. */
static size_t level1_member(struct nr_scrub_scan *sc, const struct nr_scrub_view *v, size_t i)
{
	size_t q, k, e;
	bool outer;
	enum nr_scrub_name cls;

	q = level1_close(v, i + 2, i + 2 + NAME_LEN_MAX, &outer);
	if (q == SIZE_MAX || q >= v->n || outer)
		return 0;
	k = skip_ws(v, q + 1);
	if (k >= v->n || v->p[k] != ':')
		return 0;
	cls = nr_scrub_ci_equal(v->p + i + 2, q - 1 - (i + 2), "data")
	              ? NR_SCRUB_NAME_SECRET
	              : nr_scrub_name_class(v->p + i + 2, q - 1 - (i + 2));
	if (cls != NR_SCRUB_NAME_SECRET)
		return 0;
	k = skip_ws(v, k + 1);
	if (v->n - k < 2 || v->p[k] != '\\' || v->p[k + 1] != '"')
		return 0;
	e = level1_close(v, k + 2, SIZE_MAX, &outer);
	if (e == SIZE_MAX)
		e = v->n;
	nr_scrub_hide(sc, v, k + 2, e < v->n && !outer ? e - 1 : e, &level1_term);
	return e;
}

static size_t next_quote(const struct nr_scrub_view *v, size_t i)
{
	while (i < v->n && v->p[i] != '"' && v->p[i] != '\'')
		i++;
	return i;
}

void nr_scrub_json_members(struct nr_scrub_scan *sc, const struct nr_scrub_view *v,
                           struct nr_scrub_jpend *pend)
{
	struct nr_scrub_view name;
	size_t i = 0, e, k;
	unsigned cls;
	bool closed;

	if (pend->on) {
		i = skip_ws(v, 0);
		if (i == v->n)
			return;         /* a blank line: still waiting for the value */
		pend->on = false;
		i = flat_value(sc, v, i, pend->cls);
	}
	for (i = next_quote(v, i); i < v->n && nr_scrub_ok(sc); i = next_quote(v, i)) {
		if (i > 0 && v->p[i - 1] == '\\' && (i < 2 || v->p[i - 2] != '\\') &&
		    (e = level1_member(sc, v, i - 1)) > 0) {
			i = e;
			continue;
		}
		e = string_at(sc, v, i, NAME_LEN_MAX, &name, &closed);
		k = e == SIZE_MAX || !closed ? v->n : skip_ws(v, e);
		if (k >= v->n || v->p[k] != ':') {
			i++;            /* not a member: a string, or an apostrophe */
			continue;
		}
		cls = nr_scrub_ci_equal(name.p, name.n, "data") ? JPEND_DATA
		                                                 : nr_scrub_name_class(name.p, name.n);
		if (!worth_hiding(cls)) {
			i = k + 1;
			continue;
		}
		k = skip_ws(v, k + 1);
		if (k == v->n) {
			*pend = (struct nr_scrub_jpend){ true, (unsigned char)cls };
			return;
		}
		i = flat_value(sc, v, k, cls);
	}
}
