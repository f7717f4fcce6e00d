/* SPDX-License-Identifier: MIT */
/* `show`'s checklist: the kernel document's list of what to send, one row
 * per item and one column per level, then what is not there and why. */
#include "cmd_show.h"
#include "cmd_trust.h"
#include "findings/mlevel.h"
#include "msg.h"

#include <stdio.h>
#include <string.h>

#define MAX_COLUMNS 64

static const char *state_color(const char *state, bool reasoned)
{
	if (strcmp(state, "ok") == 0)
		return "\033[32m";
	if (strcmp(state, "n/a") == 0)
		return "";
	return reasoned ? "\033[33m" : "\033[1;31m";
}

/* The cell: the state, in capitals when the bundle says nothing of why. */
static void print_cell(json_object *it, int width, bool last)
{
	const char *state = nr_mlevel_string(it, "state");
	bool reasoned = nr_mlevel_string(it, "reason") != NULL;
	char cell[32];

	if (!state)
		state = "?";
	snprintf(cell, sizeof(cell), "%s", state);
	if (!reasoned && strcmp(state, "ok") != 0 && strcmp(state, "n/a") != 0)
		for (char *p = cell; *p; p++)
			*p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
	printf("%s", nr_msg_sgr(stdout, state_color(state, reasoned)));
	nr_cmd_put_safe(stdout, cell);
	printf("%s", nr_msg_sgr(stdout, "\033[0m"));
	if (!last)
		printf("%*s", width - (int)strlen(cell), "");
}

/* An architecture's own rows (x86info and dmidecode on x86, sysinfo on
 * s390x) are shown unless n/a on every level shown; every other row is
 * always shown, n/a included (no libvirt, no KVM module: worth seeing). */
static bool arch_item(json_object *it)
{
	static const char *const arch_rows[] = { "x86info", "dmidecode", "sysinfo" };
	const char *id = nr_mlevel_string(it, "item");
	size_t i;

	for (i = 0; id && i < sizeof(arch_rows) / sizeof(arch_rows[0]); i++)
		if (strcmp(id, arch_rows[i]) == 0)
			return true;
	return false;
}

static bool row_wanted(json_object **cols, size_t ncols, size_t row)
{
	bool arch_row = arch_item(json_object_array_get_idx(
	        nr_mlevel_member(cols[0], "items", json_type_array), row));
	size_t i;

	for (i = 0; arch_row && i < ncols; i++) {
		const char *st = nr_mlevel_string(json_object_array_get_idx(
		        nr_mlevel_member(cols[i], "items", json_type_array), row), "state");

		if (!st || strcmp(st, "n/a") != 0)
			return true;
	}
	return !arch_row;
}

void nr_show_checklist(const struct show_args *a, json_object *checklist)
{
	json_object *cols[MAX_COLUMNS];
	size_t i, r, ncols = 0, nrows = 0, listed = 0;
	int width = 9;

	for (i = 0; i < json_object_array_length(checklist) && ncols < MAX_COLUMNS; i++) {
		json_object *c = json_object_array_get_idx(checklist, i);
		const char *id = nr_mlevel_string(c, "level");

		if (a->level && (!id || strcmp(id, a->level) != 0))
			continue;
		cols[ncols++] = c;
		if (id && (int)strlen(id) + 2 > width)
			width = (int)strlen(id) + 2 > 24 ? 24 : (int)strlen(id) + 2;
		nrows = json_object_array_length(nr_mlevel_member(c, "items", json_type_array));
	}
	if (ncols == 0)
		return;
	printf("\nChecklist (the kernel document, \"Reporting bugs from nested setups\"):\n%24s", "");
	for (i = 0; i < ncols; i++) {
		const char *id = nr_mlevel_string(cols[i], "level");

		printf("%-*.*s", i + 1 == ncols ? 0 : width, width - 1, id ? id : "?");
	}
	putchar('\n');
	for (r = 0; r < nrows; r++) {
		json_object *first = json_object_array_get_idx(
		        nr_mlevel_member(cols[0], "items", json_type_array), r);

		if (!row_wanted(cols, ncols, r))
			continue;
		printf("  %-22.22s", nr_mlevel_string(first, "title") ? nr_mlevel_string(first, "title") : "?");
		for (i = 0; i < ncols; i++)
			print_cell(json_object_array_get_idx(nr_mlevel_member(cols[i], "items", json_type_array), r),
			           width, i + 1 == ncols);
		putchar('\n');
	}
	for (i = 0; i < ncols; i++) {
		json_object *items = nr_mlevel_member(cols[i], "items", json_type_array);

		for (r = 0; r < nrows; r++) {
			json_object *it = json_object_array_get_idx(items, r);
			const char *st = nr_mlevel_string(it, "state"), *why = nr_mlevel_string(it, "reason");

			/* n/a says why too, but not for another architecture's rows. */
			if (!st || strcmp(st, "ok") == 0 || (strcmp(st, "n/a") == 0 && arch_item(it)))
				continue;
			if (listed++ == 0)
				printf("Not there, and why:\n");
			printf("  ");
			nr_cmd_put_safe(stdout, nr_mlevel_string(cols[i], "level"));
			putchar(' ');
			nr_cmd_put_safe(stdout, nr_mlevel_string(it, "title"));
			printf(": ");
			nr_cmd_put_safe(stdout, why ? why : "no reason recorded in the bundle");
			putchar('\n');
		}
	}
}

json_object *nr_show_checklist_json(const struct show_args *a, json_object *checklist)
{
	json_object *out = json_object_new_array();
	size_t i;

	for (i = 0; i < json_object_array_length(checklist); i++) {
		json_object *c = json_object_array_get_idx(checklist, i);
		const char *id = nr_mlevel_string(c, "level");

		if (!a->level || (id && strcmp(id, a->level) == 0))
			json_object_array_add(out, json_object_get(c));
	}
	return out;
}
