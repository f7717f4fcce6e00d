/* SPDX-License-Identifier: MIT */
/* `nest-report sign BUNDLE`: sign a bundle after the fact (collect signs
 * when it finds a key; this is for bundles made without one). */
#include "cmd_signals.h"
#include "cmd_trust.h"
#include "commands.h"
#include "util/config.h"
#include "msg.h"
#include "trust/sign.h"
#include "trust/verify.h"

#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char sign_usage[] =
	"usage: nest-report sign BUNDLE [OPTIONS]\n"
	"\n"
	"Checks BUNDLE (archive, members, schema, as 'verify' does) and writes a\n"
	"detached SSH signature, BUNDLE.sig (namespace nest-report), with ssh-keygen.\n"
	"The key: --sign-key, else sign.key in the config, else the first key in\n"
	"ssh-agent, else ~/.ssh/id_ed25519 and the other default identities.\n"
	"\n"
	"options:\n"
	"      --sign-key FILE       sign with this key (private, or public with the\n"
	"                            private half in ssh-agent)\n"
	"  -f, --force               replace an existing BUNDLE.sig\n"
	NR_LIMIT_USAGE
	"  -h, --help                show this help\n"
	"\n"
	"A maintainer checks it with 'nest-report verify BUNDLE --allowed-signers FILE'\n"
	"or with OpenSSH alone:\n"
	"  ssh-keygen -Y verify -f FILE -I IDENTITY -n nest-report -s BUNDLE.sig < BUNDLE\n"
	"\n"
	"exit status: 0 signed, 1 could not sign, 2 usage error, 130 interrupted\n";

/* Sign only what verify would pass: a signature vouches for the contents.
 * The bytes verify reads go to the signer as they are read (one pass);
 * the signature is kept only if every check passes. */
static int precheck(const char *bundle, const struct nr_bundle_limits *lim,
                    struct nr_sign_stream *signer)
{
	struct nr_verify_opts o = { .limits = *lim, .no_signature = true,
	                            .tee = nr_sign_stream_write, .tee_ud = signer };
	struct nr_verify_result res;
	struct nr_error err = { 0 };
	int i, rc = 0;

	if (nr_verify_run(bundle, &o, &res, &err) < 0) {
		nr_msg_error("%s", err.msg);
		rc = -1;
	}
	/* Signing needs no schema: a broken install only costs the check. */
	if (rc == 0 && res.checks[NR_CHECK_SCHEMA].status == NR_CHECK_SKIP)
		nr_msg_warn("%s: schema %s", bundle, res.checks[NR_CHECK_SCHEMA].message);
	for (i = 0; rc == 0 && i < NR_CHECK_COUNT; i++)
		if (res.checks[i].status == NR_CHECK_FAIL) {
			nr_msg_error("%s: not signing: the %s check fails: %s", bundle,
			             nr_check_name((enum nr_check_id)i), res.checks[i].message);
			rc = -1;
		}
	nr_verify_release(&res);
	return rc;
}

int nr_cmd_sign(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "sign-key", required_argument, NULL, 'k' },
		{ "force", no_argument, NULL, 'f' },
		NR_LIMIT_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct nr_sig_file sf;
	struct nr_sign_stream *signer = NULL;
	struct nr_bundle_limits lim;
	struct nr_sign_key key;
	struct nr_error err = { 0 };
	const char *keyfile = NULL, *bundle;
	struct stat sb;
	int c, force = 0, rc;

	nr_bundle_limits_default(&lim);
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":fh", longopts, NULL)) != -1) {
		if ((rc = nr_cmd_limit_option("sign", c, optarg, &lim)) != 0) {
			if (rc < 0)
				return NR_EXIT_USAGE;
			continue;
		}
		switch (c) {
		case 'k': keyfile = optarg; break;
		case 'f': force = 1; break;
		case 'h': fputs(sign_usage, stdout); return NR_EXIT_OK;
		case ':':
			nr_msg_usage("sign", "option '%s' needs a value", argv[optind - 1]);
			return NR_EXIT_USAGE;
		default:
			nr_msg_usage("sign", "unknown option '%s'", argv[optind - 1]);
			return NR_EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		nr_msg_usage("sign", optind == argc ? "which bundle? 'nest-report sign BUNDLE'"
		                                    : "one bundle at a time");
		return NR_EXIT_USAGE;
	}
	bundle = argv[optind];
	if (nr_sign_sig_path(bundle, sf.path, sizeof(sf.path)) == 0 && stat(sf.path, &sb) == 0 && !force) {
		nr_msg_error("%s exists; --force replaces it", sf.path);
		return NR_EXIT_ERROR;
	}
	rc = nr_sign_find_key(keyfile, &key, &err);
	if (rc <= 0) {
		nr_msg_error("%s%s", err.msg, rc == 0 ? "; pass --sign-key FILE" : "");
		return NR_EXIT_ERROR;
	}
	nr_cmd_signals_watch(sf.tmp_path, &sf.tmp_live);
	nr_cmd_signals_install();
	/* ssh-keygen reads the bundle as the checks do: one pass.  Its
	 * signature is kept only when every check passed. */
	rc = nr_sign_stream_start(&key, bundle, &sf, &signer, &err);
	if (rc == 0 && precheck(bundle, &lim, signer) < 0)
		rc = -ECANCELED;   /* precheck said why */
	if (rc == 0)
		rc = nr_sign_stream_finish(signer, bundle, &key, &sf, &err);
	else
		nr_sign_stream_abort(signer, &sf);
	nr_cmd_signals_unwatch(sf.tmp_path);
	if (rc == -ECANCELED) {
		rc = nr_interrupted ? NR_EXIT_INTERRUPTED : NR_EXIT_ERROR;
	} else if (rc < 0 && nr_interrupted) {
		nr_msg_error("interrupted; no signature written");
		rc = NR_EXIT_INTERRUPTED;
	} else if (rc < 0) {
		nr_msg_error("%s", err.msg);
		rc = NR_EXIT_ERROR;
	} else {
		printf("Signed: %s (%s key %s, %s)\n", sf.path, key.type[0] ? nr_ssh_key_kind(key.type) : "SSH",
		       key.fingerprint[0] ? key.fingerprint : "fingerprint unknown", key.source);
		rc = NR_EXIT_OK;
	}
	nr_sign_key_release(&key);
	return rc;
}

