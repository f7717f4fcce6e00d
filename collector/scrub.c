/* Always-on secret scrubber: see scrub.h for the contract and
 * docs/scrubbing.md for every form recognised and what is left alone.
 *
 * Input is cut into records at '\n' and '\0'.  A record is buffered whole
 * (up to NR_SCRUB_RECORD_MAX) because the rules need context on both sides
 * of a value: the comma-list a data= belongs to, the quotes it sits in, the
 * '@' that turns "user:pass" into a URL password.  Each record is scanned
 * once, left to right; a rule that recognises a secret value replaces it
 * with NR_SCRUB_MARKER and the scan resumes after it, so a stream costs O(n).
 *
 * Two kinds of state outlive a record: an XML <secret> element (its text may
 * span lines), and, when an over-long record had to be cut, whatever was
 * open at the cut (a value, the quote state, the comma-list kind), so the
 * rest of a cut value is dropped instead of leaked.
 *
 * Every byte test here is ASCII-only on purpose: <ctype.h> is undefined for
 * negative chars (binary junk) and depends on the locale.
 */
#include "scrub.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MARKER_LEN (sizeof(NR_SCRUB_MARKER) - 1)
#define NOMATCH SIZE_MAX

/* How a record was ended decides how values inside it end: an argv element
 * ('\0', as in /proc/PID/cmdline) is one argument, so a space belongs to the
 * value; a line (log, XML) separates arguments with spaces and shell quotes. */
enum mode { MODE_LINE, MODE_ARG };

/* What ends a bare key=value value (',' always does, ",," never does). */
enum {
	T_COLON = 1u << 0,      /* rbd filename: "key=...:mon_host=" */
	T_WS = 1u << 1,         /* unquoted word of a log line */
	T_SQ = 1u << 2,         /* inside '...' */
	T_DQ = 1u << 3,         /* inside "..." */
	T_LT = 1u << 4,         /* XML text in a line */
};

enum cont_kind { CONT_NONE, CONT_OPT, CONT_QUOTED, CONT_JSON };

/* How far a JSON "key": "value" member got: before ':', before the opening
 * quote, inside the string. */
enum json_phase { J_COLON, J_OPEN, J_STR };

/* A secret value that a forced cut may leave open. */
struct cont {
	enum cont_kind kind;
	unsigned term;          /* CONT_OPT: T_* that end the value */
	char quote;             /* CONT_QUOTED: the closing quote */
	enum json_phase phase;  /* CONT_JSON */
	bool level1;            /* CONT_JSON: member of a JSON text escaped
	                           inside another JSON string (\"key\") */
	size_t run;             /* CONT_JSON: backslashes just before the cut */
	bool marked;            /* the marker for this value is already out */
};

/* Everything a forced cut hands from one fragment to the next. */
struct carry {
	struct cont value;
	char sh;                /* shell quote open at the cut */
	bool js;                /* JSON string open at the cut */
	bool word_secret;       /* the comma-list open at the cut is a secret's */
};

enum xml_state {
	X_NONE,
	X_OPEN,                 /* inside the "<secret ...>" start tag */
	X_TEXT,                 /* inside the element, between tags */
	X_TAG,                  /* inside some other tag within the element */
};

struct xml {
	enum xml_state st;
	char quote;             /* attribute value quote we are in, or 0 */
	char prev;              /* previous tag byte, to see "/>" */
	bool first;             /* X_TAG: next byte is the one after '<' */
	bool closing;           /* X_TAG: "</..." */
	bool special;           /* X_TAG: "<!..." or "<?..." */
	unsigned depth;         /* child elements open inside <secret> */
	bool marked;            /* the marker for this element is already out */
	size_t seen;            /* bytes since "<secret", see xml_step() */
};

struct nr_scrub {
	nr_scrub_out_fn out;
	void *ud;
	char *buf;              /* the record being gathered */
	size_t len;
	size_t count;
	int err;                /* first error from out, sticky */
	bool seen_nul;          /* stream is argv-like: forced cuts use MODE_ARG */
	bool final_is_arg;      /* nr_scrub_string(): the input is one argument */
	struct carry carry;
	struct xml xml;
};

/* One pass over one fragment of a record. */
struct scan {
	struct nr_scrub *s;
	const char *r;
	size_t n;
	enum mode mode;
	bool forced;            /* r ends at a forced cut, not at a record end */
	size_t i;               /* next byte to look at */
	size_t done;            /* r[0,done) is already emitted or dropped */
	char sh;                /* shell quote we are in (MODE_LINE) or 0 */
	bool js;                /* inside a JSON string */
	bool bs;                /* previous byte was an escaping backslash */
	size_t wlo, whi;        /* last comma-list word looked at: r[wlo,whi) */
	bool wset, wsecret;
	bool carry_word;        /* the word at r[0] continues a secret's list */
	struct cont next;       /* value left open at a forced cut */
};

