/* SPDX-License-Identifier: MIT */
/* QEMU keyval lists, as QemuOpts and keyval.c read them: items split at ','
 * (",," is a comma inside a value), "name=value" or a bare item, dotted
 * names ("file.password") judged by their last component.  The same model
 * reads the options of an rbd: filename, split at ':' with backslash
 * escapes ("rbd:pool/img:id=admin:key=AQB...==:mon_host=a\:6789").
 *
 * A few items are secrets only by what else the list says, so a list is
 * read twice: first what kind of list it is, then its values:
 *   -object secret,id=s0,data=VALUE          data of a secret object
 *   -fw_cfg name=opt/io.systemd.credentials/NAME,string=VALUE
 *   -global driver=D,property=password,value=VALUE
 */
#include "scrub_model.h"

#include <string.h>

#define CREDS_DIR "opt/io.systemd.credentials/"

static const struct nr_scrub_term comma_term = { .comma_name = true };

/* Whether v[j] starts "name=". */
static bool option_at(const struct nr_scrub_view *v, size_t j)
{
	size_t k = j;

	while (k < v->n && nr_scrub_is_name(v->p[k]))
		k++;
	return k > j && k < v->n && v->p[k] == '=';
}

static bool escaped(const struct nr_scrub_view *v, size_t i, char sep)
{
	return (sep == ',' && v->p[i] == ',' && i + 1 < v->n && v->p[i + 1] == ',') ||
	       (sep == ':' && v->p[i] == '\\');
}

/* Index after the JSON string whose quote is v[i]. */
static size_t string_end(const struct nr_scrub_view *v, size_t i)
{
	char q = v->p[i];

	for (i++; i < v->n && v->p[i] != q; i++)
		if (v->p[i] == '\\')
			i++;
	return i < v->n ? i : v->n - 1;
}

/* Index of the separator that ends the item starting at v[i], or v->n.
 * QEMU wants a json:{...} value's commas doubled; written single, they are
 * still not the list's, so separators inside braces do not count. */
static size_t item_end(const struct nr_scrub_view *v, size_t i, char sep)
{
	unsigned braces = 0;

	for (; i < v->n; i++) {
		char c = v->p[i];

		if (escaped(v, i, sep))
			i++;
		else if (c == '{')
			braces++;
		else if (c == '}' && braces > 0)
			braces--;
		else if (braces > 0 && c == '"')
			i = string_end(v, i);
		else if (c == sep && braces == 0)
			return i;
	}
	return v->n;
}

/* Index of the end of a secret value that starts at v[i] in a list with
 * separator sep: QEMU parses an unescaped separator as the end, but a
 * value that is no QEMU option may hold one, so it ends only where
 * "<sep>name=" starts the next option. */
static size_t value_end(const struct nr_scrub_view *v, size_t i, char sep)
{
	for (; i < v->n; i++) {
		if (escaped(v, i, sep))
			i++;
		else if (v->p[i] == sep && option_at(v, i + 1))
			return i;
	}
	return v->n;
}

/* What the list's other items say about its values. */
struct facts {
	bool secret_object;     /* -object secret,...: data= is the secret */
	bool credential;        /* -fw_cfg name=opt/io.systemd.credentials/...: string= */
	bool secret_property;   /* -global ...,property=password: value= */
};

static unsigned facts_bits(const struct facts *f)
{
	return (f->secret_object ? 1u : 0) | (f->credential ? 2u : 0) |
	       (f->secret_property ? 4u : 0);
}

static void facts_add(struct facts *f, unsigned bits)
{
	f->secret_object = f->secret_object || (bits & 1u);
	f->credential = f->credential || (bits & 2u);
	f->secret_property = f->secret_property || (bits & 4u);
}

/* An argument longer than a window is read in pieces: the list that
 * starts a window goes on from the last one, and the one that ends it goes
 * on in the next ("-object secret,..." 100 KiB before its data=). */
static void facts_carry(struct nr_scrub_scan *sc, const struct nr_scrub_view *v, struct facts *f)
{
	if (sc->depth != 1 || v->n == 0)
		return;
	if (nr_scrub_view_lo(v, 0) == 0)
		facts_add(f, sc->kv_facts_in);
	if (nr_scrub_view_hi(v, v->n - 1) >= sc->raw_len)
		sc->kv_facts_out = facts_bits(f);
}

static bool is(const struct nr_scrub_view *v, size_t a, size_t b, const char *word)
{
	return nr_scrub_ci_equal(v->p + a, b - a, word);
}

/* fw_cfg items under opt/io.systemd.credentials/ are systemd credentials;
 * an item whose own name says password is one too. */
static bool fw_cfg_secret(const struct nr_scrub_view *v, size_t a, size_t b)
{
	const char *slash;

	if (nr_scrub_ci_prefix(v->p + a, b - a, CREDS_DIR))
		return true;
	slash = memrchr(v->p + a, '/', b - a);
	if (slash)
		a = (size_t)(slash - v->p) + 1;
	return nr_scrub_name_class(v->p + a, b - a) == NR_SCRUB_NAME_SECRET;
}

