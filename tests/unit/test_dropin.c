/* SPDX-License-Identifier: MIT */
/* Drop-in probes: the loader (collector/run/dropin_load.c) on real files
 * in a private directory, with the real schema (schemas/probe.schema.json)
 * and the C validator: a good one is loaded and registered, each kind of
 * bad one is refused with one line naming the file and the field, and
 * none can take a built-in probe's name. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run/dropin_load.h"
#include "util/datadir.h"

static char dir[128], dir2[128], xdg[128];

static void put(const char *d, const char *name, const char *text, mode_t mode)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", d, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
}

#define HEAD "{ \"schema\": \"urn:nest-report:schema:probe:1\", "

static int setup(void **state)
{
	char big[70 * 1024];

	(void)state;
	snprintf(dir, sizeof(dir), "%s/nr-dropin-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	snprintf(dir2, sizeof(dir2), "%s/nr-dropin2-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	snprintf(xdg, sizeof(xdg), "%s/nr-dropin-xdg-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(dir));
	assert_non_null(mkdtemp(dir2));
	assert_non_null(mkdtemp(xdg));
	/* the schema from the source tree; no user drop-ins but ours */
	setenv("NR_SCHEMA_DIR", "schemas", 1);
	setenv("XDG_CONFIG_HOME", xdg, 1);
	put(dir, "a-good.json", HEAD "\"name\": \"site-bmc\", \"summary\": \"BMC firmware\", "
	    "\"arches\": [\"x86\", \"arm\"], \"root\": true, \"timeout\": 20, "
	    "\"commands\": [{ \"argv\": [\"ipmitool\", \"mc\", \"info\"] }, "
	    "{ \"artifact\": \"sel\", \"argv\": [\"/usr/bin/ipmitool\", \"sel\", \"list\"] }], "
	    "\"files\": [{ \"path\": \"/etc/site/bmc.conf\" }] }\n", 0644);
	put(dir, "b-argv-string.json", HEAD "\"name\": \"site-b\", \"summary\": \"x\", "
	    "\"commands\": [{ \"argv\": \"ipmitool mc info\" }] }", 0644);
	put(dir, "c-builtin.json", HEAD "\"name\": \"kvm\", \"summary\": \"x\", "
	    "\"files\": [{ \"path\": \"/etc/hostname\" }] }", 0644);
	put(dir, "d-truncated.json", HEAD "\"name\": ", 0644);
	put(dir, "e-dotdot.json", HEAD "\"name\": \"site-e\", \"summary\": \"x\", "
	    "\"files\": [{ \"path\": \"/etc/../shadow\" }] }", 0644);
	put(dir, "f-writable.json", HEAD "\"name\": \"site-f\", \"summary\": \"x\", "
	    "\"files\": [{ \"path\": \"/etc/hostname\" }] }", 0666);
	put(dir, "g-nul.json", HEAD "\"name\": \"site-g\", \"summary\": \"x\", "
	    "\"commands\": [{ \"argv\": [\"uname\", \"-a\\u0000; rm -rf /\"] }] }", 0644);
	put(dir, "h-dup-artifact.json", HEAD "\"name\": \"site-h\", \"summary\": \"x\", "
	    "\"commands\": [{ \"artifact\": \"x\", \"argv\": [\"uname\"] }], "
	    "\"files\": [{ \"artifact\": \"x\", \"path\": \"/etc/hostname\" }] }", 0644);
	put(dir, "i-nothing.json", HEAD "\"name\": \"site-i\", \"summary\": \"x\" }", 0644);
	put(dir, "j-newline.json", HEAD "\"name\": \"site-j\", \"summary\": \"x\", "
	    "\"commands\": [{ \"argv\": [\"echo\", \"a\\nb\"] }] }", 0644);
	memset(big, ' ', sizeof(big));
	big[sizeof(big) - 1] = '\0';
	put(dir, "k-big.json", big, 0644);
	put(dir, "not-json.txt", "ignored: not *.json", 0644);
	put(dir, ".hidden.json", "ignored: a dotfile", 0644);
	/* the same name again, in a later directory */
	put(dir2, "again.json", HEAD "\"name\": \"site-bmc\", \"summary\": \"y\", "
	    "\"files\": [{ \"path\": \"/etc/hostname\" }] }", 0644);
	return 0;
}

static int teardown(void **state)
{
	char cmd[512];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s' '%s'", dir, dir2, xdg);
	return system(cmd) == 0 ? 0 : -1;
}

static const char *refusal(struct nr_dropins *d, const char *name)
{
	size_t i;

	for (i = 0; i < json_object_array_length(d->refused); i++) {
		json_object *r = json_object_array_get_idx(d->refused, i);
		const char *file = json_object_get_string(json_object_object_get(r, "file"));
		const char *slash = strrchr(file, '/');

		if (strcmp(slash ? slash + 1 : file, name) == 0)
			return json_object_get_string(json_object_object_get(r, "error"));
	}
	return NULL;
}

static void expect_refused(struct nr_dropins *d, const char *file, const char *text)
{
	const char *why = refusal(d, file);

	if (!why || !strstr(why, text))
		fail_msg("%s: expected a refusal with '%s', got %s", file, text, why ? why : "none");
	assert_null(strchr(why, '\n'));
}

