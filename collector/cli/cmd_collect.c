/* SPDX-License-Identifier: MIT */
/* `nest-report [collect]`: collect this machine into a bundle. */
#include "cmd_trust.h"
#include "cmd_dropins.h"
#include "cmd_signals.h"
#include "run/collect.h"
#include "commands.h"
#include "findings/findings.h"
#include "msg.h"
#include "bundle/summary.h"
#include "scrub/scrub.h"
#include "upload_cli.h"
#include "redact_cli.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_TIMEOUT_S 30
#define DEFAULT_ARTIFACT_CAP (256ULL * 1024 * 1024)

static const char collect_usage[] =
	"usage: nest-report [collect] [OPTIONS]\n"
	"\n"
	"Collects this machine (level l0), and every level given with --level or\n"
	"--topology over SSH, into nest-report-HOST[-LABEL][-CASEID]-TIMESTAMP.tar.zst.\n"
	"Secrets in QEMU command lines, libvirt logs and domain XML are always scrubbed.\n"
	"\n"
	"options:\n"
	"  -o, --output DIR|FILE     where to write the bundle (default: current directory)\n"
	"      --only PROBE,...      run only these probes (see 'nest-report probes')\n"
	"      --skip PROBE,...      do not run these probes\n"
	"      --timeout SECS        per-probe timeout, and for a level's detection\n"
	"                            (architecture, root) as a whole (default 30)\n"
	"      --max-artifact-size N cap per artifact, with K/M/G suffix (default 256M);\n"
	"                            larger output is truncated and marked so\n"
	"      --compress zstd|gzip|xz|none  bundle compression (default zstd)\n"
	"      --json                print a machine-readable run summary on stdout\n"
	"      --case-id ID          the support case this is for: in the manifest and the\n"
	"                            file name (letters, digits, . _ -; at most 64)\n"
	"      --label TEXT          a short label, likewise (\"after-upgrade\")\n"
	"      --sysroot DIR         replay a tree made by 'nest-report capture' (or a\n"
	"                            copy of /proc and /sys) as level l0, not this machine;\n"
	"                            unlike sos's --sysroot, never a live root such as /;\n"
	"                            the bundle names the captured machine, not this one\n"
	NR_OPT_PROBE_DIR_HELP
	"\n"
	"levels reached over SSH (agentless: nothing is installed on them):\n"
	"      --level ID=[user@]host[:port][,via=ID][,sudo][,only=P:P][,skip=P:P]\n"
	"                            add a level; via= reaches it through another level's\n"
	"                            session (a jump chain; no ssh client needed)\n"
	"      --topology FILE       levels from a JSON file (schemas/topology.schema.json)\n"
	"      --sudo                run probes on remote levels with 'sudo -n'\n"
	"      --accept-new-host-keys  record unknown host keys (never changed ones)\n"
	"      --connect-timeout SECS  per level, connection and authentication\n"
	"                            (default 10); a level ends within this plus twice\n"
	"                            --timeout, and leaves no process behind\n"
	"      --ssh-config FILE     instead of ~/.ssh/config\n"
	"      --known-hosts FILE    instead of ~/.ssh/known_hosts\n"
	"      --identity FILE       private key to try before the defaults\n"
	"\n"
	"signing (a detached SSH signature, BUNDLE.sig; see 'nest-report sign --help'):\n"
	"      --sign-key FILE       sign with this key (default: sign.key in the config,\n"
	"                            else ssh-agent's first key, else ~/.ssh/id_ed25519 ...)\n"
	"      --signer-id ID        the identity the manifest records (default user@host)\n"
	"      --no-sign             do not sign\n"
	"      --upload URL          then upload the bundle and its signature (https:// PUT,\n"
	"                            or POST with upload.method=post in the config; sftp://);\n"
	"                            see 'nest-report upload --help'.  Exit 4 or 5 when the\n"
	"                            upload fails (the bundle is kept)\n"
	"\n"
	"redaction, for bundles attached to public bug trackers (docs/redaction.md):\n"
	"      --redact              replace hostnames, domains, IP and MAC addresses (MACs\n"
	"                            keep their OUI), user names, DMI serials and UUIDs by\n"
	"                            consistent placeholders everywhere; the map goes to\n"
	"                            BUNDLE.redact-map.json (0600), never into the bundle\n"
	"      --no-redact           not even when redact.enabled is set in the config\n"
	NR_REDACT_USAGE
	"\n"

	"  -q, --quiet               print only errors (and the bundle path)\n"
	"  -v, --verbose             report every probe as it finishes\n"
	"  -h, --help                show this help\n"
	"\n"
	"exit status: 0 bundle written, 1 could not write it, 2 usage error, 130 interrupted\n";

