/* SPDX-License-Identifier: MIT */
/* `nest-report show BUNDLE`: the maintainer's first screen.  Reads only
 * the manifest (the first member) unless --probe or --extract asks for
 * more, so it is fast on any bundle; findings are evaluated again with
 * this version's rules. */
#include "cmd_show.h"
#include "cmd_show_html.h"
#include "cmd_trust.h"
#include "bundle/checklist.h"
#include "commands.h"
#include "findings/findings.h"
#include "findings/mlevel.h"
#include "msg.h"
#include "bundle/summary.h"
#include "trust/verify.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static const char show_usage[] =
	"usage: nest-report show BUNDLE [OPTIONS]\n"
	"\n"
	"Who made the bundle and when, whether it is signed, one line per level, the\n"
	"findings (evaluated again with this version's rules), the kernel document's\n"
	"checklist per level (what is there, and why the rest is not) and the probes\n"
	"that failed.  Reads only the manifest unless --probe or --extract needs more.\n"
	"\n"
	"options:\n"
	"      --level ID            only this level (with --probe: default l0)\n"
	"      --probe NAME[/ARTIFACT]  print that probe's artifacts (content)\n"
	"      --extract DIR         write the members (all, or those of --level and\n"
	"                            --probe) under DIR, and nowhere else\n"
	"      --html FILE           write one self-contained HTML page to FILE ('-':\n"
	"                            stdout): level tree, findings, checklist, artifacts\n"
	"      --allowed-signers FILE  check the signature (as 'verify' does)\n"
	"      --identity ID         the signer must be ID\n"
	"      --json                machine-readable output\n"
	NR_LIMIT_USAGE
	"  -h, --help                show this help\n"
	"\n"
	"Contents are not checked against their sha256 here: 'nest-report verify' does.\n"
	"Manifest fields that are missing or of the wrong type are shown as unknown and\n"
	"named on stderr; text from the bundle is shown with control characters escaped.\n"
	"exit status: 0 shown, 1 could not read the bundle, 2 usage error\n";

static const char *sev_color(const char *line)
{
	if (strncmp(line, "FAIL", 4) == 0)
		return "\033[1;31m";
	if (strncmp(line, "WARN", 4) == 0)
		return "\033[1;33m";
	return "\033[36m";
}

static bool level_wanted(const struct show_args *a, json_object *lv)
{
	const char *id = nr_mlevel_id(lv);

	return !a->level || (id && strcmp(id, a->level) == 0);
}

static void print_level(json_object *lv)
{
	json_object *probes = nr_mlevel_member(lv, "probes", json_type_array);
	json_object *errs = nr_mlevel_member(lv, "errors", json_type_array);
	const char *target = nr_mlevel_string(lv, "target"), *status = nr_mlevel_string(lv, "status");
	int depth = nr_mlevel_depth(lv);
	char line[512];

	if (depth < 0 || depth > 16)
		depth = 0;
	printf("%*s", depth * 2, "");
	snprintf(line, sizeof(line), "%s [%s%s%s] %s: ", nr_mlevel_id(lv) ? nr_mlevel_id(lv) : "?",
	         nr_mlevel_string(lv, "transport") ? nr_mlevel_string(lv, "transport") : "?",
	         target ? " " : "", target ? target : "", status ? status : "?");
	nr_cmd_put_safe(stdout, line);
	if (probes && json_object_array_length(probes) > 0)
		nr_summary_level_line(nr_mlevel_facts(lv), line, sizeof(line));
	else
		snprintf(line, sizeof(line), "%s", errs && json_object_array_length(errs) > 0
		         ? json_object_get_string(json_object_array_get_idx(errs, 0)) : "not collected");
	nr_cmd_put_safe(stdout, line);
	putchar('\n');
}

