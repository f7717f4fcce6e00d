/* SPDX-License-Identifier: MIT */
/* The scrubber's vocabulary (collector/scrub/scrub_vocab.c): which names
 * hold secrets, which name them, and the prefilter that must never skip a
 * record holding one. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "scrub/scrub_base.h"

static const struct {
	const char *name;
	enum nr_scrub_name cls;
} names[] = {
	/* secrets: the vocabulary's words, alone, dotted, in any case, as
	 * words of longer names (-, _ and camelCase split them) */
	{ "password", NR_SCRUB_NAME_SECRET },
	{ "Password", NR_SCRUB_NAME_SECRET },
	{ "file.password", NR_SCRUB_NAME_SECRET },
	{ "encrypt.passphrase", NR_SCRUB_NAME_SECRET },
	{ "passwd", NR_SCRUB_NAME_SECRET },
	{ "secret", NR_SCRUB_NAME_SECRET },
	{ "key", NR_SCRUB_NAME_SECRET },
	{ "private-key", NR_SCRUB_NAME_SECRET },
	{ "privateKey", NR_SCRUB_NAME_SECRET },
	{ "cookie", NR_SCRUB_NAME_SECRET },
	{ "file.cookie", NR_SCRUB_NAME_SECRET },
	{ "token", NR_SCRUB_NAME_SECRET },
	{ "access_token", NR_SCRUB_NAME_SECRET },
	{ "credential", NR_SCRUB_NAME_SECRET },
	{ "psk", NR_SCRUB_NAME_SECRET },
	{ "auth", NR_SCRUB_NAME_SECRET },
	{ "x-auth", NR_SCRUB_NAME_SECRET },
	{ "sig", NR_SCRUB_NAME_SECRET },
	{ "X-Amz-Signature", NR_SCRUB_NAME_SECRET },
	{ "X-Amz-Security-Token", NR_SCRUB_NAME_SECRET },
	{ "client_secret", NR_SCRUB_NAME_SECRET },
	{ "userpassword", NR_SCRUB_NAME_SECRET },
	{ "passwords", NR_SCRUB_NAME_SECRET },
	{ "passwdValidTo", NR_SCRUB_NAME_SECRET },
	{ "--password", NR_SCRUB_NAME_SECRET },
	{ "DB_PASSWORD", NR_SCRUB_NAME_SECRET },
	{ "AWS_SECRET_ACCESS_KEY", NR_SCRUB_NAME_SECRET },
	{ "GITHUB_TOKEN", NR_SCRUB_NAME_SECRET },
	{ "apikey", NR_SCRUB_NAME_SECRET },
	/* references to a secret: kept */
	{ "password-secret", NR_SCRUB_NAME_REF },
	{ "key-secret", NR_SCRUB_NAME_REF },
	{ "encrypt.key-secret", NR_SCRUB_NAME_REF },
	{ "cookie-secret", NR_SCRUB_NAME_REF },
	{ "proxy-password-secret", NR_SCRUB_NAME_REF },
	{ "keyid", NR_SCRUB_NAME_REF },
	{ "passwordid", NR_SCRUB_NAME_REF },
	{ "key-id", NR_SCRUB_NAME_REF },
	{ "API_KEY_ID", NR_SCRUB_NAME_REF },
	{ "password-file", NR_SCRUB_NAME_REF },
	{ "key-format", NR_SCRUB_NAME_REF },
	/* special values */
	{ "systemd.set_credential", NR_SCRUB_NAME_SETCRED },
	{ "systemd.set_credential_binary", NR_SCRUB_NAME_SETCRED },
	{ "SetCredential", NR_SCRUB_NAME_SETCRED },
	{ "http_proxy", NR_SCRUB_NAME_PROXY },
	{ "HTTPS_PROXY", NR_SCRUB_NAME_PROXY },
	/* neither */
	{ "user", NR_SCRUB_NAME_PLAIN },
	{ "username", NR_SCRUB_NAME_PLAIN },
	{ "tls-creds", NR_SCRUB_NAME_PLAIN },
	{ "keyring", NR_SCRUB_NAME_PLAIN },
	{ "keymap", NR_SCRUB_NAME_PLAIN },
	{ "monkey", NR_SCRUB_NAME_PLAIN },
	{ "hotkeys", NR_SCRUB_NAME_PLAIN },
	{ "auth-client-required", NR_SCRUB_NAME_PLAIN },
	{ "auth_supported", NR_SCRUB_NAME_PLAIN },
	{ "SSH_AUTH_SOCK", NR_SCRUB_NAME_PLAIN },
	{ "passthrough", NR_SCRUB_NAME_PLAIN },
	{ "data", NR_SCRUB_NAME_PLAIN },
	{ "iv", NR_SCRUB_NAME_PLAIN },
	{ "", NR_SCRUB_NAME_PLAIN },
	{ "---", NR_SCRUB_NAME_PLAIN },
};