/* ---- bytes ------------------------------------------------------------- */

static bool is_ws(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\v' || ch == '\f';
}

static bool is_alnum(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9');
}

static char lower(char ch)
{
	return ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
}

/* p[0,len) starts with word (lowercase ASCII), ignoring case. */
static bool ci_prefix(const char *p, size_t len, const char *word)
{
	size_t i;

	for (i = 0; word[i]; i++)
		if (i >= len || lower(p[i]) != word[i])
			return false;
	return true;
}

static bool ci_equal(const char *p, size_t len, const char *word)
{
	return strlen(word) == len && ci_prefix(p, len, word);
}

static size_t skip_ws(const char *r, size_t p, size_t n)
{
	while (p < n && is_ws(r[p]))
		p++;
	return p;
}

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
		if (ci_prefix(p, len, keys[k].name) &&
		    ci_prefix(p + keys[k].len, len - keys[k].len, follow))
			return &keys[k];
	return NULL;
}

/* ---- output -------------------------------------------------------------- */

static void out_raw(struct nr_scrub *s, const void *p, size_t len)
{
	int rc;

	if (len == 0 || s->err)
		return;
	rc = s->out(s->ud, p, len);
	if (rc < 0)
		s->err = rc;
}

/* Hides r[from,to): the first piece of a value becomes the marker (and is
 * counted), later pieces of the same value after a forced cut just vanish.
 * Returns the new "marked" state. */
static bool hide(struct scan *c, size_t from, size_t to, bool marked)
{
	if (from >= to)
		return marked;
	out_raw(c->s, c->r + c->done, from - c->done);
	if (!marked) {
		out_raw(c->s, NR_SCRUB_MARKER, MARKER_LEN);
		c->s->count++;
	}
	c->done = to;
	return true;
}

/* Hides a value and, if it runs into a forced cut, remembers how it goes on. */
static void value_span(struct scan *c, size_t from, size_t to, struct cont k)
{
	k.marked = hide(c, from, to, k.marked);
	if (to == c->n && c->forced)
		c->next = k;
}

/* ---- quote tracking ------------------------------------------------------ */

/* Follows the quoting around the scan position, so a value knows what ends
 * it: libvirt logs shell-quote arguments ('...' holding JSON with "..."),
 * argv elements only carry JSON strings.  Bytes consumed by a rule are not
 * fed here; every rule consumes balanced text. */
static void track(struct scan *c, char ch)
{
	if (c->bs) {
		c->bs = false;
	} else if (c->mode == MODE_ARG) {
		if (ch == '"')
			c->js = !c->js;
		else if (ch == '\\' && c->js)
			c->bs = true;
	} else if (c->sh == 0) {
		if (ch == '\\')
			c->bs = true;
		else if (ch == '\'' || ch == '"')
			c->sh = ch;
	} else if (c->sh == '\'') {
		if (ch == '\'')
			c->sh = 0;
		else if (ch == '"')
			c->js = !c->js;
		else if (ch == '\\' && c->js)
			c->bs = true;
	} else {
		if (ch == '\\')
			c->bs = true;
		else if (ch == '"')
			c->sh = 0;
	}
}

static unsigned value_term(const struct scan *c, bool colon)
{
	unsigned t = colon ? T_COLON : 0;

	if (c->mode == MODE_ARG)
		return t | (c->js ? T_DQ : 0);
	if (c->sh == '\'')
		return t | T_SQ | (c->js ? T_DQ : 0);
	if (c->sh == '"')
		return t | T_DQ;
	return t | T_WS | T_SQ | T_DQ | T_LT;
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
static size_t opt_value_end(const char *r, size_t p, size_t n, unsigned term)
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
static size_t quoted_end(const char *r, size_t p, size_t n, char q)
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
		if (ci_equal(p, len, words[k]))
			return true;
	return false;
}

static bool is_word_delim(char ch)
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
		if (ci_prefix(p + t, i - t, "secret") ||
		    ci_prefix(p + t, i - t, "qom-type=secret"))
			return true;
		t = i + 1;
	}
	return false;
}

/* Whether the comma-list word around r[i] is a secret object's.  The last
 * word is cached and words never overlap, so each byte is looked at O(1)
 * times however many data= a word holds. */
static bool word_secret(struct scan *c, size_t i)
{
	size_t a = i, b = i;

	if (c->wset && i >= c->wlo && i < c->whi)
		return c->wsecret;
	while (a > c->whi && !is_word_delim(c->r[a - 1]))
		a--;
	while (b < c->n && !is_word_delim(c->r[b]))
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
	size_t e = quoted_end(c->r, v + 1, c->n, k.quote);

	value_span(c, v + 1, e, k);
	return e < c->n ? e + 1 : e;
}

