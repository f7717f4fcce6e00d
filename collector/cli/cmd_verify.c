/* SPDX-License-Identifier: MIT */
/* `nest-report verify BUNDLE`: the four checks of verify.h, each on its own
 * line (or in --json, schemas/verify.schema.json). */
#include "cmd_trust.h"
#include "commands.h"
#include "msg.h"
#include "trust/verify.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#define VERIFY_SCHEMA "urn:nest-report:schema:verify:1"
#define TEXT_DETAILS_MAX 10

static const char verify_usage[] =
	"usage: nest-report verify BUNDLE [OPTIONS]\n"
	"\n"
	"Checks a bundle, reporting each check on its own line:\n"
	"  signature  BUNDLE.sig against an allowed_signers file (ssh-keygen -Y verify)\n"
	"  archive    the archive is well-formed and safe to read\n"
	"  members    every member is listed in the manifest with its size and sha256\n"
	"  schema     the manifest is valid against the schema version it declares\n"
	"\n"
	"options:\n"
	"      --allowed-signers FILE  check the signature against FILE (ssh-keygen's\n"
	"                            ALLOWED SIGNERS format; default:\n"
	"                            verify.allowed_signers in the config); without it\n"
	"                            the signature is not checked\n"
	"      --identity ID         the signer must be ID (default: whoever FILE names\n"
	"                            for the signing key)\n"
	"      --json                print the result as JSON (schemas/verify.schema.json)\n"
	NR_LIMIT_USAGE
	"  -h, --help                show this help\n"
	"\n"
	"exit status: 0 every check passed (or was skipped, as an unchecked signature,\n"
	"or the schema when no schemas are installed: the last line names what was\n"
	"not checked), 3 a check failed, 1 could not verify, 2 usage error\n";


static json_object *check_json(const struct nr_check *c)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "status", json_object_new_string(nr_check_status_name(c->status)));
	json_object_object_add(o, "message", json_object_new_string(c->message));
	json_object_object_add(o, "details", c->details ? json_object_get(c->details) : json_object_new_array());
	return o;
}

static void report_json(const char *bundle, const struct nr_verify_result *res)
{
	json_object *o = json_object_new_object(), *checks = json_object_new_object(), *signer = NULL;
	json_object *m = res->manifest, *tool = json_object_object_get(m, "tool"), *about = NULL;
	int i;

	for (i = 0; i < NR_CHECK_COUNT; i++)
		json_object_object_add(checks, nr_check_name((enum nr_check_id)i), check_json(&res->checks[i]));
	if (res->has_sig) {
		signer = json_object_new_object();
		json_object_object_add(signer, "key_type", json_object_new_string(res->sig.key_type));
		json_object_object_add(signer, "fingerprint", json_object_new_string(res->sig.fingerprint));
		json_object_object_add(signer, "principal",
		                       res->checks[NR_CHECK_SIGNATURE].status == NR_CHECK_PASS
		                               ? json_object_new_string(res->principal) : NULL);
	}
	if (m) {
		about = json_object_new_object();
		json_object_object_add(about, "schema", json_object_get(json_object_object_get(m, "schema")));
		json_object_object_add(about, "created", json_object_get(json_object_object_get(m, "created")));
		json_object_object_add(about, "host", json_object_get(json_object_object_get(m, "host")));
		json_object_object_add(about, "tool_version", json_object_get(json_object_object_get(tool, "version")));
	}
	json_object_object_add(o, "schema", json_object_new_string(VERIFY_SCHEMA));
	json_object_object_add(o, "bundle", json_object_new_string(bundle));
	json_object_object_add(o, "verified", json_object_new_boolean(nr_verify_ok(res)));
	json_object_object_add(o, "checks", checks);
	json_object_object_add(o, "signer", signer);
	json_object_object_add(o, "members", json_object_new_int64((int64_t)res->members));
	json_object_object_add(o, "manifest", about);
	nr_msg_json(stdout, o);
	json_object_put(o);
}

