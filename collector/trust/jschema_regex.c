/* SPDX-License-Identifier: MIT */
#include "jschema_regex.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Appends to a bounded buffer; sets *bad on overflow. */
struct out {
	char *p;
	size_t len, cap;
	int bad;
};

static void put(struct out *o, const char *s)
{
	size_t n = strlen(s);

	if (o->len + n + 1 > o->cap) {
		o->bad = 1;
		return;
	}
	memcpy(o->p + o->len, s, n + 1);
	o->len += n;
}

/* An escape outside brackets: "\d" and friends, or a quoted metachar. */
static int escape_outside(struct out *o, char c)
{
	char lit[3] = { '\\', c, '\0' };

	switch (c) {
	case 'd': put(o, "[0-9]"); return 0;
	case 'D': put(o, "[^0-9]"); return 0;
	case 'w': put(o, "[A-Za-z0-9_]"); return 0;
	case 'W': put(o, "[^A-Za-z0-9_]"); return 0;
	case 's': put(o, "[ \t\n\r\f\v]"); return 0;
	case 'S': put(o, "[^ \t\n\r\f\v]"); return 0;
	case 'n': put(o, "\n"); return 0;
	case 'r': put(o, "\r"); return 0;
	case 't': put(o, "\t"); return 0;
	case '/': case '-': case '@': case '#': case '%': case '&': case '=': case ':':
		lit[0] = c;
		lit[1] = '\0';
		put(o, lit);
		return 0;
	}
	if (strchr(".\\^$|?*+()[]{}", c)) {
		put(o, lit);
		return 0;
	}
	return -EINVAL;
}

/* A bracket expression, from just after '['.  POSIX brackets have no
 * escapes, so ECMA's are turned into the characters they stand for; a
 * ']' or '\' inside is not supported (none of our schemas needs one). */
static int bracket(struct out *o, const char *s, size_t len, size_t *i)
{
	char one[2] = { 0, 0 };

	put(o, "[");
	if (*i < len && s[*i] == '^') {
		put(o, "^");
		(*i)++;
	}
	for (; *i < len && s[*i] != ']'; (*i)++) {
		if (s[*i] == '\\') {
			if (++*i >= len)
				return -EINVAL;
			if (s[*i] == 'd') {
				put(o, "0-9");
				continue;
			}
			if (!strchr("./+@-_^$*?(){}|", s[*i]))
				return -EINVAL;
			/* A '-' taken literally is safe only last or first. */
			if (s[*i] == '-' && !(*i + 1 < len && s[*i + 1] == ']'))
				return -EINVAL;
		}
		one[0] = s[*i];
		put(o, one);
	}
	if (*i >= len)
		return -EINVAL;
	put(o, "]");
	return 0;
}

int nr_jregex_translate(const char *s, size_t len, char *buf, size_t buflen)
{
	struct out o = { buf, 0, buflen, 0 };
	char one[2] = { 0, 0 };
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < len; i++) {
		switch (s[i]) {
		case '\\':
			if (i + 1 >= len || escape_outside(&o, s[++i]) < 0)
				return -EINVAL;
			break;
		case '[':
			i++;
			if (bracket(&o, s, len, &i) < 0)
				return -EINVAL;
			break;
		case '.':
			/* ECMA's '.' stops at line breaks; POSIX's does not. */
			put(&o, "[^\n\r]");
			break;
		case '(':
			if (i + 1 < len && s[i + 1] == '?') {
				if (i + 2 < len && s[i + 2] == ':') {
					put(&o, "(");
					i += 2;
					break;
				}
				return -EINVAL;   /* lookarounds inside: not expressible */
			}
			put(&o, "(");
			break;
		default:
			one[0] = s[i];
			put(&o, one);
		}
	}
	return o.bad ? -EINVAL : 0;
}

/* The end of the group opening at s[i] == '(' (index of its ')'), or 0. */
static size_t group_end(const char *s, size_t len, size_t i)
{
	int depth = 0, in_bracket = 0;

	for (; i < len; i++) {
		if (s[i] == '\\') {
			i++;
			continue;
		}
		if (in_bracket) {
			in_bracket = s[i] != ']';
			continue;
		}
		if (s[i] == '[')
			in_bracket = 1;
		else if (s[i] == '(')
			depth++;
		else if (s[i] == ')' && --depth == 0)
			return i;
	}
	return 0;
}

static int compile_part(regex_t *re, const char *s, size_t len, int anchored)
{
	char buf[2048];

	buf[0] = '^';
	if (nr_jregex_translate(s, len, buf + anchored, sizeof(buf) - 1) < 0)
		return -EINVAL;
	return regcomp(re, buf, REG_EXTENDED | REG_NOSUB) == 0 ? 0 : -EINVAL;
}

int nr_jregex_compile(struct nr_jregex *re, const char *p, struct nr_error *err)
{
	size_t len = strlen(p), i = 0, end;
	int anchored = 0, rc = 0;

	memset(re, 0, sizeof(*re));
	if (p[0] == '^') {
		anchored = 1;
		i = 1;
	}
	/* "^(?!X)(?=Y)REST": each lookahead is its own anchored condition. */
	while (anchored && i + 2 < len && p[i] == '(' && p[i + 1] == '?' &&
	       (p[i + 2] == '!' || p[i + 2] == '=') && rc == 0) {
		int neg = p[i + 2] == '!';
		regex_t *slot;

		end = group_end(p, len, i);
		if (!end || (neg ? re->n_must_not : re->n_must) >= NR_JREGEX_LOOKS) {
			rc = -EINVAL;
			break;
		}
		slot = neg ? &re->must_not[re->n_must_not] : &re->must[re->n_must];
		rc = compile_part(slot, p + i + 3, end - i - 3, 1);
		if (rc == 0)
			*(neg ? &re->n_must_not : &re->n_must) += 1;
		i = end + 1;
	}
	if (rc == 0)
		rc = compile_part(&re->main, p + i, len - i, anchored);
	if (rc < 0) {
		nr_jregex_free(re);
		return nr_error_set(err, EINVAL, "pattern '%s' cannot be run as a POSIX regex", p);
	}
	re->main_ok = true;
	return 0;
}

bool nr_jregex_match(const struct nr_jregex *re, const char *s)
{
	int i;

	for (i = 0; i < re->n_must_not; i++)
		if (regexec(&re->must_not[i], s, 0, NULL, 0) == 0)
			return false;
	for (i = 0; i < re->n_must; i++)
		if (regexec(&re->must[i], s, 0, NULL, 0) != 0)
			return false;
	return regexec(&re->main, s, 0, NULL, 0) == 0;
}

void nr_jregex_free(struct nr_jregex *re)
{
	int i;

	for (i = 0; i < re->n_must; i++)
		regfree(&re->must[i]);
	for (i = 0; i < re->n_must_not; i++)
		regfree(&re->must_not[i]);
	if (re->main_ok)
		regfree(&re->main);
	memset(re, 0, sizeof(*re));
}
