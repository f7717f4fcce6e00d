/* SPDX-License-Identifier: MIT */
/* os-release parser: see parse_osrel.h. */
#include "parse_osrel.h"
#include "parse_text.h"

#include <errno.h>
#include <string.h>

/* Unquote v into tmp (at most tmplen bytes); returns the span of the
 * result.  A value with an unterminated quote is taken up to the line's
 * end, as a lenient reader would: no guess beyond the bytes given. */
static struct nr_span unquote(struct nr_span v, char *tmp, size_t tmplen)
{
	size_t i, o = 0;
	char q;

	if (v.len == 0 || (v.p[0] != '"' && v.p[0] != '\''))
		return v;
	q = v.p[0];
	for (i = 1; i < v.len && v.p[i] != q && o < tmplen; i++) {
		if (q == '"' && v.p[i] == '\\' && i + 1 < v.len && strchr("\\\"$`", v.p[i + 1]))
			i++;
		tmp[o++] = v.p[i];
	}
	return (struct nr_span){ tmp, o };
}

int nr_os_release_parse(const char *buf, size_t len, struct nr_os_release *out)
{
	static const struct { const char *key; size_t off, size; } keys[] = {
		{ "ID", offsetof(struct nr_os_release, id), sizeof(out->id) },
		{ "ID_LIKE", offsetof(struct nr_os_release, id_like), sizeof(out->id_like) },
		{ "VERSION_ID", offsetof(struct nr_os_release, version_id), sizeof(out->version_id) },
		{ "PRETTY_NAME", offsetof(struct nr_os_release, pretty_name), sizeof(out->pretty_name) },
	};
	struct nr_span line, key, val;
	char tmp[512];
	size_t pos = 0, k;
	int found = 0;

	memset(out, 0, sizeof(*out));
	while (nr_text_next_line(buf, len, &pos, &line)) {
		line = nr_span_trim(line);
		if (line.len == 0 || line.p[0] == '#' || !nr_span_split(line, '=', &key, &val))
			continue;
		for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			if (nr_span_eq(key, keys[k].key)) {
				nr_span_copy(unquote(val, tmp, sizeof(tmp)), (char *)out + keys[k].off,
				             keys[k].size);
				found = 1;
			}
	}
	return found ? 0 : -EINVAL;
}
