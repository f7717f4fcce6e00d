/* SPDX-License-Identifier: MIT */
/* `nest-report redact BUNDLE`: a redacted copy of a bundle, for a public
 * bug tracker (docs/redaction.md). */
#include "cmd_signals.h"
#include "cmd_trust.h"
#include "commands.h"
#include "msg.h"
#include "redact/bundle_redact.h"
#include "redact_cli.h"
#include "trust/verify.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char redact_usage[] =
	"usage: nest-report redact BUNDLE [OPTIONS]\n"
	"\n"
	"Writes a redacted copy of BUNDLE, for a public bug tracker: hostnames and\n"
	"domains, IP addresses (loopback, link-local and documentation ranges stay\n"
	"readable), MAC addresses (the OUI is kept), user names and home paths, DMI\n"
	"serial numbers, system and libvirt UUIDs, and any --redact-word, are\n"
	"replaced everywhere by consistent placeholders (host-1, 198.18.1.10,\n"
	"52:54:00:00:00:01...).  The new bundle verifies, shows and diffs like any\n"
	"other, and its findings are those of the original.  The map back to the\n"
	"real names goes to NEW.redact-map.json (mode 0600): keep it, never attach it.\n"
	"BUNDLE must verify (archive, members, schema) and not be redacted already.\n"
	"\n"
	"options:\n"
	"  -o, --output DIR|FILE     where to write it (default: BUNDLE's directory, as\n"
	"                            nest-report-redacted-TIMESTAMP.tar.zst)\n"
	NR_REDACT_USAGE
	"      --sign-key FILE       sign the new bundle with this key (default as collect)\n"
	"      --signer-id ID        the identity the manifest records (default user@host)\n"
	"      --no-sign             do not sign\n"
	"      --json                print the result as JSON\n"
	NR_LIMIT_USAGE
	"  -q, --quiet               print only errors (and the new bundle's path)\n"
	"  -h, --help                show this help\n"
	"\n"
	"exit status: 0 written, 1 could not read, refused or could not write, 2 usage\n"
	"error, 130 interrupted\n";

struct redact_args {
	const char *input, *output, *sign_key, *signer_id;
	int no_sign, json;
	struct nr_redact_cli redact;
	struct nr_bundle_limits lim;
};

/* Returns -1 to continue, or an exit code. */
static int parse_args(int argc, char **argv, struct redact_args *a)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		NR_REDACT_LONGOPTS,
		{ "sign-key", required_argument, NULL, 0x2001 },
		{ "signer-id", required_argument, NULL, 0x2002 },
		{ "no-sign", no_argument, NULL, 0x2003 },
		{ "json", no_argument, NULL, 'j' },
		NR_LIMIT_LONGOPTS,
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, handled;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":o:qh", longopts, NULL)) != -1) {
		handled = nr_redact_cli_option("redact", c, optarg, &a->redact);
		if (handled == 0)
			handled = nr_cmd_limit_option("redact", c, optarg, &a->lim);
		if (handled < 0)
			return NR_EXIT_USAGE;
		if (handled)
			continue;
		switch (c) {
		case 'o': a->output = optarg; break;
		case 0x2001: a->sign_key = optarg; break;
		case 0x2002: a->signer_id = optarg; break;
		case 0x2003: a->no_sign = 1; break;
		case 'j': a->json = 1; break;
		case 'q': nr_msg_set_verbosity(NR_QUIET); break;
		case 'h': fputs(redact_usage, stdout); return NR_EXIT_OK;
		case ':':
			nr_msg_usage("redact", "option '%s' needs a value", argv[optind - 1]);
			return NR_EXIT_USAGE;
		default:
			nr_msg_usage("redact", "unknown option '%s'", argv[optind - 1]);
			return NR_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		nr_msg_usage("redact", "which bundle? nest-report redact BUNDLE");
		return NR_EXIT_USAGE;
	}
	a->input = argv[optind++];
	if (optind < argc) {
		nr_msg_usage("redact", "unexpected argument '%s'", argv[optind]);
		return NR_EXIT_USAGE;
	}
	return -1;
}

