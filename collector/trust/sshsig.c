/* SPDX-License-Identifier: MIT */
#include "sshsig.h"
#include "util/sha256.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARMOR_BEGIN "-----BEGIN SSH SIGNATURE-----"
#define ARMOR_END "-----END SSH SIGNATURE-----"
#define KEY_BLOB_MAX 16384

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

long nr_base64_decode(const char *in, size_t len, unsigned char *out, size_t outcap)
{
	uint32_t acc = 0;
	size_t i, n = 0;
	int bits = 0, pad = 0;

	for (i = 0; i < len; i++) {
		const char *p;

		if (in[i] == ' ' || in[i] == '\n' || in[i] == '\r' || in[i] == '\t')
			continue;
		if (in[i] == '=') {
			pad++;
			continue;
		}
		p = in[i] ? strchr(b64, in[i]) : NULL;
		if (!p || pad)
			return -1;
		acc = (acc << 6) | (uint32_t)(p - b64);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n >= outcap)
				return -1;
			out[n++] = (unsigned char)(acc >> bits);
		}
	}
	return (long)n;
}

void nr_base64_encode_nopad(const unsigned char *in, size_t len, char *out, size_t outcap)
{
	size_t i, n = 0;
	uint32_t acc = 0;
	int bits = 0;

	for (i = 0; i < len; i++) {
		acc = (acc << 8) | in[i];
		bits += 8;
		while (bits >= 6 && n + 1 < outcap) {
			bits -= 6;
			out[n++] = b64[(acc >> bits) & 63];
		}
	}
	if (bits > 0 && n + 1 < outcap)
		out[n++] = b64[(acc << (6 - bits)) & 63];
	out[n] = '\0';
}

/* An SSH wire "string": uint32 length, then bytes. */
static int get_string(const unsigned char **p, const unsigned char *end, const unsigned char **s,
                      size_t *slen)
{
	uint32_t n;

	if (end - *p < 4)
		return -1;
	n = ((uint32_t)(*p)[0] << 24) | ((uint32_t)(*p)[1] << 16) | ((uint32_t)(*p)[2] << 8) | (*p)[3];
	*p += 4;
	if ((size_t)(end - *p) < n)
		return -1;
	*s = *p;
	*slen = n;
	*p += n;
	return 0;
}

