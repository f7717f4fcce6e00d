/* SPDX-License-Identifier: MIT */
/* `nest-report index COMMAND`: the index of many bundles (index/index.h).
 * One option table serves every index command; each command says which
 * options it takes. */
#include "cmd_index.h"
#include "cmd_signals.h"
#include "cmd_trust.h"
#include "commands.h"
#include "index/index.h"
#include "msg.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char index_usage[] =
	"usage: nest-report index COMMAND [OPTIONS]\n"
	"\n"
	"An index of many bundles, for triage at scale: each bundle added is checked as\n"
	"'verify' checks it, and its levels' facts, findings (judged with the current\n"
	"rules), signer and location are stored in SQLite or PostgreSQL.\n"
	"\n"
	"commands:\n"
	"  add BUNDLE|DIR...       check and add bundles (a directory: every bundle in it)\n"
	"  query [FILTERS]         the indexed bundles that match, newest first\n"
	"  similar BUNDLE|SHA256   indexed bundles ranked by how alike their setup is\n"
	"  stats [FILTERS]         bundles, findings and versions per month\n"
	"  refresh [--all]         judge indexed bundles again with the current rules\n"
	"\n"
	"See 'nest-report index COMMAND --help'.\n";

#define DB_USAGE                                                                            \
	"      --db FILE|URI         the index: an SQLite file, or postgresql://HOST/DB (a\n"   \
	"                            password goes in ~/.pgpass, not the URI); default:\n"       \
	"                            index.db in the config, else\n"                              \
	"                            $XDG_DATA_HOME/nest-report/index.sqlite\n"                  \
	"      --json                print the result as JSON (schemas/index.schema.json)\n"   \
	"  -h, --help                show this help\n"

#define FILTER_USAGE                                                                        \
	"filters (every one must hold):\n"                                                      \
	"      --fact KEY=VALUE      a level's fact KEY has VALUE; also != (has KEY, not\n"       \
	"                            VALUE), ~ (contains), and < <= > >= to compare versions\n"   \
	"                            (kernel.release>=6.8); keys are the manifest's facts:\n"     \
	"                            kvm.module, kvm.nested, cpu.vendor, cpu.flags, qemu.\n"      \
	"                            versions.version, kvm.params.kvm_amd.nested, level.status\n" \
	"      --finding RULE        the bundle has that finding ('nest-report rules')\n"         \
	"      --level ID            the bundle has level ID, and --fact and --finding must\n"    \
	"                            hold on it\n"                                                \
	"      --since DATE          created on or after DATE (YYYY-MM-DD or YYYY-MM, UTC)\n"      \
	"      --until DATE          created on or before DATE (the whole day or month)\n"

#define CHECK_USAGE                                                                         \
	"      --allowed-signers FILE  check signatures against FILE (default:\n"                \
	"                            verify.allowed_signers in the config); then an unsigned\n"   \
	"                            or badly signed bundle is refused\n"                         \
	"      --identity ID         the signer must be ID\n"                                    \
	NR_LIMIT_USAGE

static const char add_usage[] =
	"usage: nest-report index add BUNDLE|DIR... [OPTIONS]\n"
	"\n"
	"Checks each bundle as 'nest-report verify' does and adds it to the index\n"
	"whole; a refused bundle is listed with the reason and nothing of it is\n"
	"stored.  Bundles are written in batches of up to 64 (docs/index.md): a\n"
	"database error stops the run, and the batch it hit is not stored.\n"
	"A directory is searched recursively for *.tar.zst, *.tar.gz,\n"
	"*.tar.xz and *.tar files, skipping names that start with '.' (files being\n"
	"written) and not following symlinks.  A bundle is known by its sha256:\n"
	"adding it again changes nothing.  Where it lies is recorded: index bundles\n"
	"where they will stay.\n"
	"\n"
	"options:\n"
	CHECK_USAGE
	"      --dry-run             check and describe every bundle, store nothing (opens\n"
	"                            no index)\n"
	"  -q, --quiet               list only the bundles that were not added\n"
	DB_USAGE
	"\n"
	"exit status: 0 every bundle added or already there, 3 a bundle was refused (a\n"
	"check failed), 1 a bundle could not be read or the index failed, 2 usage error,\n"
	"130 interrupted (bundles added so far stay)\n";

static const char query_usage[] =
	"usage: nest-report index query [FILTERS] [OPTIONS]\n"
	"\n"
	"Lists the indexed bundles that match every filter, newest first, each with\n"
	"its levels' kernel, QEMU, libvirt and CPU, and its fail and warn findings.\n"
	"\n"
	FILTER_USAGE
	"\n"
	"options:\n"
	"      --limit N             list at most N bundles (default 50; 0: all); the total\n"
	"                            is always counted\n"
	DB_USAGE
	"\n"
	"exit status: 0 queried (whether or not anything matched), 1 the index\n"
	"failed, 2 usage error\n";

