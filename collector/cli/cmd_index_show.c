/* SPDX-License-Identifier: MIT */
/* The text of `index query`, `index similar` and `index stats`, rendered
 * from the same JSON that --json prints.  Strings from bundles go through
 * nr_cmd_put_safe: they must not drive the terminal. */
#include "cmd_index.h"
#include "cmd_trust.h"
#include "findings/mlevel.h"
#include "msg.h"

#include <stdio.h>
#include <string.h>

/* Periods shown as columns; --json has them all. */
#define STATS_COLUMNS 6

static const char *str(json_object *o, const char *key)
{
	const char *s = nr_mlevel_string(o, key);

	return s ? s : "-";
}

static long long num(json_object *o, const char *key)
{
	return (long long)json_object_get_int64(json_object_object_get(o, key));
}

static void put(const char *s)
{
	nr_cmd_put_safe(stdout, s);
}

/* "3f2a9c1d0e4b  2026-12-04 15:45  hv1  fail 1, warn 2" and the lines
 * under it. */
static void show_bundle(json_object *b, const char *indent)
{
	json_object *levels = nr_mlevel_member(b, "levels", json_type_array);
	json_object *findings = nr_mlevel_member(b, "findings", json_type_array);
	json_object *counts = nr_mlevel_member(b, "counts", json_type_object);
	const char *time = str(b, "time");
	size_t i;

	printf("%.12s  %.10s %.5s  ", str(b, "sha256"), time, strlen(time) >= 16 ? time + 11 : "");
	put(str(b, "host"));
	printf("  %sfail %lld%s, warn %lld\n", num(counts, "fail") ? nr_msg_sgr(stdout, "\033[1;31m") : "",
	       num(counts, "fail"), nr_msg_sgr(stdout, "\033[0m"), num(counts, "warn"));
	for (i = 0; levels && i < json_object_array_length(levels); i++) {
		json_object *lv = json_object_array_get_idx(levels, i);
		static const char *const shown[] = { "kernel", "qemu", "libvirt" };
		size_t k;

		printf("%s  ", indent);
		put(str(lv, "id"));
		if (nr_mlevel_string(lv, "hostname")) {
			printf(" ");
			put(str(lv, "hostname"));
		}
		if (strcmp(str(lv, "status"), "ok") != 0) {
			printf(" (");
			put(str(lv, "status"));
			printf(")");
		}
		for (k = 0; k < sizeof(shown) / sizeof(shown[0]); k++)
			if (nr_mlevel_string(lv, shown[k])) {
				printf("  %s ", shown[k]);
				put(str(lv, shown[k]));
			}
		if (nr_mlevel_string(lv, "cpu")) {
			printf("  ");
			put(str(lv, "cpu"));
		}
		putchar('\n');
	}
	if (findings && json_object_array_length(findings)) {
		printf("%s  findings:", indent);
		for (i = 0; i < json_object_array_length(findings); i++) {
			json_object *f = json_object_array_get_idx(findings, i);

			printf("%s %s", i ? "," : "", strcmp(str(f, "severity"), "fail") == 0 ? "FAIL " : "");
			put(str(f, "rule"));
			printf(" (");
			put(str(f, "level"));
			printf(")");
		}
		putchar('\n');
	}
	printf("%s  ", indent);
	put(str(b, "path"));
	putchar('\n');
}

void nr_cmd_index_show_query(json_object *o)
{
	json_object *bundles = nr_mlevel_member(o, "bundles", json_type_array);
	size_t i, n = bundles ? json_object_array_length(bundles) : 0;

	for (i = 0; i < n; i++)
		show_bundle(json_object_array_get_idx(bundles, i), "");
	if ((long long)n < num(o, "total"))
		printf("%zu of %lld bundles (--limit)\n", n, num(o, "total"));
	else
		printf("%zu bundle%s\n", n, n == 1 ? "" : "s");
}

static void score(json_object *v)
{
	printf("%s", v ? json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN) : "  -  ");
}

