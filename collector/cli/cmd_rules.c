/* SPDX-License-Identifier: MIT */
/* `nest-report rules [--json] [--markdown]`: the findings rules, with their
 * ids, severities, hints and sources.  --markdown is docs/findings.md. */
#include "commands.h"
#include "msg.h"
#include "findings/rules_doc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char rules_usage[] =
	"usage: nest-report rules [--json | --markdown]\n"
	"\n"
	"Lists the triage rules that judge a bundle's facts: each rule's stable id,\n"
	"severity (fail, warn, info), the levels it looks at, its hint and the document\n"
	"it comes from.\n"
	"\n"
	"options:\n"
	"      --json       the rules as a JSON array\n"
	"      --markdown   the rules as docs/findings.md\n"
	"  -h, --help       show this help\n";

static void print_rule(const struct nr_rule *r)
{
	char arches[128];

	nr_rules_arches_text(r->arches, arches, sizeof(arches));
	printf("  %-4s %s\n", nr_severity_name(r->severity), r->id);
	printf("       %s\n", r->title);
	printf("       looks at: %s; architectures: %s\n", nr_rule_scope_text(r->scope), arches);
	printf("       hint: %s\n", r->hint);
	printf("       source: %s\n", r->source);
}

static int print_text(void)
{
	size_t g, k;

	for (g = 0; nr_rule_groups[g]; g++) {
		printf("%s%s:\n", g ? "\n" : "", nr_rule_groups[g]->title);
		for (k = 0; k < nr_rule_groups[g]->n; k++)
			print_rule(&nr_rule_groups[g]->rules[k]);
	}
	printf("\nEngine:\n");
	print_rule(&nr_rule_could_not_check);
	printf("\n%zu rules.  Templates: {level} is the level's id, other {names} come from the "
	       "facts.\n", nr_rule_count());
	return NR_EXIT_OK;
}

static int print_json(void)
{
	json_object *arr = nr_rules_json();

	if (!arr) {
		nr_msg_error("out of memory");
		return NR_EXIT_ERROR;
	}
	nr_msg_json(stdout, arr);
	json_object_put(arr);
	return NR_EXIT_OK;
}

static int print_markdown(void)
{
	size_t len;
	char *md = nr_rules_markdown(&len);

	if (!md) {
		nr_msg_error("out of memory");
		return NR_EXIT_ERROR;
	}
	fwrite(md, 1, len, stdout);
	free(md);
	return NR_EXIT_OK;
}

int nr_cmd_rules(int argc, char **argv)
{
	int json = 0, markdown = 0, i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			json = 1;
		} else if (strcmp(argv[i], "--markdown") == 0) {
			markdown = 1;
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(rules_usage, stdout);
			return NR_EXIT_OK;
		} else {
			nr_msg_usage("rules", "unknown option '%s'", argv[i]);
			return NR_EXIT_USAGE;
		}
	}
	if (json && markdown) {
		nr_msg_usage("rules", "--json and --markdown are alternatives; pick one");
		return NR_EXIT_USAGE;
	}
	if (json)
		return print_json();
	return markdown ? print_markdown() : print_text();
}
