/* SPDX-License-Identifier: MIT */
/* Generated variants of every class of secret issue 19 lists, at the unit
 * level: each case is an argument list with one planted value, generated
 * in several spellings (quoting, case, escapes, position), and each is
 * rendered the three ways nest-report meets a QEMU command line: as
 * /proc/PID/cmdline (NUL-separated), as libvirt logs it (shell-quoted, one
 * line), and as <qemu:arg value=.../> in domain XML (entity-escaped).  For
 * every rendering, in one write and in writes of 1 and 7 bytes:
 *   - no 6 bytes of the planted value are in the output;
 *   - at least one value was counted;
 *   - the output is the same however the input was cut.
 * tests/secrets-gen.py does the same end to end (secrets_*.sh). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scrub_harness.h"

#define ARGS_MAX 16
#define ARG_LEN 512
#define FRAG 6

struct variant {
	char args[ARGS_MAX][ARG_LEN];
	size_t n;
	char secret[32];
};

static unsigned planted;

/* A unique value of letters and digits no output holds by chance. */
static void new_secret(struct variant *v)
{
	static const char letters[] = "QXZJKVW";
	unsigned x = ++planted * 2654435761u, i;

	for (i = 0; i < 14; i += 2) {
		v->secret[i] = letters[x % 7];
		v->secret[i + 1] = (char)('2' + (x / 7) % 8);
		x = x * 1103515245u + 12345u;
	}
	v->secret[14] = '\0';
	v->secret[1] = (char)('2' + planted % 8);   /* no two alike */
	v->secret[3] = (char)('2' + planted / 8 % 8);
	v->secret[5] = (char)('2' + planted / 64 % 8);
}

static void add(struct variant *v, const char *fmt, ...)
{
	va_list ap;

	assert_true(v->n < ARGS_MAX);
	va_start(ap, fmt);
	vsnprintf(v->args[v->n++], ARG_LEN, fmt, ap);
	va_end(ap);
}

/* ---- renderings ----------------------------------------------------------------- */

struct buf {
	char *p;
	size_t len;
};

static void put(struct buf *b, const char *s, size_t n)
{
	scrub_append(&b->p, &b->len, s, n);
}

static void puts_(struct buf *b, const char *s)
{
	put(b, s, strlen(s));
}

static void render_argv(const struct variant *v, struct buf *b)
{
	size_t i;

	puts_(b, "/usr/bin/qemu-system-x86_64");
	put(b, "", 1);
	for (i = 0; i < v->n; i++) {
		puts_(b, v->args[i]);
		put(b, "", 1);
	}
}

/* As virBufferEscapeShell writes it. */
static void render_log(const struct variant *v, struct buf *b)
{
	size_t i;
	const char *p;

	puts_(b, "LC_ALL=C /usr/bin/qemu-system-x86_64");
	for (i = 0; i < v->n; i++) {
		puts_(b, " ");
		if (!strpbrk(v->args[i], "|&;()<>\"'$`\\*?[]#~ \t\n")) {
			puts_(b, v->args[i]);
			continue;
		}
		puts_(b, "'");
		for (p = v->args[i]; *p; p++)
			if (*p == '\'')
				puts_(b, "'\\''");
			else
				put(b, p, 1);
		puts_(b, "'");
	}
	puts_(b, " -msg timestamp=on\nchar device redirected to /dev/pts/1 (label charserial0)\n");
}

static void render_xml(const struct variant *v, struct buf *b, char q)
{
	size_t i;
	const char *p;

	puts_(b, "<domain type='kvm'>\n  <qemu:commandline>\n");
	for (i = 0; i < v->n; i++) {
		puts_(b, "    <qemu:arg value=");
		put(b, &q, 1);
		for (p = v->args[i]; *p; p++) {
			if (*p == '&')
				puts_(b, "&amp;");
			else if (*p == '<')
				puts_(b, "&lt;");
			else if (*p == '"')
				puts_(b, "&quot;");
			else if (*p == '\'')
				puts_(b, "&apos;");
			else
				put(b, p, 1);
		}
		put(b, &q, 1);
		puts_(b, "/>\n");
	}
	puts_(b, "  </qemu:commandline>\n</domain>\n");
}

/* ---- checks --------------------------------------------------------------------- */

static char *printable(char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] == '\0')
			s[i] = '|';
	return s;
}

static void no_fragment(char *out, size_t olen, const char *secret, const char *in)
{
	size_t i, n = strlen(secret);

	for (i = 0; i + FRAG <= n; i++)
		if (memmem(out, olen, secret + i, FRAG)) {
			/* argv renderings hold NULs: show them as '|' */
			print_error("planted %s leaked from:\n%s\n---- as:\n%s\n", secret, in,
				    printable(out, olen));
			fail();
		}
}

