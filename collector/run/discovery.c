/* SPDX-License-Identifier: MIT */
#include "discovery.h"
#include "level/facts.h"
#include "transport/transport_ssh.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static bool is_loopback(const char *host)
{
	return strcmp(host, "localhost") == 0 || strncmp(host, "127.", 4) == 0 ||
	       strcmp(host, "::1") == 0;
}

static bool guest_has_fwd(json_object *g, int port)
{
	json_object *fwd = json_object_object_get(g, "hostfwd");
	size_t i;

	for (i = 0; fwd && i < json_object_array_length(fwd); i++)
		if (json_object_get_int(json_object_object_get(json_object_array_get_idx(fwd, i),
		                                                "host_port")) == port)
			return true;
	return false;
}

static bool guest_named(json_object *g, const char *a, const char *b, const char *c)
{
	const char *name = json_object_get_string(json_object_object_get(g, "name"));

	return name && ((a && strcasecmp(name, a) == 0) || (b && strcasecmp(name, b) == 0) ||
	                (c && strcasecmp(name, c) == 0));
}

static json_object *match_json(json_object *g, const char *by, const char *detail)
{
	json_object *m = json_object_new_object();
	json_object *pid = g ? json_object_object_get(g, "pid") : NULL;
	json_object *name = g ? json_object_object_get(g, "name") : NULL;

	json_object_object_add(m, "guest_pid", json_object_get(pid));
	json_object_object_add(m, "guest_name", json_object_get(name));
	json_object_object_add(m, "by", by ? json_object_new_string(by) : NULL);
	json_object_object_add(m, "detail", json_object_new_string(detail));
	return m;
}

/* The one guest that satisfies the test, or NULL (none, or ambiguous). */
static json_object *find_guest(json_object *guests, bool by_fwd, int port, const char *id,
                               const char *host, const char *hostname, int *count)
{
	json_object *hit = NULL;
	size_t i;

	*count = 0;
	for (i = 0; guests && i < json_object_array_length(guests); i++) {
		json_object *g = json_object_array_get_idx(guests, i);
		bool ok = by_fwd ? guest_has_fwd(g, port) : guest_named(g, id, host, hostname);

		if (ok) {
			hit = g;
			(*count)++;
		}
	}
	return *count == 1 ? hit : NULL;
}

static void match_one(struct nr_level *parent, struct nr_level *child,
                      const struct nr_topo_level *tl)
{
	json_object *guests = nr_facts_get(parent->facts, "guests"), *g = NULL;
	const char *hostname = nr_facts_str(child->facts, "hostname");
	struct nr_ssh_target t;
	char detail[400];
	int port, count = 0;

	if (nr_ssh_target_parse(tl->target, &t) < 0)
		return;
	port = t.port > 0 ? t.port : 22;
	if (is_loopback(t.host) && (g = find_guest(guests, true, port, NULL, NULL, NULL, &count))) {
		snprintf(detail, sizeof(detail), "reached at %s:%d, a hostfwd of this guest", t.host, port);
		child->match = match_json(g, "hostfwd", detail);
	} else if ((g = find_guest(guests, false, 0, child->id, t.host, hostname, &count))) {
		snprintf(detail, sizeof(detail), "guest name matches the level's id, host or hostname");
		child->match = match_json(g, "name", detail);
	} else {
		snprintf(detail, sizeof(detail), "%s: no guest on %s matched (by hostfwd port %d or "
		         "by name)", count > 1 ? "ambiguous" : "unmatched", parent->id, port);
		child->match = match_json(NULL, NULL, detail);
		return;
	}
	json_object_object_add(g, "level", json_object_new_string(child->id));
	nr_facts_derive_accel_guest(child->facts, g, parent->facts);
}

void nr_discovery_match(struct nr_level *levels, size_t n, const struct nr_topology *topo)
{
	size_t i, j;

	for (i = 1; i < n && topo; i++) {
		for (j = 0; j < n; j++)
			if (levels[i].parent && strcmp(levels[j].id, levels[i].parent) == 0)
				break;
		if (j < n)
			match_one(&levels[j], &levels[i], &topo->levels[i - 1]);
	}
}
