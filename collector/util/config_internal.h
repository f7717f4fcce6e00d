/* SPDX-License-Identifier: MIT */
/* Shared by config.c (files, storage, the API), config_line.c (git's
 * syntax) and config_keys.c (the known keys, their values, suggestions).
 * Not an API. */
#ifndef NR_CONFIG_INTERNAL_H
#define NR_CONFIG_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#define NR_CFG_LINE_MAX 4096
#define NR_CFG_NAME_MAX 64

enum nr_cfg_line_kind {
	NR_CFG_BLANK,      /* empty, or a comment */
	NR_CFG_SECTION,    /* [section] */
	NR_CFG_PAIR,       /* key = value, or key alone */
	NR_CFG_BAD,        /* why says what is wrong */
};

struct nr_cfg_line {
	enum nr_cfg_line_kind kind;
	char section[NR_CFG_NAME_MAX];    /* SECTION: lowercase */
	bool subsection;                  /* SECTION: [name "sub"] */
	char key[2 * NR_CFG_NAME_MAX];    /* PAIR: lowercase, as written (may hold a '.') */
	bool has_value;                   /* PAIR: false for "key" alone (git: true) */
	char value[NR_CFG_LINE_MAX];      /* PAIR: unquoted, unescaped, comment removed */
	char why[160];                    /* BAD */
};

/* One line (without its newline) in git's config syntax: '#' and ';'
 * comments, [section] headers, `name = value` with "quoted" parts and the
 * escapes \" \\ \n \t \b, a '#' or ';' outside quotes ending the value,
 * trailing unquoted blanks dropped.  Names are case-insensitive: lowered. */
void nr_cfg_parse_line(const char *line, struct nr_cfg_line *out);

/* Whether section is one of ours (sign, verify, upload). */
bool nr_cfg_section_known(const char *section);

/* A full key's value against its kind.  0 when fine (*value may be
 * normalised: a bare boolean key becomes "true"); -1 with why filled
 * ("unknown key ..." with the closest known keys, or what is wrong with the
 * value). */
int nr_cfg_check(const char *key, bool has_value, char *value, size_t value_size, char *why,
                 size_t whylen);

/* The closest known keys to key (or sections to section, when key is
 * NULL), as "did you mean 'a' or 'b'?", else the list to choose from. */
void nr_cfg_suggest(const char *section, const char *key, char *out, size_t outlen);

#endif
