/* SPDX-License-Identifier: MIT */
/* The secret forms the scrubber recognises: QEMU-style key=value lists,
 * JSON members, URL userinfo and XML <secret> elements (docs/scrubbing.md
 * lists them all).  See scrub.c for the design. */
#include "scrub_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ---- key tables ---------------------------------------------------------- */

enum {
	K_FLAG = 1u << 0,       /* on/off/yes/no/true/false is a switch, kept */
	K_SECRET_LIST = 1u << 1,/* only inside a "secret" object's comma-list */
};

struct key {
	const char *name;
	size_t len;
	unsigned flags;
};

#define KEY(s, f) { s, sizeof(s) - 1, f }
#define NKEYS(a) (sizeof(a) / sizeof((a)[0]))

/* key=value forms: QEMU options, rbd filenames, XML attributes; token= and
 * secret= for URLs pasted on our own command line (?token=, client_secret=). */
static const struct key opt_keys[] = {
	KEY("password", K_FLAG), KEY("passwd", K_FLAG),
	KEY("password-secret", 0), KEY("passwordid", 0),
	KEY("key-secret", 0), KEY("key", 0),
	KEY("token", 0), KEY("secret", 0),
	KEY("data", K_SECRET_LIST),
};

/* "key": "value" forms: JSON -object/-blockdev, QMP in libvirt logs. */
static const struct key json_keys[] = {
	KEY("data", 0), KEY("password", 0), KEY("passwd", 0),
	KEY("passwordid", 0), KEY("password-secret", 0), KEY("key", 0),
	KEY("key-secret", 0), KEY("secret", 0), KEY("token", 0),
};

/* The key named at p, immediately followed by `follow`, or NULL.  Names
 * never prefix one another plus `follow`, so the first hit is the only one. */
static const struct key *find_key(const char *p, size_t len,
				  const struct key *keys, size_t nkeys,
				  const char *follow)
{
	size_t k;

	for (k = 0; k < nkeys; k++)
		if (nr_scrub_ci_prefix(p, len, keys[k].name) &&
		    nr_scrub_ci_prefix(p + keys[k].len, len - keys[k].len, follow))
			return &keys[k];
	return NULL;
}

/* ---- key=value ----------------------------------------------------------- */

static bool ends_value(char ch, unsigned term)
{
	return (ch == ':' && (term & T_COLON)) || (is_ws(ch) && (term & T_WS)) ||
	       (ch == '\'' && (term & T_SQ)) || (ch == '"' && (term & T_DQ)) ||
	       (ch == '<' && (term & T_LT));
}

/* The shell writes a quote inside '...' as '\'' (close, escaped, reopen). */
static bool is_sq_escape(const char *r, size_t p, size_t n)
{
	return n - p >= 4 && memcmp(r + p, "'\\''", 4) == 0;
}

/* End of a bare value starting at r[p].  ",," is QEMU's escaped comma and a
 * backslash escapes the next byte (rbd "\:", JSON "\""), both stay inside
 * the value: when unsure, hide more. */
size_t nr_scrub_opt_value_end(const char *r, size_t p, size_t n, unsigned term)
{
	for (; p < n; p++) {
		if (r[p] == '\\' || (r[p] == ',' && p + 1 < n && r[p + 1] == ','))
			p++;
		else if ((term & T_SQ) && is_sq_escape(r, p, n))
			p += 3;
		else if (r[p] == ',' || ends_value(r[p], term))
			return p;
	}
	return n;
}

/* End of a quoted value whose opening quote was just before r[p]. */
size_t nr_scrub_quoted_end(const char *r, size_t p, size_t n, char q)
{
	for (; p < n; p++) {
		if (q == '"' && r[p] == '\\')
			p++;
		else if (q == '\'' && is_sq_escape(r, p, n))
			p += 3;
		else if (r[p] == q)
			return p;
	}
	return n;
}

/* password=on is a switch in recent QEMU (-vnc :1,password=on), not a
 * password, and keeping it tells the reader how the display was set up. */
static bool is_flag(const char *p, size_t len)
{
	static const char *const words[] = {
		"on", "off", "yes", "no", "true", "false",
	};
	size_t k;

	for (k = 0; k < NKEYS(words); k++)
		if (nr_scrub_ci_equal(p, len, words[k]))
			return true;
	return false;
}

