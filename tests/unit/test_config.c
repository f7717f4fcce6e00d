/* SPDX-License-Identifier: MIT */
/* The config reader (collector/util/config*.c): git's [section] form and
 * section.key lines, quotes, escapes and comments; and one warning per bad
 * line, "FILE:LINE: ...", for each kind of mistake, naming the closest
 * known keys to a misspelt one.  Only the user's file is written (under a
 * temporary XDG_CONFIG_HOME); /etc is never touched. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/config.h"

struct dir {
	char base[64];
	char file[192];
};

static int setup(void **state)
{
	struct dir *d = calloc(1, sizeof(*d));
	char sub[128];

	if (!d)
		return -1;
	snprintf(d->base, sizeof(d->base), "/tmp/nr-test-config-XXXXXX");
	if (!mkdtemp(d->base))
		return -1;
	snprintf(sub, sizeof(sub), "%s/nest-report", d->base);
	if (mkdir(sub, 0700) < 0)
		return -1;
	snprintf(d->file, sizeof(d->file), "%s/config", sub);
	setenv("XDG_CONFIG_HOME", d->base, 1);
	setenv("HOME", "/home/someone", 1);
	setenv("NR_CONFIG_NOSYSTEM", "1", 1);   /* this machine's /etc is not ours */
	*state = d;
	return 0;
}

static int teardown(void **state)
{
	struct dir *d = *state;
	char sub[128];

	nr_config_reset();
	unlink(d->file);
	rmdir(d->file);
	snprintf(sub, sizeof(sub), "%s/nest-report", d->base);
	rmdir(sub);
	rmdir(d->base);
	free(d);
	return 0;
}

