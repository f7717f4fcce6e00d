/* SPDX-License-Identifier: MIT */
/* Discovery: each reached level is linked to the guest that runs it, by
 * hostfwd port or by name, and never by a guess.  The user-mode alias case
 * is the real libvirt test's L2 (tests/integration/libvirt_real.sh): a
 * guest of l0 reached through l1 at 10.0.2.2, the address QEMU's user-mode
 * networking gives l1 for l0's loopback. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/discovery.h"
#include "run/topology.h"

/* A guest as the qemu probe records it: pid, name, hostfwd host ports,
 * and the netdev argument. */
static void add_fwd(json_object *g, int port)
{
	json_object *f = json_object_new_object();

	json_object_object_add(f, "host_port", json_object_new_int(port));
	json_object_object_add(f, "guest_port", json_object_new_int(22));
	json_object_array_add(json_object_object_get(g, "hostfwd"), f);
}

static json_object *guest(int pid, const char *name, int fwd_port, const char *netdev)
{
	json_object *g = json_object_new_object(), *argv = json_object_new_array();

	json_object_object_add(g, "pid", json_object_new_int(pid));
	json_object_object_add(g, "name", json_object_new_string(name));
	json_object_object_add(g, "hostfwd", json_object_new_array());
	if (fwd_port > 0)
		add_fwd(g, fwd_port);
	json_object_array_add(argv, json_object_new_string("qemu-system-x86_64"));
	json_object_array_add(argv, json_object_new_string("-netdev"));
	json_object_array_add(argv, json_object_new_string(netdev));
	json_object_object_add(g, "argv", argv);
	return g;
}

struct rig {
	struct nr_level levels[3];
	struct nr_topology topo;
};

/* l0 runs `g0` and `g1`; l1 runs nothing; l1 and l2 are reached at the
 * given targets (l2 via l1). */
static void rig_init(struct rig *r, json_object *g0, json_object *g1, const char *t1,
                     const char *t2)
{
	static const char *const ids[] = { "l0", "l1", "l2" };
	struct nr_error err = { 0 };
	char spec[400];
	size_t i;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < 3; i++) {
		json_object *guests = json_object_new_array();

		r->levels[i].id = strdup(ids[i]);
		r->levels[i].parent = i ? strdup(ids[i - 1]) : NULL;
		r->levels[i].facts = json_object_new_object();
		if (i == 0) {
			json_object_array_add(guests, g0);
			if (g1)
				json_object_array_add(guests, g1);
		}
		json_object_object_add(r->levels[i].facts, "guests", guests);
	}
	snprintf(spec, sizeof(spec), "l1=%s", t1);
	assert_int_equal(nr_topology_add_spec(&r->topo, spec, &err), 0);
	snprintf(spec, sizeof(spec), "l2=%s,via=l1", t2);
	assert_int_equal(nr_topology_add_spec(&r->topo, spec, &err), 0);
	assert_int_equal(nr_topology_check(&r->topo, &err), 0);
	nr_discovery_match(r->levels, 3, &r->topo);
}

static void rig_release(struct rig *r)
{
	size_t i;

	for (i = 0; i < 3; i++) {
		free(r->levels[i].id);
		free(r->levels[i].parent);
		json_object_put(r->levels[i].facts);
		json_object_put(r->levels[i].match);
	}
	nr_topology_release(&r->topo);
}

static const char *mstr(const struct rig *r, size_t lv, const char *key)
{
	return json_object_get_string(json_object_object_get(r->levels[lv].match, key));
}

static const char *guest_level(const struct rig *r, size_t i)
{
	json_object *g = json_object_array_get_idx(json_object_object_get(r->levels[0].facts, "guests"), i);

	return json_object_get_string(json_object_object_get(g, "level"));
}

