/* SPDX-License-Identifier: MIT */
/* nr_artifacts_lines: an artifact read back a line at a time through a
 * bounded window (dmesg and logs run to hundreds of MB), and the dmesg
 * probe's parse over it.  Lines must come out whole and in order across
 * window boundaries, long lines in NR_SCAN_LINE_MAX pieces, a last line
 * without '\n' too, offsets exact, and nothing past NR_PARSE_CAP. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "level/facts.h"
#include "probe_result.h"

/* Everything fn saw, put back together with '\n' after each line, and
 * the offsets it was told. */
struct seen {
	char *text;
	size_t len, cap, lines, longest;
	uint64_t next;
	int bad_offset;
	size_t stop_after;
};

static int collect_line(void *ud, const char *line, size_t len, uint64_t offset)
{
	struct seen *s = ud;

	/* A piece of a long line is followed by the rest, not by a '\n'. */
	if (offset != s->next)
		s->bad_offset = 1;
	s->next = offset + len + (len == NR_SCAN_LINE_MAX ? 0 : 1);
	if (s->len + len + 1 > s->cap) {
		s->cap = (s->len + len + 1) * 2;
		s->text = realloc(s->text, s->cap);
		assert_non_null(s->text);
	}
	memcpy(s->text + s->len, line, len);
	s->len += len;
	s->text[s->len++] = '\n';
	s->lines++;
	if (len > s->longest)
		s->longest = len;
	return s->stop_after && s->lines >= s->stop_after;
}

/* A dmesg result holding buf as its artifact, spooled as is: the scrubber
 * (nr_test_result_add) would take seconds over 20 MiB under ASan, and
 * what is tested here is reading back. */
static void result_with(struct nr_probe_result *r, const char *buf, size_t len)
{
	struct nr_artifact *a;
	FILE *f = tmpfile();

	nr_test_result_init(r, "dmesg");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	assert_int_equal(fflush(f), 0);
	r->arts = calloc(1, sizeof(*r->arts));
	assert_non_null(r->arts);
	r->n_arts = 1;
	a = &r->arts[0];
	a->name = strdup("dmesg");
	a->path = strdup("levels/l0/dmesg/dmesg");
	a->fd = dup(fileno(f));
	a->size = len;
	fclose(f);
	assert_true(a->fd >= 0);
}

static void scan(const char *buf, size_t len, struct seen *s)
{
	struct nr_probe_result r;
	struct nr_artifacts view = { &r };

	result_with(&r, buf, len);
	assert_int_equal(nr_artifacts_lines(&view, "dmesg", collect_line, s), 0);
	assert_int_equal(nr_artifacts_lines(&view, "absent", collect_line, s), -ENOENT);
	nr_test_result_release(&r);
}

/* Lines of every length from 0 to 300 bytes, over several windows: what
 * comes out, rejoined, is what went in, and offsets follow. */
static void test_lines_cross_windows(void **state)
{
	size_t cap = 4 * NR_SCAN_WINDOW, len = 0, i = 0, n, expect_lines = 0;
	char *buf = malloc(cap);
	struct seen s = { 0 };

	(void)state;
	assert_non_null(buf);
	while (len + 302 < cap) {
		n = i++ % 301;
		memset(buf + len, 'a' + (int)(i % 26), n);
		len += n;
		buf[len++] = '\n';
		expect_lines++;
	}
	scan(buf, len, &s);
	assert_int_equal(s.lines, expect_lines);
	assert_int_equal(s.len, len);
	assert_memory_equal(s.text, buf, len);
	assert_false(s.bad_offset);
	free(s.text);
	free(buf);
}

/* A line longer than NR_SCAN_LINE_MAX comes in pieces of that size; the
 * last line has no '\n' and still comes out; NUL bytes are content. */
static void test_long_line_and_no_newline(void **state)
{
	size_t long_len = NR_SCAN_LINE_MAX * 2 + 100, len;
	char *buf = malloc(long_len + 64);
	struct seen s = { 0 };

	(void)state;
	assert_non_null(buf);
	memset(buf, 'x', long_len);
	buf[long_len] = '\n';
	memcpy(buf + long_len + 1, "nul\0inside\nlast", 15);
	len = long_len + 1 + 15;
	scan(buf, len, &s);
	assert_int_equal(s.lines, 5);   /* 4096 + 4096 + 100, "nul\0inside", "last" */
	assert_int_equal(s.longest, NR_SCAN_LINE_MAX);
	/* Two '\n' more than went in (after each piece), one at the end. */
	assert_int_equal(s.len, len + 3);
	assert_memory_equal(s.text + long_len + 3, "nul\0inside\nlast\n", 16);
	assert_false(s.bad_offset);
	free(s.text);
	free(buf);
}

