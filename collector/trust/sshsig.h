/* SPDX-License-Identifier: MIT */
/* Reading OpenSSH key and signature formats, without OpenSSH: enough to
 * name who signed (a key fingerprint, as `ssh-keygen -l` prints it) and
 * to tell a signature file from junk.  Checking a signature is
 * ssh-keygen's job (sign.h); nothing here is a trust decision.
 *
 * SSHSIG (OpenSSH's PROTOCOL.sshsig): an armored blob
 *   "-----BEGIN SSH SIGNATURE-----" base64 "-----END SSH SIGNATURE-----"
 * holding "SSHSIG", uint32 version, string publickey, string namespace,
 * string reserved, string hash_algorithm, string signature. */
#ifndef NR_SSHSIG_H
#define NR_SSHSIG_H

#include <stddef.h>

#include "util/error.h"

#define NR_SSH_FPR_MAX 64        /* "SHA256:" + 43 base64 characters */
#define NR_SSHSIG_FILE_MAX (64 * 1024)

struct nr_sshsig {
	char key_type[32];               /* "ssh-ed25519", "ssh-rsa" ... */
	char fingerprint[NR_SSH_FPR_MAX];
	char namespace_[64];
	char hash_alg[16];
};

/* Parse an armored signature.  0, or -EBADMSG with the reason. */
int nr_sshsig_parse(const char *text, size_t len, struct nr_sshsig *sig, struct nr_error *err);

/* Fingerprint and type of a public key line "ssh-ed25519 AAAA... comment".
 * 0, or -EBADMSG. */
int nr_ssh_pubkey_parse(const char *line, char *type, size_t typelen, char fpr[NR_SSH_FPR_MAX],
                        struct nr_error *err);

/* "ED25519" for "ssh-ed25519", as ssh-keygen names key types. */
const char *nr_ssh_key_kind(const char *type);

/* Base64 (RFC 4648), for the formats above.  decode skips whitespace and
 * returns the length, or -1 on a bad character or overflow. */
long nr_base64_decode(const char *in, size_t len, unsigned char *out, size_t outcap);
void nr_base64_encode_nopad(const unsigned char *in, size_t len, char *out, size_t outcap);

/* The public key stored in clear in an OpenSSH-format private key file
 * ("-----BEGIN OPENSSH PRIVATE KEY-----"), even an encrypted one: its type
 * and fingerprint without asking for the passphrase.  0, or -EBADMSG
 * (another format, e.g. PEM). */
int nr_ssh_privkey_parse(const char *text, size_t len, char *type, size_t typelen,
                         char fpr[NR_SSH_FPR_MAX], struct nr_error *err);

#endif