static void copy_field(char *out, size_t outlen, const unsigned char *s, size_t n)
{
	size_t i;

	if (n >= outlen)
		n = outlen - 1;
	for (i = 0; i < n; i++)
		out[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? (char)s[i] : '?';
	out[n] = '\0';
}

static int key_blob_info(const unsigned char *blob, size_t len, char *type, size_t typelen,
                         char fpr[NR_SSH_FPR_MAX])
{
	const unsigned char *p = blob, *t;
	unsigned char digest[NR_SHA256_LEN];
	size_t tlen;

	if (get_string(&p, blob + len, &t, &tlen) < 0 || tlen == 0)
		return -1;
	copy_field(type, typelen, t, tlen);
	if (nr_sha256_digest(blob, len, digest) < 0)
		return -1;
	memcpy(fpr, "SHA256:", 7);
	nr_base64_encode_nopad(digest, sizeof(digest), fpr + 7, NR_SSH_FPR_MAX - 7);
	return 0;
}

int nr_ssh_pubkey_parse(const char *line, char *type, size_t typelen, char fpr[NR_SSH_FPR_MAX],
                        struct nr_error *err)
{
	unsigned char *blob = malloc(KEY_BLOB_MAX);
	const char *b = line + strcspn(line, " \t");
	char declared[64];
	long n;
	int rc = 0;

	if (!blob)
		return nr_error_set(err, ENOMEM, "out of memory");
	copy_field(declared, sizeof(declared), (const unsigned char *)line,
	           (size_t)(b - line) < sizeof(declared) ? (size_t)(b - line) : sizeof(declared) - 1);
	b += strspn(b, " \t");
	n = nr_base64_decode(b, strcspn(b, " \t\r\n"), blob, KEY_BLOB_MAX);
	if (n <= 0 || key_blob_info(blob, (size_t)n, type, typelen, fpr) < 0 ||
	    strcmp(type, declared) != 0)
		rc = nr_error_set(err, EBADMSG, "not an SSH public key line");
	free(blob);
	return rc;
}

const char *nr_ssh_key_kind(const char *type)
{
	if (strcmp(type, "ssh-ed25519") == 0)
		return "ED25519";
	if (strcmp(type, "ssh-rsa") == 0)
		return "RSA";
	if (strncmp(type, "ecdsa-sha2-", 11) == 0)
		return "ECDSA";
	if (strncmp(type, "sk-ssh-ed25519", 14) == 0)
		return "ED25519-SK";
	if (strncmp(type, "sk-ecdsa-", 9) == 0)
		return "ECDSA-SK";
	return type;
}

int nr_sshsig_parse(const char *text, size_t len, struct nr_sshsig *sig, struct nr_error *err)
{
	const char *begin = memmem(text, len, ARMOR_BEGIN, strlen(ARMOR_BEGIN)), *end;
	unsigned char *blob = malloc(NR_SSHSIG_FILE_MAX);
	const unsigned char *p, *bend, *s;
	size_t slen;
	long n;
	int rc = -EBADMSG;

	memset(sig, 0, sizeof(*sig));
	if (!blob)
		return nr_error_set(err, ENOMEM, "out of memory");
	end = begin ? memmem(begin, len - (size_t)(begin - text), ARMOR_END, strlen(ARMOR_END)) : NULL;
	if (!begin || !end) {
		nr_error_set(err, EBADMSG, "not an SSH signature (no SSH SIGNATURE armor)");
		goto out;
	}
	begin += strlen(ARMOR_BEGIN);
	n = nr_base64_decode(begin, (size_t)(end - begin), blob, NR_SSHSIG_FILE_MAX);
	p = blob;
	bend = blob + (n > 0 ? n : 0);
	if (n < 10 || memcmp(blob, "SSHSIG", 6) != 0) {
		nr_error_set(err, EBADMSG, "not an SSH signature (bad base64 or magic)");
		goto out;
	}
	p += 10;   /* magic and version */
	if (get_string(&p, bend, &s, &slen) < 0 ||
	    key_blob_info(s, slen, sig->key_type, sizeof(sig->key_type), sig->fingerprint) < 0 ||
	    get_string(&p, bend, &s, &slen) < 0) {
		nr_error_set(err, EBADMSG, "malformed SSH signature (public key)");
		goto out;
	}
	copy_field(sig->namespace_, sizeof(sig->namespace_), s, slen);
	if (get_string(&p, bend, &s, &slen) < 0 || get_string(&p, bend, &s, &slen) < 0) {
		nr_error_set(err, EBADMSG, "malformed SSH signature (hash algorithm)");
		goto out;
	}
	copy_field(sig->hash_alg, sizeof(sig->hash_alg), s, slen);
	if (get_string(&p, bend, &s, &slen) < 0 || slen == 0) {
		nr_error_set(err, EBADMSG, "malformed SSH signature (no signature)");
		goto out;
	}
	rc = 0;
out:
	free(blob);
	return rc;
}

int nr_ssh_privkey_parse(const char *text, size_t len, char *type, size_t typelen,
                         char fpr[NR_SSH_FPR_MAX], struct nr_error *err)
{
	static const char begin_s[] = "-----BEGIN OPENSSH PRIVATE KEY-----";
	static const char end_s[] = "-----END OPENSSH PRIVATE KEY-----";
	const char *begin = memmem(text, len, begin_s, strlen(begin_s)), *end;
	unsigned char *blob = malloc(NR_SSHSIG_FILE_MAX);
	const unsigned char *p, *bend, *s;
	size_t slen;
	long n;
	int rc = nr_error_set(err, EBADMSG, "not an OpenSSH private key");

	if (!blob)
		return nr_error_set(err, ENOMEM, "out of memory");
	end = begin ? memmem(begin, len - (size_t)(begin - text), end_s, strlen(end_s)) : NULL;
	if (!end)
		goto out;
	begin += strlen(begin_s);
	n = nr_base64_decode(begin, (size_t)(end - begin), blob, NR_SSHSIG_FILE_MAX);
	/* "openssh-key-v1\0", cipher, kdf, kdf options, uint32 count, key 0 */
	if (n < 15 || memcmp(blob, "openssh-key-v1", 15) != 0)
		goto out;
	p = blob + 15;
	bend = blob + n;
	if (get_string(&p, bend, &s, &slen) < 0 || get_string(&p, bend, &s, &slen) < 0 ||
	    get_string(&p, bend, &s, &slen) < 0 || bend - p < 4)
		goto out;
	p += 4;
	if (get_string(&p, bend, &s, &slen) == 0 && key_blob_info(s, slen, type, typelen, fpr) == 0)
		rc = 0;
out:
	free(blob);
	return rc;
}
