/* SPDX-License-Identifier: MIT */
/* A topology file (collector/run/topology.c, --topology FILE) and
 * --level specs.  Input starting with '{' or '[' is a file; otherwise each
 * line is one --level spec.  Oracle: a topology that passes the check is
 * one the collector can run: ids unique, every via names an earlier level
 * (parents first) or l0, depth one more than the parent's. */
#include "fuzz.h"
#include "run/topology.h"

static void check_ok(const struct nr_topology *t)
{
	size_t i, j;

	for (i = 0; i < t->n; i++) {
		const struct nr_topo_level *l = &t->levels[i];
		int parent_depth = -1;

		NR_FUZZ_ASSERT(memchr(l->id, '\0', sizeof(l->id)) && l->id[0], "bad id");
		for (j = 0; j < i; j++) {
			NR_FUZZ_ASSERT(strcmp(t->levels[j].id, l->id) != 0, "duplicate id passed");
			if (strcmp(t->levels[j].id, l->via) == 0)
				parent_depth = t->levels[j].depth;
		}
		if (strcmp(l->via, "l0") == 0 || l->via[0] == '\0')
			parent_depth = 0;
		NR_FUZZ_ASSERT(parent_depth >= 0, "via names no earlier level");
		NR_FUZZ_ASSERT(l->depth == parent_depth + 1, "depth is not the parent's plus one");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nr_topology t;
	struct nr_error err;
	char path[64];
	int rc;

	memset(&t, 0, sizeof(t));
	if (size > 0 && (data[0] == '{' || data[0] == '[')) {
		int fd = nr_fuzz_file(data, size, path, sizeof(path));

		rc = nr_topology_load(&t, path, &err);
		close(fd);
	} else {
		char *s = nr_fuzz_cstr(data, size), *line, *save = NULL;

		rc = 0;
		for (line = strtok_r(s, "\n", &save); line && rc == 0; line = strtok_r(NULL, "\n", &save))
			rc = nr_topology_add_spec(&t, line, &err);
		free(s);
	}
	if (rc == 0 && nr_topology_check(&t, &err) == 0)
		check_ok(&t);
	nr_topology_release(&t);
	return 0;
}