/* Redact only what verify passes: its members and schema are what the
 * new bundle's integrity is computed from. */
static int precheck(const struct redact_args *a)
{
	struct nr_verify_opts o = { .limits = a->lim, .no_signature = true };
	struct nr_verify_result res;
	struct nr_error err = { 0 };
	int i, rc = 0;

	if (nr_verify_run(a->input, &o, &res, &err) < 0) {
		nr_msg_error("%s", err.msg);
		return -1;
	}
	for (i = 0; rc == 0 && i < NR_CHECK_COUNT; i++)
		if (res.checks[i].status == NR_CHECK_FAIL) {
			nr_msg_error("%s: not redacting: the %s check fails: %s", a->input,
			             nr_check_name((enum nr_check_id)i), res.checks[i].message);
			rc = -1;
		}
	nr_verify_release(&res);
	return rc;
}

/* The original's compression, from its manifest (zstd if unknown). */
static const char *compression_of(json_object *m)
{
	static const char *const known[] = { "zstd", "gzip", "xz", "none" };
	const char *c = json_object_get_string(json_object_object_get(json_object_object_get(m, "options"),
	                                                              "compression"));
	size_t i;

	for (i = 0; c && i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(c, known[i]) == 0)
			return known[i];
	return "zstd";
}

/* -o FILE, or DIR (default: the input's) / nest-report-redacted-STAMP: the
 * name must not carry the hostname the original's name has. */
static int output_path(const struct redact_args *a, const char *compression,
                       struct nr_bundle_writer *w, char *dir, size_t dirlen)
{
	struct stat sb;
	char stamp[32];
	const char *slash;
	time_t now = time(NULL);
	struct tm tm;
	int n;

	w->auto_name = !a->output || (stat(a->output, &sb) == 0 && S_ISDIR(sb.st_mode));
	if (w->auto_name) {
		if (a->output)
			snprintf(dir, dirlen, "%s", a->output);
		else if ((slash = strrchr(a->input, '/')))
			snprintf(dir, dirlen, "%.*s", slash == a->input ? 1 : (int)(slash - a->input), a->input);
		else
			snprintf(dir, dirlen, ".");
		gmtime_r(&now, &tm);
		strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
		n = snprintf(w->final_path, sizeof(w->final_path), "%s%snest-report-redacted-%s%s", dir,
		             dir[strlen(dir) - 1] == '/' ? "" : "/", stamp, nr_bundle_suffix(compression));
	} else {
		n = snprintf(w->final_path, sizeof(w->final_path), "%s", a->output);
		slash = strrchr(a->output, '/');
		snprintf(dir, dirlen, "%.*s", slash ? (slash == a->output ? 1 : (int)(slash - a->output)) : 1,
		         slash ? a->output : ".");
	}
	return n > 0 && (size_t)n < sizeof(w->final_path) ? 0 : -1;
}

static json_object *signer_record(const char *id, const struct nr_sign_key *key)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "identity", json_object_new_string(id));
	json_object_object_add(o, "key_type", key->type[0] ? json_object_new_string(key->type) : NULL);
	json_object_object_add(o, "fingerprint",
	                       key->fingerprint[0] ? json_object_new_string(key->fingerprint) : NULL);
	return o;
}

static void report(const struct redact_args *a, const struct nr_bundle_writer *w,
                   const struct nr_redactor *r, const char *map, const char *sig)
{
	json_object *o;
	char size[32];

	if (a->json) {
		o = json_object_new_object();
		json_object_object_add(o, "bundle", json_object_new_string(w->final_path));
		json_object_object_add(o, "size", json_object_new_int64((int64_t)w->size));
		json_object_object_add(o, "map", json_object_new_string(map));
		json_object_object_add(o, "signature", sig[0] ? json_object_new_string(sig) : NULL);
		json_object_object_add(o, "replacements", json_object_new_int64((int64_t)nr_redact_replacements(r)));
		printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
		                                                     JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
		return;
	}
	if (nr_msg_verbosity() == NR_QUIET) {
		printf("%s\n", w->final_path);
		return;
	}
	nr_msg_human_size(w->size, size, sizeof(size));
	printf("Wrote %s (%s)\n", w->final_path, size);
	nr_redact_cli_report(r, map);
}