/* A line of exactly NR_SCAN_LINE_MAX bytes comes whole, not as a piece
 * and an empty line. */
static void test_line_at_max(void **state)
{
	char *buf = malloc(NR_SCAN_LINE_MAX + 3);
	struct seen s = { 0 };

	(void)state;
	assert_non_null(buf);
	memset(buf, 'y', NR_SCAN_LINE_MAX);
	memcpy(buf + NR_SCAN_LINE_MAX, "\nz", 2);
	scan(buf, NR_SCAN_LINE_MAX + 2, &s);
	assert_int_equal(s.lines, 2);
	assert_int_equal(s.longest, NR_SCAN_LINE_MAX);
	free(s.text);
	free(buf);
}

/* fn's non-zero return stops the scan at once. */
static void test_stop(void **state)
{
	static const char text[] = "one\ntwo\nthree\nfour\n";
	struct seen s = { 0 };

	(void)state;
	s.stop_after = 2;
	scan(text, sizeof(text) - 1, &s);
	assert_int_equal(s.lines, 2);
	free(s.text);
}

/* A 20 MiB dmesg: the boot lines at the start are found, a line that
 * straddles a window boundary is found whole, and nothing past the parse
 * cap is read (a "Hypervisor detected" there is not seen). */
static char *big_dmesg(size_t len, size_t hv_at, const char *hv_line)
{
	static const char filler[] = "[ 1234.567890] kvm: vcpu 3 ignored rdmsr: 0x4b564d05 data 0x0\n";
	char *buf = malloc(len);
	size_t off = 0;

	assert_non_null(buf);
	while (off + sizeof(filler) - 1 <= len) {
		memcpy(buf + off, filler, sizeof(filler) - 1);
		off += sizeof(filler) - 1;
	}
	memset(buf + off, '\n', len - off);
	/* Start the line just after a '\n' so that it stands alone. */
	while (hv_at > 0 && buf[hv_at - 1] != '\n')
		hv_at--;
	memcpy(buf + hv_at, hv_line, strlen(hv_line));
	return buf;
}

static const char *fact_str(json_object *facts, const char *path)
{
	json_object *v = nr_facts_get(facts, path);

	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

static void parse_dmesg(const char *buf, size_t len, json_object *facts)
{
	struct nr_probe_result r;

	result_with(&r, buf, len);
	nr_test_result_parse(&r, facts);
	nr_test_result_release(&r);
}

static void test_dmesg_parse_windows(void **state)
{
	static const char boot[] = "[    0.000000] Linux version 6.1.0 (gcc) #1 SMP\n";
	static const char hv[] = "[    0.000000] Hypervisor detected: KVM\n";
	static const char acpi[] = "[    0.001016] ACPI: RSDP 0x00000000000E0000 000024 (v02 BOCHS )\n";
	size_t len = 20u << 20;
	json_object *facts;
	char *buf;

	(void)state;
	/* Across the first window boundary, the boot line first. */
	buf = big_dmesg(len, NR_SCAN_WINDOW - 10, hv);
	memcpy(buf, boot, sizeof(boot) - 1);
	memcpy(buf + 3 * NR_SCAN_WINDOW, acpi, sizeof(acpi) - 1);
	facts = nr_test_facts_new("x86_64", NR_ARCH_X86);
	parse_dmesg(buf, len, facts);
	assert_string_equal(fact_str(facts, "kernel.hypervisor_detected"), "KVM");
	assert_string_equal(fact_str(facts, "kernel.acpi_oem"), "BOCHS");
	assert_true(json_object_get_boolean(nr_facts_get(facts, "kernel.dmesg_captured")));
	json_object_put(facts);
	free(buf);

	/* Past NR_PARSE_CAP: not read, so not found; no boot line either. */
	buf = big_dmesg(len, NR_PARSE_CAP + 4096, hv);
	facts = nr_test_facts_new("x86_64", NR_ARCH_X86);
	parse_dmesg(buf, len, facts);
	assert_null(fact_str(facts, "kernel.hypervisor_detected"));
	assert_null(nr_facts_get(facts, "kernel.dmesg_captured"));
	json_object_put(facts);
	free(buf);

	/* A boot line after the first 64 KiB is not "from boot". */
	buf = big_dmesg(len, 2 * NR_SCAN_WINDOW, boot);
	facts = nr_test_facts_new("x86_64", NR_ARCH_X86);
	parse_dmesg(buf, len, facts);
	assert_null(nr_facts_get(facts, "kernel.dmesg_captured"));
	json_object_put(facts);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines_cross_windows),
		cmocka_unit_test(test_long_line_and_no_newline),
		cmocka_unit_test(test_line_at_max),
		cmocka_unit_test(test_stop),
		cmocka_unit_test(test_dmesg_parse_windows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
