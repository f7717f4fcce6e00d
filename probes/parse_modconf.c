/* SPDX-License-Identifier: MIT */
/* Module configuration parsers: see parse_modconf.h. */
#include "parse_modconf.h"
#include "parse_text.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Copy a module or parameter name with '-' as '_'. */
static void copy_name(struct nr_span s, char *dst, size_t dstsize)
{
	char *p;

	nr_span_copy(s, dst, dstsize);
	for (p = dst; *p; p++)
		if (*p == '-')
			*p = '_';
}

static bool name_matches(struct nr_span module, const char *prefix)
{
	size_t n = strlen(prefix), i;

	if (module.len < n)
		return false;
	for (i = 0; i < n; i++)
		if ((module.p[i] == '-' ? '_' : module.p[i]) != prefix[i])
			return false;
	return true;
}

/* The next word of s from *pos: blanks separate, double quotes group (and
 * are dropped from the value by the caller). */
static bool next_word(struct nr_span s, size_t *pos, struct nr_span *w)
{
	size_t i = *pos;
	bool quoted = false;

	while (i < s.len && (s.p[i] == ' ' || s.p[i] == '\t'))
		i++;
	if (i >= s.len) {
		*pos = i;
		return false;
	}
	w->p = s.p + i;
	while (i < s.len && (quoted || (s.p[i] != ' ' && s.p[i] != '\t'))) {
		if (s.p[i] == '"')
			quoted = !quoted;
		i++;
	}
	w->len = (size_t)(s.p + i - w->p);
	*pos = i;
	return true;
}

/* "PARAM=VALUE" (quotes around the value, or around the whole, dropped). */
static void split_assignment(struct nr_span w, struct nr_modconf *e)
{
	struct nr_span k = w, v = { w.p + w.len, 0 };
	const char *eq = memchr(w.p, '=', w.len);

	if (eq) {
		k.len = (size_t)(eq - w.p);
		v.p = eq + 1;
		v.len = w.len - k.len - 1;
	}
	if (k.len && k.p[0] == '"') {
		k.p++;
		k.len--;
	}
	if (v.len && v.p[0] == '"') {
		v.p++;
		v.len--;
	}
	if (v.len && v.p[v.len - 1] == '"')
		v.len--;
	else if (!eq && k.len && k.p[k.len - 1] == '"')
		k.len--;
	copy_name(k, e->param, sizeof(e->param));
	nr_span_copy(v, e->value, sizeof(e->value));
}

/* One logical line (continuations joined into buf); returns its directives. */
static size_t parse_directive(struct nr_span line, int lineno, const char *prefix,
                              struct nr_modconf *out, size_t max)
{
	struct nr_span cmd, module, w;
	size_t pos = 0, n = 0;
	enum nr_modconf_kind kind;

	if (!next_word(line, &pos, &cmd) || !next_word(line, &pos, &module) ||
	    !name_matches(module, prefix))
		return 0;
	if (nr_span_eq(cmd, "options"))
		kind = NR_MODCONF_OPTION;
	else if (nr_span_eq(cmd, "blacklist"))
		kind = NR_MODCONF_BLACKLIST;
	else if (nr_span_eq(cmd, "install"))
		kind = NR_MODCONF_INSTALL;
	else
		return 0;
	if (kind != NR_MODCONF_OPTION) {
		if (max == 0)
			return 0;
		memset(out, 0, sizeof(*out));
		out->kind = kind;
		out->line = lineno;
		copy_name(module, out->module, sizeof(out->module));
		if (kind == NR_MODCONF_INSTALL)
			nr_span_copy_collapsed((struct nr_span){ line.p + pos, line.len - pos }, out->value,
			                       sizeof(out->value));
		return 1;
	}
	while (n < max && next_word(line, &pos, &w)) {
		memset(&out[n], 0, sizeof(out[n]));
		out[n].kind = kind;
		out[n].line = lineno;
		copy_name(module, out[n].module, sizeof(out[n].module));
		split_assignment(w, &out[n]);
		n += out[n].param[0] != '\0';
	}
	return n;
}

size_t nr_modconf_parse(const char *buf, size_t len, const char *prefix,
                        struct nr_modconf *out, size_t max)
{
	char *joined = malloc(len + 1);
	struct nr_span line;
	size_t pos = 0, n = 0, jl = 0;
	int lineno = 0, start = 0;

	if (!joined)
		return 0;
	while (nr_text_next_line(buf, len, &pos, &line)) {
		lineno++;
		if (jl == 0)
			start = lineno;
		memcpy(joined + jl, line.p, line.len);
		jl += line.len;
		if (jl > 0 && joined[jl - 1] == '\\') {
			joined[jl - 1] = ' ';
			continue;
		}
		line = nr_span_trim((struct nr_span){ joined, jl });
		if (line.len && line.p[0] != '#')
			n += parse_directive(line, start, prefix, out + n, max - n);
		jl = 0;
	}
	line = nr_span_trim((struct nr_span){ joined, jl });
	if (line.len && line.p[0] != '#')
		n += parse_directive(line, start, prefix, out + n, max - n);
	free(joined);
	return n;
}

size_t nr_modconf_cmdline(const char *buf, size_t len, const char *prefix,
                          struct nr_modconf *out, size_t max)
{
	struct nr_span all = { buf ? buf : "", buf ? len : 0 }, w;
	size_t pos = 0, n = 0;

