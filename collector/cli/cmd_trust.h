/* SPDX-License-Identifier: MIT */
/* Helpers shared by the commands that read bundles (verify, show, diff,
 * sign): options every one of them takes, and safe printing of strings
 * that come from a bundle. */
#ifndef NR_CMD_TRUST_H
#define NR_CMD_TRUST_H

#include <stddef.h>
#include <stdio.h>
#include <json-c/json.h>

#include "bundle/bundle_read.h"
#include "commands.h"
#include "trust/sign.h"

/* --max-member-size / --max-total-size, shared: 1 handled (into lim), 0
 * not one of them, -1 usage error already printed. */
int nr_cmd_limit_option(const char *cmd, int opt, const char *arg, struct nr_bundle_limits *lim);
#define NR_OPT_MAX_MEMBER 0x1001
#define NR_OPT_MAX_TOTAL 0x1002
#define NR_LIMIT_LONGOPTS                                                      \
	{ "max-member-size", required_argument, NULL, NR_OPT_MAX_MEMBER },     \
	{ "max-total-size", required_argument, NULL, NR_OPT_MAX_TOTAL }
#define NR_LIMIT_USAGE                                                              \
	"      --max-member-size N   refuse members larger than N (default 1G)\n"   \
	"      --max-total-size N    refuse bundles holding more than N (default 8G)\n"

/* The allowed_signers file: the option, else the config's
 * allowed_signers, else NULL. */
const char *nr_cmd_allowed_signers(const char *opt, char *buf, size_t buflen);

/* Print s with what would drive the terminal escaped (C0, DEL, C1, bidi
 * controls, bytes that are not UTF-8: util/safe_text.h).  Every string
 * that comes from outside (a bundle, a remote level, a server) is printed
 * through these. */
void nr_cmd_put_safe(FILE *f, const char *s);

/* The same for a buffer of content (artifact data): keeps \n and \t. */
void nr_cmd_write_safe(FILE *f, const char *buf, size_t len);

/* Warn (stderr) about the manifest fields that are absent or of the wrong
 * type (nr_mlevel_problems), prefixed by bundle when not NULL. */
void nr_cmd_warn_shape(const char *bundle, json_object *manifest);

/* Signing at the end of collect (cmd_sign.c).  prepare: choose the key
 * before the run, since the manifest names it.  Returns 1 chosen, 0 not
 * signing (why says so, for the report), -1 an explicit --sign-key that
 * cannot be used (printed; a usage error). */
int nr_cmd_sign_prepare(const char *keyfile, int no_sign, struct nr_sign_key *key, char *why,
                        size_t whylen);
/* The identity the manifest records: --signer-id, signer_id in the
 * config, else user@host. */
void nr_cmd_signer_id(const char *opt, char *out, size_t outlen);
/* The signer of a collect run: the bundle writer's tee (nr_cmd_sign_tee)
 * starts ssh-keygen at the bundle's first byte and hands it every byte
 * (trust/sign.h, nr_sign_stream), so the bundle is never read back.  The
 * caller sets key (NULL: not signing) and planned (the bundle path as
 * planned), and watches sf.tmp_path for its signal handler. */
struct nr_cmd_signer {
	struct nr_sign_key *key;
	const char *planned;
	struct nr_sig_file sf;
	struct nr_sign_stream *stream;
	struct nr_error err;          /* why it could not start */
	int started;
};
void nr_cmd_sign_tee(void *signer, const void *buf, size_t len);
/* The run wrote no bundle: stop ssh-keygen, remove its file. */
void nr_cmd_sign_drop(struct nr_cmd_signer *s);
/* The bundle is written (at bundle): put the signature beside it and report
 * it (never fails the run: an unsigned bundle is still good; why says why
 * there is no key).  Sets sig (the .sig path, "" when unsigned). */
void nr_cmd_sign_finish(struct nr_cmd_signer *s, const char *bundle, const char *why, char *sig,
                        size_t siglen);

#endif