/* BUNDLE.sig once signed, for the report. */
static char signature_path[PATH_MAX];
/* --upload --json: the upload's result, for the report. */
static json_object *upload_result;

static void host_name(char *out, size_t outlen)
{
	char raw[256] = "";
	size_t i;

	if (gethostname(raw, sizeof(raw) - 1) < 0 || !raw[0])
		snprintf(raw, sizeof(raw), "localhost");
	for (i = 0; raw[i] && i + 1 < outlen; i++)
		out[i] = (raw[i] == '/' || raw[i] == ' ') ? '_' : raw[i];
	out[i] = '\0';
}

struct collect_args {
	const char *sign_key, *signer_id;
	int no_sign;
	const char *upload;    /* --upload URL */
	struct nr_topology topo;
	struct nr_ssh_opts ssh;
	const char *output;
	char **only, **skip;
	int timeout_s;
	unsigned long long cap;
	const char *compression;
	int json;
	const char *sysroot;   /* replay this captured tree instead of the machine */
	const char *case_id, *label;
	struct nr_redact_cli redact;
};

/* -o DIR puts the default name in DIR, nest-report-HOST[-LABEL][-CASE]-STAMP
 * (sos's order); anything else is the file name. */
static int resolve_output(const char *output, const char *host, const struct collect_args *a,
                          time_t now, char *out, size_t outlen, bool *auto_name)
{
	const char *suffix = nr_bundle_suffix(a->compression);
	char stamp[32];
	struct stat sb;
	struct tm tm;
	int n;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	*auto_name = !output || (stat(output, &sb) == 0 && S_ISDIR(sb.st_mode));
	if (*auto_name)
		n = snprintf(out, outlen, "%s%snest-report-%s%s%s%s%s-%s%s", output ? output : "",
		             output && output[strlen(output) - 1] != '/' ? "/" : "", host,
		             a->label ? "-" : "", a->label ? a->label : "", a->case_id ? "-" : "",
		             a->case_id ? a->case_id : "", stamp, suffix);
	else
		n = snprintf(out, outlen, "%s", output);
	return n > 0 && (size_t)n < outlen ? 0 : -1;
}

static void spool_dir_of(const char *path, char *out, size_t outlen)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		snprintf(out, outlen, ".");
	else if (slash == path)
		snprintf(out, outlen, "/");
	else
		snprintf(out, outlen, "%.*s", (int)(slash - path), path);
}

static void progress(void *ud, const char *level, const struct nr_probe_result *r)
{
	(void)ud;
	if (r->status == NR_PROBE_FAILED || r->status == NR_PROBE_TIMEOUT)
		nr_msg_warn("probe '%s' on %s: %s", r->probe->name, level,
		            r->error ? r->error : nr_probe_status_name(r->status));
	else
		nr_msg_debug("probe '%s' on %s: %s (%lld ms)%s%s", r->probe->name, level,
		             nr_probe_status_name(r->status), (long long)r->duration_ms,
		             r->error ? ": " : "", r->error ? r->error : "");
}

static void level_progress(void *ud, const struct nr_level *lv, const char *what)
{
	json_object *errs = lv->errors;
	size_t n = json_object_array_length(errs);

	(void)ud;
	if (n > 0)
		nr_msg_warn("level %s: %s: %s", lv->id, what,
		            json_object_get_string(json_object_array_get_idx(errs, n - 1)));
	else
		nr_msg_debug("level %s: %s", lv->id, what);
}

