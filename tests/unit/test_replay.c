/* SPDX-License-Identifier: MIT */
/* The replay transport (collector/transport/transport_replay.c) over a tree written
 * here, hostile parts included, and the recording transport
 * (collector/run/transport_record.c) writing such a tree: record a replay,
 * replay the recording, and get the same answers, scrubbed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run/capture.h"
#include "transport/memsink.h"
#include "transport/replay.h"
#include "transport/transport.h"

#define FAR_FUTURE (nr_time_now_ms() + 60000)

static char base[1024];

static void put_len(const char *rel, const char *text, size_t len)
{
	char path[2048], *slash;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", base, rel);
	for (slash = strchr(path + strlen(base) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0755);
		*slash = '/';
	}
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	fclose(f);
}

static void put(const char *rel, const char *text)
{
	put_len(rel, text, strlen(text));
}

static void at(char *out, size_t outlen, const char *rel)
{
	snprintf(out, outlen, "%s/%s", base, rel);
}

static int setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	char path[2048];

	(void)state;
	snprintf(base, sizeof(base), "%s/nr-replay-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(base));
	put("outside", "SECRET OUTSIDE\n");
	put("t/proc/cpuinfo", "processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: fpu vmx\n");
	put("t/proc/cmdline", "BOOT_IMAGE=/vmlinuz root=/dev/vda1 password=hunter2\n");
	put("t/proc/123/cmdline", "bash\0-c\0echo secret\0");
	put_len("t/proc/456/cmdline", "/usr/bin/qemu-system-x86_64\0-accel\0kvm\0", 40);
	put("t/sys/module/kvm/parameters/nested", "Y\n");
	put("t/.nest-report/meta", "format: 1\nroot: yes\n");
	put("t/.nest-report/which/lscpu", "/usr/bin/lscpu\n");
	put("t/.nest-report/which/emptypath", "");
	put("t/.nest-report/commands/cpu/lscpu.out", "Architecture: x86_64\nHypervisor vendor: KVM\n");
	put("t/.nest-report/commands/cpu/lscpu.err", "lscpu: warning\n");
	put("t/.nest-report/commands/cpu/lscpu.exit", "0\n");
	put("t/.nest-report/commands/dmesg/dmesg.out", "partial\n");
	put("t/.nest-report/commands/dmesg/dmesg.exit", "timeout\n");
	put("t/.nest-report/commands/x/killed.out", "");
	put("t/.nest-report/commands/x/killed.exit", "signal 9\n");
	put("t/.nest-report/commands/x/junkexit.out", "out\n");
	put("t/.nest-report/commands/x/junkexit.exit", "\xff\xfe nonsense 99999\n");
	put("t/.nest-report/paths/dev/kvm.info", "exists: yes\nchar_device: yes\nopen_rw: yes\n");
	put("t/.nest-report/lists/proc.list", "123\n456\n..\n.\nbad/name\n\n789\n");
	put("t/dev/null-ish", "not a device\n");
	put("plain/proc/cpuinfo", "processor\t: 0\n");
	put("plain/sys/kernel/mm/x", "1\n");
	put("notatree/etc/hostname", "h\n");
	at(path, sizeof(path), "t/esc");
	mkdir(path, 0755);
	at(path, sizeof(path), "t/esc/shadow");
	assert_int_equal(symlink("/etc/shadow", path), 0);
	at(path, sizeof(path), "t/esc/up");
	assert_int_equal(symlink("../../../outside", path), 0);
	at(path, sizeof(path), "t/fifo");
	assert_int_equal(mkfifo(path, 0644), 0);
	/* A recording that is a symlink out of the tree. */
	at(path, sizeof(path), "t/.nest-report/which/evil");
	assert_int_equal(symlink("/etc/passwd", path), 0);
	at(path, sizeof(path), "t/.nest-report/commands/x/evil.out");
	assert_int_equal(symlink("../../../../../outside", path), 0);
	return 0;
}

static int teardown(void **state)
{
	char cmd[1100];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
	return system(cmd) == 0 ? 0 : -1;
}