bool nr_scrub_is_word_delim(char ch)
{
	switch (ch) {
	case '\'': case '"': case '{': case '}': case '[': case ']':
	case '<': case '>':
		return true;
	default:
		return is_ws(ch);
	}
}

/* A comma-list describes a secret object when one of its items is the type
 * ("secret", the implied first item of -object) or "qom-type=secret". */
static bool list_is_secret(const char *p, size_t len)
{
	size_t i, t = 0;

	for (i = 0; i <= len; i++) {
		if (i < len && p[i] != ',')
			continue;
		if (i + 1 < len && p[i + 1] == ',') {
			i++;
			continue;
		}
		if (nr_scrub_ci_prefix(p + t, i - t, "secret") ||
		    nr_scrub_ci_prefix(p + t, i - t, "qom-type=secret"))
			return true;
		t = i + 1;
	}
	return false;
}

/* Whether the comma-list word around r[i] is a secret object's.  The last
 * word is cached and words never overlap, so each byte is looked at O(1)
 * times however many data= a word holds. */
bool nr_scrub_word_secret(struct scan *c, size_t i)
{
	size_t a = i, b = i;

	if (c->wset && i >= c->wlo && i < c->whi)
		return c->wsecret;
	while (a > c->whi && !nr_scrub_is_word_delim(c->r[a - 1]))
		a--;
	while (b < c->n && !nr_scrub_is_word_delim(c->r[b]))
		b++;
	c->wlo = a;
	c->whi = b;
	c->wset = true;
	c->wsecret = list_is_secret(c->r + a, b - a) || (a == 0 && c->carry_word);
	return c->wsecret;
}

static size_t quoted_value(struct scan *c, size_t v)
{
	struct cont k = { .kind = CONT_QUOTED, .quote = c->r[v] };
	size_t e = nr_scrub_quoted_end(c->r, v + 1, c->n, k.quote);

	nr_scrub_value_span(c, v + 1, e, k);
	return e < c->n ? e + 1 : e;
}

static size_t bare_value(struct scan *c, size_t v, bool colon, bool may_be_flag)
{
	struct cont k = { .kind = CONT_OPT, .term = nr_scrub_value_term(c, colon) };
	size_t e = nr_scrub_opt_value_end(c->r, v, c->n, k.term);
	bool open = e == c->n && c->forced;     /* "on" may be "onion" */

	if (!(may_be_flag && !open && is_flag(c->r + v, e - v)))
		nr_scrub_value_span(c, v, e, k);
	return e;
}

/* password=, passwd=, password-secret=, passwordid=, key-secret=, key=,
 * token=, secret=, and data= in a secret object.  The key must start a name
 * ("keyid=" and "mykey=" are not "key="); '-', '_' and '.' do start one, so
 * dotted options like encrypt.key-secret= are caught. */
bool nr_scrub_try_opt(struct scan *c)
{
	const struct key *k;
	size_t i = c->i, v;

	if (i > 0 && is_alnum(c->r[i - 1]))
		return false;
	k = find_key(c->r + i, c->n - i, opt_keys, NKEYS(opt_keys), "=");
	if (!k || ((k->flags & K_SECRET_LIST) && !nr_scrub_word_secret(c, i)))
		return false;
	v = i + k->len + 1;
	if (v < c->n && (c->r[v] == '\'' || c->r[v] == '"'))
		c->i = quoted_value(c, v);
	else
		c->i = bare_value(c, v, i > 0 && c->r[i - 1] == ':',
				  k->flags & K_FLAG);
	return true;
}

/* ---- JSON ---------------------------------------------------------------- */

/* Whether a '"' after `run` backslashes ends the string.  Level 0: an even
 * run.  Level 1 (JSON escaped in a JSON string): the closer is \" (run 4k+1)
 * and \\\" is an escaped quote (4k+3); an even run ends the outer string,
 * which ends the value too. */
static bool json_closes(size_t run, bool level1)
{
	return level1 ? run % 4 != 3 : run % 2 == 0;
}