void nr_cmd_index_show_similar(json_object *o)
{
	json_object *results = nr_mlevel_member(o, "results", json_type_array);
	json_object *target = nr_mlevel_member(o, "bundle", json_type_object);
	size_t i, n = results ? json_object_array_length(results) : 0;
	int first;

	printf("similar to %.12s", str(target, "sha256"));
	if (nr_mlevel_string(target, "path")) {
		printf(" (");
		put(str(target, "path"));
		printf(")");
	}
	printf(": %lld bundles compared\n", num(o, "compared"));
	for (i = 0; i < n; i++) {
		json_object *r = json_object_array_get_idx(results, i);
		json_object *groups = nr_mlevel_member(r, "groups", json_type_object);

		printf("%2lld. score ", num(r, "rank"));
		score(json_object_object_get(r, "score"));
		printf("  (");
		first = 1;
		json_object_object_foreach(groups, g, v) {
			printf("%s%s ", first ? "" : ", ", g);
			score(v);
			first = 0;
		}
		printf(")\n    ");
		show_bundle(json_object_object_get(r, "bundle"), "   ");
	}
}

/* One row of a stats table: label, then the count in each shown period,
 * then the total. */
static void stats_row(const char *label, json_object *periods, size_t from, const char *list,
                      int (*same)(json_object *, json_object *), json_object *item, long long total)
{
	size_t i, j;

	printf("  %-34.34s", label);
	for (i = from; i < json_object_array_length(periods); i++) {
		json_object *items = json_object_object_get(json_object_array_get_idx(periods, i), list);
		long long n = 0;

		for (j = 0; items && j < json_object_array_length(items); j++)
			if (same(json_object_array_get_idx(items, j), item))
				n = num(json_object_array_get_idx(items, j), "bundles");
		printf(" %8lld", n);
	}
	printf(" %8lld\n", total);
}

static int same_finding(json_object *a, json_object *b)
{
	return strcmp(str(a, "rule"), str(b, "rule")) == 0;
}

static int same_version(json_object *a, json_object *b)
{
	return strcmp(str(a, "level"), str(b, "level")) == 0 &&
	       strcmp(str(a, "software"), str(b, "software")) == 0 && strcmp(str(a, "series"), str(b, "series")) == 0;
}

void nr_cmd_index_show_stats(json_object *o)
{
	json_object *periods = nr_mlevel_member(o, "periods", json_type_array);
	json_object *totals = nr_mlevel_member(o, "totals", json_type_object);
	json_object *list;
	size_t n = periods ? json_object_array_length(periods) : 0, from = n > STATS_COLUMNS ? n - STATS_COLUMNS : 0;
	size_t i;
	char label[128];

	if (!periods)
		return;
	printf("  %-34s", "bundles by period");
	for (i = from; i < n; i++)
		printf(" %8.8s", str(json_object_array_get_idx(periods, i), "period"));
	printf(" %8s\n", "total");
	printf("  %-34s", "bundles");
	for (i = from; i < n; i++)
		printf(" %8lld", num(json_object_array_get_idx(periods, i), "bundles"));
	printf(" %8lld\n", num(totals, "bundles"));
	if (from)
		printf("  (%zu earlier periods: --json, or --since)\n", from);
	list = nr_mlevel_member(totals, "findings", json_type_array);
	if (list && json_object_array_length(list))
		printf("\nfindings (bundles)\n");
	for (i = 0; list && i < json_object_array_length(list); i++) {
		json_object *f = json_object_array_get_idx(list, i);

		snprintf(label, sizeof(label), "%-4s %s", str(f, "severity"), str(f, "rule"));
		stats_row(label, periods, from, "findings", same_finding, f, num(f, "bundles"));
	}
	list = nr_mlevel_member(totals, "versions", json_type_array);
	if (list && json_object_array_length(list))
		printf("\nversions (bundles)\n");
	for (i = 0; list && i < json_object_array_length(list); i++) {
		json_object *v = json_object_array_get_idx(list, i);

		snprintf(label, sizeof(label), "%s %s %s", str(v, "level"), str(v, "software"), str(v, "series"));
		stats_row(label, periods, from, "versions", same_version, v, num(v, "bundles"));
	}
}