static const char similar_usage[] =
	"usage: nest-report index similar BUNDLE|SHA256 [FILTERS] [OPTIONS]\n"
	"\n"
	"Ranks the indexed bundles by how alike their setup is to BUNDLE (a file,\n"
	"checked as 'add' checks it, not added) or to an indexed bundle named by its\n"
	"sha256 or a unique prefix of at least 8 digits.  The score is a weighted\n"
	"Jaccard index over the setups' features, from 0 to 1, and is broken down\n"
	"into versions, cpu, parameters, topology and findings (docs/index.md).\n"
	"\n"
	FILTER_USAGE
	"\n"
	"options:\n"
	"      --limit N             show the best N (default 10, at most 10000)\n"
	CHECK_USAGE
	DB_USAGE
	"\n"
	"exit status: 0 ranked, 3 BUNDLE was refused (a check failed), 1 it could not\n"
	"be read or the index failed, 2 usage error\n";

static const char stats_usage[] =
	"usage: nest-report index stats [FILTERS] [OPTIONS]\n"
	"\n"
	"Counts, per month, the indexed bundles that match the filters, how many hit\n"
	"each finding, and how many run each kernel, QEMU and libvirt series\n"
	"(major.minor) on each level.\n"
	"\n"
	FILTER_USAGE
	"\n"
	"options:\n"
	"      --by year|month|day   the period (default month)\n"
	DB_USAGE
	"\n"
	"exit status: 0 counted, 1 the index failed, 2 usage error\n";

static const char refresh_usage[] =
	"usage: nest-report index refresh [--all] [OPTIONS]\n"
	"\n"
	"Judges indexed bundles again with this version's rules, from the manifests\n"
	"the index keeps (the bundles themselves are not read): those judged by\n"
	"other rules, or every one with --all.  Prints what appeared and disappeared.\n"
	"\n"
	"options:\n"
	"      --all                 every bundle, even those judged by these rules\n"
	DB_USAGE
	"\n"
	"exit status: 0 refreshed, 1 the index failed, 2 usage error, 130 interrupted\n"
	"(run it again to finish)\n";

/* Which options a command takes. */
enum { O_FILTER = 1, O_CHECK = 2, O_LIMIT = 4, O_DRY = 8, O_BY = 16, O_ALL = 32, O_QUIET = 64 };

enum { OPT_DB = 0x2001, OPT_JSON, OPT_FACT, OPT_FINDING, OPT_LEVEL, OPT_SINCE, OPT_UNTIL, OPT_LIMIT,
       OPT_ALLOWED, OPT_IDENTITY, OPT_DRY, OPT_BY, OPT_ALL };

struct index_cmd {
	const char *name;
	const char *usage;
	unsigned takes;
	int operands;              /* -1: one or more; 0: none; 1: exactly one */
	int (*run)(struct nr_index *ix, const char *db, char **args, int nargs);
};

/* What the options said. */
static struct nr_cmd_index_opts opt;

static const char *cmd_name;

static int usage_error(const char *fmt, const char *arg)
{
	char cmd[32];

	snprintf(cmd, sizeof(cmd), "index %s", cmd_name);
	nr_msg_usage(cmd, fmt, arg);
	return NR_EXIT_USAGE;
}

void nr_cmd_index_print_json(json_object *o)
{
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
}

/* ---- the commands ------------------------------------------------------- */

static int run_add(struct nr_index *ix, const char *db, char **args, int nargs)
{
	(void)db;
	return nr_cmd_index_add(ix, &opt, args, nargs);
}

static int finish(json_object *o, void (*show)(json_object *))
{
	if (opt.json)
		nr_cmd_index_print_json(o);
	else
		show(o);
	json_object_put(o);
	return NR_EXIT_OK;
}

static int run_query(struct nr_index *ix, const char *db, char **args, int nargs)
{
	struct nr_error err = { 0 };
	json_object *o;

	(void)db, (void)args, (void)nargs;
	if (nr_index_query(ix, &opt.filter, opt.limit_set ? opt.limit : 50, &o, &err) < 0) {
		nr_msg_error("%s", err.msg);
		return NR_EXIT_ERROR;
	}
	return finish(o, nr_cmd_index_show_query);
}

static int run_similar(struct nr_index *ix, const char *db, char **args, int nargs)
{
	struct nr_index_add_opts o = { .limits = opt.limits };
	struct nr_error err = { 0 };
	json_object *out;
	int rc;

	(void)db, (void)nargs;
	o.allowed_signers = nr_cmd_allowed_signers(opt.allowed, opt.cfg, sizeof(opt.cfg));
	o.identity = opt.identity;
	rc = nr_index_similar(ix, args[0], &o, &opt.filter, opt.limit_set ? opt.limit : 10, &out, &err);
	if (rc < 0) {
		nr_msg_error("%s", err.msg);
		return rc == -EBADMSG ? NR_EXIT_CHECK_FAILED : NR_EXIT_ERROR;
	}
	return finish(out, nr_cmd_index_show_similar);
}