static struct nr_transport *open_tree(const char *rel)
{
	struct nr_error err = { 0 };
	char path[2048];
	struct nr_transport *t;

	at(path, sizeof(path), rel);
	t = nr_transport_replay_new(path, &err);
	assert_non_null(t);
	assert_string_equal(t->ops->kind, "replay");
	return t;
}

/* read_file into a capped memory sink: 0 and the text, or the errno. */
static int read_into(struct nr_transport *t, const char *path, size_t cap, char **text,
                     bool *truncated)
{
	struct nr_mem_sink m;
	struct nr_error err = { 0 };
	size_t len;
	int rc;

	assert_int_equal(nr_mem_sink_init(&m, cap), 0);
	rc = t->ops->read_file(t, path, FAR_FUTURE, &m.base, truncated, &err);
	*text = nr_mem_sink_steal(&m, &len);
	nr_mem_sink_release(&m);
	if (rc < 0)
		assert_true(err.msg[0] != '\0');
	return rc;
}

static void test_read_file(void **state)
{
	struct nr_transport *t = open_tree("t");
	bool trunc = true;
	char *text;

	(void)state;
	assert_int_equal(read_into(t, "/proc/cpuinfo", 4096, &text, &trunc), 0);
	assert_non_null(strstr(text, "GenuineIntel"));
	assert_false(trunc);
	free(text);
	/* Capped by the sink: truncated, never more. */
	assert_int_equal(read_into(t, "/proc/cpuinfo", 10, &text, &trunc), 0);
	assert_true(trunc);
	assert_true(strlen(text) <= 10);
	free(text);
	assert_int_equal(read_into(t, "/esc/shadow", 4096, &text, &trunc), -ENOENT);
	free(text);
	assert_int_equal(read_into(t, "/esc/up", 4096, &text, &trunc), -ENOENT);
	free(text);
	assert_int_equal(read_into(t, "/../outside", 4096, &text, &trunc), -ENOENT);
	free(text);
	assert_int_equal(read_into(t, "/fifo", 4096, &text, &trunc), -EINVAL);
	free(text);
	assert_int_equal(read_into(t, "/proc", 4096, &text, &trunc), -EISDIR);
	free(text);
	nr_transport_close(t);
}

static int run_key(struct nr_transport *t, const char *key, char **out, char **errtext,
                   struct nr_run_result *res)
{
	const char *argv[] = { "/usr/bin/whatever", NULL };
	struct nr_mem_sink o, e;
	struct nr_error err = { 0 };
	size_t len;
	int rc;

	assert_int_equal(nr_mem_sink_init(&o, 4096), 0);
	assert_int_equal(nr_mem_sink_init(&e, 512), 0);
	rc = t->ops->run(t, key, argv, FAR_FUTURE, &o.base, &e.base, res, &err);
	*out = nr_mem_sink_steal(&o, &len);
	*errtext = nr_mem_sink_steal(&e, &len);
	nr_mem_sink_release(&o);
	nr_mem_sink_release(&e);
	return rc;
}

static void test_run(void **state)
{
	static const char *const bad_keys[] = {
		"../../etc/passwd", "cpu/../../x", "cpu/.hidden", "CPU/lscpu", "cpu/", "/lscpu",
		"lscpu", "cpu/a/b", "",
	};
	struct nr_transport *t = open_tree("t");
	struct nr_run_result res;
	char *out, *errtext;

	(void)state;
	assert_int_equal(run_key(t, "cpu/lscpu", &out, &errtext, &res), 0);
	assert_non_null(strstr(out, "Hypervisor vendor: KVM"));
	assert_string_equal(errtext, "lscpu: warning\n");
	assert_int_equal(res.exit_code, 0);
	assert_false(res.timed_out);
	free(out);
	free(errtext);
	/* A recorded timeout replays as one. */
	assert_int_equal(run_key(t, "dmesg/dmesg", &out, &errtext, &res), -ETIMEDOUT);
	assert_true(res.timed_out);
	free(out);
	free(errtext);
	assert_int_equal(run_key(t, "x/killed", &out, &errtext, &res), 0);
	assert_int_equal(res.term_signal, 9);
	assert_int_equal(res.exit_code, -1);
	free(out);
	free(errtext);
	assert_int_equal(run_key(t, "x/junkexit", &out, &errtext, &res), 0);
	assert_int_equal(res.exit_code, -1);
	free(out);
	free(errtext);
	assert_int_equal(run_key(t, "x/missing", &out, &errtext, &res), -ENOENT);
	free(out);
	free(errtext);
	assert_int_equal(run_key(t, "x/evil", &out, &errtext, &res), -ENOENT);
	assert_null(strstr(out, "SECRET"));
	free(out);
	free(errtext);
	for (size_t i = 0; i < sizeof(bad_keys) / sizeof(bad_keys[0]); i++) {
		assert_int_equal(run_key(t, bad_keys[i], &out, &errtext, &res), -EINVAL);
		free(out);
		free(errtext);
	}
	nr_transport_close(t);
}

