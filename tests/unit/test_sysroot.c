/* SPDX-License-Identifier: MIT */
/* collector/transport/sysroot.c: resolution confined to a tree, with openat2 and
 * with the user-space walk, on the same hostile tree: symlinks out of it
 * (absolute, relative, through ".."), loops, FIFOs, devices, directories
 * where files are expected.  Both ways must give the same answers, and
 * nothing outside the tree may ever be read. */
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
#include <sys/sysmacros.h>
#include <unistd.h>

#include "transport/sysroot.h"

struct tree {
	char base[1024];   /* holds root/ and outside */
	char root[1100];
	int rootfd;
	int have_dev;
};

static void put(const char *dir, const char *rel, const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void sub(const char *dir, const char *rel)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	assert_int_equal(mkdir(path, 0755), 0);
}

static void link_to(const char *dir, const char *rel, const char *target)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	assert_int_equal(symlink(target, path), 0);
}

static int setup(void **state)
{
	struct tree *t = calloc(1, sizeof(*t));
	const char *tmp = getenv("TMPDIR");
	char path[PATH_MAX], target[PATH_MAX];

	snprintf(t->base, sizeof(t->base), "%s/nr-sysroot-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(t->base));
	snprintf(t->root, sizeof(t->root), "%s/root", t->base);
	assert_int_equal(mkdir(t->root, 0755), 0);
	put(t->base, "outside", "SECRET OUTSIDE\n");
	sub(t->root, "proc");
	put(t->root, "proc/cpuinfo", "inside cpuinfo\n");
	sub(t->root, "etc");
	put(t->root, "etc/hostname", "inside hostname\n");
	sub(t->root, "sys");
	sub(t->root, "sys/devices");
	sub(t->root, "sys/devices/x");
	put(t->root, "sys/devices/x/file", "deep\n");
	sub(t->root, "sys/class");
	link_to(t->root, "sys/class/link", "/sys/devices/x");
	link_to(t->root, "sys/class/rel", "../devices/x");
	sub(t->root, "esc");
	link_to(t->root, "esc/abs", "/etc/hostname");
	link_to(t->root, "esc/up", "../../../../outside");
	link_to(t->root, "esc/up1", "../outside");
	link_to(t->root, "esc/shadow", "/etc/shadow");
	snprintf(target, sizeof(target), "%s/outside", t->base);
	link_to(t->root, "esc/full", target);      /* the real absolute path of the secret */
	link_to(t->root, "esc/base", t->base);
	link_to(t->root, "esc/dotdot", "..");
	sub(t->root, "loop");
	link_to(t->root, "loop/a", "b");
	link_to(t->root, "loop/b", "a");
	snprintf(path, sizeof(path), "%s/fifo", t->root);
	assert_int_equal(mkfifo(path, 0644), 0);
	sub(t->root, "dir");
	snprintf(path, sizeof(path), "%s/null", t->root);
	t->have_dev = mknod(path, S_IFCHR | 0666, makedev(1, 3)) == 0;
	t->rootfd = open(t->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	assert_true(t->rootfd >= 0);
	*state = t;
	return 0;
}

static int rm_tree(const char *path)
{
	char cmd[PATH_MAX + 32];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
	return system(cmd);
}

static int teardown(void **state)
{
	struct tree *t = *state;

	close(t->rootfd);
	rm_tree(t->base);
	free(t);
	return 0;
}

/* Open path as a file the given way; 0 and the first line in out, or the
 * negative errno. */
static int read_as(struct tree *t, enum nr_sysroot_how how, const char *path, char *out,
                   size_t outlen)
{
	ssize_t n;
	int fd, rc;

	out[0] = '\0';
	rc = nr_sysroot_open_file(t->rootfd, path, how, &fd);
	if (rc < 0)
		return rc;
	n = read(fd, out, outlen - 1);
	close(fd);
	out[n > 0 ? n : 0] = '\0';
	out[strcspn(out, "\n")] = '\0';
	return 0;
}

static const struct file_case {
	const char *path;
	int rc;
	const char *text;
} file_cases[] = {
	{ "/proc/cpuinfo", 0, "inside cpuinfo" },
	{ "proc/cpuinfo", 0, "inside cpuinfo" },
	{ "//proc/./cpuinfo", 0, "inside cpuinfo" },
	{ "/sys/class/link/file", 0, "deep" },
	{ "/sys/class/rel/file", 0, "deep" },
	{ "/sys/class/rel/../../class/link/file", 0, "deep" },
	/* Absolute links resolve inside the tree. */
	{ "/esc/abs", 0, "inside hostname" },
	{ "/esc/shadow", -ENOENT, "" },
	{ "/esc/full", -ENOENT, "" },
	{ "/esc/base/outside", -ENOENT, "" },
	/* ".." never climbs above the root. */
	{ "/esc/up", -ENOENT, "" },
	{ "/esc/up1", -ENOENT, "" },
	{ "/../outside", -ENOENT, "" },
	{ "../../../outside", -ENOENT, "" },
	{ "/proc/../../outside", -ENOENT, "" },
	{ "/esc/dotdot/../outside", -ENOENT, "" },
	{ "/esc/dotdot/etc/hostname", 0, "inside hostname" },
	{ "/loop/a", -ELOOP, "" },
	{ "/fifo", -EINVAL, "" },
	{ "/dir", -EISDIR, "" },
	{ "/", -EISDIR, "" },
	{ "/proc/cpuinfo/x", -ENOTDIR, "" },
	{ "/missing", -ENOENT, "" },
};

static void check_files(struct tree *t, enum nr_sysroot_how how)
{
	char text[256];

	for (size_t i = 0; i < sizeof(file_cases) / sizeof(file_cases[0]); i++) {
		const struct file_case *c = &file_cases[i];
		int rc = read_as(t, how, c->path, text, sizeof(text));

		if (rc != c->rc || strcmp(text, c->text) != 0)
			fail_msg("%s (%s): rc %d '%s', expected %d '%s'", c->path,
			         how == NR_SYSROOT_WALK ? "walk" : "openat2", rc, text, c->rc, c->text);
		assert_null(strstr(text, "SECRET"));
	}
}

static void test_files_walk(void **state)
{
	check_files(*state, NR_SYSROOT_WALK);
}

static void test_files_openat2(void **state)
{
	struct tree *t = *state;
	int fd;

	if (nr_sysroot_resolve(t->rootfd, "/proc", NR_SYSROOT_OPENAT2, &fd) == -ENOSYS)
		skip();
	close(fd);
	check_files(t, NR_SYSROOT_OPENAT2);
	check_files(t, NR_SYSROOT_AUTO);
}

/* A device node is refused without being opened. */
static void test_device(void **state)
{
	struct tree *t = *state;
	char text[64];

	if (!t->have_dev)
		skip();
	assert_int_equal(read_as(t, NR_SYSROOT_WALK, "/null", text, sizeof(text)), -EINVAL);
	assert_int_equal(read_as(t, NR_SYSROOT_AUTO, "/null", text, sizeof(text)), -EINVAL);
}

static void test_dirs(void **state)
{
	static const enum nr_sysroot_how hows[] = { NR_SYSROOT_WALK, NR_SYSROOT_AUTO };
	struct tree *t = *state;
	int fd;

	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(nr_sysroot_open_dir(t->rootfd, "/", hows[i], &fd), 0);
		close(fd);
		assert_int_equal(nr_sysroot_open_dir(t->rootfd, "/sys/class/link", hows[i], &fd), 0);
		close(fd);
		assert_int_equal(nr_sysroot_open_dir(t->rootfd, "/proc/cpuinfo", hows[i], &fd),
		                 -ENOTDIR);
		assert_int_equal(nr_sysroot_open_dir(t->rootfd, "/fifo", hows[i], &fd), -ENOTDIR);
		/* Listing "/esc/base" must not list the real directory. */
		assert_int_equal(nr_sysroot_open_dir(t->rootfd, "/esc/base", hows[i], &fd), -ENOENT);
		assert_int_equal(fd, -1);
	}
}

static void test_long_paths(void **state)
{
	struct tree *t = *state;
	char *path = malloc(3 * PATH_MAX);
	char name[NAME_MAX + 8];
	int fd;

	memset(path, 'a', 3 * PATH_MAX - 1);
	path[0] = '/';
	path[3 * PATH_MAX - 1] = '\0';
	assert_true(nr_sysroot_resolve(t->rootfd, path, NR_SYSROOT_WALK, &fd) < 0);
	assert_true(nr_sysroot_resolve(t->rootfd, path, NR_SYSROOT_AUTO, &fd) < 0);
	memset(name, 'b', sizeof(name) - 1);
	name[0] = '/';
	name[sizeof(name) - 1] = '\0';
	assert_int_equal(nr_sysroot_resolve(t->rootfd, name, NR_SYSROOT_WALK, &fd), -ENAMETOOLONG);
	/* Many ".." and "." are harmless. */
	for (size_t i = 0; i < 1500; i++)
		memcpy(path + 3 * i, "/..", 3);
	strcpy(path + 3 * 1500, "/etc/hostname");
	assert_int_equal(nr_sysroot_resolve(t->rootfd, path, NR_SYSROOT_WALK, &fd), 0);
	close(fd);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_files_walk),
		cmocka_unit_test(test_files_openat2),
		cmocka_unit_test(test_device),
		cmocka_unit_test(test_dirs),
		cmocka_unit_test(test_long_paths),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