static int run_stats(struct nr_index *ix, const char *db, char **args, int nargs)
{
	struct nr_error err = { 0 };
	json_object *o;

	(void)db, (void)args, (void)nargs;
	if (nr_index_stats(ix, &opt.filter, opt.by ? opt.by : "month", &o, &err) < 0) {
		nr_msg_error("%s", err.msg);
		return NR_EXIT_ERROR;
	}
	return finish(o, nr_cmd_index_show_stats);
}

static void refresh_progress(void *arg, long done, long total)
{
	(void)arg;
	nr_msg_progress("refreshing %ld/%ld", done, total);
}

static void show_tally(const char *what, json_object *t)
{
	int first = 1;

	if (json_object_object_length(t) == 0)
		return;
	printf("  %s:", what);
	json_object_object_foreach(t, rule, n) {
		printf("%s ", first ? "" : ",");
		nr_cmd_put_safe(stdout, rule);
		printf(" (%lld)", (long long)json_object_get_int64(n));
		first = 0;
	}
	putchar('\n');
}

static void show_refresh(json_object *o)
{
	printf("refreshed %lld of %lld bundles with rules %s: findings changed on %lld\n",
	       (long long)json_object_get_int64(json_object_object_get(o, "refreshed")),
	       (long long)json_object_get_int64(json_object_object_get(o, "checked")),
	       json_object_get_string(json_object_object_get(o, "rules")),
	       (long long)json_object_get_int64(json_object_object_get(o, "changed")));
	show_tally("appeared", json_object_object_get(o, "appeared"));
	show_tally("disappeared", json_object_object_get(o, "disappeared"));
	if (json_object_get_int64(json_object_object_get(o, "damaged")))
		printf("  %lld bundles left as they were: their stored manifest is damaged\n",
		       (long long)json_object_get_int64(json_object_object_get(o, "damaged")));
}

static int run_refresh(struct nr_index *ix, const char *db, char **args, int nargs)
{
	struct nr_error err = { 0 };
	json_object *o;
	int rc;

	(void)db, (void)args, (void)nargs;
	nr_cmd_signals_install();
	rc = nr_index_refresh(ix, opt.all != 0, refresh_progress, NULL, &o, &err);
	nr_msg_progress_end();
	if (rc == -EINTR) {
		nr_msg_error("interrupted; run it again to finish");
		return NR_EXIT_INTERRUPTED;
	}
	if (rc < 0) {
		nr_msg_error("%s", err.msg);
		return NR_EXIT_ERROR;
	}
	return finish(o, show_refresh);
}

static const struct index_cmd cmds[] = {
	{ "add", add_usage, O_CHECK | O_DRY | O_QUIET, -1, run_add },
	{ "query", query_usage, O_FILTER | O_LIMIT, 0, run_query },
	{ "similar", similar_usage, O_FILTER | O_LIMIT | O_CHECK, 1, run_similar },
	{ "stats", stats_usage, O_FILTER | O_BY, 0, run_stats },
	{ "refresh", refresh_usage, O_ALL, 0, run_refresh },
};

/* ---- options ------------------------------------------------------------ */

