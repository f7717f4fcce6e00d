/* SPDX-License-Identifier: MIT */
#include "commands.h"
#include "msg.h"

#include <archive.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

int nr_cmd_version(int argc, char **argv)
{
	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		printf("usage: nest-report version\n\nPrints nest-report's version and its libraries'.\n");
		return NR_EXIT_OK;
	}
	if (argc > 1) {
		nr_msg_usage("version", "version takes no arguments");
		return NR_EXIT_USAGE;
	}
	printf("nest-report %s\n", NR_VERSION);
	printf("libarchive %s, json-c %s\n", archive_version_string() + strlen("libarchive "),
	       json_c_version());
	return NR_EXIT_OK;
}
