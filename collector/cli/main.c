/* SPDX-License-Identifier: MIT */
/* nest-report: collect the evidence a nested-virtualization bug report
 * needs, from every level, into one bundle.  This file only dispatches. */
#include "commands.h"
#include "msg.h"
#include "util/config.h"

#include <stdio.h>
#include <string.h>

struct nr_command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct nr_command commands[] = {
	{ "collect", nr_cmd_collect, "collect this machine into a bundle (the default)" },
	{ "probes", nr_cmd_probes, "list the probes and whether each applies here" },
	{ "capture", nr_cmd_capture, "record this machine into a tree for 'collect --sysroot'" },
	{ "rules", nr_cmd_rules, "list the triage rules behind the findings" },
	{ "sign", nr_cmd_sign, "sign a bundle with an SSH key (BUNDLE.sig)" },
	{ "verify", nr_cmd_verify, "check a bundle's signature, members and manifest" },
	{ "show", nr_cmd_show, "a maintainer's first screen: levels, findings, failures" },
	{ "diff", nr_cmd_diff, "what changed between two bundles of the same setup" },
	{ "redact", nr_cmd_redact, "a copy of a bundle with identities replaced, for public trackers" },
	{ "upload", nr_cmd_upload, "send a bundle to a portal, object store or SFTP drop" },
	{ "index", nr_cmd_index, "index many bundles: query, rank by similarity, count" },
	{ "version", nr_cmd_version, "print the version" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: nest-report [COMMAND] [OPTIONS]\n\n"
	           "Gathers what a nested KVM bug report needs (versions, QEMU command lines,\n"
	           "cpuinfo, dmesg, DMI, KVM module parameters...) into one bundle.\n"
	           "With no command, runs 'collect'.\n\ncommands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nSee 'nest-report COMMAND --help' for a command's options.\n");
}

int main(int argc, char **argv)
{
	size_t i, n = nr_config_warning_count();

	/* Read the configuration now, so that every mistake in it is said
	 * once, whatever the command ends up reading. */
	for (i = 0; i < n; i++)
		nr_msg_warn("%s", nr_config_warning(i));

	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	                  strcmp(argv[1], "help") == 0)) {
		usage(stdout);
		return NR_EXIT_OK;
	}
	if (argc >= 2 && strcmp(argv[1], "--version") == 0)
		return nr_cmd_version(1, argv + 1);
	/* No command, or options only: collect, as `git` would run its default. */
	if (argc < 2 || argv[1][0] == '-')
		return nr_cmd_collect(argc, argv);
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	nr_msg_usage(NULL, "'%s' is not a nest-report command", argv[1]);
	return NR_EXIT_USAGE;
}
