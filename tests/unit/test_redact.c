/* SPDX-License-Identifier: MIT */
/* Unit tests for the redactor (collector/redact/): the shapes it
 * recognises and leaves alone, learnt words, FQDNs under a learnt domain,
 * /home/NAME, the learners' parsers, user words, and the stream.
 *
 * Every text case goes through check(), which builds a fresh redactor and
 * feeds the input in one write, in chunks of 1, 2, 3, 7 and 64 bytes, and
 * cut in two at every byte: the output must not depend on the cuts.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "redact/learn.h"
#include "redact/redact.h"
#include "probe.h"

/* ---- harness ------------------------------------------------------------- */

struct sink {
	char *p;
	size_t len, cap;
};

static int sink_out(void *ud, const void *data, size_t len)
{
	struct sink *k = ud;

	assert_true(len > 0);
	if (k->cap - k->len < len + 1) {
		k->cap = (k->len + len + 1) * 2;
		k->p = realloc(k->p, k->cap);
		assert_non_null(k->p);
	}
	memcpy(k->p + k->len, data, len);
	k->len += len;
	k->p[k->len] = '\0';
	return 0;
}

typedef void (*setup_fn)(struct nr_redactor *r);

static char *run(setup_fn setup, const char *in, size_t len, size_t chunk, size_t split,
                 size_t *count)
{
	struct nr_redactor *r = nr_redactor_new();
	struct nr_redact_stream *s;
	struct sink k = { 0 };
	size_t off = 0, step;

	assert_non_null(r);
	if (setup)
		setup(r);
	s = nr_redact_stream_new(r, sink_out, &k);
	assert_non_null(s);
	while (off < len) {
		step = split != SIZE_MAX ? (off == 0 ? split : len - off) : chunk ? chunk : len - off;
		if (step > len - off)
			step = len - off;
		assert_int_equal(nr_redact_stream_write(s, in + off, step), 0);
		off += step;
	}
	assert_int_equal(nr_redact_stream_finish(s), 0);
	if (count)
		*count = nr_redact_stream_count(s);
	nr_redact_stream_free(s);
	nr_redactor_free(r);
	if (!k.p)
		k.p = strdup("");
	return k.p;
}

static void check(setup_fn setup, const char *in, const char *want)
{
	static const size_t chunks[] = { 0, 1, 2, 3, 7, 64 };
	size_t len = strlen(in), i;
	char *got;

	for (i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
		got = run(setup, in, len, chunks[i], SIZE_MAX, NULL);
		if (strcmp(got, want) != 0)
			fail_msg("chunk %zu:\n  in:   %s\n  got:  %s\n  want: %s", chunks[i], in, got, want);
		free(got);
	}
	for (i = 1; i < len; i++) {
		got = run(setup, in, len, 0, i, NULL);
		if (strcmp(got, want) != 0)
			fail_msg("split at %zu:\n  in:   %s\n  got:  %s\n  want: %s", i, in, got, want);
		free(got);
	}
}

/* ---- shapes ---------------------------------------------------------------- */

static void test_ipv4_subnets_kept_together(void **state)
{
	(void)state;
	check(NULL, "inet 192.168.122.1/24 brd 192.168.122.255 gw 192.168.122.1 guest 192.168.122.10",
	      "inet 198.18.1.1/24 brd 198.18.1.255 gw 198.18.1.1 guest 198.18.1.10");
	check(NULL, "a 10.0.0.5 b 8.8.8.8 c 10.0.0.6", "a 198.18.1.5 b 198.18.2.8 c 198.18.1.6");
	/* In a URL, after '=', with a port, in brackets, at the very end. */
	check(NULL, "http://10.1.2.3:8080/x SRC=10.1.2.4 [10.1.2.5] 10.1.2.6",
	      "http://198.18.1.3:8080/x SRC=198.18.1.4 [198.18.1.5] 198.18.1.6");
	check(NULL, "hostfwd=tcp:10.77.0.2:2222-:22,", "hostfwd=tcp:198.18.1.2:2222-:22,");
}