/* Index of the quote closing the string value that goes on at r[p], or n. */
static size_t json_close(const char *r, size_t p, size_t n, struct cont *k)
{
	for (; p < n; p++) {
		if (r[p] == '\\') {
			k->run++;
			continue;
		}
		if (r[p] == '"' && json_closes(k->run, k->level1))
			return p;
		k->run = 0;
	}
	return n;
}

/* The member stopped at a forced cut before its string began. */
static size_t json_pending(struct scan *c, const struct cont *k)
{
	if (!c->forced)
		return NOMATCH;
	c->next = *k;
	return c->n;
}

static bool json_opens(const char *r, size_t p, size_t n, bool level1)
{
	if (level1)
		return n - p >= 2 && r[p] == '\\' && r[p + 1] == '"';
	return r[p] == '"';
}

/* Moves a member on from phase k->phase at r[p] and hides its string value.
 * Returns where the scan goes on (after the closing quote), or NOMATCH when
 * the value is no string (null, true, {...}): nothing to hide then. */
size_t nr_scrub_json_run(struct scan *c, size_t p, struct cont *k)
{
	const char *r = c->r;
	size_t n = c->n, q, end;

	if (k->phase == J_COLON) {
		p = nr_scrub_skip_ws(r, p, n);
		if (p == n)
			return json_pending(c, k);
		if (r[p] != ':')
			return NOMATCH;
		p++;
		k->phase = J_OPEN;
	}
	if (k->phase == J_OPEN) {
		p = nr_scrub_skip_ws(r, p, n);
		if (p == n)
			return json_pending(c, k);
		if (!json_opens(r, p, n, k->level1))
			return NOMATCH;
		p += k->level1 ? 2 : 1;
		k->phase = J_STR;
		k->run = 0;
	}
	q = json_close(r, p, n, k);
	/* at level 1 the backslash of the closing \" is not part of the value;
	 * after a hard cut it may have been the last byte of the previous
	 * fragment (q == p), already hidden there */
	end = q < n && q > p && k->level1 && k->run % 4 == 1 ? q - 1 : q;
	nr_scrub_value_span(c, p, end, *k);
	return q < n ? q + 1 : n;
}

/* If r[i] opens a secret key ("password" or \"password\"), returns the index
 * after its closing quote. */
static size_t json_key_end(const char *r, size_t i, size_t n, bool *level1)
{
	const struct key *k;

	if (r[i] != '"')
		return NOMATCH;
	*level1 = i > 0 && r[i - 1] == '\\';
	if (*level1 && i > 1 && r[i - 2] == '\\')
		return NOMATCH;
	k = find_key(r + i + 1, n - i - 1, json_keys, NKEYS(json_keys),
		     *level1 ? "\\\"" : "\"");
	if (!k)
		return NOMATCH;
	return i + 1 + k->len + (*level1 ? 2 : 1);
}

bool nr_scrub_try_json(struct scan *c)
{
	struct cont k = { .kind = CONT_JSON, .phase = J_COLON };
	size_t p = json_key_end(c->r, c->i, c->n, &k.level1), e;

	if (p == NOMATCH)
		return false;
	e = nr_scrub_json_run(c, p, &k);
	if (e == NOMATCH)
		return false;
	c->i = e;
	return true;
}

/* ---- URL userinfo -------------------------------------------------------- */

static bool is_scheme_ch(char ch)
{
	return is_alnum(ch) || ch == '+' || ch == '-' || ch == '.';
}

static bool ends_authority(char ch)
{
	switch (ch) {
	case '/': case '?': case '#': case ',': case '\'': case '"':
	case '<': case '>': case '\\':
		return true;
	default:
		return is_ws(ch);
	}
}

/* The last '@' of the authority starting at r[a], or NOMATCH.  The last one,
 * because a password with an unencoded '@' is common and hiding more is
 * the safe mistake. */
static size_t userinfo_end(const char *r, size_t a, size_t n)
{
	size_t at = NOMATCH;

	for (; a < n; a++) {
		if (r[a] == ',' && a + 1 < n && r[a + 1] == ',')
			a++;
		else if (r[a] == '@')
			at = a;
		else if (ends_authority(r[a]))
			break;
	}
	return at;
}

/* scheme://user:pass@host and libiscsi's iscsi://user%pass@host: hides the
 * password, keeps the user (it says which account, not how to get in). */