/* Findings after the levels, fail first, the tag coloured on a TTY.  The
 * per-level "could not check" list is long and mostly for maintainers:
 * only -v prints it here (summary.txt always has it). */
static void report_findings(json_object *findings)
{
	static const char *const colors[] = { "\033[1;31m", "\033[1;33m", "\033[1;36m" };
	size_t i, n = json_object_is_type(findings, json_type_array) ? json_object_array_length(findings) : 0;
	unsigned counts[NR_SEV_COUNT], hidden = 0;
	char line[2600];

	nr_findings_count(findings, counts);
	printf("Findings: %u fail, %u warn, %u info%s\n", counts[NR_SEV_FAIL], counts[NR_SEV_WARN],
	       counts[NR_SEV_INFO], n ? " (see 'nest-report rules' for each id)" : "");
	for (i = 0; i < n; i++) {
		json_object *f = json_object_array_get_idx(findings, i);
		const char *id = json_object_get_string(json_object_object_get(f, "id"));

		if (id && strcmp(id, NR_RULE_COULD_NOT_CHECK) == 0 && nr_msg_verbosity() < NR_VERBOSE) {
			hidden++;
			continue;
		}
		nr_findings_format_line(f, line, sizeof(line));
		/* The message quotes the levels' facts: remote text. */
		printf("%s%.4s%s", nr_msg_sgr(stdout, colors[nr_findings_severity(f)]), line,
		       nr_msg_sgr(stdout, "\033[0m"));
		nr_msg_line(stdout, "%s [%s]", line + 4, id ? id : "?");
	}
	if (hidden)
		printf("(%u level%s with rules that could not be checked: see summary.txt, or -v)\n",
		       hidden, hidden == 1 ? "" : "s");
}

static void report_text(struct nr_collect_run *run)
{
	unsigned counts[NR_PROBE_STATUS_COUNT];
	size_t scrubbed, artifacts, i;
	char size[32], line[512];

	nr_manifest_totals(run->levels, run->n_levels, counts, &scrubbed, &artifacts);
	nr_msg_human_size(run->writer.size, size, sizeof(size));
	if (nr_msg_verbosity() == NR_QUIET) {
		printf("%s\n", run->writer.final_path);
		return;
	}
	printf("Wrote %s (%s)\n", run->writer.final_path, size);
	printf("Probes: %u ok, %u failed, %u timeout, %u skipped, %u unsupported; "
	       "%zu secret value%s scrubbed\n",
	       counts[NR_PROBE_OK], counts[NR_PROBE_FAILED], counts[NR_PROBE_TIMEOUT],
	       counts[NR_PROBE_SKIPPED], counts[NR_PROBE_UNSUPPORTED], scrubbed,
	       scrubbed == 1 ? "" : "s");
	for (i = 0; i < run->n_levels; i++) {
		const struct nr_level *lv = &run->levels[i];
		json_object *errs = lv->errors;

		/* Facts and errors are a remote machine's words. */
		nr_summary_level_line(lv->facts, line, sizeof(line));
		if (lv->n_results > 0)
			nr_msg_line(stdout, "%*s%s%s%s: %s", lv->depth * 2, "", lv->id,
			            strcmp(lv->status, "ok") ? " " : "",
			            strcmp(lv->status, "ok") ? lv->status : "", line);
		else
			nr_msg_line(stdout, "%*s%s %s: %s", lv->depth * 2, "", lv->id, lv->status,
			            json_object_array_length(errs) ? json_object_get_string(
			                    json_object_array_get_idx(errs, 0)) : "not collected");
		if (run->levels[i].is_root == 0)
			printf("Not running as root: some probes were skipped; re-run with sudo for "
			       "the full report.\n");
	}
	report_findings(run->info.findings);
}