static size_t bare_value(struct scan *c, size_t v, bool colon, bool may_be_flag)
{
	struct cont k = { .kind = CONT_OPT, .term = value_term(c, colon) };
	size_t e = opt_value_end(c->r, v, c->n, k.term);
	bool open = e == c->n && c->forced;     /* "on" may be "onion" */

	if (!(may_be_flag && !open && is_flag(c->r + v, e - v)))
		value_span(c, v, e, k);
	return e;
}

/* password=, passwd=, password-secret=, passwordid=, key-secret=, key=,
 * token=, secret=, and data= in a secret object.  The key must start a name
 * ("keyid=" and "mykey=" are not "key="); '-', '_' and '.' do start one, so
 * dotted options like encrypt.key-secret= are caught. */
static bool try_opt(struct scan *c)
{
	const struct key *k;
	size_t i = c->i, v;

	if (i > 0 && is_alnum(c->r[i - 1]))
		return false;
	k = find_key(c->r + i, c->n - i, opt_keys, NKEYS(opt_keys), "=");
	if (!k || ((k->flags & K_SECRET_LIST) && !word_secret(c, i)))
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
static size_t json_run(struct scan *c, size_t p, struct cont *k)
{
	const char *r = c->r;
	size_t n = c->n, q, end;

	if (k->phase == J_COLON) {
		p = skip_ws(r, p, n);
		if (p == n)
			return json_pending(c, k);
		if (r[p] != ':')
			return NOMATCH;
		p++;
		k->phase = J_OPEN;
	}
	if (k->phase == J_OPEN) {
		p = skip_ws(r, p, n);
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
	value_span(c, p, end, *k);
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

static bool try_json(struct scan *c)
{
	struct cont k = { .kind = CONT_JSON, .phase = J_COLON };
	size_t p = json_key_end(c->r, c->i, c->n, &k.level1), e;

	if (p == NOMATCH)
		return false;
	e = json_run(c, p, &k);
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
static bool try_url(struct scan *c)
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
		hide(c, (size_t)(sep - r) + 1, at, false);
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

static bool try_secret_tag(struct scan *c)
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
	x->marked = hide(c, c->i, e, x->marked);
	x->seen += j - c->i;
	c->i = j;
}

/* Feeds r[i] to the element's state; true when it consumed bytes.  An
 * element never closed (a truncated file) is given up after
 * NR_SCRUB_RECORD_MAX bytes, so it cannot swallow a whole log. */
static bool xml_step(struct scan *c)
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

/* ---- fragments ----------------------------------------------------------- */

/* Picks up what a forced cut left open at the start of this fragment. */
static void resume(struct scan *c)
{
	struct carry k = c->s->carry;
	size_t e;

	c->sh = k.sh;
	c->js = k.js;
	c->carry_word = k.word_secret;
	switch (k.value.kind) {
	case CONT_OPT:
		c->i = opt_value_end(c->r, 0, c->n, k.value.term);
		value_span(c, 0, c->i, k.value);
		break;
	case CONT_QUOTED:
		e = quoted_end(c->r, 0, c->n, k.value.quote);
		value_span(c, 0, e, k.value);
		c->i = e < c->n ? e + 1 : e;
		break;
	case CONT_JSON:
		e = json_run(c, 0, &k.value);
		c->i = e == NOMATCH ? 0 : e;
		break;
	case CONT_NONE:
		break;
	}
}

/* Hands the open state of a forced fragment to the next one; a real record
 * end closes everything but the XML element. */
static void hand_over(struct scan *c)
{
	struct carry *k = &c->s->carry;

	*k = (struct carry){ 0 };
	if (!c->forced)
		return;
	k->value = c->next;
	k->sh = c->sh;
	k->js = c->js;
	k->word_secret = c->n > 0 && !is_word_delim(c->r[c->n - 1]) &&
			 word_secret(c, c->n - 1);
}

static bool step(struct scan *c)
{
	if (c->s->xml.st != X_NONE) {
		if (xml_step(c))
			return true;
	} else if (try_secret_tag(c)) {
		return true;
	}
	return try_json(c) || try_url(c) || try_opt(c);
}

/* Scrubs and emits s->buf[0,n). */
static void scrub_fragment(struct nr_scrub *s, size_t n, enum mode mode,
			   bool forced)
{
	struct scan c = { .s = s, .r = s->buf, .n = n, .mode = mode,
			  .forced = forced };

	resume(&c);
	while (c.i < n && !s->err) {
		if (step(&c))
			continue;
		track(&c, c.r[c.i]);
		c.i++;
	}
	out_raw(s, c.r + c.done, n - c.done);
	hand_over(&c);
}

static bool is_cut_sep(char ch)
{
	return ch == ',' || ch == ':' || ch == '"' || ch == '\'' || ch == '>';
}

/* Where to cut a full buffer: after the last blank (between arguments of a
 * log line, the least likely place for a value), else after the last other
 * safe separator, never inside ",,".  Only the upper half is searched so
 * each cut frees at least half the buffer and the stream stays O(n); with no
 * separator there, the cut is hard, at the end. */
static size_t choose_cut(const char *b, size_t len)
{
	size_t lo = len / 2, j;

	for (j = len - 1; j-- > lo;)
		if (b[j] == ' ' || b[j] == '\t')
			return j + 1;
	for (j = len - 1; j-- > lo;)
		if (is_cut_sep(b[j]) && !(b[j] == ',' && b[j + 1] == ','))
			return j + 1;
	return len;
}

static void cut_forced(struct nr_scrub *s)
{
	size_t cut = choose_cut(s->buf, s->len);

	scrub_fragment(s, cut, s->seen_nul ? MODE_ARG : MODE_LINE, true);
	memmove(s->buf, s->buf + cut, s->len - cut);
	s->len -= cut;
}

static void end_record(struct nr_scrub *s, char sep)
{
	if (sep == '\0')
		s->seen_nul = true;
	scrub_fragment(s, s->len, sep == '\0' ? MODE_ARG : MODE_LINE, false);
	out_raw(s, &sep, 1);
	s->len = 0;
}

static size_t sep_span(const char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] == '\n' || p[i] == '\0')
			break;
	return i;
}

/* ---- API ----------------------------------------------------------------- */

struct nr_scrub *nr_scrub_new(nr_scrub_out_fn out, void *ud)
{
	struct nr_scrub *s;

	if (!out) {
		errno = EINVAL;
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (s)
		s->buf = malloc(NR_SCRUB_RECORD_MAX);
	if (!s || !s->buf) {
		free(s);
		return NULL;
	}
	s->out = out;
	s->ud = ud;
	return s;
}

int nr_scrub_write(struct nr_scrub *s, const void *data, size_t len)
{
	const char *p = data;

	if (!s || (!data && len))
		return -EINVAL;
	while (len > 0 && !s->err) {
		/* look no further than the buffer can take: a long input
		 * without separators must not be rescanned at every cut */
		size_t room = NR_SCRUB_RECORD_MAX - s->len;
		size_t n = sep_span(p, len < room ? len : room);

		memcpy(s->buf + s->len, p, n);
		s->len += n;
		p += n;
		len -= n;
		if (len == 0)
			break;
		if (*p == '\n' || *p == '\0') {
			end_record(s, *p);
			p++;
			len--;
		} else {
			cut_forced(s);          /* buffer full inside a record */
		}
	}
	return s->err;
}

int nr_scrub_finish(struct nr_scrub *s)
{
	if (!s)
		return -EINVAL;
	if (!s->err)
		scrub_fragment(s, s->len, s->final_is_arg || s->seen_nul ?
				   MODE_ARG : MODE_LINE, false);
	s->len = 0;
	s->xml = (struct xml){ 0 };     /* an unclosed <secret> ends here */
	return s->err;
}

size_t nr_scrub_count(const struct nr_scrub *s)
{
	return s ? s->count : 0;
}

void nr_scrub_free(struct nr_scrub *s)
{
	if (!s)
		return;
	free(s->buf);
	free(s);
}

struct strbuf {
	char *p;
	size_t len, cap;
};

static int strbuf_put(void *ud, const void *data, size_t len)
{
	struct strbuf *b = ud;
	size_t cap = b->cap ? b->cap : 64;
	char *p;

	while (cap - b->len < len) {
		if (cap > SIZE_MAX / 2)
			return -ENOMEM;
		cap *= 2;
	}
	if (cap != b->cap) {
		p = realloc(b->p, cap);
		if (!p)
			return -ENOMEM;
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, len);
	b->len += len;
	return 0;
}

char *nr_scrub_string(const char *in, size_t *count)
{
	struct strbuf b = { 0 };
	struct nr_scrub *s = nr_scrub_new(strbuf_put, &b);
	int rc;

	if (!s)
		return NULL;
	/* one argv element, where a blank is part of a value; a string with
	 * lines (a captured stderr) is text like any artifact */
	s->final_is_arg = in && !strchr(in, '\n');
	rc = nr_scrub_write(s, in ? in : "", in ? strlen(in) : 0);
	if (!rc)
		rc = nr_scrub_finish(s);
	if (!rc)
		rc = strbuf_put(&b, "", 1);
	if (!rc && count)
		*count += s->count;
	nr_scrub_free(s);
	if (rc) {
		free(b.p);
		return NULL;
	}
	return b.p;
}