/* Failed or timed-out probes, per level. */
static size_t print_problems(const struct show_args *a, json_object *levels)
{
	size_t i, j, n = 0;
	char line[768];

	for (i = 0; levels && i < json_object_array_length(levels); i++) {
		json_object *lv = json_object_array_get_idx(levels, i);
		json_object *probes = nr_mlevel_member(lv, "probes", json_type_array);

		if (!level_wanted(a, lv))
			continue;
		for (j = 0; probes && j < json_object_array_length(probes); j++) {
			json_object *p = json_object_array_get_idx(probes, j);
			const char *st = nr_mlevel_string(p, "status");

			if (!st || (strcmp(st, "failed") != 0 && strcmp(st, "timeout") != 0))
				continue;
			snprintf(line, sizeof(line), "%-4s %-12s %-8s %s", nr_mlevel_id(lv) ? nr_mlevel_id(lv) : "?",
			         nr_mlevel_string(p, "name") ? nr_mlevel_string(p, "name") : "?", st,
			         nr_mlevel_string(p, "error") ? nr_mlevel_string(p, "error") : "");
			if (n++ == 0)
				printf("\nProbes that failed or timed out:\n");
			printf("  ");
			nr_cmd_put_safe(stdout, line);
			putchar('\n');
		}
	}
	return n;
}

static void print_findings(const struct show_args *a, json_object *findings)
{
	unsigned counts[NR_SEV_COUNT] = { 0 };
	const char *reset = nr_msg_sgr(stdout, "\033[0m");
	size_t i, n = json_object_array_length(findings);
	char line[2600];

	for (i = 0; i < n; i++) {
		json_object *f = json_object_array_get_idx(findings, i);
		const char *lv = nr_mlevel_string(f, "level");

		if (!a->level || (lv && strcmp(lv, a->level) == 0))
			counts[nr_findings_severity(f)]++;
	}
	printf("\nFindings (rules of nest-report %s): %u fail, %u warn, %u info\n", NR_VERSION,
	       counts[NR_SEV_FAIL], counts[NR_SEV_WARN], counts[NR_SEV_INFO]);
	for (i = 0; i < n; i++) {
		json_object *f = json_object_array_get_idx(findings, i);
		const char *lv = nr_mlevel_string(f, "level"), *id = nr_mlevel_string(f, "id");

		if (a->level && !(lv && strcmp(lv, a->level) == 0))
			continue;
		nr_findings_format_line(f, line, sizeof(line));
		printf("%s%.4s%s", nr_msg_sgr(stdout, sev_color(line)), line, reset);
		nr_cmd_put_safe(stdout, line + 4);
		printf(" [");
		nr_cmd_put_safe(stdout, id ? id : "-");
		printf("]\n");
	}
}

/* "Case:      12345 (label: after-upgrade)", only when the bundle has them. */
static void print_tags(json_object *m)
{
	const char *case_id = nr_mlevel_string(m, "case_id"), *label = nr_mlevel_string(m, "label");

	if (!case_id && !label)
		return;
	printf("Case:      ");
	nr_cmd_put_safe(stdout, case_id ? case_id : "none");
	if (label) {
		printf(" (label: ");
		nr_cmd_put_safe(stdout, label);
		putchar(')');
	}
	putchar('\n');
}

