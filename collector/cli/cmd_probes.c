/* SPDX-License-Identifier: MIT */
/* `nest-report probes`: every probe, and whether it applies here. */
#include "cmd_dropins.h"
#include "commands.h"
#include "level/level.h"
#include "msg.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

static const char probes_usage[] =
	"usage: nest-report probes [--json] [--probe-dir DIR]...\n"
	"\n"
	"Lists every probe, the architectures it applies to, and whether it\n"
	"applies to this machine (and why not).  Drop-in probes (JSON files in\n"
	"/etc/nest-report/probes.d, $XDG_CONFIG_HOME/nest-report/probes.d and\n"
	"each --probe-dir) are listed after the built-in ones, with their file;\n"
	"a drop-in that is refused is named on stderr with the reason.\n"
	"\n"
	"options:\n"
	"      --json                machine-readable, on stdout\n"
	NR_OPT_PROBE_DIR_HELP
	"  -h, --help                show this help\n";

static const struct option probes_longopts[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "help", no_argument, NULL, 'h' },
	NR_OPT_PROBE_DIR_ENTRY,
	{ NULL, 0, NULL, 0 },
};

char **nr_cmd_probe_list(const char *cmd, const char *opt, const char *arg, int *bad)
{
	size_t n = 1, i = 0;
	char *copy, *tok, *save = NULL;
	char **list;
	const char *p;

	for (p = arg; *p; p++)
		n += *p == ',';
	list = calloc(n + 1, sizeof(*list));
	copy = strdup(arg);
	if (!list || !copy) {
		free(list);
		free(copy);
		nr_msg_error("out of memory");
		*bad = 1;
		return NULL;
	}
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!nr_probe_find(tok)) {
			nr_msg_usage(cmd, "%s: unknown probe '%s' (see 'nest-report probes')", opt, tok);
			*bad = 1;
			break;
		}
		list[i++] = strdup(tok);
	}
	free(copy);
	if (*bad || i == 0) {
		if (!*bad)
			nr_msg_usage(cmd, "%s wants a comma-separated list of probes", opt);
		*bad = 1;
		nr_cmd_list_free(list);
		return NULL;
	}
	return list;
}

void nr_cmd_list_free(char **list)
{
	size_t i;

	for (i = 0; list && list[i]; i++)
		free(list[i]);
	free(list);
}

static void arches_text(unsigned mask, char *out, size_t outlen)
{
	size_t n = 0;
	unsigned bit;

	out[0] = '\0';
	if (mask == NR_ARCH_ANY) {
		snprintf(out, outlen, "any");
		return;
	}
	for (bit = 1; bit <= NR_ARCH_LAST; bit <<= 1)
		if (mask & bit)
			n += (size_t)snprintf(out + n, outlen - n, "%s%s", n ? "," : "",
			                      nr_arch_family_name((enum nr_arch)bit));
}

int nr_cmd_probes(int argc, char **argv)
{
	struct nr_dropins dropins;
	struct nr_level here;
	struct utsname u;
	json_object *arr = NULL;
	int json = 0, help = 0, c, rc;
	size_t k;

	rc = nr_cmd_dropins_setup(argc, argv, ":h", probes_longopts, &dropins);
	opterr = 0;
	optind = 1;
	while (rc == 0 && (c = getopt_long(argc, argv, ":h", probes_longopts, NULL)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case NR_OPT_PROBE_DIR: break;   /* taken before: nr_cmd_dropins_setup() */
		case 'h': help = 1; break;
		case ':':
			nr_msg_usage("probes", "option '%s' needs a value", argv[optind - 1]);
			rc = NR_EXIT_USAGE;
			break;
		default:
			nr_msg_usage("probes", "unknown option '%s'", argv[optind - 1]);
			rc = NR_EXIT_USAGE;
		}
	}
	if (rc == 0 && optind < argc) {
		nr_msg_usage("probes", "unexpected argument '%s'", argv[optind]);
		rc = NR_EXIT_USAGE;
	}
	if (rc || help) {
		if (help)
			fputs(probes_usage, stdout);
		goto out;
	}
	/* Applicability here depends only on the architecture and on root. */
	memset(&here, 0, sizeof(here));
	uname(&u);
	here.arch = nr_arch_from_uname(u.machine);
	arr = json ? json_object_new_array() : NULL;
	if (!json)
		printf("%-10s %-22s %-12s %s\n", "PROBE", "ARCHES", "HERE", "WHAT");
	for (k = 0; k < nr_probe_total(); k++) {
		const struct nr_probe *p = nr_probe_at(k);
		enum nr_probe_status st;
		const char *why = NULL;
		bool applies = nr_level_probe_applies(&here, p, NULL, &why, &st);
		char arches[96];

		arches_text(p->arches, arches, sizeof(arches));
		if (json) {
			json_object *o = json_object_new_object();

			json_object_object_add(o, "name", json_object_new_string(p->name));
			json_object_object_add(o, "summary", json_object_new_string(p->summary));
			json_object_object_add(o, "arches", json_object_new_string(arches));
			json_object_object_add(o, "applies", json_object_new_boolean(applies));
			json_object_object_add(o, "reason", why ? json_object_new_string(why) : NULL);
			json_object_object_add(o, "dropin", p->origin ? json_object_new_string(p->origin) : NULL);
			json_object_array_add(arr, o);
		} else {
			printf("%-10s %-22s %-12s %s%s%s%s%s\n", p->name, arches,
			       applies ? "yes" : nr_probe_status_name(st), p->summary,
			       why ? "; here: " : "", why ? why : "", p->origin ? "; drop-in " : "",
			       p->origin ? p->origin : "");
		}
	}
	if (json) {
		nr_msg_json(stdout, arr);
		json_object_put(arr);
	}
	if (!json && geteuid() != 0)
		printf("\nNot root: dmesg (on restricted kernels), dmidecode, x86info, vmx-msr and the "
		       "audit log will be skipped.\n");
out:
	nr_cmd_dropins_teardown(&dropins);
	return rc;
}
