/* SPDX-License-Identifier: MIT */
/* The scrubber's middle layer: one model per syntax that carries secrets.
 *
 *   scrub_json.c   QEMU's JSON dialect (JSON plus single-quoted strings)
 *   scrub_kv.c     QEMU keyval lists (QemuOpts: ",," escapes, dotted keys),
 *                  rbd: pseudo-filenames
 *   scrub_url.c    URLs (RFC 3986 userinfo, query and fragment parameters)
 *   scrub_xml.c    XML tags, attributes and text, entity-decoded
 *   scrub_shell.c  shell words (libvirt's logs) and text records
 *   scrub_value.c  the grammar of arguments and values: which model reads
 *                  what, and how they nest
 *
 * A model sees only scrub_base.h and this header, and calls no other model
 * but those below it: scrub_shell.c (a text record) lexes with scrub_xml.c
 * and scrub_json.c; json, kv, url and xml call none.  A value that may
 * hold another syntax (a JSON string holding a URL, a keyval value holding
 * json:{...}) goes back through the hooks, which scrub_value.c fills in.
 * So syntaxes nest to any depth (capped) without the models knowing each
 * other, and scrub_value.c is the one file that calls every model.
 */
#ifndef NR_SCRUB_MODEL_H
#define NR_SCRUB_MODEL_H

#include "scrub_base.h"

/* Nesting deeper than this is hidden whole rather than read. */
#define NR_SCRUB_DEPTH_MAX 24

/* How an argument is read: after "-append", as a kernel command line. */
struct nr_scrub_argctx {
	bool kcmd;
};

/* hooks.value flags */
#define NR_SCRUB_LEAF 1u    /* a bare keyval item: not name=value again */

struct nr_scrub_hooks {
	/* A string that may nest other syntaxes. */
	void (*value)(struct nr_scrub_scan *sc, const struct nr_scrub_view *v, unsigned flags);
	/* The value of a name of class cls (nr_scrub_name_class); t as for
	 * nr_scrub_hide. */
	void (*named)(struct nr_scrub_scan *sc, enum nr_scrub_name cls,
	              const struct nr_scrub_view *v, const struct nr_scrub_term *t);
	/* One argument (a qemu:arg value); ctx carries -append to the next. */
	void (*arg)(struct nr_scrub_scan *sc, const struct nr_scrub_view *v,
	            struct nr_scrub_argctx *ctx);
	/* Free text (the text of an XML element). */
	void (*text)(struct nr_scrub_scan *sc, const struct nr_scrub_view *v);
};

/* ---- JSON (scrub_json.c) ------------------------------------------------------ */

/* Reads the JSON value at v[i] (after blanks) and hides the secrets it
 * holds.  Returns the index after it, or SIZE_MAX when v[i] starts no
 * valid JSON (what was hidden before the error stays hidden). */
size_t nr_scrub_json(struct nr_scrub_scan *sc, const struct nr_scrub_view *v, size_t i);

/* A member name seen at the end of a record whose value is in the next. */
struct nr_scrub_jpend {
	bool on;
	unsigned char cls;      /* enum nr_scrub_name, or JPEND_DATA */
};

/* Finds "name": value members anywhere in v, in any nesting and in text
 * that is not JSON as a whole (a log line, pretty-printed JSON cut into
 * lines), and hides the values of secret names.  pend carries a member
 * whose value is not in v yet. */
void nr_scrub_json_members(struct nr_scrub_scan *sc, const struct nr_scrub_view *v,
                           struct nr_scrub_jpend *pend);

/* ---- keyval (scrub_kv.c) ------------------------------------------------------ */

/* A QEMU option list (sep ','), or the options of an rbd: filename (sep
 * ':', backslash escapes). */
void nr_scrub_kv(struct nr_scrub_scan *sc, const struct nr_scrub_view *v, char sep);

/* ---- URLs (scrub_url.c) ------------------------------------------------------- */

/* Every scheme://user:password@host and ?name=value in v. */
void nr_scrub_urls(struct nr_scrub_scan *sc, const struct nr_scrub_view *v);
/* A query string on its own: name=value pairs split at '&' or ';'. */
void nr_scrub_query(struct nr_scrub_scan *sc, const struct nr_scrub_view *v);
/* A proxy setting: a URL, or user:password@host without a scheme. */
void nr_scrub_authority(struct nr_scrub_scan *sc, const struct nr_scrub_view *v);

/* ---- XML (scrub_xml.c) -------------------------------------------------------- */