static void write_config(const struct dir *d, const char *text, size_t len)
{
	FILE *f = fopen(d->file, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	fclose(f);
	nr_config_reset();
}

/* The warning about line n of the file (there must be exactly one). */
static const char *warning_at(const struct dir *d, size_t n)
{
	char prefix[256];
	const char *found = NULL;
	size_t i;

	snprintf(prefix, sizeof(prefix), "%s:%zu: ", d->file, n);
	for (i = 0; i < nr_config_warning_count(); i++)
		if (strncmp(nr_config_warning(i), prefix, strlen(prefix)) == 0) {
			assert_null(found);
			found = nr_config_warning(i) + strlen(prefix);
		}
	if (!found)
		fail_msg("no warning for line %zu", n);
	return found;
}

static void assert_contains(const char *s, const char *part)
{
	if (!strstr(s, part))
		fail_msg("'%s' does not contain '%s'", s, part);
}

static const char good[] =
	"# git's syntax, both forms\n"
	"; a comment too\n"
	"upload.method = POST\n"
	"\n"
	"[sign]\n"
	"\tkey = ~/.ssh/work   # a comment after the value\n"
	"\tSigner_ID = \"me@example ; still the value\"  \n"
	"\tenabled\n"
	"[Upload]\r\n"
	"\turl = https://uploads.example.org/in/?X-Amz-Signature=abc\n"
	"\tcacert = \"/etc/ssl/our ca.pem\"\n"
	"\ttoken_file = /run/tok\\\\en\n"
	"[verify]\n"
	"\tallowed_signers =\n";

static void test_both_forms(void **state)
{
	struct dir *d = *state;
	char out[256];

	write_config(d, good, strlen(good));
	assert_int_equal(nr_config_warning_count(), 0);
	assert_string_equal(nr_config_get("upload.method"), "POST");
	assert_string_equal(nr_config_get("sign.key"), "~/.ssh/work");
	assert_string_equal(nr_config_path("sign.key", out, sizeof(out)), "/home/someone/.ssh/work");
	assert_string_equal(nr_config_get("sign.signer_id"), "me@example ; still the value");
	assert_int_equal(nr_config_bool("sign.enabled", 0), 1);   /* a bare boolean is true */
	assert_string_equal(nr_config_get("upload.url"), "https://uploads.example.org/in/?X-Amz-Signature=abc");
	assert_string_equal(nr_config_get("upload.cacert"), "/etc/ssl/our ca.pem");
	assert_string_equal(nr_config_get("upload.token_file"), "/run/tok\\en");
	assert_null(nr_config_get("verify.allowed_signers"));      /* empty: unset */
	assert_null(nr_config_get("nope"));
}

static const char bad[] =
	"sign.kye = ~/.ssh/a\n"                   /*  1 misspelt key, section.key form */
	"key = ~/.ssh/b\n"                        /*  2 no section */
	"[sign]\n"                                /*  3 */
	"\tenabld = no\n"                         /*  4 misspelt key, [section] form */
	"\tenabled = maybe\n"                     /*  5 not a boolean */
	"\tkey = ~/.ssh/first\n"                  /*  6 */
	"\tkey = ~/.ssh/second\n"                 /*  7 set again: this one wins */
	"\tupload.url = https://x/\n"             /*  8 a dotted key inside a section */
	"\tsigner_id = \"unterminated\n"          /*  9 */
	"\tsigner_id = bad\\qescape\n"            /* 10 */
	"this is not a setting\n"                 /* 11 */
	"[sing]\n"                                /* 12 misspelt section */
	"\tkey = ~/.ssh/ignored\n"                /* 13 ignored without a word: 12 said it */
	"[upload]\n"                              /* 14 */
	"\tmethod = get\n"                        /* 15 */
	"\turl = ftp://files.example.org/\n"      /* 16 */
	"\ttoken_file\n"                          /* 17 a path needs a value */
	"\tzzzzzzzz = 1\n"                        /* 18 nothing near: its section's keys */
	"[upload \"eu\"]\n"                       /* 19 no subsections */
	"[sign\n";                                /* 20 */

static void test_each_mistake(void **state)
{
	struct dir *d = *state;

	write_config(d, bad, strlen(bad));
	assert_int_equal(nr_config_warning_count(), 16);
	assert_contains(warning_at(d, 1), "unknown key 'sign.kye', ignored; did you mean 'sign.key'?");
	assert_contains(warning_at(d, 2), "'key' is in no section");
	assert_contains(warning_at(d, 2), "did you mean 'sign.key'?");
	assert_contains(warning_at(d, 4), "unknown key 'sign.enabld', ignored; did you mean 'sign.enabled'?");
	assert_contains(warning_at(d, 5), "sign.enabled: 'maybe' is not a boolean");
	assert_contains(warning_at(d, 7), "sign.key is set again (line 6 set it too); this line wins");
	assert_contains(warning_at(d, 8), "'upload.url' inside [sign]");
	assert_contains(warning_at(d, 9), "unterminated quote");
	assert_contains(warning_at(d, 10), "bad escape");
	assert_contains(warning_at(d, 11), "expected 'key = value' or '[section]'");
	assert_contains(warning_at(d, 12), "unknown section [sing], its keys are ignored; did you mean [sign]?");
	assert_contains(warning_at(d, 15), "upload.method: 'get' is neither put nor post");
	assert_contains(warning_at(d, 16), "upload.url: wants an https:// or sftp:// URL");
	assert_contains(warning_at(d, 17), "'upload.token_file' has no value");
	assert_contains(warning_at(d, 18), "unknown key 'upload.zzzzzzzz', ignored; its section's keys: upload.url, "
	                                   "upload.method, upload.token_file, upload.cacert");
	assert_contains(warning_at(d, 19), "no subsections");
	assert_contains(warning_at(d, 20), "malformed section header");
	/* Bad lines are ignored; the good ones count. */
	assert_string_equal(nr_config_get("sign.key"), "~/.ssh/second");
	assert_null(nr_config_get("sign.kye"));
	assert_null(nr_config_get("sign.enabled"));
	assert_null(nr_config_get("upload.method"));
	assert_null(nr_config_get("upload.url"));
	assert_null(nr_config_get("sign.signer_id"));
	assert_int_equal(nr_config_bool("sign.enabled", 1), 1);
}

/* Whole-file problems: a directory, a NUL byte, an overlong line, a file
 * over the cap, and a flood of bad lines (capped, with a count). */
static void test_file_problems(void **state)
{
	struct dir *d = *state;
	static char big[NR_CONFIG_FILE_MAX + 100];
	size_t i, n;

	assert_int_equal(mkdir(d->file, 0700), 0);
	nr_config_reset();
	assert_int_equal(nr_config_warning_count(), 1);
	assert_contains(nr_config_warning(0), "cannot read it");
	assert_int_equal(rmdir(d->file), 0);

	write_config(d, "[sign]\n\tkey = a\0b\n\tenabled = no\n", 32);
	assert_int_equal(nr_config_warning_count(), 1);
	assert_contains(warning_at(d, 2), "a NUL byte in the line");
	assert_int_equal(nr_config_bool("sign.enabled", 1), 0);

	memset(big, ' ', sizeof(big));
	memcpy(big, "[sign]\n", 7);
	big[5000] = '\n';                          /* line 2: 4992 bytes */
	memcpy(big + 5001, "enabled = off\n", 14);
	for (i = 5015; i + 16 < sizeof(big); i += 16)
		memcpy(big + i, "\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n", 16);
	write_config(d, big, sizeof(big));
	assert_int_equal(nr_config_warning_count(), 2);
	assert_contains(warning_at(d, 2), "longer than 4095 bytes");
	assert_contains(nr_config_warning(0), "bigger than 262144 bytes; the rest is ignored");
	assert_int_equal(nr_config_bool("sign.enabled", 1), 0);

	for (i = 0, n = 0; i < 100; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n, "junk %zu\n", i);
	write_config(d, big, n);
	assert_int_equal(nr_config_warning_count(), NR_CONFIG_WARNINGS_MAX + 1);
	assert_string_equal(nr_config_warning(NR_CONFIG_WARNINGS_MAX),
	                    "68 more problems in the configuration files not shown");
	assert_null(nr_config_warning(NR_CONFIG_WARNINGS_MAX + 1));
}

/* A relative XDG_CONFIG_HOME is ignored (XDG spec): ~/.config then. */
static void test_relative_xdg(void **state)
{
	struct dir *d = *state;

	write_config(d, "[sign]\nkey = x\n", 15);
	assert_string_equal(nr_config_get("sign.key"), "x");
	setenv("XDG_CONFIG_HOME", "relative", 1);
	nr_config_reset();
	assert_null(nr_config_get("sign.key"));
	setenv("XDG_CONFIG_HOME", d->base, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_both_forms, setup, teardown),
		cmocka_unit_test_setup_teardown(test_each_mistake, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_problems, setup, teardown),
		cmocka_unit_test_setup_teardown(test_relative_xdg, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
