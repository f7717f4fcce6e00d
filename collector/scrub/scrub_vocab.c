/* SPDX-License-Identifier: MIT */
/* The vocabulary of secret-bearing names, one for every syntax: QEMU
 * properties ("file.password"), JSON members, XML attributes and elements,
 * environment variables ("AWS_SECRET_ACCESS_KEY"), kernel parameters and URL
 * query parameters.  docs/scrubbing.md ("The vocabulary") is the reference;
 * keep the two in step. */
#include "scrub_base.h"

#include <string.h>

#define NAME_MAX_LEN 128
#define WORDS_MAX 16
#define N(a) (sizeof(a) / sizeof((a)[0]))
#define W(s) { s, sizeof(s) - 1 }

struct word {
	const char *s;
	size_t n;
};

/* A word anywhere in the name makes it secret: "private-key", "api_token". */
static const struct word whole_any[] = {
	W("password"), W("passwords"), W("passwd"), W("passphrase"), W("passkey"), W("secret"),
	W("secrets"), W("key"), W("psk"), W("token"), W("tokens"), W("cookie"), W("cookies"),
	W("credential"), W("credentials"), W("apikey"), W("privatekey"), W("accesskey"),
	W("authkey"), W("signature"),
};

/* Short or ambiguous words count only as the last word: "x-auth" and "sig"
 * hold values, "auth-client-required" and "private='yes'" do not. */
static const struct word whole_last[] = {
	W("pass"), W("auth"), W("authorization"), W("private"), W("sig"),
};

/* Found inside a run-together word: "userpassword", "clientsecret". */
static const struct word inside[] = {
	W("password"), W("passwd"), W("passphrase"), W("secret"), W("token"), W("cookie"),
	W("credential"),
};

/* A last word that makes the name a reference to a secret, not the secret:
 * QEMU's key-id, a secret's uuid or usage, a key file's path. */
static const struct word ref_last[] = {
	W("id"), W("ids"), W("uuid"), W("usage"), W("type"), W("format"), W("file"), W("path"),
	W("dir"), W("size"), W("slot"),
};

/* Names of ids written as one word. */
static const struct word ref_whole[] = {
	W("keyid"), W("passwordid"), W("secretid"),
};

struct words {
	char s[NAME_MAX_LEN];          /* the name, lowercase */
	size_t n;
	size_t at[WORDS_MAX], len[WORDS_MAX];
	char sep[WORDS_MAX];           /* byte before each word (0: none) */
	size_t count;
};

static bool in_list(const char *w, size_t n, const struct word *list, size_t nlist)
{
	size_t k;

	for (k = 0; k < nlist; k++)
		if (list[k].n == n && memcmp(list[k].s, w, n) == 0)
			return true;
	return false;
}

/* Splits at every byte that is not a letter or digit, and where a lowercase
 * letter or digit meets an uppercase one ("passwdValidTo"). */
static void split(struct words *w, const char *p, size_t n)
{
	size_t i, start = 0;
	bool in = false;

	w->n = n;
	w->count = 0;
	for (i = 0; i <= n; i++) {
		bool alnum = i < n && nr_scrub_is_alnum(p[i]);
		bool camel = in && alnum && p[i] >= 'A' && p[i] <= 'Z' &&
		             !(p[i - 1] >= 'A' && p[i - 1] <= 'Z');

		if (i < n)
			w->s[i] = nr_scrub_lower(p[i]);
		if (in && (!alnum || camel) && w->count < WORDS_MAX) {
			w->at[w->count] = start;
			w->len[w->count] = i - start;
			w->sep[w->count] = start > 0 ? p[start - 1] : 0;
			w->count++;
		}
		if (alnum && (!in || camel))
			start = i;
		in = alnum;
	}
}

static bool word_is(const struct words *w, size_t k, const char *s)
{
	return strncmp(s, w->s + w->at[k], w->len[k]) == 0 && s[w->len[k]] == '\0';
}

static bool any_inside(const struct words *w)
{
	size_t k;

	for (k = 0; k < N(inside); k++)
		if (memmem(w->s, w->n, inside[k].s, inside[k].n))
			return true;
	return false;
}

static bool is_ref(const struct words *w)
{
	size_t last = w->count - 1, k, joined = 0;
	char one[NAME_MAX_LEN];

	if (in_list(w->s + w->at[last], w->len[last], ref_last, N(ref_last)))
		return true;
	/* QEMU names the id of a secret object "<what>-secret" */
	if (w->count >= 2 && word_is(w, last, "secret") && w->sep[last] == '-')
		return true;
	for (k = 0; k < w->count; k++) {
		memcpy(one + joined, w->s + w->at[k], w->len[k]);
		joined += w->len[k];
	}
	return in_list(one, joined, ref_whole, N(ref_whole));
}