enum nr_scrub_xml_el {
	NR_SCRUB_EL_PLAIN,
	NR_SCRUB_EL_HIDE,       /* an element named secret, passphrase, cookie...: its text */
	NR_SCRUB_EL_KCMD,       /* <cmdline>: a kernel command line */
	NR_SCRUB_EL_NAMED,      /* <qemu:env name= value=>, <qemu:property ...> */
	NR_SCRUB_EL_ARG,        /* <qemu:arg value=>: one QEMU argument */
};

#define NR_SCRUB_XML_ATTR_MAX 64

/* What an XML document has open at a record's end. */
struct nr_scrub_xml {
	/* the tag being read */
	bool in_tag;
	unsigned char tag_el;   /* enum nr_scrub_xml_el */
	bool tag_closing, tag_special, tag_named_seen;
	unsigned char tag_named_cls;   /* NAMED: class of its name= */
	size_t tag_seen;        /* bytes read in it (given up after a limit) */
	char quote;             /* inside an attribute value with this quote */
	char attr[NR_SCRUB_XML_ATTR_MAX];   /* ... of this attribute */
	size_t attr_len;
	/* the element whose text matters (EL_HIDE, EL_KCMD), 0: none */
	unsigned char text_el;
	unsigned depth;         /* child elements open inside it */
	bool marked;            /* its text's marker is out */
	size_t seen;            /* bytes since it opened (given up after a limit) */
	struct nr_scrub_argctx arg;   /* across consecutive <qemu:arg> */
};

static inline bool nr_scrub_xml_active(const struct nr_scrub_xml *x)
{
	return x->in_tag || x->text_el;
}

/* Whether v[i] starts a tag: '<' then a name, '/', '!' or '?'. */
bool nr_scrub_xml_tag_at(const struct nr_scrub_view *v, size_t i);

/* ---- text records and shell words (scrub_shell.c) ------------------------------- */

/* Everything a text record hands to the next. */
struct nr_scrub_text {
	struct nr_scrub_argctx arg;
	struct nr_scrub_xml xml;
	struct nr_scrub_jpend jpend;
	bool sq;                /* starts inside a '...' word (after a forced cut) */
	/* how the record ended, for a value open at a forced cut */
	bool xml_line;          /* it was read as XML */
	bool dq;                /* its last word ended inside "..." */
};

/* Where a forced cut may go: token boundaries in [lo, hi] with the state
 * there (the last one found wins). */
struct nr_scrub_cutpick {
	uint32_t lo, hi;
	uint32_t at;            /* 0: none found */
	struct nr_scrub_text state;
};

static inline void nr_scrub_cutpick_offer(struct nr_scrub_cutpick *cp,
                                          const struct nr_scrub_view *v, size_t i,
                                          const struct nr_scrub_text *st)
{
	uint32_t at;

	if (!cp || i >= v->n)
		return;
	at = nr_scrub_view_lo(v, i);
	if (at >= cp->lo && at <= cp->hi && at > 0) {
		cp->at = at;
		cp->state = *st;
	}
}

/* Lexes XML in v from i to the end, updating st->xml; offers cut points. */
void nr_scrub_xml_scan(struct nr_scrub_scan *sc, const struct nr_scrub_view *v, size_t i,
                       struct nr_scrub_text *st, struct nr_scrub_cutpick *cp);

/* One word of v: blanks separate words, "..." groups (kept), and when
 * `shell` is set, '...' opened at a word's start or after '=' or after
 * another '...' quotes as libvirt writes it ('\'' for a quote; removed from
 * the word's view).  *sq: inside '...' (in and out). */
struct nr_scrub_word {
	size_t a, b;            /* raw extent in v */
	struct nr_scrub_view v; /* the word, quotes removed */
	bool xml;               /* it stopped before "=<tag": XML follows */
	bool dq;                /* it ended inside "..." (at v's end) */
};

bool nr_scrub_word_next(struct nr_scrub_scan *sc, const struct nr_scrub_view *v, size_t *i,
                        bool shell, bool *sq, struct nr_scrub_word *w);

/* A text record: a log line, a line of XML, free text. */
void nr_scrub_text_scan(struct nr_scrub_scan *sc, const struct nr_scrub_view *v,
                        struct nr_scrub_text *st, struct nr_scrub_cutpick *cp);

/* What ends a value in raw bytes at the end of a text record scanned with
 * end state st (for a value a forced cut left open). */
struct nr_scrub_term nr_scrub_text_term(const struct nr_scrub_text *st);

/* ---- arguments and values (scrub_value.c) ------------------------------------- */

extern const struct nr_scrub_hooks nr_scrub_grammar;

/* One argv element (of /proc/PID/cmdline, or one of our own). */
void nr_scrub_argument(struct nr_scrub_scan *sc, const struct nr_scrub_view *v,
                       struct nr_scrub_argctx *ctx);

#endif
