/* SPDX-License-Identifier: MIT */
/* Discovery: which guest seen on a level (a QEMU process in its facts) is
 * which reached child level.  Matched by a hostfwd port when the child was
 * reached through the parent's loopback, else by name (guest name = the
 * child's id, target host or hostname).  A child reached at 10.0.2.2 (QEMU
 * user-mode networking's address of the host) from a parent that is a
 * user-mode guest is matched by hostfwd among the grandparent's guests,
 * whose loopback that address leads to.  Unmatched is said, never guessed. */
#ifndef NR_DISCOVERY_H
#define NR_DISCOVERY_H

#include "level/level.h"
#include "topology.h"

/* Fills levels[i].match for i > 0 and the parents' facts.guests[].level.
 * levels[i] for i > 0 corresponds to topo->levels[i - 1]. */
void nr_discovery_match(struct nr_level *levels, size_t n, const struct nr_topology *topo);

#endif
