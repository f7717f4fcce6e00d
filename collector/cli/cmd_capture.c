/* SPDX-License-Identifier: MIT */
/* `nest-report capture DIR`: record this machine into a tree that
 * `nest-report collect --sysroot DIR` replays. */
#include "run/capture.h"
#include "cmd_dropins.h"
#include "redact_cli.h"
#include "scrub/scrub.h"
#include "cmd_signals.h"
#include "commands.h"
#include "msg.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CAPTURE_TIMEOUT_S 30
/* Per recorded file or command output: a capture is meant to be mailed. */
#define CAPTURE_CAP (32ULL * 1024 * 1024)

static const char capture_usage[] =
	"usage: nest-report capture [OPTIONS] DIR\n"
	"\n"
	"Records what the probes read on this machine (files, command outputs,\n"
	"command lookups, /dev/kvm's state) into DIR, a new directory, so that\n"
	"'nest-report collect --sysroot DIR' gives the same report elsewhere.\n"
	"Everything recorded is scrubbed like a bundle; other processes' command\n"
	"lines are not recorded (only QEMU's).  Each recording is capped at 32 MiB.\n"
	"\n"
	"options:\n"
	"      --only PROBE,...      run only these probes (see 'nest-report probes')\n"
	"      --skip PROBE,...      do not run these probes\n"
	"      --timeout SECS        per-probe timeout (default 30)\n"
	NR_OPT_PROBE_DIR_HELP
	"      --redact-word WORD    also hide WORD (any case) wherever it appears, for a\n"
	"                            secret in free text no syntax reveals; repeatable\n"
	"  -q, --quiet               print only errors (and DIR)\n"
	"  -v, --verbose             report every probe as it finishes\n"
	"  -h, --help                show this help\n"
	"\n"
	"exit status: 0 captured, 1 could not capture, 2 usage error, 130 interrupted\n";

static void capture_progress(void *ud, const char *level, const struct nr_probe_result *r)
{
	(void)ud;
	nr_msg_debug("probe '%s' on %s: %s%s%s", r->probe->name, level,
	             nr_probe_status_name(r->status), r->error ? ": " : "", r->error ? r->error : "");
}

struct capture_args {
	char **only, **skip;
	int timeout_s;
	const char *dir;
};

static const struct option capture_longopts[] = {
	{ "only", required_argument, NULL, 'O' },
	{ "skip", required_argument, NULL, 'S' },
	{ "timeout", required_argument, NULL, 't' },
	{ "redact-word", required_argument, NULL, NR_OPT_REDACT_WORD },
	NR_OPT_PROBE_DIR_ENTRY,
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Returns -1 to continue, or an exit code. */
static int capture_parse(int argc, char **argv, struct capture_args *a)
{
	struct nr_error err = { 0 };
	int c, bad = 0;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":qvh", capture_longopts, NULL)) != -1) {
		switch (c) {
		case 'O':
			nr_cmd_list_free(a->only);
			a->only = nr_cmd_probe_list("capture", "--only", optarg, &bad);
			break;
		case 'S':
			nr_cmd_list_free(a->skip);
			a->skip = nr_cmd_probe_list("capture", "--skip", optarg, &bad);
			break;
		case 't':
			if (nr_cmd_parse_seconds(optarg, 86400, &a->timeout_s) < 0) {
				nr_msg_usage("capture", "--timeout wants seconds between 1 and 86400, not '%s'", optarg);
				return NR_EXIT_USAGE;
			}
			break;
		case NR_OPT_PROBE_DIR: break;   /* taken before: nr_cmd_dropins_setup() */
		case NR_OPT_REDACT_WORD:
			if (nr_scrub_redact_word(optarg, &err) < 0) {
				nr_msg_usage("capture", "%s", err.msg);
				return NR_EXIT_USAGE;
			}
			break;
		case 'q': nr_msg_set_verbosity(NR_QUIET); break;
		case 'v': nr_msg_set_verbosity(NR_VERBOSE); break;
		case 'h': fputs(capture_usage, stdout); return NR_EXIT_OK;
		case ':':
			nr_msg_usage("capture", "option '%s' needs a value", argv[optind - 1]);
			return NR_EXIT_USAGE;
		default:
			nr_msg_usage("capture", "unknown option '%s'", argv[optind - 1]);
			return NR_EXIT_USAGE;
		}
		if (bad)
			return NR_EXIT_USAGE;
	}
	if (optind >= argc) {
		nr_msg_usage("capture", "which directory? (a new one, e.g. ./capture-HOST)");
		return NR_EXIT_USAGE;
	}
	if (optind + 1 < argc) {
		nr_msg_usage("capture", "unexpected argument '%s'", argv[optind + 1]);
		return NR_EXIT_USAGE;
	}
	a->dir = argv[optind];
	return -1;
}

static void capture_report(const char *dir, const struct nr_capture_stats *st)
{
	char size[32];

	if (st->errors)
		nr_msg_warn("%zu recording%s could not be written (first: %s)", st->errors,
		            st->errors == 1 ? "" : "s", st->first_error);
	if (nr_msg_verbosity() == NR_QUIET) {
		printf("%s\n", dir);
		return;
	}
	nr_msg_human_size(st->bytes, size, sizeof(size));
	printf("Captured this machine into %s (%zu files, %zu command outputs, %s)\n", dir,
	       st->files, st->commands, size);
	nr_msg_line(stdout, "  l0: %s", st->summary);
	printf("%zu secret value%s scrubbed; %zu other process%s' command lines not recorded.\n",
	       st->scrubbed, st->scrubbed == 1 ? "" : "s", st->withheld,
	       st->withheld == 1 ? "" : "es");
	printf("Review it before you send it: it holds dmesg and command outputs.\n");
	printf("Replay it with: nest-report collect --sysroot %s\n", dir);
}

int nr_cmd_capture(int argc, char **argv)
{
	struct capture_args a = { NULL, NULL, CAPTURE_TIMEOUT_S, NULL };
	struct nr_collect_opts opts;
	struct nr_capture_stats st;
	struct nr_error err = { 0 };
	struct nr_dropins dropins;
	int rc;

	rc = nr_cmd_dropins_setup(argc, argv, ":qvh", capture_longopts, &dropins);
	if (rc == 0)
		rc = capture_parse(argc, argv, &a);
	if (rc >= 0)
		goto out;
	memset(&opts, 0, sizeof(opts));
	opts.timeout_s = a.timeout_s;
	opts.artifact_cap = CAPTURE_CAP;
	opts.only = (const char *const *)a.only;
	opts.skip = (const char *const *)a.skip;
	opts.progress = capture_progress;
	nr_cmd_signals_install();
	rc = nr_capture_run(a.dir, &opts, &st, &err);
	if (rc == -EINTR || (rc < 0 && nr_interrupted)) {
		nr_msg_error("interrupted; nothing captured");
		rc = NR_EXIT_INTERRUPTED;
	} else if (rc < 0) {
		nr_msg_error("capture: %s", err.msg);
		rc = NR_EXIT_ERROR;
	} else {
		capture_report(a.dir, &st);
		rc = NR_EXIT_OK;
	}
out:
	nr_cmd_list_free(a.only);
	nr_cmd_list_free(a.skip);
	nr_cmd_dropins_teardown(&dropins);
	return rc;
}
