/* SPDX-License-Identifier: MIT */
/* The safe bundle reader (collector/bundle/bundle_read.c) and extraction
 * (bundle_extract.c): tars are built here with libarchive, one thing wrong
 * in each, and every one must be refused with its own message. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle/bundle_extract.h"
#include "bundle/bundle_read.h"

#define MANIFEST "{\"schema\": \"x\", \"levels\": []}"

struct entry {
	const char *path;
	const char *data;          /* NULL: none */
	int type;                  /* 0: regular */
	const char *link;          /* symlink target / hardlink source */
};

static char dir[] = "/tmp/nr-test-bundle-XXXXXX";

/* Write entries (NULL path ends) as a zstd tar at dir/name; its path. */
static const char *make(const char *name, const struct entry *e)
{
	static char path[512];
	struct archive *a = archive_write_new();

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	archive_write_set_format_pax_restricted(a);
	archive_write_add_filter_zstd(a);
	assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
	for (; e->path; e++) {
		struct archive_entry *ae = archive_entry_new();
		size_t len = e->data ? strlen(e->data) : 0;

		archive_entry_set_pathname(ae, e->path);
		archive_entry_set_perm(ae, 0600);
		if (e->type == AE_IFLNK) {
			archive_entry_set_filetype(ae, AE_IFLNK);
			archive_entry_set_symlink(ae, e->link);
		} else if (e->type == -1) {
			archive_entry_set_filetype(ae, AE_IFREG);
			archive_entry_set_hardlink(ae, e->link);
		} else {
			archive_entry_set_filetype(ae, e->type ? (unsigned)e->type : AE_IFREG);
			archive_entry_set_size(ae, (la_int64_t)len);
		}
		assert_int_equal(archive_write_header(a, ae), ARCHIVE_OK);
		if (len)
			assert_int_equal(archive_write_data(a, e->data, len), (la_ssize_t)len);
		archive_entry_free(ae);
	}
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	return path;
}

/* Open and read every member; the first error's message, or "" if none. */
static const char *read_all(const char *path, const struct nr_bundle_limits *lim, int *rc)
{
	static struct nr_error err;
	struct nr_bundle_reader *r;
	struct nr_bundle_member m;
	char buf[256];
	ssize_t n;

	memset(&err, 0, sizeof(err));
	r = nr_bundle_open(path, lim, &err);
	if (!r) {
		*rc = -err.code;
		return err.msg;
	}
	while ((*rc = nr_bundle_next(r, &m, &err)) > 0)
		while ((n = nr_bundle_read(r, buf, sizeof(buf), &err)) > 0)
			;
	nr_bundle_close(r);
	return *rc < 0 ? err.msg : "";
}

static void expect_refused(const char *name, const struct entry *e, const struct nr_bundle_limits *lim,
                           const char *msg)
{
	int rc;
	const char *got = read_all(make(name, e), lim, &rc);

	if (!strstr(got, msg))
		fail_msg("%s: expected '%s', got '%s'", name, msg, got);
	assert_int_equal(rc, -EBADMSG);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[600];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_good(void **state)
{
	const struct entry e[] = { { "manifest.json", MANIFEST, 0, NULL }, { "summary.txt", "hello\n", 0, NULL },
	                           { "levels/l0/kernel/uname-a", "Linux\n", 0, NULL }, { NULL, NULL, 0, NULL } };
	struct nr_error err = { 0 };
	struct nr_bundle_reader *r;
	struct nr_bundle_member m;
	char buf[64];
	size_t len;

	(void)state;
	r = nr_bundle_open(make("good.tar.zst", e), NULL, &err);
	assert_non_null(r);
	assert_true(json_object_is_type(nr_bundle_manifest(r), json_type_object));
	assert_string_equal(nr_bundle_manifest_text(r, &len), MANIFEST);
	assert_int_equal(nr_bundle_next(r, &m, &err), 1);
	assert_string_equal(m.path, "summary.txt");
	assert_int_equal(m.size, 6);
	assert_int_equal(nr_bundle_read(r, buf, sizeof(buf), &err), 6);
	assert_memory_equal(buf, "hello\n", 6);
	assert_int_equal(nr_bundle_read(r, buf, sizeof(buf), &err), 0);
	/* The next member without reading its data: skipped. */
	assert_int_equal(nr_bundle_next(r, &m, &err), 1);
	assert_string_equal(m.path, "levels/l0/kernel/uname-a");
	assert_int_equal(nr_bundle_next(r, &m, &err), 0);
	assert_int_equal(nr_bundle_next(r, &m, &err), 0);
	assert_int_equal(nr_bundle_count(r), 3);
	nr_bundle_close(r);
}

static void test_path_rules(void **state)
{
	static const struct { const char *path; const char *msg; } cases[] = {
		{ "levels/l0/kernel/uname-a", NULL }, { "..hidden", NULL }, { "a/..b/c..", NULL },
		{ "summary.txt", NULL }, { "", "empty name" }, { "/etc/passwd", "absolute path" },
		{ "../x", "'..' in the path" }, { "a/../b", "'..' in the path" }, { "a/..", "'..' in the path" },
		{ "a//b", "not a canonical path" }, { "./a", "not a canonical path" },
		{ "a/./b", "not a canonical path" }, { "a/", "not a canonical path" },
		{ "a\nb", "control character" }, { "a\033[2Jb", "control character" },
	};
	struct nr_error err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&err, 0, sizeof(err));
		if (!cases[i].msg) {
			assert_int_equal(nr_bundle_path_check(cases[i].path, &err), 0);
			continue;
		}
		assert_int_equal(nr_bundle_path_check(cases[i].path, &err), -EBADMSG);
		if (!strstr(err.msg, cases[i].msg))
			fail_msg("'%s': expected '%s', got '%s'", cases[i].path, cases[i].msg, err.msg);
		assert_null(strchr(err.msg, '\n'));
		assert_null(strchr(err.msg, '\033'));
	}
}

