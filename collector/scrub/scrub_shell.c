/* SPDX-License-Identifier: MIT */
/* Text records, and the shell words they are made of.
 *
 * libvirt logs a QEMU command line as shell text: environment assignments,
 * then the binary and its arguments, each quoted by virBufferEscapeShell
 * ('...' around the whole argument, '\'' for a quote inside), one a line
 * with " \" continuations or all on one line.  Our own cmdline-PID.txt
 * renders argv the same way.  So a text record is read as words: blanks
 * separate them, '...' opened at a word's start (or after '=', or right
 * after another '...') quotes as the shell does, and the quotes are
 * removed before the word is read as an argument.  A quote inside a word
 * ("can't") is an apostrophe, and "..." groups blanks but stays in the word
 * (prose and JSON use it; libvirt never does).  A word is one argument:
 * "-append" makes the next one a kernel command line.
 *
 * A record that starts with a tag, or a word that holds "=<tag", is XML
 * from there on (scrub_xml.c).  And whatever the record is, "name": value
 * members are looked for across its words (pretty-printed JSON, QMP in a
 * log line). */
#include "scrub_model.h"

#include <string.h>

static bool sq_escape_at(const struct nr_scrub_view *v, size_t i)
{
	return v->n - i >= 4 && memcmp(v->p + i, "'\\''", 4) == 0;
}

/* Lexes the word at v[i] (not a blank): returns its end; *decode when its
 * view must drop quotes; *xml when it stopped before "=<tag". */
static size_t word_end(const struct nr_scrub_view *v, size_t i, bool shell, bool *sq,
                       bool *decode, struct nr_scrub_word *w)
{
	bool dq = false, opens = true;  /* a quote here would open */

	*decode = *sq;
	w->xml = false;
	while (i < v->n) {
		char c = v->p[i];

		if (*sq) {
			if (c == '\'' && sq_escape_at(v, i)) {
				i += 4;
			} else {
				*sq = c != '\'';
				opens = c == '\'';
				i++;
			}
			continue;
		}
		if (dq) {
			if (c == '\\')
				i++;
			else if (c == '"')
				dq = false;
			i++;
			continue;
		}
		if (nr_scrub_is_blank(c))
			break;
		if (shell && c == '\'' && opens) {
			*sq = true;
			*decode = true;
			i++;
			continue;
		}
		if (c == '"')
			dq = true;
		if (shell && c == '=' && nr_scrub_xml_tag_at(v, i + 1)) {
			w->xml = true;
			return i + 1;
		}
		opens = c == '=';
		i++;
	}
	w->dq = dq;
	return i < v->n ? i : v->n;
}

/* The word v[a,b) without its '...' quotes; sq: it starts inside one. */
static bool unquote(struct nr_scrub_scan *sc, const struct nr_scrub_view *v, size_t a, size_t b,
                    bool sq, struct nr_scrub_view *out)
{
	struct nr_scrub_vbuild vb;
	bool opens = true, dq = false;
	size_t i = a;

	if (!nr_scrub_vb_begin(sc->arena, &vb, b - a))
		return false;
	while (i < b) {
		char c = v->p[i];

		if (sq && c == '\'' && sq_escape_at(v, i) && i + 4 <= b) {
			nr_scrub_vb_put(&vb, '\'', v, i, i + 4);
			i += 4;
		} else if (sq && c == '\'') {
			sq = false;
			opens = true;
			i++;
		} else if (!sq && !dq && c == '\'' && opens) {
			sq = true;
			i++;
		} else {
			if (!sq)
				dq = c == '"' ? !dq : dq;
			if (!sq && !dq)
				opens = c == '=';
			nr_scrub_vb_put(&vb, c, v, i, i + 1);
			i++;
		}
	}
	*out = vb.v;
	return true;
}

bool nr_scrub_word_next(struct nr_scrub_scan *sc, const struct nr_scrub_view *v, size_t *i,
                        bool shell, bool *sq, struct nr_scrub_word *w)
{
	size_t a = *i;
	bool in = *sq, decode;

	if (!in)
		while (a < v->n && nr_scrub_is_blank(v->p[a]))
			a++;
	if (a >= v->n)
		return false;
	w->a = a;
	w->dq = false;
	w->b = word_end(v, a, shell, sq, &decode, w);
	if (!decode)
		w->v = nr_scrub_view_sub(v, a, w->b);
	else if (!unquote(sc, v, a, w->b, in, &w->v))
		return false;
	*i = w->b;
	return true;
}

static bool starts_with_tag(const struct nr_scrub_view *v)
{
	size_t i = 0;

	while (i < v->n && nr_scrub_is_blank(v->p[i]))
		i++;
	return nr_scrub_xml_tag_at(v, i);
}

void nr_scrub_text_scan(struct nr_scrub_scan *sc, const struct nr_scrub_view *v,
                        struct nr_scrub_text *st, struct nr_scrub_cutpick *cp)
{
	struct nr_scrub_word w;
	size_t i = 0;

	nr_scrub_json_members(sc, v, &st->jpend);
	st->dq = false;
	st->xml_line = nr_scrub_xml_active(&st->xml) || starts_with_tag(v);
	if (st->xml_line) {
		nr_scrub_xml_scan(sc, v, 0, st, cp);
		return;
	}
	while (nr_scrub_ok(sc)) {
		if (!st->sq)
			nr_scrub_cutpick_offer(cp, v, i, st);
		if (!nr_scrub_word_next(sc, v, &i, true, &st->sq, &w))
			break;
		/* " \" at a line's end continues the command: not a word */
		if (!(w.b - w.a == 1 && v->p[w.a] == '\\'))
			sc->hooks->arg(sc, &w.v, &st->arg);
		st->dq = w.dq;
		if (w.xml) {
			st->xml_line = true;
			nr_scrub_xml_scan(sc, v, w.b, st, cp);
			return;
		}
	}
}

struct nr_scrub_term nr_scrub_text_term(const struct nr_scrub_text *st)
{
	const struct nr_scrub_xml *x = &st->xml;

	if (x->in_tag)
		return (struct nr_scrub_term){ .quote = x->quote, .blank = !x->quote };
	if (x->text_el || st->xml_line)
		return (struct nr_scrub_term){ .lt = true };
	if (st->sq)
		return (struct nr_scrub_term){ .quote = '\'', .quote_shell = true };
	if (st->dq)
		return (struct nr_scrub_term){ .quote = '"', .quote_bs = 1 };
	return (struct nr_scrub_term){ .blank = true };
}