static void report_text(const char *bundle, const struct nr_verify_result *res)
{
	static const char *const colors[] = { "\033[32m", "\033[1;31m", "\033[33m" };
	const char *reset = nr_msg_sgr(stdout, "\033[0m");
	char failed[128] = "", skipped[128] = "";
	size_t j, n;
	int i;

	for (i = 0; i < NR_CHECK_COUNT; i++) {
		const struct nr_check *c = &res->checks[i];

		printf("%-10s %s%-4s%s  ", nr_check_name((enum nr_check_id)i),
		       nr_msg_sgr(stdout, colors[c->status]), nr_check_status_name(c->status), reset);
		nr_cmd_put_safe(stdout, c->message);
		putchar('\n');
		n = c->status == NR_CHECK_FAIL && c->details ? json_object_array_length(c->details) : 0;
		for (j = 0; j < n && j < TEXT_DETAILS_MAX; j++) {
			printf("                 - ");
			nr_cmd_put_safe(stdout, json_object_get_string(json_object_array_get_idx(c->details, j)));
			putchar('\n');
		}
		if (n > TEXT_DETAILS_MAX)
			printf("                 ... and %zu more (--json lists up to %d)\n",
			       n - TEXT_DETAILS_MAX, NR_CHECK_DETAILS_MAX);
		if (c->status == NR_CHECK_FAIL)
			snprintf(failed + strlen(failed), sizeof(failed) - strlen(failed), "%s%s",
			         failed[0] ? ", " : "", nr_check_name((enum nr_check_id)i));
		/* A skipped check counts as passed for the exit status, so the
		 * last line must say which were not made. */
		if (c->status == NR_CHECK_SKIP)
			snprintf(skipped + strlen(skipped), sizeof(skipped) - strlen(skipped), "%s%s",
			         skipped[0] ? ", " : "", nr_check_name((enum nr_check_id)i));
	}
	nr_cmd_put_safe(stdout, bundle);
	if (failed[0])
		printf(": %sNOT verified%s: failed %s\n", nr_msg_sgr(stdout, colors[1]), reset, failed);
	else
		printf(": %sverified%s%s%s%s\n", nr_msg_sgr(stdout, colors[0]), reset,
		       skipped[0] ? " (not checked: " : "", skipped, skipped[0] ? ")" : "");
}

int nr_cmd_verify(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "allowed-signers", required_argument, NULL, 'a' },
		{ "identity", required_argument, NULL, 'I' },
		{ "json", no_argument, NULL, 'j' },
		NR_LIMIT_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct nr_verify_opts o = { 0 };
	struct nr_verify_result res;
	struct nr_error err = { 0 };
	const char *allowed = NULL;
	char cfg[PATH_MAX];
	int c, json = 0, rc;

	nr_bundle_limits_default(&o.limits);
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		if ((rc = nr_cmd_limit_option("verify", c, optarg, &o.limits)) != 0) {
			if (rc < 0)
				return NR_EXIT_USAGE;
			continue;
		}
		switch (c) {
		case 'a': allowed = optarg; break;
		case 'I': o.identity = optarg; break;
		case 'j': json = 1; break;
		case 'h': fputs(verify_usage, stdout); return NR_EXIT_OK;
		case ':':
			nr_msg_usage("verify", "option '%s' needs a value", argv[optind - 1]);
			return NR_EXIT_USAGE;
		default:
			nr_msg_usage("verify", "unknown option '%s'", argv[optind - 1]);
			return NR_EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		nr_msg_usage("verify", optind == argc ? "which bundle? 'nest-report verify BUNDLE'"
		                                      : "one bundle at a time");
		return NR_EXIT_USAGE;
	}
	o.allowed_signers = nr_cmd_allowed_signers(allowed, cfg, sizeof(cfg));
	if (nr_verify_run(argv[optind], &o, &res, &err) < 0) {
		nr_msg_error("%s", err.msg);
		nr_verify_release(&res);
		return NR_EXIT_ERROR;
	}
	if (json)
		report_json(argv[optind], &res);
	else
		report_text(argv[optind], &res);
	rc = nr_verify_ok(&res) ? NR_EXIT_OK : NR_EXIT_CHECK_FAILED;
	nr_verify_release(&res);
	return rc;
}