#define M0 { "manifest.json", MANIFEST, 0, NULL }
#define END { NULL, NULL, 0, NULL }

static void test_types(void **state)
{
	const struct entry sym[] = { M0, { "levels/x", NULL, AE_IFLNK, "/etc/passwd" }, END };
	const struct entry hard[] = { M0, { "levels/x", NULL, -1, "manifest.json" }, END };
	const struct entry fifo[] = { M0, { "levels/x", NULL, AE_IFIFO, NULL }, END };
	const struct entry chr[] = { M0, { "levels/x", NULL, AE_IFCHR, NULL }, END };
	const struct entry dirs[] = { M0, { "levels", NULL, AE_IFDIR, NULL }, END };

	(void)state;
	expect_refused("sym.tar.zst", sym, NULL, "member 'levels/x': symlink, not a regular file");
	expect_refused("hard.tar.zst", hard, NULL, "member 'levels/x': hardlink, not a regular file");
	expect_refused("fifo.tar.zst", fifo, NULL, "member 'levels/x': FIFO, not a regular file");
	expect_refused("chr.tar.zst", chr, NULL, "member 'levels/x': device file, not a regular file");
	expect_refused("dir.tar.zst", dirs, NULL, "member 'levels/': directory, not a regular file");
}

static void test_names(void **state)
{
	const struct entry dup[] = { M0, { "a", "1", 0, NULL }, { "a", "2", 0, NULL }, END };
	const struct entry dupm[] = { M0, { "manifest.json", MANIFEST, 0, NULL }, END };
	const struct entry file_dir[] = { M0, { "a", "1", 0, NULL }, { "a/b", "2", 0, NULL }, END };
	const struct entry dir_file[] = { M0, { "a/b", "1", 0, NULL }, { "a", "2", 0, NULL }, END };

	(void)state;
	expect_refused("dup.tar.zst", dup, NULL, "member 'a': duplicate name");
	expect_refused("dupm.tar.zst", dupm, NULL, "member 'manifest.json': duplicate name");
	expect_refused("fd.tar.zst", file_dir, NULL, "member 'a/b': inside 'a', which is a file member");
	expect_refused("df.tar.zst", dir_file, NULL, "member 'a': also a directory of another member");
}

static void test_caps(void **state)
{
	const struct entry big[] = { M0, { "a", "0123456789012345678901234567890", 0, NULL }, END };
	const struct entry many[] = { M0, { "a", "0123456789", 0, NULL }, { "b", "0123456789", 0, NULL },
	                              { "c", "0123456789", 0, NULL }, END };
	struct nr_bundle_limits lim;
	int rc;

	(void)state;
	nr_bundle_limits_default(&lim);
	lim.member_max = 30;   /* the manifest is 29 bytes */
	lim.total_max = 1000;
	expect_refused("big.tar.zst", big, &lim, "member 'a': 31 bytes, over the cap of 30 per member");
	assert_string_equal(read_all(make("many.tar.zst", many), &lim, &rc), "");
	lim.total_max = strlen(MANIFEST) + 25;
	expect_refused("total.tar.zst", many, &lim, "the members total more than");
	nr_bundle_limits_default(&lim);
	lim.members_max = 3;
	expect_refused("count.tar.zst", many, &lim, "more than 3 members");
	nr_bundle_limits_default(&lim);
	lim.manifest_max = 5;
	expect_refused("mcap.tar.zst", many, &lim, "manifest.json is 29 bytes, over its cap of 5");
}