static void test_ipv4_readable_ranges(void **state)
{
	(void)state;
	check(NULL, "127.0.0.1 0.0.0.0 169.254.169.254 192.0.2.5 198.51.100.7 203.0.113.9",
	      "127.0.0.1 0.0.0.0 169.254.169.254 192.0.2.5 198.51.100.7 203.0.113.9");
	check(NULL, "mask 255.255.255.0 mcast 224.0.0.251 bcast 255.255.255.255",
	      "mask 255.255.255.0 mcast 224.0.0.251 bcast 255.255.255.255");
}

static void test_ipv4_versions_left_alone(void **state)
{
	(void)state;
	check(NULL, "Linux 2.6.32.71-generic x", "Linux 2.6.32.71-generic x");
	check(NULL, "pkg 1.2.3.4+dfsg and 1.2.3.4~rc1 and 1.2.3.4_x", "pkg 1.2.3.4+dfsg and 1.2.3.4~rc1 and 1.2.3.4_x");
	check(NULL, "Linux version 10.1.2.3 (gcc)", "Linux version 10.1.2.3 (gcc)");
	check(NULL, "BIOS Version: 10.1.2.3", "BIOS Version: 10.1.2.3");
	check(NULL, "oid 1.3.6.1.4.1 v10.1.2.3 10.1.2.3a 300.1.2.3", "oid 1.3.6.1.4.1 v10.1.2.3 10.1.2.3a 300.1.2.3");
	/* A range is two addresses, not a version. */
	check(NULL, "range 10.0.0.1-10.0.0.9", "range 198.18.1.1-198.18.1.9");
	/* A sentence may end after an address. */
	check(NULL, "reached 10.9.8.7. Then", "reached 198.18.1.7. Then");
}

static void learn_version_ip(struct nr_redactor *r)
{
	assert_int_equal(nr_redact_learn_shape(r, "10.1.2.3/24"), 1);
}

static void test_ipv4_learnt_beats_version_context(void **state)
{
	(void)state;
	check(learn_version_ip, "at 10.1.2.3-eth0 and 10.1.2.3", "at 198.18.1.3-eth0 and 198.18.1.3");
}

static void test_mac_keeps_oui(void **state)
{
	(void)state;
	check(NULL, "mac=52:54:00:12:34:56 again 52-54-00-12-34-56 other 00:1B:21:AA:BB:CC",
	      "mac=52:54:00:00:00:01 again 52-54-00-00-00-01 other 00:1B:21:00:00:02");
	check(NULL, "brd ff:ff:ff:ff:ff:ff mc 01:00:5e:00:00:fb zero 00:00:00:00:00:00",
	      "brd ff:ff:ff:ff:ff:ff mc 01:00:5e:00:00:fb zero 00:00:00:00:00:00");
	/* Longer colon-hex runs are not MACs (and a WWN is an identifier too). */
	check(NULL, "wwn 20:00:00:25:b5:00:00:0f.", "wwn fd00:254:0:1::1.");
	check(NULL, "time 12:34:56 pci 0000:00:1f.2 std::string", "time 12:34:56 pci 0000:00:1f.2 std::string");
}

static void test_uuid(void **state)
{
	(void)state;
	check(NULL, "UUID: 4C4C4544-0042-3510-8052-B4C04F4B4E32\n<uuid>5b2c1f3e-aaaa-4bbb-8ccc-0123456789ab</uuid>",
	      "UUID: 00000000-0000-4000-8000-000000000001\n<uuid>00000000-0000-4000-8000-000000000002</uuid>");
	check(NULL, "root=UUID=5b2c1f3e-aaaa-4bbb-8ccc-0123456789ab ro nil 00000000-0000-0000-0000-000000000000",
	      "root=UUID=00000000-0000-4000-8000-000000000001 ro nil 00000000-0000-0000-0000-000000000000");
}

