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

/* A word anywhere in the name makes it secret: "private-key", "api_token". */
static const char *const whole_any[] = {
	"password", "passwords", "passwd", "passphrase", "passkey", "secret", "secrets",
	"key", "psk", "token", "tokens", "cookie", "cookies", "credential", "credentials",
	"apikey", "privatekey", "accesskey", "authkey", "signature",
};

/* Short or ambiguous words count only as the last word: "x-auth" and "sig"
 * hold values, "auth-client-required" and "private='yes'" do not. */
static const char *const whole_last[] = {
	"pass", "auth", "authorization", "private", "sig",
};

/* Found inside a run-together word: "userpassword", "clientsecret". */
static const char *const inside[] = {
	"password", "passwd", "passphrase", "secret", "token", "cookie", "credential",
};

/* A last word that makes the name a reference to a secret, not the secret:
 * QEMU's key-id, a secret's uuid or usage, a key file's path. */
static const char *const ref_last[] = {
	"id", "ids", "uuid", "usage", "type", "format", "file", "path", "dir", "size", "slot",
};

/* Names of ids written as one word. */
static const char *const ref_whole[] = {
	"keyid", "passwordid", "secretid",
};

struct words {
	char s[NAME_MAX_LEN];          /* the name, lowercase */
	size_t n;
	size_t at[WORDS_MAX], len[WORDS_MAX];
	char sep[WORDS_MAX];           /* byte before each word (0: none) */
	size_t count;
};

static bool in_list(const char *w, size_t n, const char *const *list, size_t nlist)
{
	size_t k;

	for (k = 0; k < nlist; k++)
		if (strlen(list[k]) == n && memcmp(list[k], w, n) == 0)
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
	return strlen(s) == w->len[k] && memcmp(w->s + w->at[k], s, w->len[k]) == 0;
}

static bool any_inside(const struct words *w)
{
	size_t k;

	for (k = 0; k < N(inside); k++)
		if (memmem(w->s, w->n, inside[k], strlen(inside[k])))
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
 * value), "append" (-append: a kernel command line follows) and "proxy". */
static const char *const stems[] = {
	"pass", "secret", "key", "psk", "token", "cookie", "credential", "private",
	"auth", "sig", "data", "append", "proxy",
};

static bool stem_at(const char *p, size_t n)
{
	size_t k;

	for (k = 0; k < N(stems); k++)
		if (stems[k][0] == nr_scrub_lower(p[0]) && nr_scrub_ci_prefix(p, n, stems[k]))
			return true;
	return false;
}

bool nr_scrub_may_hold_secret(const char *p, size_t n)
{
	static const bool table[256] = {
		['A'] = 1, ['C'] = 1, ['D'] = 1, ['K'] = 1, ['P'] = 1, ['S'] = 1, ['T'] = 1,
		['a'] = 1, ['c'] = 1, ['d'] = 1, ['k'] = 1, ['p'] = 1, ['s'] = 1, ['t'] = 1,
		['@'] = 1, ['<'] = 1, ['&'] = 1, ['\\'] = 1,
	};
	size_t i;

	for (i = 0; i < n; i++) {
		char c = p[i];

		if (!table[(unsigned char)c])
			continue;
		if (c == '@' || c == '<')
			return true;
		if (c == '&' && i + 1 < n && p[i + 1] == '#')
			return true;     /* a character reference may spell a name */
		if (c == '\\' && i + 1 < n && (p[i + 1] == 'u' || p[i + 1] == 'U'))
			return true;     /* so may a JSON \u escape */
		if (nr_scrub_is_alpha(c) && stem_at(p + i, n - i))
			return true;
	}
	return false;
}