static void report_json(struct nr_collect_run *run)
{
	unsigned counts[NR_PROBE_STATUS_COUNT];
	json_object *o = json_object_new_object(), *pr = json_object_new_object();
	json_object *lvs = json_object_new_array();
	size_t scrubbed, artifacts, i;
	int s;

	nr_manifest_totals(run->levels, run->n_levels, counts, &scrubbed, &artifacts);
	for (s = 0; s < NR_PROBE_STATUS_COUNT; s++)
		json_object_object_add(pr, nr_probe_status_name((enum nr_probe_status)s),
		                       json_object_new_int((int)counts[s]));
	for (i = 0; i < run->n_levels; i++) {
		json_object *l = json_object_new_object();

		json_object_object_add(l, "id", json_object_new_string(run->levels[i].id));
		json_object_object_add(l, "status", json_object_new_string(run->levels[i].status));
		json_object_object_add(l, "facts", json_object_get(run->levels[i].facts));
		json_object_array_add(lvs, l);
	}
	json_object_object_add(o, "bundle", json_object_new_string(run->writer.final_path));
	json_object_object_add(o, "size", json_object_new_int64((int64_t)run->writer.size));
	json_object_object_add(o, "probes", pr);
	json_object_object_add(o, "artifacts", json_object_new_int64((int64_t)artifacts));
	json_object_object_add(o, "scrubbed", json_object_new_int64((int64_t)scrubbed));
	json_object_object_add(o, "levels", lvs);
	json_object_object_add(o, "signature", signature_path[0] ? json_object_new_string(signature_path) : NULL);
	if (upload_result)
		json_object_object_add(o, "upload", json_object_get(upload_result));
	if (run->redactor) {
		json_object *red = json_object_new_object();

		json_object_object_add(red, "map", json_object_new_string(run->map_path));
		json_object_object_add(red, "replacements",
		                       json_object_new_int64((int64_t)nr_redact_replacements(run->redactor)));
		json_object_object_add(o, "redaction", red);
	}
	json_object_object_add(o, "findings", run->info.findings ? json_object_get(run->info.findings)
	                                                         : json_object_new_array());
	nr_msg_json(stdout, o);
	json_object_put(o);
}