static void test_ipv6(void **state)
{
	(void)state;
	check(NULL, "inet6 2a01:4f8:1:2::3/64 and 2a01:4f8:1:2::4 and 2a01:4f8:9::1",
	      "inet6 fd00:254:0:1::1/64 and fd00:254:0:1::2 and fd00:254:0:2::3");
	check(NULL, "lo ::1 any :: doc 2001:db8::1 mc ff02::1", "lo ::1 any :: doc 2001:db8::1 mc ff02::1");
	/* Link-local: the prefix stays; an EUI-64 id follows its MAC. */
	check(NULL, "fe80::5054:ff:fe12:3456%eth0 is 52:54:00:12:34:56; fe80::1:2:3:4",
	      "fe80::5054:ff:fe00:1%eth0 is 52:54:00:00:00:01; fe80::1");
	check(NULL, "mapped ::ffff:10.1.2.3 then 10.1.2.4", "mapped ::ffff:198.18.1.3 then 198.18.1.4");
	check(NULL, "[2a01:4f8::7]:22 at 2a01:4f8::7.", "[fd00:254:0:1::1]:22 at fd00:254:0:1::1.");
}

/* ---- words --------------------------------------------------------------------- */

static void learn_host(struct nr_redactor *r)
{
	assert_int_equal(nr_redact_learn_name(r, "myhost"), 1);
	assert_int_equal(nr_redact_learn(r, NR_ID_USER, "ken"), 1);
}

static void test_words_only_whole(void **state)
{
	(void)state;
	check(learn_host, "Linux myhost 6.1.0 MyHost@x my-myhost-x myhost2 kernel ken.",
	      "Linux host-1 6.1.0 host-1@x my-host-1-x myhost2 kernel user-1.");
}

static void learn_fqdn(struct nr_redactor *r)
{
	assert_int_equal(nr_redact_learn_name(r, "myhost.corp.example.com."), 1);
}

static void test_fqdn_under_learnt_domain(void **state)
{
	(void)state;
	check(learn_fqdn, "myhost.corp.example.com db1.corp.example.com www.example.com example.community",
	      "host-1.domain-1.example host-2.domain-1.example host-3.domain-2.example example.community");
	check(learn_fqdn, "mail to ops@corp.example.com; a.b.corp.example.com",
	      "mail to ops@domain-1.example; host-2.domain-1.example");
}

static void test_home_names_users(void **state)
{
	(void)state;
	check(NULL, "file=/home/zed/vm.qcow2 owner zed, /home/al/x, al",
	      "file=/home/user-1/vm.qcow2 owner user-1, /home/user-2/x, al");
}

static void add_words(struct nr_redactor *r)
{
	struct nr_error err = { 0 };

	assert_int_equal(nr_redact_add_word(r, "Acme Corp", &err), 0);
	assert_int_equal(nr_redact_add_word(r, "project-x", &err), 0);
}

static void test_user_words(void **state)
{
	(void)state;
	check(add_words, "by ACME CORP for project-x and project-xy", "by word-1 for word-2 and project-xy");
}

static void test_user_word_refused(void **state)
{
	struct nr_redactor *r = nr_redactor_new();
	struct nr_error err = { 0 };

	(void)state;
	assert_int_equal(nr_redact_add_word(r, "ab", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "3 to 255"));
	assert_int_equal(nr_redact_add_word(r, "-abc", &err), -EINVAL);
	assert_int_equal(nr_redact_add_word(r, "ab\tc\x01", &err), -EINVAL);
	assert_int_equal(nr_redact_add_word(r, "kvm", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "vocabulary"));
	assert_int_equal(nr_redact_add_word(r, "qemu", &err), -EINVAL);
	nr_redactor_free(r);
}

