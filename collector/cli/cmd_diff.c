/* SPDX-License-Identifier: MIT */
/* `nest-report diff A B`: what changed between two bundles (diff.h). */
#include "cmd_trust.h"
#include "commands.h"
#include "bundle/diff.h"
#include "findings/findings.h"
#include "findings/mlevel.h"
#include "msg.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char diff_usage[] =
	"usage: nest-report diff A B [OPTIONS]\n"
	"\n"
	"What changed from bundle A to bundle B, per level: versions (kernel, QEMU,\n"
	"libvirt), KVM module parameters, CPU flags and virt extension, role and\n"
	"hypervisor, probe results, and the findings that appeared or disappeared\n"
	"(both evaluated with this version's rules).  Reads the manifests and the\n"
	"cpuinfo artifacts only.\n"
	"\n"
	"options:\n"
	"      --json                machine-readable output\n"
	NR_LIMIT_USAGE
	"  -h, --help                show this help\n"
	"\n"
	"exit status: 0 compared (whether or not they differ), 1 could not read a\n"
	"bundle, 2 usage error\n";

static void put_value(json_object *v)
{
	nr_cmd_put_safe(stdout, v ? (json_object_is_type(v, json_type_string) ? json_object_get_string(v)
	                              : json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE))
	                          : "(none)");
}

/* A bundle's name for something, escaped, padded to width. */
static void put_padded(const char *s, int width)
{
	int len = s ? (int)strlen(s) : 1;

	nr_cmd_put_safe(stdout, s ? s : "?");
	printf("%*s ", len < width ? width - len : 0, "");
}

static void print_side(const char *tag, json_object *s)
{
	printf("%s: ", tag);
	nr_cmd_put_safe(stdout, nr_mlevel_string(s, "bundle"));
	printf(" (created ");
	nr_cmd_put_safe(stdout, nr_mlevel_string(s, "created") ? nr_mlevel_string(s, "created") : "?");
	printf(" on ");
	nr_cmd_put_safe(stdout, nr_mlevel_string(s, "host") ? nr_mlevel_string(s, "host") : "?");
	printf(")\n");
}

static void print_findings(json_object *list, const char *what, const char *color)
{
	char line[2600];
	size_t i;

	for (i = 0; list && i < json_object_array_length(list); i++) {
		json_object *f = json_object_array_get_idx(list, i);

		nr_findings_format_line(f, line, sizeof(line));
		printf("  %s%-19s%s ", nr_msg_sgr(stdout, color), what, nr_msg_sgr(stdout, "\033[0m"));
		nr_cmd_put_safe(stdout, line);
		printf(" [");
		nr_cmd_put_safe(stdout, nr_mlevel_string(f, "id") ? nr_mlevel_string(f, "id") : "-");
		printf("]\n");
	}
}

static void print_words(const char *sign, json_object *list)
{
	size_t i;

	for (i = 0; list && i < json_object_array_length(list); i++) {
		printf(" %s", sign);
		nr_cmd_put_safe(stdout, json_object_get_string(json_object_array_get_idx(list, i)));
	}
}