static int option(const struct index_cmd *c, int o, const char *arg)
{
	static const struct { int opt; unsigned needs; } needs[] = {
		{ OPT_FACT, O_FILTER }, { OPT_FINDING, O_FILTER }, { OPT_LEVEL, O_FILTER }, { OPT_SINCE, O_FILTER },
		{ OPT_UNTIL, O_FILTER }, { OPT_LIMIT, O_LIMIT }, { OPT_ALLOWED, O_CHECK }, { OPT_IDENTITY, O_CHECK },
		{ NR_OPT_MAX_MEMBER, O_CHECK }, { NR_OPT_MAX_TOTAL, O_CHECK }, { OPT_DRY, O_DRY }, { OPT_BY, O_BY },
		{ OPT_ALL, O_ALL }, { 'q', O_QUIET },
	};
	struct nr_error err = { 0 };
	char *end;
	size_t i;
	int rc = 0;

	for (i = 0; i < sizeof(needs) / sizeof(needs[0]); i++)
		if (needs[i].opt == o && !(c->takes & needs[i].needs))
			return -2;
	switch (o) {
	case OPT_DB: opt.db = arg; break;
	case OPT_JSON: opt.json = 1; break;
	case OPT_FACT: rc = nr_index_filter_fact(&opt.filter, arg, &err); break;
	case OPT_FINDING: rc = nr_index_filter_finding(&opt.filter, arg, &err); break;
	case OPT_LEVEL: rc = nr_index_filter_level(&opt.filter, arg, &err); break;
	case OPT_SINCE: rc = nr_index_filter_date(&opt.filter, arg, 0, &err); break;
	case OPT_UNTIL: rc = nr_index_filter_date(&opt.filter, arg, 1, &err); break;
	case OPT_ALLOWED: opt.allowed = arg; break;
	case OPT_IDENTITY: opt.identity = arg; break;
	case OPT_DRY: opt.dry_run = 1; break;
	case OPT_ALL: opt.all = 1; break;
	case 'q': opt.quiet = 1; break;
	case OPT_BY:
		if (strcmp(arg, "year") && strcmp(arg, "month") && strcmp(arg, "day"))
			return usage_error("--by takes year, month or day, not '%s'", arg);
		opt.by = arg;
		break;
	case OPT_LIMIT:
		errno = 0;
		opt.limit = strtol(arg, &end, 10);
		if (errno || end == arg || *end || opt.limit < 0 || opt.limit > 10000000 ||
		    (strcmp(c->name, "similar") == 0 && (opt.limit < 1 || opt.limit > 10000)))
			return usage_error("--limit wants a count, not '%s'", arg);
		opt.limit_set = 1;
		break;
	default:
		rc = nr_cmd_limit_option("index", o, arg, &opt.limits);
		return rc < 0 ? NR_EXIT_USAGE : 0;
	}
	if (rc < 0)
		return usage_error("%s", err.msg);
	return 0;
}

int nr_cmd_index(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, OPT_DB },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "fact", required_argument, NULL, OPT_FACT },
		{ "finding", required_argument, NULL, OPT_FINDING },
		{ "level", required_argument, NULL, OPT_LEVEL },
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "until", required_argument, NULL, OPT_UNTIL },
		{ "limit", required_argument, NULL, OPT_LIMIT },
		{ "allowed-signers", required_argument, NULL, OPT_ALLOWED },
		{ "identity", required_argument, NULL, OPT_IDENTITY },
		{ "dry-run", no_argument, NULL, OPT_DRY },
		{ "by", required_argument, NULL, OPT_BY },
		{ "all", no_argument, NULL, OPT_ALL },
		{ "quiet", no_argument, NULL, 'q' },
		NR_LIMIT_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct index_cmd *c = NULL;
	struct nr_index *ix = NULL;
	struct nr_error err = { 0 };
	char db[PATH_MAX];
	size_t i;
	int o, rc, nargs;

	if (argc < 2) {
		nr_msg_usage("index", "which command? add, query, similar, stats or refresh");
		return NR_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(index_usage, stdout);
		return NR_EXIT_OK;
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(argv[1], cmds[i].name) == 0)
			c = &cmds[i];
	if (!c) {
		nr_msg_usage("index", "'%s' is not an index command (add, query, similar, stats, refresh)", argv[1]);
		return NR_EXIT_USAGE;
	}
	cmd_name = c->name;
	memset(&opt, 0, sizeof(opt));
	nr_bundle_limits_default(&opt.limits);
	argc--, argv++;
	opterr = 0;
	optind = 1;
	while ((o = getopt_long(argc, argv, ":hq", longopts, NULL)) != -1) {
		if (o == 'h') {
			fputs(c->usage, stdout);
			return NR_EXIT_OK;
		}
		if (o == ':')
			return usage_error("option '%s' needs a value", argv[optind - 1]);
		if (o == '?')
			return usage_error("unknown option '%s'", argv[optind - 1]);
		if ((rc = option(c, o, optarg)) == -2)
			return usage_error("this command takes no option '%s'", argv[optind - 1]);
		if (rc)
			return rc;
	}
	nargs = argc - optind;
	if (c->operands < 0 && nargs < 1)
		return usage_error("%s", "which bundles? 'nest-report index add BUNDLE|DIR...'");
	if (c->operands == 0 && nargs > 0)
		return usage_error("unexpected '%s'", argv[optind]);
	if (c->operands == 1 && nargs != 1)
		return usage_error("%s", "which bundle? 'nest-report index similar BUNDLE|SHA256'");
	if (opt.quiet)
		nr_msg_set_verbosity(NR_QUIET);
	if (opt.db)
		snprintf(db, sizeof(db), "%s", opt.db);
	else if (nr_index_default_db(db, sizeof(db), &err) < 0) {
		nr_msg_error("%s", err.msg);
		return NR_EXIT_ERROR;
	}
	if (!opt.dry_run && nr_index_open(db, &ix, &err) < 0) {
		nr_msg_error("%s", err.msg);
		return NR_EXIT_ERROR;
	}
	rc = c->run(ix, db, argv + optind, nargs);
	nr_index_close(ix);
	return rc;
}