static bool is_secret(const struct words *w)
{
	size_t k, last = w->count - 1;

	for (k = 0; k < w->count; k++)
		if (in_list(w->s + w->at[k], w->len[k], whole_any, N(whole_any)))
			return true;
	return in_list(w->s + w->at[last], w->len[last], whole_last, N(whole_last)) ||
	       any_inside(w);
}

enum nr_scrub_name nr_scrub_name_class(const char *p, size_t n)
{
	struct words w;
	const char *dot;

	while (n > 0 && *p == '-') {    /* an option spelled --password=x */
		p++;
		n--;
	}
	dot = n ? memrchr(p, '.', n) : NULL;
	if (dot) {
		n -= (size_t)(dot + 1 - p);
		p = dot + 1;
	}
	if (n > NAME_MAX_LEN) {
		p += n - NAME_MAX_LEN;
		n = NAME_MAX_LEN;
	}
	split(&w, p, n);
	if (w.count == 0)
		return NR_SCRUB_NAME_PLAIN;
	if (w.count >= 2 && word_is(&w, 0, "set") && word_is(&w, 1, "credential"))
		return NR_SCRUB_NAME_SETCRED;
	if (word_is(&w, w.count - 1, "proxy"))
		return NR_SCRUB_NAME_PROXY;
	if (is_ref(&w))
		return NR_SCRUB_NAME_REF;
	return is_secret(&w) ? NR_SCRUB_NAME_SECRET : NR_SCRUB_NAME_PLAIN;
}

bool nr_scrub_is_flag(const char *p, size_t n)
{
	static const char *const flags[] = { "on", "off", "yes", "no", "true", "false" };
	size_t k;

	for (k = 0; k < N(flags); k++)
		if (nr_scrub_ci_equal(p, n, flags[k]))
			return true;
	return false;
}

/* ---- the prefilter ------------------------------------------------------------ */

/* Stems of every name the vocabulary can call secret (each whole_any,
 * whole_last and inside word holds one), of "data" (a secret object's
 * value), "append" (-append: a kernel command line follows) and "proxy",
 * by first letter.  test_scrub_vocab.c checks every vocabulary word holds
 * one. */
static const char *const stems_a[] = { "auth", "append", NULL };
static const char *const stems_c[] = { "cookie", "credential", NULL };
static const char *const stems_d[] = { "data", NULL };
static const char *const stems_k[] = { "key", NULL };
static const char *const stems_p[] = { "pass", "psk", "private", "proxy", NULL };
static const char *const stems_s[] = { "secret", "sig", NULL };
static const char *const stems_t[] = { "token", NULL };

static const char *const *stems_for(char c)
{
	switch (nr_scrub_lower(c)) {
	case 'a': return stems_a;
	case 'c': return stems_c;
	case 'd': return stems_d;
	case 'k': return stems_k;
	case 'p': return stems_p;
	case 's': return stems_s;
	case 't': return stems_t;
	default: return NULL;
	}
}

static bool stem_at(const char *p, size_t n)
{
	const char *const *st = stems_for(p[0]);
	char second = n > 1 ? nr_scrub_lower(p[1]) : 0;

	for (; st && *st; st++)
		if ((*st)[1] == second && nr_scrub_ci_prefix(p, n, *st))
			return true;
	return false;
}

bool nr_scrub_is_stem(const char *p, size_t n)
{
	return n > 0 && stem_at(p, n);
}

/* Second letters of the stems, by first letter: most letters of a text
 * start no stem, and this rules them out without a loop. */
#define B(c) (1u << ((c) - 'a'))
#define PAIRS(l, m) [l] = (m), [l - 'a' + 'A'] = (m)
static const uint32_t second[256] = {
	PAIRS('a', B('u') | B('p')),
	PAIRS('c', B('o') | B('r')),
	PAIRS('d', B('a')),
	PAIRS('k', B('e')),
	PAIRS('p', B('a') | B('s') | B('r')),
	PAIRS('s', B('e') | B('i')),
	PAIRS('t', B('o')),
};

bool nr_scrub_may_hold_secret(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i++) {
		char c = p[i], d;
		uint32_t m = second[(unsigned char)c];

		if (m) {
			d = nr_scrub_lower(p[i + 1]);
			if (d >= 'a' && d <= 'z' && (m & B(d)) && stem_at(p + i, n - i))
				return true;
			continue;
		}
		if (c == '@' || c == '<')
			return true;
		if (c == '&' && p[i + 1] == '#')
			return true;     /* a character reference may spell a name */
		if (c == '\\' && (p[i + 1] == 'u' || p[i + 1] == 'U'))
			return true;     /* so may a JSON \u escape */
	}
	return n > 0 && (p[n - 1] == '@' || p[n - 1] == '<');
}
