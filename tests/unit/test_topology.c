/* SPDX-License-Identifier: MIT */
/* --level specs and --topology files must build the same tree, ordered
 * parents first, and refuse what would misroute or leak. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run/topology.h"
#include "transport/transport_ssh.h"

static void add_ok(struct nr_topology *t, const char *spec)
{
	struct nr_error err = { 0 };

	if (nr_topology_add_spec(t, spec, &err) != 0)
		fail_msg("%s: %s", spec, err.msg);
}

static void add_bad(const char *spec, const char *needle)
{
	struct nr_topology t = { .n = 0 };
	struct nr_error err = { 0 };

	assert_true(nr_topology_add_spec(&t, spec, &err) < 0);
	if (!strstr(err.msg, needle))
		fail_msg("'%s': message '%s' lacks '%s'", spec, err.msg, needle);
	nr_topology_release(&t);
}

static void test_specs_order_and_depth(void **state)
{
	struct nr_topology t = { .n = 0 };
	struct nr_error err = { 0 };

	(void)state;
	add_ok(&t, "l3=nested-alias,via=l2,skip=dmesg");
	add_ok(&t, "l2=root@10.10.2.2,via=l1,only=kernel:cpu:kvm");
	add_ok(&t, "l1=root@127.0.0.1:2222,sudo");
	assert_int_equal(nr_topology_check(&t, &err), 0);
	assert_string_equal(t.levels[0].id, "l1");
	assert_int_equal(t.levels[0].depth, 1);
	assert_true(t.levels[0].sudo);
	assert_string_equal(t.levels[1].id, "l2");
	assert_int_equal(t.levels[1].depth, 2);
	assert_string_equal(t.levels[1].only[2], "kvm");
	assert_null(t.levels[1].only[3]);
	assert_string_equal(t.levels[2].id, "l3");
	assert_int_equal(t.levels[2].depth, 3);
	assert_string_equal(t.levels[2].skip[0], "dmesg");
	nr_topology_release(&t);
}

static void test_file_equals_specs(void **state)
{
	struct nr_topology a = { .n = 0 }, b = { .n = 0 };
	struct nr_error err = { 0 };
	size_t i;

	(void)state;
	if (nr_topology_load(&a, "tests/fixtures/topology/chain.json", &err) != 0)
		fail_msg("%s", err.msg);
	add_ok(&b, "l2=root@10.10.2.2,via=l1,only=kernel:cpu:kvm");
	add_ok(&b, "l1=root@127.0.0.1:2222,sudo");
	add_ok(&b, "l3=nested-alias,via=l2,skip=dmesg");
	assert_int_equal(nr_topology_check(&a, &err), 0);
	assert_int_equal(nr_topology_check(&b, &err), 0);
	assert_int_equal(a.n, b.n);
	for (i = 0; i < a.n; i++) {
		assert_string_equal(a.levels[i].id, b.levels[i].id);
		assert_string_equal(a.levels[i].target, b.levels[i].target);
		assert_string_equal(a.levels[i].via, b.levels[i].via);
		assert_int_equal(a.levels[i].depth, b.levels[i].depth);
		assert_int_equal(a.levels[i].sudo, b.levels[i].sudo);
	}
	nr_topology_release(&a);
	nr_topology_release(&b);
}

static void test_bad_specs(void **state)
{
	(void)state;
	add_bad("l1", "--level wants");
	add_bad("l0=host", "bad level id");
	add_bad("L1=host", "bad level id");
	add_bad("l1=", "no target");
	add_bad("l1=root:hunter2@host", "no passwords");
	add_bad("l1=host:99999", "bad target");
	add_bad("l1=host,via=Bad!", "bad via");
	add_bad("l1=host,only=nosuchprobe", "unknown probe");
	add_bad("l1=host,frobnicate", "unknown key");
}

static void test_check_rejects(void **state)
{
	struct nr_topology t = { .n = 0 };
	struct nr_error err = { 0 };

	(void)state;
	add_ok(&t, "l1=a,via=l2");
	add_ok(&t, "l2=b,via=l1");
	assert_true(nr_topology_check(&t, &err) < 0);
	assert_non_null(strstr(err.msg, "cycle"));
	nr_topology_release(&t);
	add_ok(&t, "l1=a,via=nope");
	assert_true(nr_topology_check(&t, &err) < 0);
	nr_topology_release(&t);
	add_ok(&t, "l1=a");
	assert_true(nr_topology_add_spec(&t, "l1=b", &err) < 0);
	assert_non_null(strstr(err.msg, "twice"));
	nr_topology_release(&t);
}

static void test_bad_files(void **state)
{
	static const char *const bodies[] = {
		"not json", "[]", "{\"levels\": {}}", "{\"levels\": [{\"id\": \"l1\"}]}",
		"{\"levels\": [{\"id\": \"l1\", \"target\": \"h\", \"color\": \"red\"}]}",
		"{\"levels\": [{\"id\": \"l1\", \"target\": \"h\", \"only\": \"cpu\"}]}",
		NULL,
	};
	char path[] = "/tmp/nr-topo-XXXXXX";
	size_t i;

	(void)state;
	for (i = 0; bodies[i]; i++) {
		struct nr_topology t = { .n = 0 };
		struct nr_error err = { 0 };
		int fd = mkstemp(path);

		assert_true(fd >= 0);
		assert_int_equal(write(fd, bodies[i], strlen(bodies[i])), (ssize_t)strlen(bodies[i]));
		close(fd);
		assert_true(nr_topology_load(&t, path, &err) < 0);
		assert_non_null(strstr(err.msg, "topology"));
		nr_topology_release(&t);
		unlink(path);
		strcpy(path, "/tmp/nr-topo-XXXXXX");
	}
}

static void test_target_parse(void **state)
{
	struct nr_ssh_target t;

	(void)state;
	assert_int_equal(nr_ssh_target_parse("root@host:2222", &t), 0);
	assert_string_equal(t.user, "root");
	assert_string_equal(t.host, "host");
	assert_int_equal(t.port, 2222);
	assert_int_equal(nr_ssh_target_parse("alias", &t), 0);
	assert_string_equal(t.user, "");
	assert_int_equal(t.port, 0);
	assert_int_equal(nr_ssh_target_parse("u@[::1]:22", &t), 0);
	assert_string_equal(t.host, "::1");
	assert_int_equal(t.port, 22);
	assert_int_equal(nr_ssh_target_parse("fe80::1", &t), 0);
	assert_string_equal(t.host, "fe80::1");
	assert_true(nr_ssh_target_parse("@host", &t) < 0);
	assert_true(nr_ssh_target_parse("host:0", &t) < 0);
	assert_true(nr_ssh_target_parse("[::1", &t) < 0);
	assert_true(nr_ssh_target_parse("", &t) < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_specs_order_and_depth),
		cmocka_unit_test(test_file_equals_specs),
		cmocka_unit_test(test_bad_specs),
		cmocka_unit_test(test_check_rejects),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_target_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
