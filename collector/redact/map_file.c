/* SPDX-License-Identifier: MIT */
/* BUNDLE.redact-map.json: what each placeholder stands for.
 *
 * It is the one file that undoes the redaction, so it is written beside the
 * bundle, never inside it, with mode 0600 from its creation (mkostemp), and
 * never over an existing file.  Reading one back (--redact-map) gives a new
 * run the same placeholders for the same identities; the file is the
 * user's own, but it is still parsed strictly and capped. */
#include "redact_internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAP_FORMAT "nest-report redaction map"
#define MAP_WARNING "This file maps the placeholders of a redacted bundle back to the real " \
	"names and addresses. Keep it private: never attach or upload it."

char *nr_redact_map_path(const char *bundle)
{
	char *p = NULL;

	if (asprintf(&p, "%s.redact-map.json", bundle) < 0)
		return NULL;
	return p;
}

/* A JSON string: the originals are names and addresses (user words are
 * valid UTF-8 without control characters), so only '"' and '\\' need
 * escaping; anything below 0x20 is escaped anyway. */
static void put_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* Written entry by entry: a map of a quarter million identities is not
 * built in memory first. */
static int write_map(FILE *f, const struct nr_redactor *r, const char *bundle)
{
	const char *slash = strrchr(bundle, '/');
	size_t i;

	fprintf(f, "{\n  \"format\": \"%s\",\n  \"version\": %d,\n  \"bundle\": ", MAP_FORMAT,
	        NR_REDACT_VERSION);
	put_string(f, slash ? slash + 1 : bundle);
	fprintf(f, ",\n  \"warning\": \"%s\",\n  \"entries\": [", MAP_WARNING);
	for (i = 0; i < r->n; i++) {
		fprintf(f, "%s\n    { \"kind\": \"%s\", \"original\": ", i ? "," : "",
		        nr_ident_kind_name(r->ids[i].kind));
		put_string(f, r->ids[i].original);
		fprintf(f, ", \"placeholder\": ");
		put_string(f, r->ids[i].placeholder);
		fprintf(f, " }");
	}
	fprintf(f, "%s]\n}\n", r->n ? "\n  " : "");
	return fflush(f) == 0 && !ferror(f) ? 0 : -(errno ? errno : EIO);
}

int nr_redact_map_write(const struct nr_redactor *r, const char *path, const char *bundle,
                        struct nr_error *err)
{
	const char *slash = strrchr(path, '/');
	FILE *f = NULL;
	char tmp[4096];
	int fd = -1, rc = 0;

	tmp[0] = '\0';
	if (snprintf(tmp, sizeof(tmp), "%.*s.redact-map.tmp-XXXXXX", slash ? (int)(slash - path + 1) : 0,
	             path) >= (int)sizeof(tmp)) {
		tmp[0] = '\0';
		rc = nr_error_set(err, ENAMETOOLONG, "%s: name too long", path);
		goto out;
	}
	/* mkostemp creates it 0600: the map is never readable by others, not
	 * even for a moment. */
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		tmp[0] = '\0';
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		rc = nr_error_set(err, errno, "cannot create the redaction map beside %s: %s", path,
		                  strerror(errno));
		goto out;
	}
	errno = 0;
	rc = write_map(f, r, bundle);
	if (rc == 0 && (fchmod(fd, 0600) < 0 || fsync(fd) < 0))
		rc = -errno;
	if (rc == 0 && link(tmp, path) < 0)
		rc = -errno;
	if (rc == -EEXIST)
		rc = nr_error_set(err, EEXIST, "%s already exists; not replaced", path);
	else if (rc < 0)
		rc = nr_error_set(err, -rc, "cannot write %s: %s", path, strerror(-rc));
out:
	if (f)
		fclose(f);
	else if (fd >= 0)
		close(fd);
	if (tmp[0])
		unlink(tmp);
	return rc;
}

/* ---- loading --------------------------------------------------------------- */

static int kind_of(const char *name)
{
	int k;

	for (k = 0; k < NR_ID_KINDS; k++)
		if (strcmp(nr_ident_kind_name((enum nr_ident_kind)k), name) == 0)
			return k;
	return -1;
}

static void raise_to(unsigned *counter, unsigned long v)
{
	if (v > *counter && v < 0xffffffffUL)
		*counter = (unsigned)v;
}