	/* One line: the first. */
	if (memchr(all.p, '\n', all.len))
		all.len = (size_t)((const char *)memchr(all.p, '\n', all.len) - all.p);
	while (n < max && next_word(all, &pos, &w)) {
		const char *dot = memchr(w.p, '.', w.len), *eq = memchr(w.p, '=', w.len);
		struct nr_span module;

		if (nr_span_eq(w, "--"))
			break;
		/* MODULE.PARAM[=VALUE]: the dot must come before any '='. */
		if (!dot || (eq && eq < dot))
			continue;
		module = (struct nr_span){ w.p, (size_t)(dot - w.p) };
		if (!name_matches(module, prefix))
			continue;
		memset(&out[n], 0, sizeof(out[n]));
		out[n].kind = NR_MODCONF_OPTION;
		copy_name(module, out[n].module, sizeof(out[n].module));
		split_assignment((struct nr_span){ dot + 1, w.len - (size_t)(dot + 1 - w.p) }, &out[n]);
		/* A bare "kvm-intel.nested" sets a bool param to true. */
		if (!eq)
			memcpy(out[n].value, "1", 2);
		n += out[n].param[0] != '\0';
	}
	return n;
}

enum nr_tri nr_modconf_bool(const char *v)
{
	const char *p;

	if (!v || !*v)
		return NR_TRI_UNKNOWN;
	switch (v[0]) {
	case 'y': case 'Y': case '1':
		if (v[0] != '1' || v[1] == '\0')
			return NR_TRI_TRUE;
		break;
	case 'n': case 'N': case '0':
		if (v[0] != '0' || v[1] == '\0')
			return NR_TRI_FALSE;
		break;
	case 'o': case 'O':
		if (v[1] == 'n' || v[1] == 'N')
			return NR_TRI_TRUE;
		if (v[1] == 'f' || v[1] == 'F')
			return NR_TRI_FALSE;
		return NR_TRI_UNKNOWN;
	}
	/* An int parameter used as a flag: "2" is on, "00" is off. */
	p = v + (v[0] == '-' || v[0] == '+');
	if (!*p || strspn(p, "0123456789") != strlen(p) || strlen(p) > 9)
		return NR_TRI_UNKNOWN;
	return strtol(v, NULL, 10) != 0 ? NR_TRI_TRUE : NR_TRI_FALSE;
}

/* "NAME:DESCRIPTION (TYPE)" or "NAME:TYPE" */
static void modinfo_param(struct nr_span v, struct nr_modinfo *out)
{
	struct nr_modinfo_param *p;
	const char *colon = memchr(v.p, ':', v.len), *open;
	struct nr_span rest;

	if (!colon || colon == v.p || out->n_params >= NR_MODINFO_MAX_PARAMS)
		return;
	p = &out->params[out->n_params++];
	memset(p, 0, sizeof(*p));
	nr_span_copy((struct nr_span){ v.p, (size_t)(colon - v.p) }, p->name, sizeof(p->name));
	rest = nr_span_trim((struct nr_span){ colon + 1, v.len - (size_t)(colon + 1 - v.p) });
	if (rest.len && rest.p[rest.len - 1] == ')' && (open = memrchr(rest.p, '(', rest.len)) &&
	    open > rest.p) {
		nr_span_copy((struct nr_span){ open + 1, (size_t)(rest.p + rest.len - 1 - open - 1) },
		             p->type, sizeof(p->type));
		nr_span_copy_collapsed((struct nr_span){ rest.p, (size_t)(open - rest.p) },
		                       p->description, sizeof(p->description));
	} else if (rest.len && !memchr(rest.p, ' ', rest.len)) {
		nr_span_copy(rest, p->type, sizeof(p->type));
	} else {
		nr_span_copy_collapsed(rest, p->description, sizeof(p->description));
	}
}

int nr_modinfo_parse(const char *buf, size_t len, struct nr_modinfo *out)
{
	struct nr_span line, key, val;
	size_t pos = 0;

	memset(out, 0, sizeof(*out));
	while (nr_text_next_line(buf, len, &pos, &line)) {
		/* Continuation lines (a signature's hex) start with a tab. */
		if (line.len == 0 || line.p[0] == '\t' || line.p[0] == ' ' ||
		    !nr_span_split(line, ':', &key, &val))
			continue;
		if (nr_span_eq(key, "filename"))
			nr_span_copy(val, out->filename, sizeof(out->filename));
		else if (nr_span_eq(key, "name"))
			nr_span_copy(val, out->name, sizeof(out->name));
		else if (nr_span_eq(key, "vermagic"))
			nr_span_copy_collapsed(val, out->vermagic, sizeof(out->vermagic));
		else if (nr_span_eq(key, "parm"))
			modinfo_param(val, out);
	}
	if (!out->name[0] && out->filename[0] == '/') {
		/* Older kmod prints no name: take it from the file ("kvm-intel.ko.xz"). */
		const char *base = strrchr(out->filename, '/') + 1;
		struct nr_span s = { base, strcspn(base, ".") };

		copy_name(s, out->name, sizeof(out->name));
	}
	return out->filename[0] || out->name[0] ? 0 : -EINVAL;
}