static void test_user_mode_alias_links_grandparents_guest(void **state)
{
	struct rig r;

	(void)state;
	rig_init(&r, guest(100, "nr-debian-l1", 2201, "user,id=n0,hostfwd=tcp:127.0.0.1:2201-:22"),
	         guest(200, "nr-busybox-l2", 2202, "user,id=n0,hostfwd=tcp:127.0.0.1:2202-:22"),
	         "nr@127.0.0.1:2201", "root@10.0.2.2:2202");
	assert_string_equal(mstr(&r, 1, "by"), "hostfwd");
	assert_string_equal(mstr(&r, 1, "guest_name"), "nr-debian-l1");
	assert_string_equal(mstr(&r, 1, "guest_of"), "l0");
	assert_string_equal(mstr(&r, 2, "by"), "hostfwd");
	assert_string_equal(mstr(&r, 2, "guest_name"), "nr-busybox-l2");
	assert_string_equal(mstr(&r, 2, "guest_of"), "l0");
	assert_non_null(strstr(mstr(&r, 2, "detail"), "10.0.2.2:2202 from l1"));
	assert_string_equal(guest_level(&r, 0), "l1");
	assert_string_equal(guest_level(&r, 1), "l2");
	rig_release(&r);
}

/* l1 matched by name, on a tap network: 10.0.2.2 is just an address there. */
static void test_alias_needs_a_user_mode_parent(void **state)
{
	struct rig r;

	(void)state;
	rig_init(&r, guest(100, "l1", 0, "tap,id=n0,ifname=tap0"),
	         guest(200, "other", 2202, "user,id=n0,hostfwd=tcp::2202-:22"),
	         "root@192.168.122.10", "root@10.0.2.2:2202");
	assert_string_equal(mstr(&r, 1, "by"), "name");
	assert_null(json_object_object_get(r.levels[2].match, "by"));
	assert_null(json_object_object_get(r.levels[2].match, "guest_of"));
	assert_non_null(strstr(mstr(&r, 2, "detail"), "unmatched"));
	assert_non_null(strstr(mstr(&r, 2, "detail"), "not a user-mode guest"));
	assert_null(guest_level(&r, 1));
	rig_release(&r);
}

/* User-mode networking without any hostfwd still counts; a port nobody
 * forwards matches nothing. */
static void test_alias_port_must_be_forwarded(void **state)
{
	struct rig r;

	(void)state;
	rig_init(&r, guest(100, "l1", 0, "user,id=n0"),
	         guest(200, "other", 2202, "user,id=n0,hostfwd=tcp::2202-:22"),
	         "root@l1-host", "root@10.0.2.2:2999");
	assert_string_equal(mstr(&r, 1, "by"), "name");
	assert_null(json_object_object_get(r.levels[2].match, "by"));
	assert_null(guest_level(&r, 1));
	rig_release(&r);

	rig_init(&r, guest(100, "l1", 0, "user"),
	         guest(200, "other", 2202, "user,id=n0,hostfwd=tcp::2202-:22"),
	         "root@l1-host", "root@10.0.2.2:2202");
	assert_string_equal(mstr(&r, 2, "by"), "hostfwd");
	assert_string_equal(mstr(&r, 2, "guest_of"), "l0");
	rig_release(&r);
}

/* Two guests forwarding the same port: ambiguous, not a coin toss. */
static void test_alias_ambiguous(void **state)
{
	struct rig r;
	json_object *g1 = guest(100, "l1", 2201, "user,id=n0,hostfwd=tcp:127.0.0.1:2201-:22");

	(void)state;
	/* l1 itself forwards 2202 too: two of l0's guests answer. */
	add_fwd(g1, 2202);
	rig_init(&r, g1, guest(200, "other", 2202, "user,id=n0,hostfwd=tcp::2202-:22"),
	         "root@127.0.0.1:2201", "root@10.0.2.2:2202");
	assert_string_equal(mstr(&r, 1, "by"), "hostfwd");
	assert_null(json_object_object_get(r.levels[2].match, "by"));
	assert_non_null(strstr(mstr(&r, 2, "detail"), "ambiguous"));
	assert_null(guest_level(&r, 1));
	rig_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_user_mode_alias_links_grandparents_guest),
		cmocka_unit_test(test_alias_needs_a_user_mode_parent),
		cmocka_unit_test(test_alias_port_must_be_forwarded),
		cmocka_unit_test(test_alias_ambiguous),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