static void test_generic_names_not_learnt(void **state)
{
	struct nr_redactor *r = nr_redactor_new();
	static const char *const names[] = { "vm", "localhost", "debian", "ubuntu", "1234", "kvm",
	                                     "localhost.localdomain", "" };
	size_t i;
	unsigned a;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		assert_int_equal(nr_redact_learn_name(r, names[i]), 0);
	/* A machine named after an architecture family ("alpha") must not
	 * have the manifest's family names redacted with it. */
	for (a = 1; a <= NR_ARCH_LAST; a <<= 1)
		if (nr_redact_learn_name(r, nr_arch_family_name((enum nr_arch)a)) != 0)
			fail_msg("architecture family '%s' was learnt as a host name",
			         nr_arch_family_name((enum nr_arch)a));
	assert_int_equal(nr_redact_learn(r, NR_ID_SERIAL, "To Be Filled By O.E.M."), 0);
	assert_int_equal(nr_redact_learn(r, NR_ID_SERIAL, "Not Specified"), 0);
	assert_int_equal(nr_redact_learn(r, NR_ID_SERIAL, "0000000000"), 0);
	assert_int_equal(nr_redact_learn(r, NR_ID_SERIAL, "CZJ1234XYZ"), 1);
	assert_int_equal(nr_redact_learn(r, NR_ID_USER, "root"), 0);
	/* co.uk is a public suffix: example.co.uk is learnt, co.uk never. */
	assert_int_equal(nr_redact_learn_name(r, "web.example.co.uk"), 1);
	assert_int_equal(nr_redact_ident_count(r, NR_ID_DOMAIN), 1);
	assert_int_equal(nr_redact_ident_count(r, NR_ID_HOST), 1);
	nr_redactor_free(r);
}

/* ---- learners ------------------------------------------------------------------ */

static void learn_texts(struct nr_redactor *r)
{
	static const char hosts[] = "127.0.0.1 localhost\n127.0.1.1 nrbox.lab.acme.test nrbox\n"
	                            "10.20.30.40 db1 # the database\n::1 ip6-localhost\n";
	static const char resolv[] = "nameserver 10.20.0.53\nsearch eng.acme.test\n";
	static const char passwd[] = "root:x:0:0:root:/root:/bin/bash\nmallory:x:1001:1001:M,,,:"
	                             "/home/mallory:/bin/bash\nnobody:x:65534:65534::/:/usr/sbin/nologin\n"
	                             "svc:x:999:999::/:/bin/false\n";
	static const char ipaddr[] = "2: eth0    inet 10.9.9.9/24 brd 10.9.9.255 scope global eth0\\ x\n";
	static const char iplink[] = "2: eth0: <UP> mtu 1500\\    link/ether 52:54:00:aa:bb:cc brd ff:ff:ff:ff:ff:ff\n";
	static const char dmi[] = "System Information\n\tSerial Number: CZJ9876QRS\n\tUUID: 4C4C4544-0042-3510-8052-B4C04F4B4E32\n"
	                          "Chassis Information\n\tAsset Tag: Not Specified\n";

	assert_int_equal(nr_redact_learn_text(r, NR_LEARN_HOSTS, hosts, sizeof(hosts) - 1), 0);
	assert_int_equal(nr_redact_learn_text(r, NR_LEARN_RESOLV, resolv, sizeof(resolv) - 1), 0);
	assert_int_equal(nr_redact_learn_text(r, NR_LEARN_PASSWD, passwd, sizeof(passwd) - 1), 0);
	assert_int_equal(nr_redact_learn_text(r, NR_LEARN_IP_ADDR, ipaddr, sizeof(ipaddr) - 1), 0);
	assert_int_equal(nr_redact_learn_text(r, NR_LEARN_IP_LINK, iplink, sizeof(iplink) - 1), 0);
	assert_int_equal(nr_redact_learn_text(r, NR_LEARN_DMIDECODE, dmi, sizeof(dmi) - 1), 0);
}