static void test_manifest(void **state)
{
	const struct entry notfirst[] = { { "summary.txt", "x", 0, NULL }, M0, END };
	const struct entry notjson[] = { { "manifest.json", "{\"a\": ", 0, NULL }, END };
	const struct entry garbage[] = { { "manifest.json", "{} {}", 0, NULL }, END };
	const struct entry array[] = { { "manifest.json", "[1, 2]", 0, NULL }, END };
	const struct entry comment[] = { { "manifest.json", "{/* no */}", 0, NULL }, END };
	const struct entry badutf8[] = { { "manifest.json", "{\"a\": \"\xff\xfe\"}", 0, NULL }, END };
	const struct entry deep[] = { { "manifest.json", "{\"a\": [[[[[[1]]]]]]}", 0, NULL }, END };
	const struct entry empty[] = { END };
	struct nr_bundle_limits lim;

	(void)state;
	expect_refused("nf.tar.zst", notfirst, NULL, "the first member is 'summary.txt', not manifest.json");
	expect_refused("nj.tar.zst", notjson, NULL, "manifest.json is not JSON: it ends too early");
	expect_refused("gb.tar.zst", garbage, NULL, "manifest.json is not JSON");
	expect_refused("ar.tar.zst", array, NULL, "manifest.json is not a JSON object");
	expect_refused("cm.tar.zst", comment, NULL, "manifest.json is not JSON");
	expect_refused("u8.tar.zst", badutf8, NULL, "manifest.json is not JSON");
	expect_refused("empty.tar.zst", empty, NULL, "empty archive: no manifest.json");
	nr_bundle_limits_default(&lim);
	lim.json_depth = 5;
	expect_refused("deep.tar.zst", deep, &lim, "manifest.json is nested more than 5 levels deep");
}

