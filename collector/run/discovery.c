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

/* QEMU's user-mode networking (slirp) gives its guest the host at this
 * address, and connects the guest's connections to it from the host's
 * loopback. */
#define NR_SLIRP_HOST "10.0.2.2"

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

/* A guest on QEMU's user-mode network: it forwards ports (hostfwd), or
 * its argv has -netdev/-nic/-net user[,...]. */
static bool guest_user_net(json_object *g)
{
	json_object *fwd = json_object_object_get(g, "hostfwd");
	json_object *argv = json_object_object_get(g, "argv");
	const char *prev = "";
	size_t i;

	if (json_object_is_type(fwd, json_type_array) && json_object_array_length(fwd) > 0)
		return true;
	for (i = 0; json_object_is_type(argv, json_type_array) && i < json_object_array_length(argv); i++) {
		const char *a = json_object_get_string(json_object_array_get_idx(argv, i));

		if (!a)
			a = "";
		if ((strcmp(prev, "-netdev") == 0 || strcmp(prev, "-nic") == 0 ||
		     strcmp(prev, "-net") == 0) && strncmp(a, "user", 4) == 0 && (a[4] == '\0' || a[4] == ','))
			return true;
		prev = a;
	}
	return false;
}

static json_object *match_json(json_object *g, const char *guest_of, const char *by,
                               const char *detail)
{
	json_object *m = json_object_new_object();
	json_object *pid = g ? json_object_object_get(g, "pid") : NULL;
	json_object *name = g ? json_object_object_get(g, "name") : NULL;

	json_object_object_add(m, "guest_pid", json_object_get(pid));
	json_object_object_add(m, "guest_name", json_object_get(name));
	json_object_object_add(m, "guest_of", g && guest_of ? json_object_new_string(guest_of) : NULL);
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

static struct nr_level *level_by_id(struct nr_level *levels, size_t n, const char *id)
{
	size_t i;

	for (i = 0; id && i < n; i++)
		if (strcmp(levels[i].id, id) == 0)
			return &levels[i];
	return NULL;
}

/* The guest of `host` that runs level `id` (the link made when that level
 * was matched), or NULL. */
static json_object *guest_running(struct nr_level *host, const char *id)
{
	json_object *guests = host ? nr_facts_get(host->facts, "guests") : NULL;
	size_t i;

	for (i = 0; guests && i < json_object_array_length(guests); i++) {
		json_object *g = json_object_array_get_idx(guests, i);
		const char *level = json_object_get_string(json_object_object_get(g, "level"));

		if (level && strcmp(level, id) == 0)
			return g;
	}
	return NULL;
}

/* A child reached at the parent's user-mode host alias: the connection came
 * out of the grandparent's loopback, where its guests' hostfwd listen.
 * The grandparent's guest forwarding that port, or NULL; *host is the
 * grandparent when the parent is one of its user-mode guests. */
static json_object *alias_guest(struct nr_level *levels, size_t n, struct nr_level *parent,
                                const struct nr_ssh_target *t, int port, struct nr_level **host,
                                int *count)
{
	*host = NULL;
	*count = 0;
	if (strcmp(t->host, NR_SLIRP_HOST) != 0)
		return NULL;
	*host = level_by_id(levels, n, parent->parent);
	if (!*host || !guest_user_net(guest_running(*host, parent->id))) {
		*host = NULL;
		return NULL;
	}
	return find_guest(nr_facts_get((*host)->facts, "guests"), true, port, NULL, NULL, NULL, count);
}

static void match_one(struct nr_level *levels, size_t n, struct nr_level *parent,
                      struct nr_level *child, const struct nr_topo_level *tl)
{
	json_object *guests = nr_facts_get(parent->facts, "guests"), *g = NULL;
	const char *hostname = nr_facts_str(child->facts, "hostname");
	struct nr_level *host;
	struct nr_ssh_target t;
	char detail[400];
	int port, count = 0, alias_count;

	if (nr_ssh_target_parse(tl->target, &t) < 0)
		return;
	port = t.port > 0 ? t.port : 22;
	if ((g = alias_guest(levels, n, parent, &t, port, &host, &alias_count))) {
		snprintf(detail, sizeof(detail), "reached at %s:%d from %s, QEMU user-mode networking's "
		         "address of its host %s; a hostfwd of this guest of %s", t.host, port,
		         parent->id, host->id, host->id);
		child->match = match_json(g, host->id, "hostfwd", detail);
	} else if (is_loopback(t.host) &&
	           (g = find_guest(guests, true, port, NULL, NULL, NULL, &count))) {
		snprintf(detail, sizeof(detail), "reached at %s:%d, a hostfwd of this guest", t.host, port);
		child->match = match_json(g, parent->id, "hostfwd", detail);
	} else if ((g = find_guest(guests, false, 0, child->id, t.host, hostname, &count))) {
		snprintf(detail, sizeof(detail), "guest name matches the level's id, host or hostname");
		child->match = match_json(g, parent->id, "name", detail);
	} else {
		snprintf(detail, sizeof(detail), "%s: no guest on %s matched (by hostfwd port %d or "
		         "by name)%s", count > 1 || alias_count > 1 ? "ambiguous" : "unmatched",
		         parent->id, port, strcmp(t.host, NR_SLIRP_HOST) != 0 ? ""
		         : host ? "; nor a hostfwd of the guests of its host, behind " NR_SLIRP_HOST
		         : "; " NR_SLIRP_HOST " is QEMU user-mode networking's host address, but "
		           "the parent is not a user-mode guest of a collected level");
		child->match = match_json(NULL, NULL, NULL, detail);
		return;
	}
	json_object_object_add(g, "level", json_object_new_string(child->id));
	nr_facts_derive_accel_guest(child->facts, g, parent->facts);
}

void nr_discovery_match(struct nr_level *levels, size_t n, const struct nr_topology *topo)
{
	struct nr_level *parent;
	size_t i;

	/* Parents come first (nr_topology_check), so a parent's own link is
	 * made before its children need it. */
	for (i = 1; i < n && topo; i++)
		if ((parent = level_by_id(levels, n, levels[i].parent)))
			match_one(levels, n, parent, &levels[i], &topo->levels[i - 1]);
}