static void test_learners(void **state)
{
	(void)state;
	/* Placeholders are numbered in the order things were learnt. */
	check(learn_texts,
	      "nrbox db1 web.eng.acme.test mallory svc CZJ9876QRS 10.9.9.9 10.20.30.40 52:54:00:aa:bb:cc",
	      "host-1 host-2 host-3.domain-3.example user-1 svc serial-1 198.18.3.9 198.18.1.40 52:54:00:00:00:01");
}

static void test_member_sources(void **state)
{
	(void)state;
	assert_int_equal(nr_redact_member_source("levels/l1/kernel/uname-a"), NR_LEARN_UNAME);
	assert_int_equal(nr_redact_member_source("levels/l0/dmi/dmidecode"), NR_LEARN_DMIDECODE);
	assert_int_equal(nr_redact_member_source("levels/l0/dmi/id-sys_vendor"), -1);
	assert_int_equal(nr_redact_member_source("summary.txt"), -1);
}

/* ---- the stream ------------------------------------------------------------------ */

/* Identities on both sides of every window boundary, in a text far larger
 * than the window, fed in odd chunk sizes. */
static void test_large_stream(void **state)
{
	static const size_t chunks[] = { 0, 1, 4093, 65536 + 13 };
	size_t n = 20000, i, len = 0, c;
	char *in = malloc(n * 80), *want = malloc(n * 80), *got;

	(void)state;
	assert_non_null(in);
	assert_non_null(want);
	for (i = 0; i < n; i++) {
		unsigned a = (unsigned)(i % 200) + 1;

		len += (size_t)sprintf(in + len, "%zu myhost.corp.example.com talks to 10.0.7.%u on /home/zed\n", i, a);
	}
	for (i = 0, c = 0; i < n; i++) {
		unsigned a = (unsigned)(i % 200) + 1;

		c += (size_t)sprintf(want + c, "%zu host-1.domain-1.example talks to 198.18.1.%u on /home/user-1\n", i, a);
	}
	for (i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
		size_t count = 0;

		got = run(learn_fqdn, in, len, chunks[i], SIZE_MAX, &count);
		assert_string_equal(got, want);
		/* The FQDN is two replacements: the host, then its domain. */
		assert_int_equal(count, n * 4);
		free(got);
	}
	free(in);
	free(want);
}

/* A long name without separators, cut by the window: nothing is lost or
 * doubled, and binary junk passes through byte for byte. */
static void test_binary_and_long_runs(void **state)
{
	size_t len = 300000, i;
	char *in = malloc(len + 1), *got;

	(void)state;
	assert_non_null(in);
	for (i = 0; i < len; i++)
		in[i] = (char)(i % 7 == 0 ? 'a' : (i * 131) % 251 + 1);
	memset(in + 70000, 'x', 100000);
	memcpy(in + 69990, "a.b-", 4);
	in[len] = '\0';
	got = run(NULL, in, len, 4096, SIZE_MAX, NULL);
	assert_memory_equal(got, in, len);
	free(got);
	free(in);
}

static void test_string(void **state)
{
	struct nr_redactor *r = nr_redactor_new();
	size_t count = 0;
	char *s;

	(void)state;
	learn_host(r);
	s = nr_redact_string(r, "root@myhost:/home/ken", &count);
	assert_string_equal(s, "root@host-1:/home/user-1");
	assert_int_equal(count, 2);
	free(s);
	/* The same map for the next string. */
	s = nr_redact_string(r, "ken on myhost", NULL);
	assert_string_equal(s, "user-1 on host-1");
	free(s);
	assert_int_equal(nr_redact_replacements(r), 4);
	nr_redactor_free(r);
}