static void print_header(const struct show_args *a, json_object *m, const struct nr_verify_result *v)
{
	json_object *argv = nr_mlevel_member(m, "argv", json_type_array);
	json_object *signer = nr_mlevel_member(m, "signer", json_type_object);
	json_object *tool = nr_mlevel_member(m, "tool", json_type_object);
	json_object *replay = nr_mlevel_member(m, "replay", json_type_object);
	char size[32] = "?";
	struct stat sb;
	size_t i;

	if (stat(a->bundle, &sb) == 0)
		nr_msg_human_size((unsigned long long)sb.st_size, size, sizeof(size));
	printf("Bundle:    ");
	nr_cmd_put_safe(stdout, a->bundle);
	printf(" (%s)\nCreated:   ", size);
	nr_cmd_put_safe(stdout, nr_mlevel_string(m, "created") ? nr_mlevel_string(m, "created") : "?");
	printf(replay ? " from a capture of " : " on ");
	nr_cmd_put_safe(stdout, nr_mlevel_string(m, "host") ? nr_mlevel_string(m, "host") : "?");
	printf(" by nest-report ");
	nr_cmd_put_safe(stdout, nr_mlevel_string(tool, "version") ? nr_mlevel_string(tool, "version") : "?");
	if (replay) {
		/* host is the captured machine; this is who replayed its tree. */
		printf("\nReplayed:  on ");
		nr_cmd_put_safe(stdout, nr_mlevel_string(replay, "host") ? nr_mlevel_string(replay, "host") : "?");
		printf(" at ");
		nr_cmd_put_safe(stdout, nr_mlevel_string(replay, "time") ? nr_mlevel_string(replay, "time") : "?");
		printf(", from a captured tree (collect --sysroot)");
	}
	printf("\nSignature: %s", nr_msg_sgr(stdout, v->checks[NR_CHECK_SIGNATURE].status == NR_CHECK_PASS
	                                             ? "\033[32m" : v->checks[NR_CHECK_SIGNATURE].status == NR_CHECK_FAIL
	                                             ? "\033[1;31m" : ""));
	nr_cmd_put_safe(stdout, v->checks[NR_CHECK_SIGNATURE].message);
	printf("%s\n", nr_msg_sgr(stdout, "\033[0m"));
	if (signer) {
		printf("Signer:    ");
		nr_cmd_put_safe(stdout, nr_mlevel_string(signer, "identity") ? nr_mlevel_string(signer, "identity") : "?");
		printf(" (");
		nr_cmd_put_safe(stdout, nr_mlevel_string(signer, "fingerprint") ? nr_mlevel_string(signer, "fingerprint") : "?");
		printf("; as the manifest says, not proof)\n");
	}
	print_tags(m);
	if (nr_mlevel_member(m, "redaction", json_type_object))
		printf("Redacted:  hostnames, addresses, users and serials are placeholders "
		       "(redaction version %lld; docs/redaction.md)\n",
		       (long long)json_object_get_int64(json_object_object_get(
		               json_object_object_get(m, "redaction"), "version")));
	printf("Command:  ");
	for (i = 0; argv && i < json_object_array_length(argv) && i < 64; i++) {
		putchar(' ');
		nr_cmd_put_safe(stdout, json_object_get_string(json_object_array_get_idx(argv, i)));
	}
	printf("\n");
}