static struct facts read_facts(const struct nr_scrub_view *v)
{
	struct facts f = { 0 };
	size_t i = 0, e, eq;
	const char *q;

	for (; i <= v->n; i = e + 1) {
		e = item_end(v, i, ',');
		q = memchr(v->p + i, '=', e - i);
		if (!q) {
			f.secret_object = f.secret_object || (i == 0 && is(v, i, e, "secret"));
			continue;
		}
		eq = (size_t)(q - v->p);
		if (is(v, i, eq, "qom-type"))
			f.secret_object = f.secret_object || is(v, eq + 1, e, "secret");
		else if (is(v, i, eq, "name"))
			f.credential = f.credential || fw_cfg_secret(v, eq + 1, e);
		else if (is(v, i, eq, "property"))
			f.secret_property = f.secret_property ||
			                    nr_scrub_name_class(v->p + eq + 1, e - eq - 1) ==
			                            NR_SCRUB_NAME_SECRET;
	}
	return f;
}

/* A name is the run of name bytes before '=': in "(password=x)" or a
 * JSON member that lost its ",," ("file.cookie":"a=b") only that run
 * names anything. */
static size_t name_start(const struct nr_scrub_view *v, size_t i, size_t eq)
{
	size_t a = eq;

	while (a > i && nr_scrub_is_name(v->p[a - 1]))
		a--;
	return a;
}

/* An environment variable's name: upper case, digits and '_' (QEMU's
 * properties are lower case). */
static bool is_env_name(const struct nr_scrub_view *v, size_t a, size_t b)
{
	size_t i;

	if (a == b || (v->p[a] >= '0' && v->p[a] <= '9'))
		return false;
	for (i = a; i < b; i++)
		if (!((v->p[i] >= 'A' && v->p[i] <= 'Z') || (v->p[i] >= '0' && v->p[i] <= '9') ||
		      v->p[i] == '_'))
			return false;
	return true;
}

static enum nr_scrub_name item_class(const struct nr_scrub_view *v, size_t a, size_t eq,
                                     const struct facts *f)
{
	enum nr_scrub_name cls = nr_scrub_name_class(v->p + a, eq - a);

	if ((f->secret_object && is(v, a, eq, "data")) || (f->credential && is(v, a, eq, "string")) ||
	    (f->secret_property && is(v, a, eq, "value")))
		return NR_SCRUB_NAME_SECRET;
	return cls;
}

/* The value with ",," read as ',', for the models that read it further. */
static struct nr_scrub_view unescape(struct nr_scrub_scan *sc, const struct nr_scrub_view *v,
                                     char sep)
{
	struct nr_scrub_vbuild b;
	size_t i;

	if (sep != ',' || !memmem(v->p, v->n, ",,", 2) || !nr_scrub_vb_begin(sc->arena, &b, v->n))
		return *v;
	for (i = 0; i < v->n; i++) {
		if (v->p[i] == ',' && i + 1 < v->n && v->p[i + 1] == ',') {
			nr_scrub_vb_put(&b, ',', v, i, i + 2);
			i++;
		} else {
			nr_scrub_vb_put(&b, v->p[i], v, i, i + 1);
		}
	}
	return b.v;
}

void nr_scrub_kv(struct nr_scrub_scan *sc, const struct nr_scrub_view *v, char sep)
{
	struct facts f = { 0 };
	struct nr_scrub_view val;
	enum nr_scrub_name cls;
	size_t i, e, eq;
	const char *q;

	if (sep == ',') {
		f = read_facts(v);
		facts_carry(sc, v, &f);
	}
	for (i = 0; i < v->n && nr_scrub_ok(sc); i = e + 1) {
		e = item_end(v, i, sep);
		q = memchr(v->p + i, '=', e - i);
		if (!q) {
			val = nr_scrub_view_sub(v, i, e);
			sc->hooks->value(sc, &val, NR_SCRUB_LEAF);
			continue;
		}
		eq = (size_t)(q - v->p);
		cls = item_class(v, name_start(v, i, eq), eq, &f);
		if (cls == NR_SCRUB_NAME_PLAIN || cls == NR_SCRUB_NAME_REF) {
			val = nr_scrub_view_sub(v, eq + 1, e);
			val = unescape(sc, &val, sep);
		} else {
			/* a secret's value may run over what looks like items, and
			 * a variable's (DB_PASSWORD=a,b=c) is all the rest */
			e = i == 0 && sep == ',' && is_env_name(v, 0, eq)
				    ? v->n
				    : value_end(v, eq + 1, sep);
			val = nr_scrub_view_sub(v, eq + 1, e);
		}
		sc->hooks->named(sc, cls, &val, sep == ',' ? &comma_term : NULL);
	}
}
