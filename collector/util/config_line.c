/* SPDX-License-Identifier: MIT */
#include "config_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static int name_char(int c)
{
	return isalnum(c) || c == '-' || c == '_';
}

static const char *skip_blanks(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static int rest_is_comment(const char *p)
{
	p = skip_blanks(p);
	return !*p || *p == '#' || *p == ';';
}

static void bad(struct nr_cfg_line *out, const char *why)
{
	out->kind = NR_CFG_BAD;
	snprintf(out->why, sizeof(out->why), "%s", why);
}

/* [name] or [name "sub"], lowercased; git allows '.' in the name too. */
static void parse_section(const char *p, struct nr_cfg_line *out)
{
	size_t n = 0;

	p = skip_blanks(p + 1);
	while ((name_char((unsigned char)*p) || *p == '.') && n + 1 < sizeof(out->section))
		out->section[n++] = (char)tolower((unsigned char)*p++);
	out->section[n] = '\0';
	p = skip_blanks(p);
	if (*p == '"') {
		out->subsection = true;
		for (p++; *p && *p != '"'; p++)
			if (*p == '\\' && p[1])
				p++;
		if (*p == '"')
			p = skip_blanks(p + 1);
	}
	if (n == 0 || *p != ']' || !rest_is_comment(p + 1))
		return bad(out, "malformed section header: expected '[section]'");
	out->kind = NR_CFG_SECTION;
}

/* The value after '=': quotes and escapes resolved, an unquoted comment
 * cut, trailing unquoted blanks dropped. */
static void parse_value(const char *p, struct nr_cfg_line *out)
{
	size_t n = 0, keep = 0;
	bool quoted = false;

	for (p = skip_blanks(p); *p && (quoted || (*p != '#' && *p != ';')); p++) {
		bool literal = quoted;
		char c = *p;

		if (c == '"') {
			quoted = !quoted;
			continue;
		}
		if (c == '\\') {
			literal = true;
			switch (*++p) {
			case '"': case '\\': c = *p; break;
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'b': c = '\b'; break;
			default: return bad(out, "bad escape in the value (\\\" \\\\ \\n \\t \\b only)");
			}
		}
		if (n + 1 >= sizeof(out->value))
			return bad(out, "value too long");
		out->value[n++] = c;
		if (literal || (c != ' ' && c != '\t'))
			keep = n;
	}
	if (quoted)
		return bad(out, "unterminated quote in the value");
	out->value[keep] = '\0';
	out->kind = NR_CFG_PAIR;
}

void nr_cfg_parse_line(const char *line, struct nr_cfg_line *out)
{
	const char *p = skip_blanks(line);
	size_t n = 0;

	memset(out, 0, sizeof(*out));
	if (!*p || *p == '#' || *p == ';' || *p == '\r') {
		out->kind = NR_CFG_BLANK;
		return;
	}
	if (*p == '[')
		return parse_section(p, out);
	if (!isalpha((unsigned char)*p))
		return bad(out, "expected 'key = value' or '[section]'");
	while ((name_char((unsigned char)*p) || *p == '.') && n + 1 < sizeof(out->key))
		out->key[n++] = (char)tolower((unsigned char)*p++);
	out->key[n] = '\0';
	p = skip_blanks(p);
	if (rest_is_comment(p)) {
		out->kind = NR_CFG_PAIR;
		return;
	}
	if (*p != '=')
		return bad(out, "expected 'key = value' or '[section]'");
	out->has_value = true;
	parse_value(p + 1, out);
}