/* "host-12", "domain-3.example": the number. */
static unsigned long number_in(const char *ph)
{
	const char *dash = strchr(ph, '-');

	return dash ? strtoul(dash + 1, NULL, 10) : 0;
}

/* Re-enter an address's network so that new addresses of the same /24 or
 * /64 land in the same placeholder network. */
static int load_ipv4(struct nr_redactor *r, const char *orig, const char *ph)
{
	uint32_t a, p;
	struct nr_bkey key;
	unsigned char b[4];
	unsigned k;

	if (nr_shape_ipv4(orig, strlen(orig), &a) != strlen(orig) ||
	    nr_shape_ipv4(ph, strlen(ph), &p) != strlen(ph))
		return -EINVAL;
	if ((p >> 17) == (0xc6120000u >> 17))
		k = (p - 0xc6120000u) >> 8;
	else if ((p >> 28) == 0xf)
		k = 512 + ((p - 0xf0000000u) >> 8);
	else
		return -EINVAL;
	b[0] = (unsigned char)(a >> 24), b[1] = (unsigned char)(a >> 16);
	b[2] = (unsigned char)(a >> 8), b[3] = (unsigned char)a;
	nr_bkey_make(&key, 'n', b, 3);
	if (nr_btab_get(&r->nets, &key) < 0 && nr_btab_put(&r->nets, &key, k) < 0)
		return -ENOMEM;
	raise_to(&r->nets4, k);
	nr_bkey_make(&key, '4', b, 4);
	return nr_ident_add_shape(r, NR_ID_IPV4, &key, orig, ph, false) < 0 ? -ENOMEM : 0;
}

static int load_ipv6(struct nr_redactor *r, const char *orig, const char *ph)
{
	unsigned char a[16], p[16];
	struct nr_bkey key;
	unsigned long iid;

	if (inet_pton(AF_INET6, orig, a) != 1 || inet_pton(AF_INET6, ph, p) != 1)
		return -EINVAL;
	iid = (unsigned long)p[12] << 24 | (unsigned long)p[13] << 16 | (unsigned long)p[14] << 8 | p[15];
	if (p[0] == 0xfd) {
		unsigned k = (unsigned)p[4] << 24 | (unsigned)p[5] << 16 | (unsigned)p[6] << 8 | p[7];

		nr_bkey_make(&key, 'p', a, 8);
		if (nr_btab_get(&r->nets, &key) < 0 && nr_btab_put(&r->nets, &key, k) < 0)
			return -ENOMEM;
		raise_to(&r->nets6, k);
	}
	/* Numbered interface ids (not the ::ffff: form, not an EUI-64 one). */
	if ((p[0] == 0xfd || p[0] == 0xfe) && p[11] != 0xff && iid > r->iids)
		r->iids = iid;
	nr_bkey_make(&key, '6', a, 16);
	return nr_ident_add_shape(r, NR_ID_IPV6, &key, orig, ph, false) < 0 ? -ENOMEM : 0;
}

static int load_entry(struct nr_redactor *r, int kind, const char *orig, const char *ph)
{
	unsigned char b[16], pb[16];
	struct nr_bkey key;
	char sep;
	size_t n = strlen(orig);

	switch (kind) {
	case NR_ID_IPV4:
		return load_ipv4(r, orig, ph);
	case NR_ID_IPV6:
		return load_ipv6(r, orig, ph);
	case NR_ID_MAC:
		if (nr_shape_mac(orig, n, b, &sep) != n || nr_shape_mac(ph, strlen(ph), pb, &sep) != 17)
			return -EINVAL;
		raise_to(&r->next[NR_ID_MAC], (unsigned long)pb[3] << 16 | (unsigned long)pb[4] << 8 | pb[5]);
		nr_bkey_make(&key, 'm', b, 6);
		return nr_ident_add_shape(r, NR_ID_MAC, &key, orig, ph, false) < 0 ? -ENOMEM : 0;
	case NR_ID_UUID:
		if (nr_shape_uuid(orig, n, b) != n || nr_shape_uuid(ph, strlen(ph), pb) != 36)
			return -EINVAL;
		raise_to(&r->next[NR_ID_UUID], strtoul(ph + 24, NULL, 16));
		nr_bkey_make(&key, 'u', b, 16);
		return nr_ident_add_shape(r, NR_ID_UUID, &key, orig, ph, false) < 0 ? -ENOMEM : 0;
	default:
		if (n == 0 || n > NR_REDACT_WORD_MAX || strlen(ph) > 64)
			return -EINVAL;
		raise_to(&r->next[kind], number_in(ph));
		return nr_ident_add_word(r, (enum nr_ident_kind)kind, orig, n, ph,
		                         nr_redact_word_shape(orig, n, kind == NR_ID_WORD) &&
		                                 (kind == NR_ID_WORD || !nr_redact_stopword(orig, n))) < 0
		               ? -ENOMEM
		               : 0;
	}
}