bool nr_scrub_try_url(struct scan *c)
{
	const char *r = c->r, *sep;
	size_t i = c->i, a = i + 3, at;

	if (r[i] != ':' || i == 0 || !is_scheme_ch(r[i - 1]) || c->n - i < 3 ||
	    r[i + 1] != '/' || r[i + 2] != '/')
		return false;
	at = userinfo_end(r, a, c->n);
	if (at == NOMATCH)
		return false;
	sep = memchr(r + a, ':', at - a);
	if (!sep)
		sep = memchr(r + a, '%', at - a);
	if (sep)
		nr_scrub_hide(c, (size_t)(sep - r) + 1, at, false);
	c->i = at;
	return true;
}

/* ---- XML <secret> element ------------------------------------------------ */

/* A "<secret" counts only where a tag can start a line of XML: at the start
 * of the record, after another tag or after "xml=".  Prose such as "missing
 * <secret> element" would otherwise hide everything up to the next
 * </secret>, possibly the rest of the log. */
static bool at_xml_start(const char *r, size_t i)
{
	while (i > 0 && is_ws(r[i - 1]))
		i--;
	return i == 0 || r[i - 1] == '>' || r[i - 1] == '=';
}

bool nr_scrub_try_secret_tag(struct scan *c)
{
	const char *r = c->r;
	size_t i = c->i, e = i + 7;

	if (r[i] != '<' || c->n - i < 7 || memcmp(r + i + 1, "secret", 6) != 0)
		return false;
	if (e < c->n && !is_ws(r[e]) && r[e] != '>' && r[e] != '/')
		return false;
	if (!at_xml_start(r, i))
		return false;
	c->s->xml = (struct xml){ .st = X_OPEN };
	c->i = e;
	return true;
}

static void xml_tag_end(struct xml *x)
{
	if (x->st == X_OPEN) {
		x->st = x->prev == '/' ? X_NONE : X_TEXT;   /* <secret .../> */
		return;
	}
	x->st = X_TEXT;
	if (x->closing) {
		if (x->depth == 0)
			x->st = X_NONE;                     /* </secret> */
		else
			x->depth--;
	} else if (!x->special && x->prev != '/') {
		x->depth++;
	}
}

static void xml_tag_byte(struct xml *x, char ch)
{
	if (x->first) {
		x->first = false;
		x->closing = ch == '/';
		x->special = ch == '!' || ch == '?';
	}
	if (x->quote) {
		if (ch == x->quote)
			x->quote = 0;
	} else if ((ch == '\'' || ch == '"') && !x->special) {
		x->quote = ch;
	} else if (ch == '>') {
		xml_tag_end(x);
	}
	x->prev = ch;
}

/* Text directly inside <secret> is the value: hides it up to the next tag,
 * keeping the indentation before and the blanks after it so the layout
 * stays readable.  Text of child elements (<uuid>, <usage> of a libvirt
 * secret definition) is metadata and stays. */
static void xml_hide_text(struct scan *c, struct xml *x)
{
	const char *lt = memchr(c->r + c->i, '<', c->n - c->i);
	size_t j = lt ? (size_t)(lt - c->r) : c->n, e = j;

	while (e > c->i && is_ws(c->r[e - 1]))
		e--;
	x->marked = nr_scrub_hide(c, c->i, e, x->marked);
	x->seen += j - c->i;
	c->i = j;
}

/* Feeds r[i] to the element's state; true when it consumed bytes.  An
 * element never closed (a truncated file) is given up after
 * NR_SCRUB_RECORD_MAX bytes, so it cannot swallow a whole log. */
bool nr_scrub_xml_step(struct scan *c)
{
	struct xml *x = &c->s->xml;
	char ch = c->r[c->i];

	if (++x->seen > NR_SCRUB_RECORD_MAX) {
		x->st = X_NONE;
		return false;
	}
	if (x->st != X_TEXT) {
		xml_tag_byte(x, ch);
		return false;
	}
	if (ch == '<') {
		*x = (struct xml){ .st = X_TAG, .first = true, .depth = x->depth,
				   .marked = x->marked, .seen = x->seen };
		return false;
	}
	if (x->depth > 0 || is_ws(ch))
		return false;
	xml_hide_text(c, x);
	return true;
}
