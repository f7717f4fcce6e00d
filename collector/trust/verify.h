/* SPDX-License-Identifier: MIT */
/* Verifying a bundle: four checks, each reported on its own, so a
 * maintainer (or a portal, through `verify --json`) knows what failed:
 *   signature  BUNDLE.sig against an allowed_signers file (ssh-keygen -Y);
 *   archive    the archive is well-formed and safe (bundle_read.h rules);
 *   members    every member is listed in the manifest with its size and
 *              sha256, nothing unlisted, nothing listed missing;
 *   schema     the manifest is valid against the schema it declares.
 * Library code: fills results, prints nothing. */
#ifndef NR_VERIFY_H
#define NR_VERIFY_H

#include <json-c/json.h>
#include <stdbool.h>

#include "bundle/bundle_read.h"
#include "util/error.h"
#include "schemas.h"
#include "sshsig.h"

enum nr_check_id { NR_CHECK_SIGNATURE, NR_CHECK_ARCHIVE, NR_CHECK_MEMBERS, NR_CHECK_SCHEMA,
                   NR_CHECK_COUNT };
enum nr_check_status { NR_CHECK_PASS, NR_CHECK_FAIL, NR_CHECK_SKIP };

#define NR_CHECK_DETAILS_MAX 100

struct nr_check {
	enum nr_check_status status;
	char message[NR_ERROR_MSG_MAX + 128];
	json_object *details;     /* [string], at most NR_CHECK_DETAILS_MAX; may be NULL */
};

struct nr_verify_opts {
	const char *allowed_signers;   /* NULL: the signature is not checked */
	const char *identity;          /* NULL: whoever allowed_signers says */
	struct nr_bundle_limits limits;
	bool no_signature;             /* skip the signature check entirely */
	/* Called with each piece of every listed member as it is hashed, so a
	 * caller can read content in the same pass (the index takes CPU
	 * flags); NULL: none.  The member is not yet checked when it is
	 * called: use what it saw only when every check passed. */
	void (*tap)(void *arg, const char *path, const void *buf, size_t len);
	void *tap_arg;
	struct nr_schema_cache *schemas;   /* NULL: each schema loaded for the call */
	/* Optional: every byte of the bundle file, in order, in the same
	 * single pass (sign signs what it checks as it checks it). */
	void (*tee)(void *ud, const void *buf, size_t len);
	void *tee_ud;
};

struct nr_verify_result {
	struct nr_check checks[NR_CHECK_COUNT];
	bool has_sig;                  /* BUNDLE.sig exists and parses */
	struct nr_sshsig sig;
	char principal[256];           /* who signed, when checked good */
	size_t members;                /* archive members read, manifest included */
	json_object *manifest;         /* owned reference, or NULL */
};

const char *nr_check_name(enum nr_check_id id);
const char *nr_check_status_name(enum nr_check_status s);

/* Run every check.  0 when they ran (see the statuses), negative when
 * verification could not run at all (unreadable bundle, ssh-keygen
 * missing), with err filled.  Schemas that cannot be found or loaded make
 * the schema check skipped, with the reason in its message. */
int nr_verify_run(const char *bundle, const struct nr_verify_opts *o, struct nr_verify_result *res,
                  struct nr_error *err);

/* The signature check alone (show uses it). */
int nr_verify_signature(const char *bundle, const char *allowed, const char *identity,
                        struct nr_verify_result *res, struct nr_error *err);

/* Whether every check passed or was skipped. */
bool nr_verify_ok(const struct nr_verify_result *res);

void nr_verify_release(struct nr_verify_result *res);

#endif
