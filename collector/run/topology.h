/* SPDX-License-Identifier: MIT */
/* The tree of levels to collect: l0 is this machine; every other level is
 * reached over SSH, from l0 or `via` another level.  Built from --level
 * flags or a --topology JSON file (schemas/topology.schema.json); both make
 * the same tree. */
#ifndef NR_TOPOLOGY_H
#define NR_TOPOLOGY_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

#define NR_TOPO_MAX_LEVELS 64
#define NR_TOPO_ID_MAX 32

struct nr_topo_level {
	char id[NR_TOPO_ID_MAX];
	char target[300];        /* [user@]host[:port] or an ssh config alias */
	char via[NR_TOPO_ID_MAX];/* parent level id; "l0" when reached from here */
	int depth;               /* set by nr_topology_check */
	bool sudo;
	char **only, **skip;     /* NULL-terminated probe names, or NULL */
};

struct nr_topology {
	struct nr_topo_level levels[NR_TOPO_MAX_LEVELS];
	size_t n;
};

/* "l2=root@nested1,via=l1,sudo,only=cpu:kvm,skip=dmesg" */
int nr_topology_add_spec(struct nr_topology *t, const char *spec, struct nr_error *err);
/* Load a JSON topology file (capped at 1 MiB). */
int nr_topology_load(struct nr_topology *t, const char *path, struct nr_error *err);
/* Check ids, targets and parents; order levels parents-first and set depth. */
int nr_topology_check(struct nr_topology *t, struct nr_error *err);
void nr_topology_release(struct nr_topology *t);

#endif