int nr_cmd_redact(int argc, char **argv)
{
	static struct nr_bundle_writer w;
	static struct nr_cmd_signer signer_state;
	struct redact_args a = { 0 };
	struct nr_redact_bundle_args ra = { 0 };
	struct nr_bundle_reader *rd = NULL;
	struct nr_redactor *r = NULL;
	struct nr_error err = { 0 };
	struct nr_sign_key key;
	char dir[PATH_MAX], map[PATH_MAX + 32] = "", sig[PATH_MAX + 8] = "", why[NR_ERROR_MSG_MAX];
	char signer[256];
	json_object *signer_json = NULL;
	int rc, signing = 0;

	a.redact.enable = 1;
	nr_bundle_limits_default(&a.lim);
	rc = parse_args(argc, argv, &a);
	if (rc >= 0)
		return rc;
	rc = NR_EXIT_ERROR;
	if (precheck(&a) < 0)
		goto out;
	rd = nr_bundle_open(a.input, &a.lim, &err);
	if (!rd) {
		nr_msg_error("%s", err.msg);
		goto out;
	}
	w.compression = compression_of(nr_bundle_manifest(rd));
	nr_bundle_close(rd);
	if (output_path(&a, w.compression, &w, dir, sizeof(dir)) < 0) {
		nr_msg_usage("redact", "output path too long");
		rc = NR_EXIT_USAGE;
		goto out;
	}
	snprintf(map, sizeof(map), "%s.redact-map.json", w.final_path);
	if (!w.auto_name && access(map, F_OK) == 0) {
		nr_msg_error("%s already exists; remove it or choose another name with -o", map);
		goto out;
	}
	r = nr_redact_cli_setup("redact", &a.redact, &rc);
	if (!r)
		goto out;
	signing = nr_cmd_sign_prepare(a.sign_key, a.no_sign, &key, why, sizeof(why));
	if (signing < 0) {
		rc = NR_EXIT_USAGE;
		goto out;
	}
	nr_cmd_signer_id(a.signer_id, signer, sizeof(signer));
	if (signing) {
		signer_json = signer_record(signer, &key);
		/* Signed as it is written: no second pass over the new bundle. */
		signer_state.key = &key;
		signer_state.planned = w.final_path;
		w.tee = nr_cmd_sign_tee;
		w.tee_ud = &signer_state;
		nr_cmd_signals_watch(signer_state.sf.tmp_path, &signer_state.sf.tmp_live);
	}
	w.mtime = time(NULL);
	ra = (struct nr_redact_bundle_args){ a.input, &a.lim, r, signer_json, &w, dir, map, sizeof(map) };
	nr_cmd_signals_watch(w.tmp_path, &w.tmp_live);
	nr_cmd_signals_install();
	rc = nr_redact_bundle(&ra, &err);
	nr_cmd_signals_unwatch(w.tmp_path);
	if (rc < 0) {
		nr_cmd_sign_drop(&signer_state);
		if (nr_interrupted) {
			nr_msg_error("interrupted; nothing written");
			rc = NR_EXIT_INTERRUPTED;
		} else {
			nr_msg_error("%s: %s", a.input, err.msg);
			rc = NR_EXIT_ERROR;
		}
		goto out;
	}
	nr_cmd_sign_finish(&signer_state, w.final_path, why, sig, sizeof(sig));
	report(&a, &w, r, map, sig);
	rc = NR_EXIT_OK;
out:
	if (signing > 0)
		nr_sign_key_release(&key);
	json_object_put(signer_json);
	nr_redactor_free(r);
	return rc;
}
