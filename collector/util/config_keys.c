/* SPDX-License-Identifier: MIT */
/* The keys nest-report reads, what their values may be, and the closest
 * known names to a misspelt one.  A new key is added to this table, or it
 * is warned about as unknown. */
#include "config_internal.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

enum kind { K_PATH, K_TEXT, K_BOOL, K_METHOD, K_URL };

static const struct known {
	const char *key;
	enum kind kind;
} keys[] = {
	{ "sign.key", K_PATH },
	{ "sign.signer_id", K_TEXT },
	{ "sign.enabled", K_BOOL },
	{ "verify.allowed_signers", K_PATH },
	{ "upload.url", K_URL },
	{ "upload.method", K_METHOD },
	{ "upload.token_file", K_PATH },
	{ "upload.cacert", K_PATH },
	{ "redact.enabled", K_BOOL },
	{ "redact.words", K_PATH },
	{ "index.db", K_TEXT },   /* an SQLite file (~/ expanded) or a postgresql:// URI */
};

#define N_KEYS (sizeof(keys) / sizeof(keys[0]))

static const char *const sections[] = { "sign", "verify", "upload", "redact", "index" };

#define N_SECTIONS (sizeof(sections) / sizeof(sections[0]))

bool nr_cfg_section_known(const char *section)
{
	size_t i;

	for (i = 0; i < N_SECTIONS; i++)
		if (strcmp(sections[i], section) == 0)
			return true;
	return false;
}

/* Optimal string alignment distance (Levenshtein with transpositions):
 * "kye" is one step from "key".  Three rows: the one before the previous
 * is what a transposition looks back to. */
static size_t distance(const char *a, const char *b)
{
	enum { W = NR_CFG_NAME_MAX * 2 + 1 };
	size_t la = strlen(a), lb = strlen(b), i, j, rows[3][W];
	size_t *pp = rows[0], *prev = rows[1], *cur = rows[2], *t;

	if (la >= W || lb >= W)
		return (size_t)-1;
	for (j = 0; j <= lb; j++)
		prev[j] = j;
	for (i = 1; i <= la; i++) {
		cur[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t best = prev[j - 1] + (a[i - 1] != b[j - 1]);

			if (prev[j] + 1 < best)
				best = prev[j] + 1;
			if (cur[j - 1] + 1 < best)
				best = cur[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    pp[j - 2] + 1 < best)
				best = pp[j - 2] + 1;
			cur[j] = best;
		}
		t = pp;
		pp = prev;
		prev = cur;
		cur = t;
	}
	return prev[lb];
}

static void append(char *out, size_t outlen, const char *fmt, const char *s)
{
	size_t used = strlen(out);

	if (used < outlen)
		snprintf(out + used, outlen - used, fmt, s);
}

/* The names among cand[0..n) nearest to name, within a third of its length
 * (at least 2), shown as show[i]: "did you mean 'a' or 'b'?" in out; ""
 * when none is near. */
static void nearest(const char *name, const char *const *cand, const char *const *show, size_t n,
                    const char *open, const char *close, char *out, size_t outlen)
{
	size_t i, best = (size_t)-1, limit = strlen(name) / 3 > 2 ? strlen(name) / 3 : 2;
	int found = 0;

	out[0] = '\0';
	for (i = 0; i < n; i++)
		if (distance(name, cand[i]) < best)
			best = distance(name, cand[i]);
	if (best > limit)
		return;
	for (i = 0; i < n; i++)
		if (distance(name, cand[i]) == best) {
			append(out, outlen, found ? " or %s" : "did you mean %s", open);
			append(out, outlen, "%s", show[i]);
			append(out, outlen, "%s", close);
			found = 1;
		}
	append(out, outlen, "%s", "?");
}

void nr_cfg_suggest(const char *section, const char *key, char *out, size_t outlen)
{
	const char *names[N_KEYS], *full[N_KEYS];
	size_t i, n = 0, plen = section ? strlen(section) : 0;

	if (!key) {
		nearest(section, sections, sections, N_SECTIONS, "[", "]", out, outlen);
		if (!out[0])
			snprintf(out, outlen, "the sections are [sign], [verify], [upload], [redact] and "
			         "[index]");
		return;
	}
	/* A key without its section is compared with the names alone. */
	for (i = 0; i < N_KEYS; i++, n++) {
		full[n] = keys[i].key;
		names[n] = strchr(key, '.') ? keys[i].key : strchr(keys[i].key, '.') + 1;
	}
	nearest(key, names, full, n, "'", "'", out, outlen);
	if (out[0])
		return;
	/* Nothing near: the keys of its section, or all of them. */
	snprintf(out, outlen, "%s keys: ", section && nr_cfg_section_known(section) ? "its section's"
	                                                                            : "the known");
	for (i = 0, n = 0; i < N_KEYS; i++)
		if (!section || !nr_cfg_section_known(section) ||
		    (strncmp(keys[i].key, section, plen) == 0 && keys[i].key[plen] == '.'))
			append(out, outlen, n++ ? ", %s" : "%s", keys[i].key);
}

static int is_bool(const char *v)
{
	static const char *const words[] = { "true", "false", "yes", "no", "on", "off", "1", "0" };
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcasecmp(v, words[i]) == 0)
			return 1;
	return 0;
}

static int printable(const char *v)
{
	for (; *v; v++)
		if ((unsigned char)*v < 0x20 || *v == 0x7f)
			return 0;
	return 1;
}

int nr_cfg_check(const char *key, bool has_value, char *value, size_t value_size, char *why,
                 size_t whylen)
{
	const struct known *k = NULL;
	char hint[200], section[NR_CFG_NAME_MAX];
	size_t i;

	for (i = 0; i < N_KEYS && !k; i++)
		if (strcmp(keys[i].key, key) == 0)
			k = &keys[i];
	if (!k) {
		snprintf(section, sizeof(section), "%.*s", (int)strcspn(key, "."), key);
		nr_cfg_suggest(section, key, hint, sizeof(hint));
		snprintf(why, whylen, "unknown key '%s', ignored; %s", key, hint);
		return -1;
	}
	/* git: a boolean named alone is true. */
	if (!has_value && k->kind == K_BOOL) {
		snprintf(value, value_size, "true");
		return 0;
	}
	if (!has_value) {
		snprintf(why, whylen, "'%s' has no value, ignored: write '%s = ...'", key, key);
		return -1;
	}
	if (!value[0])
		return 0;   /* "key =" unsets it, as an absent line */
	if (!printable(value))
		snprintf(why, whylen, "%s: the value holds control characters, ignored", key);
	else if (k->kind == K_BOOL && !is_bool(value))
		snprintf(why, whylen, "%s: '%.40s' is not a boolean (true/false, yes/no, on/off, "
		         "1/0), ignored", key, value);
	else if (k->kind == K_METHOD && strcasecmp(value, "put") != 0 && strcasecmp(value, "post") != 0)
		snprintf(why, whylen, "%s: '%.40s' is neither put nor post, ignored", key, value);
	/* http:// is kept: the uploader refuses it from here, with its reason. */
	else if (k->kind == K_URL && strncasecmp(value, "https://", 8) != 0 &&
	         strncasecmp(value, "sftp://", 7) != 0 && strncasecmp(value, "http://", 7) != 0)
		snprintf(why, whylen, "%s: wants an https:// or sftp:// URL, ignored", key);
	else
		return 0;
	return -1;
}