static void test_which_root_path_info(void **state)
{
	static const char *const bad[] = { "../x", ".hidden", "a/b", "", "evil" };
	struct nr_transport *t = open_tree("t");
	struct nr_path_info info;
	struct nr_error err = { 0 };
	char path[256];

	(void)state;
	assert_int_equal(t->ops->which(t, "lscpu", INT64_MAX, path, sizeof(path)), 0);
	assert_string_equal(path, "/usr/bin/lscpu");
	assert_int_equal(t->ops->which(t, "emptypath", INT64_MAX, path, sizeof(path)), 0);
	assert_string_equal(path, "emptypath");
	assert_int_equal(t->ops->which(t, "dmidecode", INT64_MAX, path, sizeof(path)), -ENOENT);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(t->ops->which(t, bad[i], INT64_MAX, path, sizeof(path)), -ENOENT);
	assert_int_equal(t->ops->is_root(t, nr_time_now_ms() + 1000), 1);
	assert_int_equal(t->ops->path_info(t, "/dev/kvm", INT64_MAX, &info, &err), 0);
	assert_true(info.exists && info.is_char_device && info.opened_rw);
	/* Not recorded, its directory captured: absent. */
	assert_int_equal(t->ops->path_info(t, "/dev/vhost-net", INT64_MAX, &info, &err), 0);
	assert_false(info.exists);
	/* In the tree as a plain file: exists, never opened. */
	assert_int_equal(t->ops->path_info(t, "/dev/null-ish", INT64_MAX, &info, &err), 0);
	assert_true(info.exists);
	assert_false(info.is_char_device || info.opened_rw);
	/* Directory not captured at all: unknown. */
	assert_int_equal(t->ops->path_info(t, "/nowhere/kvm", INT64_MAX, &info, &err), -ENOENT);
	nr_transport_close(t);
}

static int collect_name(void *ud, const char *name)
{
	char *names = ud;

	strcat(names, name);
	strcat(names, ",");
	return 0;
}

static void test_list(void **state)
{
	struct nr_transport *t = open_tree("t");
	struct nr_error err = { 0 };
	char names[1024] = "";

	(void)state;
	/* The recorded listing wins; junk names are dropped. */
	assert_int_equal(t->ops->list(t, "/proc", INT64_MAX, collect_name, names, &err), 0);
	assert_string_equal(names, "123,456,789,");
	names[0] = '\0';
	assert_int_equal(t->ops->list(t, "/sys/module/kvm/parameters", INT64_MAX, collect_name, names, &err), 0);
	assert_string_equal(names, "nested,");
	names[0] = '\0';
	assert_int_equal(t->ops->list(t, "/", INT64_MAX, collect_name, names, &err), 0);
	assert_null(strstr(names, ".nest-report"));
	assert_int_equal(t->ops->list(t, "/esc/up", INT64_MAX, collect_name, names, &err), -ENOENT);
	assert_int_equal(t->ops->list(t, "/proc/cpuinfo", INT64_MAX, collect_name, names, &err), -ENOTDIR);
	nr_transport_close(t);
}