static void test_truncated_and_junk(void **state)
{
	char big[20000], path[600];
	const struct entry e[] = { M0, { "a", big, 0, NULL }, END };
	struct stat sb;
	int rc, fd;
	size_t i;

	(void)state;
	/* Incompressible data, so a cut lands inside the stream. */
	srand(1);
	for (i = 0; i + 1 < sizeof(big); i++)
		big[i] = (char)('!' + rand() % 90);
	big[sizeof(big) - 1] = '\0';
	snprintf(path, sizeof(path), "%s", make("cut.tar.zst", e));
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(truncate(path, sb.st_size / 2), 0);
	if (!strstr(read_all(path, NULL, &rc), "truncated archive"))
		fail_msg("cut bundle: %s", read_all(path, NULL, &rc));
	assert_int_equal(rc, -EBADMSG);
	snprintf(path, sizeof(path), "%s/junk", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(write(fd, "just text, not an archive\n", 26) == 26);
	close(fd);
	assert_non_null(strstr(read_all(path, NULL, &rc), "not a bundle"));
	/* The environment is not the bundle's fault: a plain errno. */
	snprintf(path, sizeof(path), "%s/nonexistent", dir);
	read_all(path, NULL, &rc);
	assert_int_equal(rc, -ENOENT);
	read_all(dir, NULL, &rc);
	assert_int_equal(rc, -EINVAL);
}

/* The bytes of file, appended n times (with extra after) into out. */
static const char *concat(const char *name, const char *file, int n, const void *extra,
                          size_t extra_len)
{
	static char path[600];
	char buf[65536];
	size_t got;
	FILE *in, *out;
	int i;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	out = fopen(path, "wb");
	assert_non_null(out);
	for (i = 0; i < n; i++) {
		in = fopen(file, "rb");
		assert_non_null(in);
		while ((got = fread(buf, 1, sizeof(buf), in)) > 0)
			assert_int_equal(fwrite(buf, 1, got, out), got);
		fclose(in);
	}
	if (extra_len)
		assert_int_equal(fwrite(extra, 1, extra_len, out), extra_len);
	fclose(out);
	return path;
}

/* Write entries as an uncompressed tar (tar padding included); its path. */
static const char *make_plain(const char *name, const struct entry *e)
{
	static char path[600];
	struct archive *a = archive_write_new();

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	archive_write_set_format_pax_restricted(a);
	assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
	for (; e->path; e++) {
		struct archive_entry *ae = archive_entry_new();

		archive_entry_set_pathname(ae, e->path);
		archive_entry_set_perm(ae, 0600);
		archive_entry_set_filetype(ae, AE_IFREG);
		archive_entry_set_size(ae, (la_int64_t)strlen(e->data));
		assert_int_equal(archive_write_header(a, ae), ARCHIVE_OK);
		archive_write_data(a, e->data, strlen(e->data));
		archive_entry_free(ae);
	}
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	return path;
}

static void expect_after_end(const char *path, const char *msg)
{
	int rc;
	const char *got = read_all(path, NULL, &rc);

	if (!msg) {
		if (rc != 0)
			fail_msg("%s: refused: %s", path, got);
		return;
	}
	if (!strstr(got, msg))
		fail_msg("%s: expected '%s', got '%s'", path, msg, got);
	assert_int_equal(rc, -EBADMSG);
}

/* Nothing but tar's zero padding may follow the end-of-archive marker:
 * not a second archive, not garbage, not a second zstd frame. */
static void test_after_end(void **state)
{
	const struct entry e[] = { M0, { "summary.txt", "s\n", 0, NULL }, END };
	static char zeros[2 << 20];
	char plain[600], zst[600];

	(void)state;
	snprintf(plain, sizeof(plain), "%s", make_plain("p.tar", e));
	snprintf(zst, sizeof(zst), "%s", make("z.tar.zst", e));
	expect_after_end(plain, NULL);
	expect_after_end(zst, NULL);
	expect_after_end(concat("pad.tar", plain, 1, zeros, 64 << 10), NULL);
	expect_after_end(concat("junk.tar", plain, 1, "junk", 4), "data after the end of the archive");
	expect_after_end(concat("two.tar", plain, 2, NULL, 0), "data after the end of the archive");
	expect_after_end(concat("bomb.tar", plain, 1, zeros, sizeof(zeros)),
	                 "bytes of padding after the end of the archive");
	expect_after_end(concat("two.tar.zst", zst, 2, NULL, 0), "data after the end of the archive");
	expect_after_end(concat("junk.tar.zst", zst, 1, "junk after the frame", 20),
	                 "corrupt compressed data, or data after its end");
}

/* The level cap is the reader's: counted from the manifest alone. */
static void test_levels_cap(void **state)
{
	char *m = malloc(64 << 10);
	size_t len, i;
	struct entry e[] = { { "manifest.json", m, 0, NULL }, END };
	int rc;

	(void)state;
	assert_non_null(m);
	for (i = 256; i <= 257; i++) {
		size_t k;

		len = (size_t)snprintf(m, 64 << 10, "{\"levels\": [");
		for (k = 0; k < i; k++)
			len += (size_t)snprintf(m + len, (64 << 10) - len, "%s{}", k ? "," : "");
		snprintf(m + len, (64 << 10) - len, "]}");
		if (i == 256)
			assert_string_equal(read_all(make("cap.tar.zst", e), NULL, &rc), "");
		else
			expect_refused("over.tar.zst", e, NULL, "manifest.json declares 257 levels, over the cap of 256");
	}
	free(m);
}

static void test_extract(void **state)
{
	const struct entry e[] = { M0, { "summary.txt", "s\n", 0, NULL }, { "levels/l0/k/a", "A\n", 0, NULL },
	                           { "levels/l0/k/b", "B\n", 0, NULL }, END };
	char out[600], p[700], b[8] = "";
	struct nr_error err = { 0 };
	struct nr_bundle_reader *r;
	struct stat sb;
	size_t n;
	int fd;

	(void)state;
	snprintf(out, sizeof(out), "%s/out", dir);
	r = nr_bundle_open(make("ex.tar.zst", e), NULL, &err);
	assert_non_null(r);
	assert_int_equal(nr_bundle_extract(r, out, NULL, NULL, &n, &err), 0);
	nr_bundle_close(r);
	assert_int_equal(n, 4);
	snprintf(p, sizeof(p), "%s/levels/l0/k/b", out);
	assert_int_equal(stat(p, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	fd = open(p, O_RDONLY);
	assert_int_equal(read(fd, b, sizeof(b)), 2);
	close(fd);
	assert_string_equal(b, "B\n");

	/* Again into the same place: nothing is overwritten. */
	r = nr_bundle_open(make("ex.tar.zst", e), NULL, &err);
	assert_int_equal(nr_bundle_extract(r, out, NULL, NULL, &n, &err), -EEXIST);
	nr_bundle_close(r);

	/* A planted symlink is not followed. */
	snprintf(out, sizeof(out), "%s/planted", dir);
	mkdir(out, 0700);
	snprintf(p, sizeof(p), "%s/levels", out);
	assert_int_equal(symlink(dir, p), 0);
	r = nr_bundle_open(make("ex.tar.zst", e), NULL, &err);
	assert_true(nr_bundle_extract(r, out, NULL, NULL, &n, &err) < 0);
	assert_non_null(strstr(err.msg, "not a plain directory"));
	nr_bundle_close(r);
	snprintf(p, sizeof(p), "%s/l0", dir);
	assert_int_not_equal(stat(p, &sb), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_path_rules),
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_manifest),
		cmocka_unit_test(test_truncated_and_junk),
		cmocka_unit_test(test_after_end),
		cmocka_unit_test(test_levels_cap),
		cmocka_unit_test(test_extract),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