static void test_classes(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		enum nr_scrub_name got = nr_scrub_name_class(names[i].name, strlen(names[i].name));

		if (got != names[i].cls) {
			print_error("'%s': class %d, expected %d\n", names[i].name, got, names[i].cls);
			fail();
		}
	}
}

static void test_flags(void **state)
{
	(void)state;
	assert_true(nr_scrub_is_flag("on", 2));
	assert_true(nr_scrub_is_flag("OFF", 3));
	assert_true(nr_scrub_is_flag("True", 4));
	assert_true(nr_scrub_is_flag("no", 2));
	assert_false(nr_scrub_is_flag("onion", 5));
	assert_false(nr_scrub_is_flag("o", 1));
	assert_false(nr_scrub_is_flag("", 0));
}

/* The prefilter copies a record untouched when it holds no stem: every
 * name the vocabulary can call secret must hold one, in any case, wherever
 * it sits.  Names are built from a soup of vocabulary words and others. */
static void test_prefilter_sees_every_secret_name(void **state)
{
	static const char *const soup[] = {
		"password", "passwd", "passphrase", "pass", "secret", "key", "psk", "token",
		"cookie", "credential", "private", "auth", "authorization", "sig", "signature",
		"apikey", "privatekey", "accesskey", "authkey", "passkey", "file", "id", "user",
		"proxy", "set", "db", "x", "aws", "access", "client", "valid", "to",
	};
	static const char *const seps[] = { "-", "_", ".", "" };
	uint32_t x = 19;
	char name[128], line[256];
	size_t i, k, n, len;

	(void)state;
	for (i = 0; i < 20000; i++) {
		len = 0;
		n = 1 + (x >> 7) % 3;
		for (k = 0; k < n; k++) {
			const char *w = soup[(x >> 3) % (sizeof(soup) / sizeof(soup[0]))];
			size_t j;

			x = x * 1664525u + 1013904223u;
			if (k > 0)
				len += (size_t)snprintf(name + len, sizeof(name) - len, "%s",
							seps[(x >> 9) % 4]);
			for (j = 0; w[j] && len + 1 < sizeof(name); j++)
				name[len++] = (x >> (12 + j % 8)) & 1 ? (char)(w[j] - 'a' + 'A') : w[j];
			name[len] = '\0';
		}
		if (nr_scrub_name_class(name, len) == NR_SCRUB_NAME_PLAIN ||
		    nr_scrub_name_class(name, len) == NR_SCRUB_NAME_REF)
			continue;
		snprintf(line, sizeof(line), "-drive if=none,%s=x,format=raw", name);
		if (!nr_scrub_may_hold_secret(line, strlen(line))) {
			print_error("the prefilter skips '%s'\n", line);
			fail();
		}
	}
}

static void test_prefilter_escapes(void **state)
{
	(void)state;
	assert_false(nr_scrub_may_hold_secret("-m 4096 -smp 2,sockets=2", 24));
	assert_false(nr_scrub_may_hold_secret("", 0));
	assert_true(nr_scrub_may_hold_secret("{\"\\u0070assword\":\"x\"}", 21));
	assert_true(nr_scrub_may_hold_secret("pass&#119;ord='x'", 17));
	assert_true(nr_scrub_may_hold_secret("http://u:p@h/", 13));
	assert_true(nr_scrub_may_hold_secret("<x>", 3));
	assert_true(nr_scrub_may_hold_secret("-append", 7));
	assert_true(nr_scrub_may_hold_secret("DATA=1", 6));
	assert_true(nr_scrub_is_stem("Proxy", 5));
	assert_false(nr_scrub_is_stem("pr", 2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classes),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_prefilter_sees_every_secret_name),
		cmocka_unit_test(test_prefilter_escapes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