static void check_rendering(const struct buf *b, const char *secret)
{
	static const size_t chunks[] = { 0, 1, 7 };
	size_t k, olen, olen0 = 0, count;
	char *out, *out0 = NULL;

	for (k = 0; k < sizeof(chunks) / sizeof(chunks[0]); k++) {
		out = scrub_run(b->p, b->len, chunks[k], SIZE_MAX, &olen, &count);
		no_fragment(out, olen, secret, b->p);
		if (count == 0) {
			print_error("nothing scrubbed in:\n%s\n", b->p);
			fail();
		}
		if (out0) {
			assert_int_equal(olen, olen0);
			assert_memory_equal(out, out0, olen);
			free(out);
		} else {
			out0 = out;
			olen0 = olen;
		}
	}
	free(out0);
}

static void check_variant(const struct variant *v)
{
	struct buf b = { 0 };

	render_argv(v, &b);
	check_rendering(&b, v->secret);
	b.len = 0;
	render_log(v, &b);
	check_rendering(&b, v->secret);
	b.len = 0;
	render_xml(v, &b, '\'');
	check_rendering(&b, v->secret);
	b.len = 0;
	render_xml(v, &b, '"');
	check_rendering(&b, v->secret);
	free(b.p);
}

/* ---- spellings ------------------------------------------------------------------ */

enum { CASE_LOWER, CASE_UPPER, CASE_TITLE, N_CASES };

static void spell_case(char *dst, const char *name, int c)
{
	size_t i;

	for (i = 0; name[i]; i++) {
		char ch = name[i];

		if (c == CASE_UPPER || (c == CASE_TITLE && i == 0))
			ch = ch >= 'a' && ch <= 'z' ? (char)(ch - 'a' + 'A') : ch;
		dst[i] = ch;
	}
	dst[i] = '\0';
}

/* A JSON member name, plain or with letters as \u escapes. */
static void spell_json_name(char *dst, size_t cap, const char *name, int how)
{
	size_t i, o = 0;

	for (i = 0; name[i] && o + 7 < cap; i++) {
		if (how == 1 && i == 0)
			o += (size_t)snprintf(dst + o, cap - o, "\\u%04x", name[i]);
		else if (how == 2)
			o += (size_t)snprintf(dst + o, cap - o, "\\u%04X", name[i]);
		else
			dst[o++] = name[i];
	}
	dst[o] = '\0';
}

/* ---- the classes ----------------------------------------------------------------- */

/* QEMU's JSON: single-quoted strings, \u-escaped names, tabs and newlines,
 * json:{...} pseudo-filenames with dotted keys. */
static void test_json_dialect(void **state)
{
	static const char *const ws[] = { "", " ", "\t", "\n", "\n\t " };
	static const struct { const char *opt, *head, *name; } objs[] = {
		{ "-object", "Qqom-typeQ:QsecretQ,QidQ:Qs0Q", "data" },
		{ "-blockdev", "QdriverQ:QhttpsQ,QurlQ:Qhttps://h/xQ", "cookie" },
		{ "-blockdev", "QdriverQ:QluksQ,Qkey-secretQ:Qsec0Q", "passphrase" },
		{ "-blockdev", "QdriverQ:QiscsiQ,QtransportQ:QtcpQ", "password" },
	};
	char head[256], name[128];
	size_t o, i, k, w = 0;
	int how, last;
	char q;

	(void)state;
	for (o = 0; o < sizeof(objs) / sizeof(objs[0]); o++)
		for (k = 0; k < 2; k++)
			for (how = 0; how < 3; how++)
				for (last = 0; last < 2; last++) {
					struct variant v = { .n = 0 };
					const char *s = ws[w++ % 5];

					q = k ? '\'' : '"';
					for (i = 0; objs[o].head[i]; i++)
						head[i] = objs[o].head[i] == 'Q' ? q : objs[o].head[i];
					head[i] = '\0';
					spell_json_name(name, sizeof(name), objs[o].name, how);
					new_secret(&v);
					add(&v, "%s", objs[o].opt);
					if (last)
						add(&v, "{%s%s,%s%c%s%c%s:%s%c%s%c%s}", s, head, s, q, name, q,
						    s, s, q, v.secret, q, s);
					else
						add(&v, "{%s%c%s%c%s:%s%c%s%c,%s%s%s}", s, q, name, q, s, s, q,
						    v.secret, q, s, head, s);
					check_variant(&v);
				}
	/* json: filenames, commas doubled in the -drive list, dotted keys */
	for (k = 0; k < 2; k++) {
		static const char *const dotted[] = { "file.password", "file.cookie", "file.key" };

		q = k ? '\'' : '"';
		for (o = 0; o < 3; o++) {
			struct variant v = { .n = 0 };

			new_secret(&v);
			add(&v, "-drive");
			add(&v, "file=json:{%cfile.driver%c:%chttps%c,,%c%s%c:%c%s%c},format=raw", q, q, q,
			    q, q, dotted[o], q, q, v.secret, q);
			check_variant(&v);
		}
	}
}