static void test_words_file(void **state)
{
	char path[] = "/tmp/nr-test-words-XXXXXX";
	struct nr_redactor *r = nr_redactor_new();
	struct nr_error err = { 0 };
	int fd = mkstemp(path);
	char *s;

	(void)state;
	assert_true(fd >= 0);
	assert_true(write(fd, "# customer names\n\n  Initech \nglobex\n", 37) == 37);
	close(fd);
	assert_int_equal(nr_redact_add_words_file(r, path, &err), 0);
	s = nr_redact_string(r, "initech and Globex", NULL);
	assert_string_equal(s, "word-1 and word-2");
	free(s);
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(write(fd, "fine\nkvm\n", 9) == 9);
	close(fd);
	assert_int_equal(nr_redact_add_words_file(r, path, &err), -EINVAL);
	assert_non_null(strstr(err.msg, ":2: redact word 'kvm'"));
	unlink(path);
	nr_redactor_free(r);
}

/* The map written, read back by a new redactor: the same placeholders
 * for the same identities, and new ones numbered after the old. */
static void test_map_round_trip(void **state)
{
	char dir[] = "/tmp/nr-test-map-XXXXXX", path[64];
	struct nr_redactor *r = nr_redactor_new(), *r2 = nr_redactor_new();
	struct nr_error err = { 0 };
	char *a, *b;
	struct stat sb;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/b.redact-map.json", dir);
	learn_fqdn(r);
	assert_int_equal(nr_redact_add_word(r, "Acme \"Q\" \\ Corp", &err), 0);
	a = nr_redact_string(r, "myhost 10.0.0.7 52:54:00:12:34:56 fe80::1:2:3:4 2a01:4f8::1 "
	                        "5b2c1f3e-aaaa-4bbb-8ccc-0123456789ab acme \"q\" \\ corp /home/zed", NULL);
	assert_int_equal(nr_redact_map_write(r, path, "/x/b.tar.zst", &err), 0);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	/* Never over an existing map. */
	assert_int_equal(nr_redact_map_write(r, path, "b.tar.zst", &err), -EEXIST);
	assert_int_equal(nr_redact_map_load(r2, path, &err), 0);
	b = nr_redact_string(r2, "myhost 10.0.0.7 52:54:00:12:34:56 fe80::1:2:3:4 2a01:4f8::1 "
	                         "5b2c1f3e-aaaa-4bbb-8ccc-0123456789ab acme \"q\" \\ corp /home/zed", NULL);
	assert_string_equal(a, b);
	free(b);
	b = nr_redact_string(r2, "newhost.corp.example.com 10.0.0.9 10.9.9.9 52:54:00:ab:cd:ef 2a01:4f8::2", NULL);
	assert_string_equal(b, "host-2.domain-1.example 198.18.1.9 198.18.2.9 52:54:00:00:00:02 fd00:254:0:1::3");
	free(a);
	free(b);
	unlink(path);
	rmdir(dir);
	nr_redactor_free(r);
	nr_redactor_free(r2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_subnets_kept_together),
		cmocka_unit_test(test_ipv4_readable_ranges),
		cmocka_unit_test(test_ipv4_versions_left_alone),
		cmocka_unit_test(test_ipv4_learnt_beats_version_context),
		cmocka_unit_test(test_mac_keeps_oui),
		cmocka_unit_test(test_uuid),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_words_only_whole),
		cmocka_unit_test(test_fqdn_under_learnt_domain),
		cmocka_unit_test(test_home_names_users),
		cmocka_unit_test(test_user_words),
		cmocka_unit_test(test_user_word_refused),
		cmocka_unit_test(test_generic_names_not_learnt),
		cmocka_unit_test(test_learners),
		cmocka_unit_test(test_member_sources),
		cmocka_unit_test(test_large_stream),
		cmocka_unit_test(test_binary_and_long_runs),
		cmocka_unit_test(test_string),
		cmocka_unit_test(test_words_file),
		cmocka_unit_test(test_map_round_trip),
	};

	return cmocka_run_group_tests_name("redact", tests, NULL, NULL);
}