static json_object *show_json(const struct show_args *a, json_object *m,
                              const struct nr_verify_result *v, json_object *findings)
{
	json_object *o = json_object_new_object(), *sig = json_object_new_object();
	json_object *levels = nr_mlevel_member(m, "levels", json_type_array);
	json_object *lvs = json_object_new_array(), *problems = json_object_new_array();
	json_object *fs = json_object_new_array(), *shape = NULL;
	char line[512];
	size_t i, j;

	json_object_object_add(sig, "status", json_object_new_string(nr_check_status_name(v->checks[NR_CHECK_SIGNATURE].status)));
	json_object_object_add(sig, "message", json_object_new_string(v->checks[NR_CHECK_SIGNATURE].message));
	json_object_object_add(sig, "fingerprint", v->has_sig ? json_object_new_string(v->sig.fingerprint) : NULL);
	json_object_object_add(sig, "principal", v->checks[NR_CHECK_SIGNATURE].status == NR_CHECK_PASS
	                                                 ? json_object_new_string(v->principal) : NULL);
	for (i = 0; levels && i < json_object_array_length(levels); i++) {
		json_object *lv = json_object_array_get_idx(levels, i), *l = json_object_new_object();
		json_object *probes = nr_mlevel_member(lv, "probes", json_type_array);

		if (!level_wanted(a, lv)) {
			json_object_put(l);
			continue;
		}
		nr_summary_level_line(nr_mlevel_facts(lv), line, sizeof(line));
		json_object_object_add(l, "id", json_object_get(json_object_object_get(lv, "id")));
		json_object_object_add(l, "depth", json_object_get(json_object_object_get(lv, "depth")));
		json_object_object_add(l, "parent", json_object_get(json_object_object_get(lv, "parent")));
		json_object_object_add(l, "transport", json_object_get(json_object_object_get(lv, "transport")));
		json_object_object_add(l, "target", json_object_get(json_object_object_get(lv, "target")));
		json_object_object_add(l, "status", json_object_get(json_object_object_get(lv, "status")));
		json_object_object_add(l, "errors", json_object_get(json_object_object_get(lv, "errors")));
		json_object_object_add(l, "summary", json_object_new_string(line));
		json_object_array_add(lvs, l);
		for (j = 0; probes && j < json_object_array_length(probes); j++) {
			json_object *p = json_object_array_get_idx(probes, j), *e;
			const char *st = nr_mlevel_string(p, "status");

			if (!st || (strcmp(st, "failed") != 0 && strcmp(st, "timeout") != 0))
				continue;
			e = json_object_new_object();
			json_object_object_add(e, "level", json_object_get(json_object_object_get(lv, "id")));
			json_object_object_add(e, "probe", json_object_get(json_object_object_get(p, "name")));
			json_object_object_add(e, "status", json_object_new_string(st));
			json_object_object_add(e, "error", json_object_get(json_object_object_get(p, "error")));
			json_object_array_add(problems, e);
		}
	}
	for (i = 0; i < json_object_array_length(findings); i++) {
		json_object *f = json_object_array_get_idx(findings, i);
		const char *lv = nr_mlevel_string(f, "level");

		if (!a->level || (lv && strcmp(lv, a->level) == 0))
			json_object_array_add(fs, json_object_get(f));
	}
	json_object_object_add(o, "bundle", json_object_new_string(a->bundle));
	json_object_object_add(o, "created", json_object_get(json_object_object_get(m, "created")));
	json_object_object_add(o, "host", json_object_get(json_object_object_get(m, "host")));
	json_object_object_add(o, "replay", json_object_get(nr_mlevel_member(m, "replay", json_type_object)));
	json_object_object_add(o, "tool", json_object_get(json_object_object_get(m, "tool")));
	json_object_object_add(o, "argv", json_object_get(json_object_object_get(m, "argv")));
	json_object_object_add(o, "signature", sig);
	json_object_object_add(o, "signer", json_object_get(json_object_object_get(m, "signer")));
	json_object_object_add(o, "case_id", json_object_get(nr_mlevel_member(m, "case_id", json_type_string)));
	json_object_object_add(o, "label", json_object_get(nr_mlevel_member(m, "label", json_type_string)));
	if (json_object_object_get(m, "redaction"))
		json_object_object_add(o, "redaction", json_object_get(json_object_object_get(m, "redaction")));
	json_object_object_add(o, "levels", lvs);
	json_object_object_add(o, "findings", fs);
	json_object_object_add(o, "rules_version", json_object_new_string(NR_VERSION));
	json_object_object_add(o, "problems", problems);
	json_object_object_add(o, "totals", json_object_get(json_object_object_get(m, "totals")));
	nr_mlevel_problems(m, &shape, 100);
	json_object_object_add(o, "manifest_problems", shape);
	return o;
}