/* A tree without .nest-report (util-linux's dumps): nothing installed,
 * root unknown. */
static void test_plain_tree(void **state)
{
	struct nr_transport *t = open_tree("plain");
	char path[256];

	(void)state;
	assert_int_equal(t->ops->which(t, "uname", INT64_MAX, path, sizeof(path)), -ENOENT);
	assert_true(t->ops->is_root(t, nr_time_now_ms() + 1000) < 0);
	nr_transport_close(t);
}

static void test_not_a_dir(void **state)
{
	struct nr_error err = { 0 };
	char path[2048];

	(void)state;
	at(path, sizeof(path), "outside");
	assert_null(nr_transport_replay_new(path, &err));
	assert_int_equal(err.code, ENOTDIR);
	assert_null(nr_transport_replay_new("/nonexistent/nest-report", &err));
	assert_int_equal(err.code, ENOENT);
}

/* --sysroot is not sos's: a live root (/, whose proc is procfs) and a tree
 * that is neither a capture nor a /proc+/sys copy are refused by name. */
static void test_refused_roots(void **state)
{
	struct nr_error err = { 0 };
	char path[2048];

	(void)state;
	assert_null(nr_transport_replay_new("/", &err));
	assert_int_equal(err.code, EINVAL);
	assert_non_null(strstr(err.msg, "/ is a live system, not a capture"));
	at(path, sizeof(path), "notatree");
	assert_null(nr_transport_replay_new(path, &err));
	assert_int_equal(err.code, EINVAL);
	assert_non_null(strstr(err.msg, "is neither a capture (no .nest-report/) nor a copy of /proc"));
	/* The proc directory of a tree is not a tree. */
	at(path, sizeof(path), "t/proc");
	assert_null(nr_transport_replay_new(path, &err));
	assert_int_equal(err.code, EINVAL);
}

/* ---- recording ----------------------------------------------------------- */

static char *slurp(const char *rel)
{
	char path[2048], *buf = calloc(1, 65536);
	FILE *f;

	at(path, sizeof(path), rel);
	f = fopen(path, "r");
	if (!f) {
		free(buf);
		return NULL;
	}
	buf[fread(buf, 1, 65535, f)] = '\0';
	fclose(f);
	return buf;
}

static void expect_file(const char *rel, const char *needle)
{
	char *buf = slurp(rel);

	if (!buf)
		fail_msg("%s was not recorded", rel);
	if (needle && !strstr(buf, needle))
		fail_msg("%s: no '%s' in '%s'", rel, needle, buf);
	free(buf);
}

