/* SPDX-License-Identifier: MIT */
/* Reading OpenSSH key and signature formats (collector/trust/sshsig.c).  The
 * key and signature below were made with ssh-keygen 9.2 for these tests
 * (public halves only); the config reader is test_config.c. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trust/sshsig.h"

static const char ed_pub[] =
	"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINolcLC+rYHh8t69FOKtUGmbq17tdAwZsdSeW3Rz7pIC alice@example\n";
static const char ed_fpr[] = "SHA256:tLmUe+MM/MEq4G4FwAMF8mxnAdb7C6FuqHPKlSKVnCs";
static const char rsa_pub[] =
	"ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDSiATvZ+rD1X7s9lloGRJkyTBSc7uCsEcfnZlJF0KxJy/vlXdKxQ+4PVkem+"
	"juvxY/iq3S7JXZQbMpbUNzJP172pFviBMZfU5jzXIW/rYkfljI5V9EJOiaNxgGBXosvcQ3LcZ9zz1y6PIBdB1dQamcg+D9u1RP"
	"y90RZAe6lpB9qw== root@vm";
static const char rsa_fpr[] = "SHA256:o3EQ0AafU/BsUYEQz1p9zox+MLKDle10rN6U1ifGFMo";
static const char sig[] =
	"-----BEGIN SSH SIGNATURE-----\n"
	"U1NIU0lHAAAAAQAAADMAAAALc3NoLWVkMjU1MTkAAAAg2iVwsL6tgeHy3r0U4q1QaZurXu\n"
	"10DBmx1J5bdHPukgIAAAALbmVzdC1yZXBvcnQAAAAAAAAABnNoYTUxMgAAAFMAAAALc3No\n"
	"LWVkMjU1MTkAAABAkmwwyWRUpX5cOIhxC8Hv2D35hULMgM++96TAuAmddWni7PNDxrMm6n\n"
	"9mhu5rN1XqOduBpSbtMewksq+A7S8JDQ==\n"
	"-----END SSH SIGNATURE-----\n";

static void test_base64(void **state)
{
	unsigned char out[16];
	char enc[32];

	(void)state;
	assert_int_equal(nr_base64_decode("aGVs\nbG8=", 9, out, sizeof(out)), 5);
	assert_memory_equal(out, "hello", 5);
	assert_int_equal(nr_base64_decode("a*b", 3, out, sizeof(out)), -1);
	assert_int_equal(nr_base64_decode("aGVsbG8gd29ybGQgaGVsbG8=", 24, out, 4), -1);   /* overflow */
	nr_base64_encode_nopad((const unsigned char *)"hello", 5, enc, sizeof(enc));
	assert_string_equal(enc, "aGVsbG8");
}

static void test_pubkey_fingerprints(void **state)
{
	char type[32], fpr[NR_SSH_FPR_MAX];
	struct nr_error err = { 0 };

	(void)state;
	assert_int_equal(nr_ssh_pubkey_parse(ed_pub, type, sizeof(type), fpr, &err), 0);
	assert_string_equal(type, "ssh-ed25519");
	assert_string_equal(fpr, ed_fpr);
	assert_string_equal(nr_ssh_key_kind(type), "ED25519");
	assert_int_equal(nr_ssh_pubkey_parse(rsa_pub, type, sizeof(type), fpr, &err), 0);
	assert_string_equal(type, "ssh-rsa");
	assert_string_equal(fpr, rsa_fpr);
	/* The declared type must match the blob's. */
	assert_int_equal(nr_ssh_pubkey_parse("ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAINolcLC+rYHh8t69FOKtUGmbq17tdAwZsdSeW3Rz7pIC",
	                                     type, sizeof(type), fpr, &err), -EBADMSG);
	assert_int_equal(nr_ssh_pubkey_parse("not a key", type, sizeof(type), fpr, &err), -EBADMSG);
	assert_int_equal(nr_ssh_privkey_parse(ed_pub, strlen(ed_pub), type, sizeof(type), fpr, &err), -EBADMSG);
}

static void test_sshsig(void **state)
{
	struct nr_sshsig s;
	struct nr_error err = { 0 };
	char bad[sizeof(sig)];

	(void)state;
	assert_int_equal(nr_sshsig_parse(sig, strlen(sig), &s, &err), 0);
	assert_string_equal(s.key_type, "ssh-ed25519");
	assert_string_equal(s.fingerprint, ed_fpr);
	assert_string_equal(s.namespace_, "nest-report");
	assert_string_equal(s.hash_alg, "sha512");
	assert_int_equal(nr_sshsig_parse(ed_pub, strlen(ed_pub), &s, &err), -EBADMSG);
	assert_non_null(strstr(err.msg, "no SSH SIGNATURE armor"));
	memcpy(bad, sig, sizeof(sig));
	memcpy(bad + 30, "V1NI", 4);            /* the magic */
	assert_int_equal(nr_sshsig_parse(bad, strlen(bad), &s, &err), -EBADMSG);
	/* Cut short inside the structure. */
	assert_int_equal(nr_sshsig_parse("-----BEGIN SSH SIGNATURE-----\nU1NIU0lHAAAAAQAAADM=\n"
	                                 "-----END SSH SIGNATURE-----\n", 80, &s, &err), -EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_pubkey_fingerprints),
		cmocka_unit_test(test_sshsig),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