static void print_level(json_object *l)
{
	json_object *facts = nr_mlevel_member(l, "facts", json_type_array);
	json_object *probes = nr_mlevel_member(l, "probes", json_type_array);
	json_object *flags = nr_mlevel_member(l, "cpu_flags", json_type_object);
	json_object *f = nr_mlevel_member(l, "findings", json_type_object);
	json_object *added = nr_mlevel_member(flags, "added", json_type_array);
	json_object *removed = nr_mlevel_member(flags, "removed", json_type_array);
	const char *in = nr_mlevel_string(l, "in");
	size_t i;

	printf("\n");
	nr_cmd_put_safe(stdout, nr_mlevel_string(l, "id"));
	if (strcmp(in, "both") != 0) {
		printf(": only in %s\n", in);
		return;
	}
	printf(":\n");
	for (i = 0; facts && i < json_object_array_length(facts); i++) {
		json_object *c = json_object_array_get_idx(facts, i);

		printf("  ");
		put_padded(nr_mlevel_string(c, "key"), 34);
		put_value(json_object_object_get(c, "a"));
		printf(" -> ");
		put_value(json_object_object_get(c, "b"));
		putchar('\n');
	}
	if (json_object_array_length(added) + json_object_array_length(removed) > 0) {
		printf("  %-34s", "cpu flags");
		print_words("+", added);
		print_words("-", removed);
		putchar('\n');
	}
	for (i = 0; probes && i < json_object_array_length(probes); i++) {
		json_object *c = json_object_array_get_idx(probes, i);

		printf("  probe ");
		put_padded(nr_mlevel_string(c, "name"), 28);
		put_value(json_object_object_get(c, "a"));
		printf(" -> ");
		put_value(json_object_object_get(c, "b"));
		putchar('\n');
	}
	print_findings(nr_mlevel_member(f, "appeared", json_type_array), "finding appeared", "\033[1;31m");
	print_findings(nr_mlevel_member(f, "disappeared", json_type_array), "finding disappeared", "\033[32m");
	if (!json_object_array_length(facts) && !json_object_array_length(added) &&
	    !json_object_array_length(removed) && !json_object_array_length(probes) &&
	    !json_object_array_length(nr_mlevel_member(f, "appeared", json_type_array)) &&
	    !json_object_array_length(nr_mlevel_member(f, "disappeared", json_type_array)))
		printf("  no change\n");
}

static void print_text(json_object *d)
{
	json_object *levels = nr_mlevel_member(d, "levels", json_type_array);
	size_t i;

	print_side("a", json_object_object_get(d, "a"));
	print_side("b", json_object_object_get(d, "b"));
	if (json_object_get_boolean(json_object_object_get(d, "identical"))) {
		printf("\nNo differences.\n");
		return;
	}
	for (i = 0; levels && i < json_object_array_length(levels); i++)
		print_level(json_object_array_get_idx(levels, i));
}

int nr_cmd_diff(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		NR_LIMIT_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct nr_diff_side a = { 0 }, b = { 0 };
	struct nr_bundle_limits lim;
	struct nr_error err = { 0 };
	json_object *d = NULL;
	int c, json = 0, rc;

	nr_bundle_limits_default(&lim);
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		if ((rc = nr_cmd_limit_option("diff", c, optarg, &lim)) != 0) {
			if (rc < 0)
				return NR_EXIT_USAGE;
			continue;
		}
		switch (c) {
		case 'j': json = 1; break;
		case 'h': fputs(diff_usage, stdout); return NR_EXIT_OK;
		case ':':
			nr_msg_usage("diff", "option '%s' needs a value", argv[optind - 1]);
			return NR_EXIT_USAGE;
		default:
			nr_msg_usage("diff", "unknown option '%s'", argv[optind - 1]);
			return NR_EXIT_USAGE;
		}
	}
	if (optind + 2 != argc) {
		nr_msg_usage("diff", "two bundles: 'nest-report diff A B'");
		return NR_EXIT_USAGE;
	}
	rc = NR_EXIT_ERROR;
	if (nr_diff_load(argv[optind], &lim, &a, &err) < 0 || nr_diff_load(argv[optind + 1], &lim, &b, &err) < 0) {
		nr_msg_error("%s: %s", a.manifest ? argv[optind + 1] : argv[optind], err.msg);
		goto out;
	}
	nr_cmd_warn_shape(argv[optind], a.manifest);
	nr_cmd_warn_shape(argv[optind + 1], b.manifest);
	d = nr_diff_compute(&a, &b);
	if (!d) {
		nr_msg_error("out of memory");
		goto out;
	}
	if (json)
		nr_msg_json(stdout, d);
	else
		print_text(d);
	rc = NR_EXIT_OK;
out:
	json_object_put(d);
	nr_diff_side_release(&a);
	nr_diff_side_release(&b);
	return rc;
}