static const struct option collect_longopts[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "only", required_argument, NULL, 'O' },
	{ "skip", required_argument, NULL, 'S' },
	{ "timeout", required_argument, NULL, 't' },
	{ "max-artifact-size", required_argument, NULL, 'M' },
	{ "compress", required_argument, NULL, 'c' },
	{ "json", no_argument, NULL, 'j' },
	{ "sysroot", required_argument, NULL, 'R' },
	{ "level", required_argument, NULL, 'L' },
	{ "topology", required_argument, NULL, 'T' },
	{ "sudo", no_argument, NULL, 's' },
	{ "accept-new-host-keys", no_argument, NULL, 'A' },
	{ "connect-timeout", required_argument, NULL, 'C' },
	{ "ssh-config", required_argument, NULL, 'F' },
	{ "known-hosts", required_argument, NULL, 'K' },
	{ "identity", required_argument, NULL, 'i' },
	{ "sign-key", required_argument, NULL, 0x2001 },
	{ "signer-id", required_argument, NULL, 0x2002 },
	{ "no-sign", no_argument, NULL, 0x2003 },
	{ "upload", required_argument, NULL, 0x3001 },
	{ "case-id", required_argument, NULL, 0x4001 },
	{ "label", required_argument, NULL, 0x4002 },
	{ "redact", no_argument, NULL, NR_OPT_REDACT },
	{ "no-redact", no_argument, NULL, NR_OPT_NO_REDACT },
	NR_REDACT_LONGOPTS,
	NR_OPT_PROBE_DIR_ENTRY,
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Returns -1 to continue, or an exit code. */
static int parse_args(int argc, char **argv, struct collect_args *a)
{
	struct nr_error err = { 0 };
	int c, bad = 0;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":o:qvh", collect_longopts, NULL)) != -1) {
		int handled = nr_redact_cli_option("collect", c, optarg, &a->redact);

		if (handled < 0)
			return NR_EXIT_USAGE;
		if (handled)
			continue;
		switch (c) {
		case 'o': a->output = optarg; break;
		case 'O':
			nr_cmd_list_free(a->only);
			a->only = nr_cmd_probe_list("collect", "--only", optarg, &bad);
			break;
		case 'S':
			nr_cmd_list_free(a->skip);
			a->skip = nr_cmd_probe_list("collect", "--skip", optarg, &bad);
			break;
		case 't':
			if (nr_cmd_parse_seconds(optarg, 86400, &a->timeout_s) < 0) {
				nr_msg_usage("collect", "--timeout wants seconds between 1 and 86400, not '%s'", optarg);
				return NR_EXIT_USAGE;
			}
			break;
		case 'M':
			if (nr_cmd_parse_size(optarg, &a->cap) < 0) {
				nr_msg_usage("collect", "--max-artifact-size wants a size like 64M, not '%s'", optarg);
				return NR_EXIT_USAGE;
			}
			break;
		case 'c':
			if (!nr_bundle_suffix(optarg)) {
				nr_msg_usage("collect", "--compress wants zstd, gzip, xz or none, not '%s'", optarg);
				return NR_EXIT_USAGE;
			}
			a->compression = optarg;
			break;
		case 'j': a->json = 1; break;
		case 'R': a->sysroot = optarg; break;
		case 'L':
		case 'T':
			if ((c == 'L' ? nr_topology_add_spec(&a->topo, optarg, &err)
			              : nr_topology_load(&a->topo, optarg, &err)) < 0) {
				nr_msg_usage("collect", "%s", err.msg);
				return NR_EXIT_USAGE;
			}
			break;
		case 's': a->ssh.sudo = true; break;
		case 'A': a->ssh.accept_new_host_keys = true; break;
		case 'C':
			if (nr_cmd_parse_seconds(optarg, 3600, &a->ssh.connect_timeout_s) < 0) {
				nr_msg_usage("collect", "--connect-timeout wants seconds between 1 and 3600, not '%s'", optarg);
				return NR_EXIT_USAGE;
			}
			break;
		case 'F': a->ssh.config_file = optarg; break;
		case 'K': a->ssh.known_hosts = optarg; break;
		case 'i': a->ssh.identity = optarg; break;
		case 0x2001: a->sign_key = optarg; break;
		case 0x2002: a->signer_id = optarg; break;
		case 0x2003: a->no_sign = 1; break;
		case 0x3001: a->upload = optarg; break;
		case 0x4001:
		case 0x4002:
			if (nr_manifest_tag_check(optarg, &err) < 0) {
				nr_msg_usage("collect", "%s %s", c == 0x4001 ? "--case-id" : "--label", err.msg);
				return NR_EXIT_USAGE;
			}
			*(c == 0x4001 ? &a->case_id : &a->label) = optarg;
			break;
		case NR_OPT_PROBE_DIR: break;   /* taken before: nr_cmd_dropins_setup() */
		case 'q': nr_msg_set_verbosity(NR_QUIET); break;
		case 'v': nr_msg_set_verbosity(NR_VERBOSE); break;
		case 'h': fputs(collect_usage, stdout); return NR_EXIT_OK;
		case ':':
			nr_msg_usage("collect", "option '%s' needs a value", argv[optind - 1]);
			return NR_EXIT_USAGE;
		default:
			nr_msg_usage("collect", "unknown option '%s'", argv[optind - 1]);
			return NR_EXIT_USAGE;
		}
		if (bad)
			return NR_EXIT_USAGE;
	}
	if (optind < argc) {
		nr_msg_usage("collect", "unexpected argument '%s'", argv[optind]);
		return NR_EXIT_USAGE;
	}
	/* Remote levels are reached from the machine we run on; a replayed
	 * tree is not a machine anything can be reached from. */
	if (a->sysroot && a->topo.n > 0) {
		nr_msg_usage("collect", "--sysroot replays one captured level; it cannot be combined "
		             "with --level or --topology");
		return NR_EXIT_USAGE;
	}
	if (nr_topology_check(&a->topo, &err) < 0) {
		nr_msg_usage("collect", "%s", err.msg);
		return NR_EXIT_USAGE;
	}
	a->ssh.interactive = isatty(STDIN_FILENO);
	return -1;
}