static int show_overview(struct nr_bundle_reader *r, const struct show_args *a)
{
	json_object *m = nr_bundle_manifest(r), *levels = nr_mlevel_member(m, "levels", json_type_array);
	json_object *findings = NULL, *checklist = NULL, *o;
	struct nr_verify_result v;
	struct nr_error err = { 0 };
	size_t i, shown = 0;
	int rc = NR_EXIT_OK;

	memset(&v, 0, sizeof(v));
	if (nr_verify_signature(a->bundle, a->allowed, a->identity, &v, &err) < 0) {
		nr_msg_error("%s", err.msg);
		return NR_EXIT_ERROR;
	}
	nr_cmd_warn_shape(NULL, m);
	findings = nr_findings_evaluate(levels);
	checklist = nr_checklist_build(levels);
	if (!findings || !checklist) {
		nr_msg_error("out of memory");
		rc = NR_EXIT_ERROR;
		goto out;
	}
	if (a->json) {
		o = show_json(a, m, &v, findings);
		json_object_object_add(o, "checklist", nr_show_checklist_json(a, checklist));
		nr_msg_json(stdout, o);
		json_object_put(o);
		goto out;
	}
	print_header(a, m, &v);
	printf("\nLevels:\n");
	for (i = 0; levels && i < json_object_array_length(levels); i++)
		if (level_wanted(a, json_object_array_get_idx(levels, i))) {
			print_level(json_object_array_get_idx(levels, i));
			shown++;
		}
	if (!shown && a->level)
		nr_msg_line(stdout, "  (no level %s)", a->level);
	else if (!shown)
		printf("  (none)\n");
	print_findings(a, findings);
	nr_show_checklist(a, checklist);
	if (print_problems(a, levels) == 0)
		printf("\nNo probe failed or timed out.\n");
out:
	json_object_put(checklist);
	json_object_put(findings);
	nr_verify_release(&v);
	return rc;
}

/* Returns -1 to go on, or an exit code. */
static int parse_args(int argc, char **argv, struct show_args *a, char *cfg, size_t cfglen)
{
	static const struct option longopts[] = {
		{ "level", required_argument, NULL, 'l' },
		{ "probe", required_argument, NULL, 'p' },
		{ "extract", required_argument, NULL, 'x' },
		{ "html", required_argument, NULL, 'H' },
		{ "allowed-signers", required_argument, NULL, 'a' },
		{ "identity", required_argument, NULL, 'I' },
		{ "json", no_argument, NULL, 'j' },
		NR_LIMIT_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *allowed = NULL;
	int c, rc;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		if ((rc = nr_cmd_limit_option("show", c, optarg, &a->limits)) != 0) {
			if (rc < 0)
				return NR_EXIT_USAGE;
			continue;
		}
		switch (c) {
		case 'l': a->level = optarg; break;
		case 'p': a->probe = optarg; break;
		case 'x': a->extract = optarg; break;
		case 'H': a->html = optarg; break;
		case 'a': allowed = optarg; break;
		case 'I': a->identity = optarg; break;
		case 'j': a->json = true; break;
		case 'h': fputs(show_usage, stdout); return NR_EXIT_OK;
		case ':':
			nr_msg_usage("show", "option '%s' needs a value", argv[optind - 1]);
			return NR_EXIT_USAGE;
		default:
			nr_msg_usage("show", "unknown option '%s'", argv[optind - 1]);
			return NR_EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		nr_msg_usage("show", optind == argc ? "which bundle? 'nest-report show BUNDLE'"
		                                    : "one bundle at a time");
		return NR_EXIT_USAGE;
	}
	if (a->html && (a->probe || a->extract || a->json)) {
		nr_msg_usage("show", "--html is a page of its own: not with --probe, --extract or --json");
		return NR_EXIT_USAGE;
	}
	a->bundle = argv[optind];
	a->allowed = nr_cmd_allowed_signers(allowed, cfg, cfglen);
	return -1;
}

int nr_cmd_show(int argc, char **argv)
{
	struct show_args a = { 0 };
	struct nr_bundle_reader *r;
	struct nr_error err = { 0 };
	char cfg[PATH_MAX];
	int rc;

	nr_bundle_limits_default(&a.limits);
	rc = parse_args(argc, argv, &a, cfg, sizeof(cfg));
	if (rc >= 0)
		return rc;
	r = nr_bundle_open(a.bundle, &a.limits, &err);
	if (!r) {
		nr_msg_error("%s: %s", a.bundle, err.msg);
		return NR_EXIT_ERROR;
	}
	if (a.html)
		rc = nr_show_html(r, &a);
	else if (a.extract)
		rc = nr_show_extract(r, &a);
	else if (a.probe)
		rc = nr_show_probe(r, &a);
	else
		rc = show_overview(r, &a);
	nr_bundle_close(r);
	return rc;
}