static void test_record_replay(void **state)
{
	struct nr_capture_stats st;
	struct nr_transport *rec, *rep;
	struct nr_path_info info;
	struct nr_run_result res;
	struct nr_error err = { 0 };
	char dir[2048], names[1024] = "", path[256], *out, *errtext, *text, *buf;
	bool trunc;

	(void)state;
	at(dir, sizeof(dir), "rec");
	assert_int_equal(mkdir(dir, 0755), 0);
	rec = nr_transport_record_new(open_tree("t"), dir, 1u << 20, nr_capture_keep, &err);
	assert_non_null(rec);
	assert_string_equal(rec->ops->kind, "replay");
	/* Every operation once through the recorder. */
	assert_int_equal(read_into(rec, "/proc/cpuinfo", 4096, &text, &trunc), 0);
	free(text);
	assert_int_equal(read_into(rec, "/proc/cmdline", 4096, &text, &trunc), 0);
	free(text);
	assert_int_equal(read_into(rec, "/proc/123/cmdline", 4096, &text, &trunc), 0);
	free(text);
	assert_int_equal(read_into(rec, "/proc/456/cmdline", 4096, &text, &trunc), 0);
	free(text);
	assert_int_equal(read_into(rec, "/esc/shadow", 4096, &text, &trunc), -ENOENT);
	free(text);
	assert_int_equal(run_key(rec, "cpu/lscpu", &out, &errtext, &res), 0);
	free(out);
	free(errtext);
	assert_int_equal(run_key(rec, "dmesg/dmesg", &out, &errtext, &res), -ETIMEDOUT);
	free(out);
	free(errtext);
	assert_int_equal(rec->ops->which(rec, "lscpu", INT64_MAX, path, sizeof(path)), 0);
	assert_int_equal(rec->ops->which(rec, "dmidecode", INT64_MAX, path, sizeof(path)), -ENOENT);
	assert_int_equal(rec->ops->list(rec, "/proc", INT64_MAX, collect_name, names, &err), 0);
	assert_int_equal(rec->ops->path_info(rec, "/dev/kvm", INT64_MAX, &info, &err), 0);
	assert_int_equal(rec->ops->is_root(rec, nr_time_now_ms() + 1000), 1);
	memset(&st, 0, sizeof(st));
	assert_int_equal(nr_transport_record_finish(rec, &st, &err), 0);
	nr_transport_close(rec);
	assert_int_equal(st.errors, 0);
	assert_int_equal(st.withheld, 1);
	assert_true(st.scrubbed >= 1);

	/* What was written. */
	expect_file("rec/proc/cpuinfo", "GenuineIntel");
	expect_file("rec/proc/cmdline", "root=/dev/vda1");
	buf = slurp("rec/proc/cmdline");
	assert_null(strstr(buf, "hunter2"));
	free(buf);
	assert_null(slurp("rec/proc/123/cmdline"));
	expect_file("rec/proc/456/cmdline", "qemu-system-x86_64");
	assert_null(slurp("rec/esc/shadow"));
	expect_file("rec/.nest-report/commands/cpu/lscpu.out", "Hypervisor vendor: KVM");
	expect_file("rec/.nest-report/commands/cpu/lscpu.exit", "0");
	expect_file("rec/.nest-report/commands/dmesg/dmesg.exit", "timeout");
	expect_file("rec/.nest-report/which/lscpu", "/usr/bin/lscpu");
	assert_null(slurp("rec/.nest-report/which/dmidecode"));
	expect_file("rec/.nest-report/lists/proc.list", "456");
	expect_file("rec/.nest-report/paths/dev/kvm.info", "open_rw: yes");
	expect_file("rec/.nest-report/meta", "root: yes");

	/* ... and it replays to the same answers. */
	rep = open_tree("rec");
	assert_int_equal(run_key(rep, "cpu/lscpu", &out, &errtext, &res), 0);
	assert_non_null(strstr(out, "KVM"));
	assert_string_equal(errtext, "lscpu: warning\n");
	free(out);
	free(errtext);
	assert_int_equal(rep->ops->path_info(rep, "/dev/kvm", INT64_MAX, &info, &err), 0);
	assert_true(info.opened_rw);
	assert_int_equal(rep->ops->which(rep, "lscpu", INT64_MAX, path, sizeof(path)), 0);
	assert_string_equal(path, "/usr/bin/lscpu");
	assert_int_equal(rep->ops->is_root(rep, nr_time_now_ms() + 1000), 1);
	nr_transport_close(rep);
}

static void test_capture_keep(void **state)
{
	static const char qemu[] = "/usr/bin/qemu-system-s390x\0-M\0";
	static const char sh[] = "/bin/sh\0-c\0";

	(void)state;
	assert_true(nr_capture_keep("/proc/cpuinfo", "x", 1));
	assert_true(nr_capture_keep("/proc/self/cmdline", sh, sizeof(sh)));
	assert_true(nr_capture_keep("/proc/12/cmdline", qemu, sizeof(qemu)));
	assert_false(nr_capture_keep("/proc/12/cmdline", sh, sizeof(sh)));
	assert_false(nr_capture_keep("/proc/12/cmdline", "", 0));
	assert_true(nr_capture_keep("/proc/12/status", sh, sizeof(sh)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_file),
		cmocka_unit_test(test_run),
		cmocka_unit_test(test_which_root_path_info),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_plain_tree),
		cmocka_unit_test(test_not_a_dir),
		cmocka_unit_test(test_refused_roots),
		cmocka_unit_test(test_record_replay),
		cmocka_unit_test(test_capture_keep),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