/* Secret-bearing properties in keyval, any case, anywhere in the list. */
static void test_properties(void **state)
{
	static const char *const names[] = {
		"cookie", "file.cookie", "passphrase", "key", "psk", "token", "credential",
		"private-key", "password", "passwd", "secret", "x-api-token", "encrypt.passphrase",
	};
	char name[64];
	size_t i, pos;
	int c;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		for (c = 0; c < N_CASES; c++)
			for (pos = 0; pos < 3; pos++) {
				struct variant v = { .n = 0 };

				spell_case(name, names[i], c);
				new_secret(&v);
				add(&v, "-drive");
				if (pos == 0)
					add(&v, "%s=%s,driver=https,if=none", name, v.secret);
				else if (pos == 1)
					add(&v, "driver=https,%s=%.7s,,%s,if=none", name, v.secret,
					    v.secret + 7);
				else
					add(&v, "driver=https,url=https://h/x,%s=%s", name, v.secret);
				check_variant(&v);
				/* and as a JSON member */
				v.n = 0;
				new_secret(&v);
				add(&v, "-blockdev");
				add(&v, "{\"driver\":\"https\",\"%s\":\"%s\"}", name, v.secret);
				check_variant(&v);
			}
}

/* URL userinfo whose password holds '/', '#', '?' or '@', raw or encoded. */
static void test_url_userinfo(void **state)
{
	static const char *const seps[] = { "/", "#", "?", "@", "%2F", "%23", "%3F", "%40" };
	static const char *const schemes[] = { "http", "https", "ssh", "ftp" };
	char pw[64], url[256];
	size_t i, ctx;

	(void)state;
	for (i = 0; i < sizeof(seps) / sizeof(seps[0]); i++)
		for (ctx = 0; ctx < 3; ctx++) {
			struct variant v = { .n = 0 };

			new_secret(&v);
			snprintf(pw, sizeof(pw), "%.7s%s%s", v.secret, seps[i], v.secret + 7);
			snprintf(url, sizeof(url), "%s://bob:%s@h.example:8080/img.qcow2",
				 schemes[i % 4], pw);
			if (ctx == 0) {
				add(&v, "-drive");
				add(&v, "file=%s,format=raw", url);
			} else if (ctx == 1) {
				add(&v, "-blockdev");
				add(&v, "{\"driver\":\"%s\",\"url\":\"%s\"}", schemes[i % 4], url);
			} else {
				add(&v, "-cdrom");
				add(&v, "%s", url);
			}
			check_variant(&v);
		}
}

/* An argument holding a newline. */
static void test_newline_in_argument(void **state)
{
	static const char *const forms[] = {
		"port=5900,password=%.7s\n%s,addr=::1",
		"secret,id=s0,data=%.7s\n%s,format=raw",
		"{\"qom-type\":\"secret\",\n\"data\":\"%.7s\n%s\"}",
		/* the kernel reads a newline as a blank: it ends the value */
		"console=ttyS0\nsystemd.set_credential=c:%.7s%s\nquiet",
	};
	static const char *const opts[] = { "-spice", "-object", "-object", "-append" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		struct variant v = { .n = 0 };

		new_secret(&v);
		add(&v, "%s", opts[i]);
		add(&v, forms[i], v.secret, v.secret + 7);
		check_variant(&v);
	}
}

/* systemd credentials handed to a guest. */
static void test_systemd_credentials(void **state)
{
	size_t pos;
	int bin;

	(void)state;
	for (bin = 0; bin < 2; bin++) {
		struct variant v = { .n = 0 };

		new_secret(&v);
		add(&v, "-smbios");
		add(&v, "type=11,value=io.systemd.credential%s:cred=%s", bin ? ".binary" : "",
		    v.secret);
		check_variant(&v);
	}
	for (pos = 0; pos < 2; pos++) {
		struct variant v = { .n = 0 };

		new_secret(&v);
		add(&v, "-fw_cfg");
		if (pos == 0)
			add(&v, "name=opt/io.systemd.credentials/mycred,string=%s", v.secret);
		else
			add(&v, "string=%s,name=opt/io.systemd.credentials/mycred", v.secret);
		check_variant(&v);
	}
	for (pos = 0; pos < 3; pos++)
		for (bin = 0; bin < 2; bin++) {
			struct variant v = { .n = 0 };
			char param[128];

			new_secret(&v);
			snprintf(param, sizeof(param), "systemd.set_credential%s=c:%s",
				 bin ? "_binary" : "", v.secret);
			add(&v, "-append");
			add(&v, "%s%s%s", pos == 0 ? "" : "console=ttyS0 ", param,
			    pos == 2 ? "" : " quiet");
			check_variant(&v);
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_dialect),
		cmocka_unit_test(test_properties),
		cmocka_unit_test(test_url_userinfo),
		cmocka_unit_test(test_newline_in_argument),
		cmocka_unit_test(test_systemd_credentials),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