static void test_load(void **state)
{
	const char *dirs[3] = { dir, dir2, "/nonexistent/probes.d" };
	struct nr_error err = { 0 };
	struct nr_dropins d;
	const struct nr_dropin *p;

	(void)state;
	assert_int_equal(nr_dropins_load(&d, dirs, 3, &err), 0);
	assert_int_equal(d.n, 1);
	p = d.items[0];
	assert_string_equal(p->probe.name, "site-bmc");
	assert_int_equal(p->probe.arches, NR_ARCH_X86 | NR_ARCH_ARM);
	assert_int_equal(p->probe.timeout_s, 20);
	assert_true(p->root);
	assert_int_equal(p->n_cmds, 2);
	assert_string_equal(p->cmds[0].artifact, "ipmitool-mc-info");
	assert_string_equal(p->cmds[1].artifact, "sel");
	assert_string_equal(p->cmds[1].argv[0], "/usr/bin/ipmitool");
	assert_null(p->cmds[0].argv[3]);
	assert_string_equal(p->files[0].artifact, "etc_site_bmc.conf");
	assert_non_null(strstr(p->probe.origin, "/a-good.json"));
	assert_int_equal(strlen(p->sha256), 64);
	expect_refused(&d, "b-argv-string.json", "commands/0/argv: expected array");
	expect_refused(&d, "c-builtin.json", "name: 'kvm' is a built-in probe's name");
	expect_refused(&d, "d-truncated.json", "not a JSON document");
	expect_refused(&d, "e-dotdot.json", "files/0/path");
	expect_refused(&d, "f-writable.json", "writable by group or others");
	expect_refused(&d, "g-nul.json", "commands/0/argv/1: holds a NUL character");
	expect_refused(&d, "h-dup-artifact.json", "files/0/artifact: artifact name 'x' is used twice");
	expect_refused(&d, "i-nothing.json", "(root)");
	expect_refused(&d, "j-newline.json", "commands/0/argv/1");
	expect_refused(&d, "k-big.json", "over 64 KiB");
	expect_refused(&d, "again.json", "name: 'site-bmc' is already defined by");
	expect_refused(&d, "probes.d", "cannot read the directory");
	assert_null(refusal(&d, "not-json.txt"));
	assert_null(refusal(&d, ".hidden.json"));
	assert_int_equal(json_object_array_length(d.refused), 12);
	/* registered: found by name after the built-ins, never instead of one */
	nr_probe_set_extra(d.probes, d.n);
	assert_ptr_equal(nr_probe_find("site-bmc"), &p->probe);
	assert_int_equal(nr_probe_total(), nr_probe_count() + 1);
	assert_ptr_equal(nr_probe_at(nr_probe_count()), &p->probe);
	assert_null(nr_probe_find("kvm")->origin);
	nr_probe_set_extra(NULL, 0);
	assert_null(nr_probe_find("site-bmc"));
	nr_dropins_release(&d);
}

static void test_untrusted_dir(void **state)
{
	const char *dirs[1] = { dir2 };
	struct nr_error err = { 0 };
	struct nr_dropins d;

	(void)state;
	assert_int_equal(chmod(dir2, 0777), 0);
	assert_int_equal(nr_dropins_load(&d, dirs, 1, &err), 0);
	assert_int_equal(d.n, 0);
	expect_refused(&d, strrchr(dir2, '/') + 1, "the directory is writable by group or others");
	assert_int_equal(chmod(dir2, 0755), 0);
	nr_dropins_release(&d);
	/* the user's directory is read too */
	{
		char ud[256], cmd[1024];

		snprintf(ud, sizeof(ud), "%s/nest-report/probes.d", xdg);
		snprintf(cmd, sizeof(cmd), "mkdir -p '%s' && chmod 755 '%s' '%s/nest-report'", ud, ud, xdg);
		assert_int_equal(system(cmd), 0);
		put(ud, "mine.json", HEAD "\"name\": \"mine\", \"summary\": \"x\", "
		    "\"files\": [{ \"path\": \"/etc/hostname\" }] }", 0600);
		assert_int_equal(nr_dropins_load(&d, NULL, 0, &err), 0);
		assert_int_equal(d.n, 1);
		assert_string_equal(d.items[0]->probe.name, "mine");
		nr_dropins_release(&d);
	}
}

static void test_no_schema(void **state)
{
	const char *dirs[1] = { dir };
	struct nr_error err = { 0 };
	struct nr_dropins d;

	(void)state;
	/* An installed copy would be found: then this cannot be shown here. */
	char installed[4200];

	snprintf(installed, sizeof(installed), "%s/schemas/probe.schema.json", nr_datadir_compiled());
	if (access(installed, F_OK) == 0) {
		print_message("an installed probe schema exists: skipped\n");
		skip();
	}
	/* Without the schema nothing is run unchecked. */
	setenv("NR_SCHEMA_DIR", "/nonexistent", 1);
	assert_int_equal(nr_dropins_load(&d, dirs, 1, &err), 0);
	setenv("NR_SCHEMA_DIR", "schemas", 1);
	assert_int_equal(d.n, 0);
	expect_refused(&d, "a-good.json", "cannot be checked");
	nr_dropins_release(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_untrusted_dir),
		cmocka_unit_test(test_no_schema),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