int nr_cmd_sign_prepare(const char *keyfile, int no_sign, struct nr_sign_key *key, char *why,
                        size_t whylen)
{
	struct nr_error err = { 0 };
	int rc;

	memset(key, 0, sizeof(*key));
	/* "sign.enabled = no" in the config: no signing unless --sign-key. */
	if (no_sign || (!keyfile && !nr_config_bool("sign.enabled", 1))) {
		snprintf(why, whylen, "--no-sign");
		return 0;
	}
	rc = nr_sign_find_key(keyfile, key, &err);
	if (rc < 0 && keyfile) {
		nr_msg_usage("collect", "%s", err.msg);
		return -1;
	}
	/* A configured key that is gone must not cost the user the run. */
	if (rc < 0)
		nr_msg_warn("%s; not signing", err.msg);
	if (rc <= 0)
		snprintf(why, whylen, "%s", err.msg);
	return rc > 0;
}

void nr_cmd_signer_id(const char *opt, char *out, size_t outlen)
{
	const char *cfg = nr_config_get("sign.signer_id"), *user = getenv("USER");
	struct passwd *pw = getpwuid(geteuid());
	char host[256] = "localhost";

	if (opt || cfg) {
		snprintf(out, outlen, "%s", opt ? opt : cfg);
		return;
	}
	if (pw && pw->pw_name)
		user = pw->pw_name;
	gethostname(host, sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	snprintf(out, outlen, "%s@%s", user ? user : "unknown", host);
}

void nr_cmd_sign_tee(void *ud, const void *buf, size_t len)
{
	struct nr_cmd_signer *s = ud;

	if (!s->started) {
		s->started = 1;
		nr_sign_stream_start(s->key, s->planned, &s->sf, &s->stream, &s->err);
	}
	nr_sign_stream_write(s->stream, buf, len);
}

void nr_cmd_sign_drop(struct nr_cmd_signer *s)
{
	nr_sign_stream_abort(s->stream, &s->sf);
	s->stream = NULL;
	nr_cmd_signals_unwatch(s->sf.tmp_path);
}

void nr_cmd_sign_finish(struct nr_cmd_signer *s, const char *bundle, const char *why, char *sig,
                        size_t siglen)
{
	struct nr_error err = { 0 };
	int rc;

	sig[0] = '\0';
	if (!s->key) {
		if (strcmp(why, "--no-sign") != 0)
			nr_msg_warn("the bundle is unsigned: %s; sign it later with: nest-report sign %s",
			            why, bundle);
		return;
	}
	if (s->stream) {
		rc = nr_sign_stream_finish(s->stream, bundle, s->key, &s->sf, &err);
		s->stream = NULL;
	} else if (s->started) {
		rc = -1;
		err = s->err;
	} else {   /* the writer never wrote (cannot happen): sign the file */
		rc = nr_sign_bundle(bundle, s->key, &s->sf, &err);
	}
	nr_cmd_signals_unwatch(s->sf.tmp_path);
	if (rc < 0) {
		nr_msg_warn("the bundle is written but unsigned: %s; sign it later with: "
		            "nest-report sign %s", err.msg, bundle);
	} else {
		snprintf(sig, siglen, "%s", s->sf.path);
		nr_msg_info("signed: %s (%s key %s, %s)", s->sf.path,
		            s->key->type[0] ? nr_ssh_key_kind(s->key->type) : "SSH",
		            s->key->fingerprint[0] ? s->key->fingerprint : "fingerprint unknown",
		            s->key->source);
	}
}