/* A replay's automatic name carries the captured machine's name
 * (run->info.host by now), not this machine's; a name given with -o, and
 * a redacted bundle's "redacted", stay. */
static int name_replayed(struct nr_collect_run *run, struct nr_error *err)
{
	const struct collect_args *a = run->name_ud;
	bool auto_name;

	if (!run->writer.auto_name || run->redactor)
		return 0;
	if (resolve_output(a->output, run->info.host, a, run->info.created, run->writer.final_path,
	                   sizeof(run->writer.final_path), &auto_name) < 0)
		return nr_error_set(err, ENAMETOOLONG, "output path too long");
	return 0;
}

static int setup_run(struct nr_collect_run *run, const struct collect_args *a, int argc,
                     char **argv, char *host, char *spool, struct nr_error *err)
{
	struct nr_transport *t;

	run->info.created = time(NULL);
	run->info.host = host;
	run->info.argc = argc;
	run->info.argv = argv;
	run->info.compression = a->compression;
	run->info.timeout_s = a->timeout_s;
	run->info.artifact_cap = a->cap;
	run->info.case_id = a->case_id;
	run->info.label = a->label;
	if (a->sysroot) {
		run->info.replay_host = host;
		run->name_bundle = name_replayed;
		run->name_ud = (void *)a;
	}
	/* A redacted bundle's name must not carry the hostname either. */
	if (resolve_output(a->output, run->redactor ? "redacted" : host, a, run->info.created,
	                   run->writer.final_path, sizeof(run->writer.final_path),
	                   &run->writer.auto_name) < 0)
		return nr_error_set(err, ENAMETOOLONG, "output path too long");
	spool_dir_of(run->writer.final_path, spool, PATH_MAX);
	if (access(spool, W_OK) < 0)
		return nr_error_set(err, errno, "cannot write to %s: %s", spool, strerror(errno));
	if (run->redactor && !run->writer.auto_name) {
		char *map = nr_redact_map_path(run->writer.final_path);
		int taken = !map || access(map, F_OK) == 0;

		if (taken)
			nr_error_set(err, EEXIST, "%s already exists; remove it or choose another name "
			             "with -o", map ? map : run->writer.final_path);
		free(map);
		if (taken)
			return -EEXIST;
	}
	run->opts.timeout_s = a->timeout_s;
	run->opts.artifact_cap = a->cap;
	run->opts.only = (const char *const *)a->only;
	run->opts.skip = (const char *const *)a->skip;
	run->opts.spool_dir = spool;
	run->opts.progress = progress;
	run->level_progress = level_progress;
	run->topo = &a->topo;
	run->ssh = a->ssh;
	t = a->sysroot ? nr_transport_replay_new(a->sysroot, err) : nr_transport_local_new(err);
	if (!t)
		return -(err->code ? err->code : ENOMEM);
	return nr_collect_plan(run, t, err);
}