static json_object *read_json(const char *path, struct nr_error *err)
{
	json_tokener *tok = json_tokener_new();
	json_object *o = NULL;
	char buf[65536];
	size_t total = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0 || !tok) {
		nr_error_set(err, fd < 0 ? errno : ENOMEM, "cannot read %s: %s", path,
		             strerror(fd < 0 ? errno : ENOMEM));
		goto out;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	while ((n = read(fd, buf, sizeof(buf))) > 0 && !o) {
		total += (size_t)n;
		if (total > NR_REDACT_MAP_FILE_MAX) {
			nr_error_set(err, EFBIG, "%s: larger than %u MiB", path, NR_REDACT_MAP_FILE_MAX >> 20);
			goto out;
		}
		o = json_tokener_parse_ex(tok, buf, (int)n);
		if (!o && json_tokener_get_error(tok) != json_tokener_continue) {
			nr_error_set(err, EBADMSG, "%s: not a redaction map (%s)", path,
			             json_tokener_error_desc(json_tokener_get_error(tok)));
			goto out;
		}
	}
	if (!o)
		nr_error_set(err, n < 0 ? errno : EBADMSG, "%s: %s", path,
		             n < 0 ? strerror(errno) : "not a redaction map (truncated)");
out:
	if (fd >= 0)
		close(fd);
	if (tok)
		json_tokener_free(tok);
	return o;
}

int nr_redact_map_load(struct nr_redactor *r, const char *path, struct nr_error *err)
{
	json_object *o, *entries = NULL, *fmt = NULL;
	size_t i, n;
	int rc = 0;

	if (r->n > 0)
		return nr_error_set(err, EINVAL, "a redaction map must be loaded before anything is learnt");
	o = read_json(path, err);
	if (!o)
		return -(err->code ? err->code : EBADMSG);
	if (!json_object_object_get_ex(o, "format", &fmt) ||
	    !json_object_is_type(fmt, json_type_string) ||
	    strcmp(json_object_get_string(fmt), MAP_FORMAT) != 0 ||
	    !json_object_object_get_ex(o, "entries", &entries) ||
	    !json_object_is_type(entries, json_type_array)) {
		rc = nr_error_set(err, EBADMSG, "%s: not a nest-report redaction map", path);
		goto out;
	}
	n = json_object_array_length(entries);
	for (i = 0; i < n && rc == 0; i++) {
		json_object *e = json_object_array_get_idx(entries, i), *k, *orig, *ph;
		int kind;

		if (!json_object_object_get_ex(e, "kind", &k) ||
		    !json_object_object_get_ex(e, "original", &orig) ||
		    !json_object_object_get_ex(e, "placeholder", &ph) ||
		    !json_object_is_type(k, json_type_string) || !json_object_is_type(orig, json_type_string) ||
		    !json_object_is_type(ph, json_type_string) ||
		    (kind = kind_of(json_object_get_string(k))) < 0) {
			rc = nr_error_set(err, EBADMSG, "%s: entry %zu is malformed", path, i + 1);
			break;
		}
		rc = load_entry(r, kind, json_object_get_string(orig), json_object_get_string(ph));
		if (rc == -EINVAL)
			rc = nr_error_set(err, EBADMSG, "%s: entry %zu: '%.40s' is not a %s", path, i + 1,
			             json_object_get_string(ph), json_object_get_string(k));
		else if (rc < 0)
			nr_error_set(err, -rc, "out of memory");
	}
out:
	json_object_put(o);
	return rc;
}