int nr_cmd_collect(int argc, char **argv)
{
	static struct collect_args a;
	static struct nr_collect_run run;
	static struct nr_cmd_signer signer;
	struct nr_error err = { 0 };
	char host[128], spool[PATH_MAX], why[NR_ERROR_MSG_MAX], signer_id[256];
	struct nr_sign_key key;
	static struct nr_dropins dropins;
	int rc, signing;

	a.timeout_s = DEFAULT_TIMEOUT_S;
	a.cap = DEFAULT_ARTIFACT_CAP;
	a.compression = "zstd";
	a.redact.enable = -1;
	rc = nr_cmd_dropins_setup(argc, argv, ":o:qvh", collect_longopts, &dropins);
	if (rc == 0)
		rc = parse_args(argc, argv, &a);
	if (rc >= 0)
		goto out;
	if (nr_redact_cli_wanted(&a.redact)) {
		run.redactor = nr_redact_cli_setup("collect", &a.redact, &rc);
		if (!run.redactor)
			goto out;
		nr_redact_cli_learn_local_users(run.redactor);
	} else {
		/* --redact-word turns redaction on (a consistent placeholder,
		 * docs/redaction.md) unless --no-redact says not to: then the
		 * word is still never shipped, the scrubber hides it
		 * (docs/scrubbing.md). */
		struct nr_error werr = { 0 };

		for (size_t i = 0; i < a.redact.n_words; i++)
			if (nr_scrub_redact_word(a.redact.words[i], &werr) < 0) {
				nr_msg_usage("collect", "%s", werr.msg);
				rc = NR_EXIT_USAGE;
				goto out;
			}
	}
	/* The key is chosen first: the manifest records who will sign. */
	signing = nr_cmd_sign_prepare(a.sign_key, a.no_sign, &key, why, sizeof(why));
	if (signing < 0) {
		rc = NR_EXIT_USAGE;
		goto out;
	}
	nr_cmd_signer_id(a.signer_id, signer_id, sizeof(signer_id));
	if (a.upload)   /* the manifest records argv: keep only scheme://host of the URL */
		nr_upload_cli_hide_url(argc, argv, "--upload", a.upload);
	host_name(host, sizeof(host));
	rc = setup_run(&run, &a, argc, argv, host, spool, &err);
	run.info.dropins = nr_dropins_manifest(&dropins);
	if (signing) {
		run.info.signer_id = signer_id;
		run.info.signer_type = key.type[0] ? key.type : NULL;
		run.info.signer_fingerprint = key.fingerprint[0] ? key.fingerprint : NULL;
		/* Signed as it is written: no second pass over the bundle. */
		signer.key = &key;
		signer.planned = run.writer.final_path;
		run.writer.tee = nr_cmd_sign_tee;
		run.writer.tee_ud = &signer;
		nr_cmd_signals_watch(signer.sf.tmp_path, &signer.sf.tmp_live);
	}
	if (rc == 0) {
		nr_cmd_signals_watch(run.writer.tmp_path, &run.writer.tmp_live);
		nr_cmd_signals_install();
		rc = nr_collect_execute(&run, &err);
		nr_cmd_signals_unwatch(run.writer.tmp_path);
	}
	if (rc < 0)
		nr_cmd_sign_drop(&signer);
	if (rc == -EINTR || (rc < 0 && nr_interrupted)) {
		nr_msg_error("interrupted; no bundle written");
		rc = NR_EXIT_INTERRUPTED;
	} else if (rc < 0) {
		nr_msg_error("%s", err.msg);
		rc = NR_EXIT_ERROR;
	} else {
		nr_cmd_sign_finish(&signer, run.writer.final_path, why, signature_path,
		                   sizeof(signature_path));
		rc = NR_EXIT_OK;
		if (a.upload && a.json)
			rc = nr_upload_cli_after_collect(a.upload, &a.ssh, run.writer.final_path, &upload_result);
		if (a.json)
			report_json(&run);
		else
			report_text(&run);
		if (run.redactor && !a.json && nr_msg_verbosity() != NR_QUIET)
			nr_redact_cli_report(run.redactor, run.map_path);
		if (a.upload && !a.json)
			rc = nr_upload_cli_after_collect(a.upload, &a.ssh, run.writer.final_path, NULL);
		json_object_put(upload_result);
		upload_result = NULL;
	}
	nr_collect_release(&run);
	if (signing)
		nr_sign_key_release(&key);
	nr_redactor_free(run.redactor);
	run.redactor = NULL;
out:
	nr_cmd_list_free(a.only);
	nr_cmd_list_free(a.skip);
	nr_topology_release(&a.topo);
	nr_cmd_dropins_teardown(&dropins);
	return rc;
}
