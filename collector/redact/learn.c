/* SPDX-License-Identifier: MIT */
/* Learning identities from the texts that name them: a level's hostname
 * files, /etc/hosts, resolv.conf, passwd, `ip -o addr` and `ip -o link`,
 * DMI serial files (seed.c reads those on a live level), and two
 * artifacts every bundle may hold, `uname -a` and `dmidecode`.  Every
 * input is untrusted text: lines are capped, and whatever does not parse
 * is skipped. */
#include "redact_internal.h"
#include "learn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_LEN 4096
#define FIELDS_MAX 16

/* Split a line into blank-separated fields (in place). */
static size_t fields(char *line, char **f, size_t max)
{
	size_t n = 0;
	char *save = NULL, *t;

	for (t = strtok_r(line, " \t\r", &save); t && n < max; t = strtok_r(NULL, " \t\r", &save))
		f[n++] = t;
	return n;
}

typedef int (*line_fn)(struct nr_redactor *r, char *line);

static int each_line(struct nr_redactor *r, const char *buf, size_t len, line_fn fn)
{
	char line[LINE_MAX_LEN];
	size_t i = 0;
	int rc = 0;

	while (i < len && rc >= 0) {
		const char *nl = memchr(buf + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (buf + i)) : len - i;

		if (n < sizeof(line) && !memchr(buf + i, '\0', n)) {
			memcpy(line, buf + i, n);
			line[n] = '\0';
			rc = fn(r, line);
		}
		i += n + 1;
	}
	return rc < 0 ? rc : 0;
}

static int hostname_line(struct nr_redactor *r, char *line)
{
	char *f[2];

	return fields(line, f, 2) == 1 && f[0][0] != '#' ? nr_redact_learn_name(r, f[0]) : 0;
}

static int domainname_line(struct nr_redactor *r, char *line)
{
	char *f[2];

	if (fields(line, f, 2) != 1 || strcmp(f[0], "(none)") == 0)
		return 0;
	return nr_redact_learn_domain(r, f[0]);
}

/* "ADDRESS NAME ALIAS...": every name is someone's. */
static int hosts_line(struct nr_redactor *r, char *line)
{
	char *f[FIELDS_MAX];
	size_t n, i;
	int rc = 0;

	line[strcspn(line, "#")] = '\0';
	n = fields(line, f, FIELDS_MAX);
	for (i = 0; i < n && rc >= 0; i++)
		rc = i == 0 ? nr_redact_learn_shape(r, f[0]) : nr_redact_learn_name(r, f[i]);
	return rc;
}

static int resolv_line(struct nr_redactor *r, char *line)
{
	char *f[FIELDS_MAX];
	size_t n = fields(line, f, FIELDS_MAX), i;
	int rc = 0;

	if (n < 2)
		return 0;
	if (strcmp(f[0], "nameserver") == 0)
		return nr_redact_learn_shape(r, f[1]);
	if (strcmp(f[0], "search") != 0 && strcmp(f[0], "domain") != 0)
		return 0;
	for (i = 1; i < n && rc >= 0; i++)
		rc = nr_redact_learn_domain(r, f[i]);
	return rc;
}

/* People's accounts: uid 1000 to 59999, Debian's and Fedora's range for
 * them (60000-64999 are system users Debian allocates, like libvirt-qemu;
 * 65534 is nobody). */
static int passwd_line(struct nr_redactor *r, char *line)
{
	char *colon = strchr(line, ':'), *uid, *end;
	long v;

	if (!colon || colon == line || !(uid = strchr(colon + 1, ':')))
		return 0;
	*colon = '\0';
	v = strtol(uid + 1, &end, 10);
	if (end == uid + 1 || *end != ':' || v < 1000 || v > 59999)
		return 0;
	return nr_redact_learn(r, NR_ID_USER, line);
}

/* "2: eth0    inet 10.0.0.5/24 brd 10.0.0.255 scope global eth0" */
static int ip_addr_line(struct nr_redactor *r, char *line)
{
	char *f[FIELDS_MAX];
	size_t n = fields(line, f, FIELDS_MAX), i;
	int rc = 0;

	for (i = 0; i + 1 < n && rc >= 0; i++)
		if (strcmp(f[i], "inet") == 0 || strcmp(f[i], "inet6") == 0 || strcmp(f[i], "peer") == 0)
			rc = nr_redact_learn_shape(r, f[i + 1]);
	return rc;
}

/* "... link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff ..." */
static int ip_link_line(struct nr_redactor *r, char *line)
{
	char *f[FIELDS_MAX * 2];
	size_t n = fields(line, f, FIELDS_MAX * 2), i;
	int rc = 0;

	for (i = 0; i + 1 < n && rc >= 0; i++)
		if (strcmp(f[i], "link/ether") == 0 || strcmp(f[i], "permaddr") == 0)
			rc = nr_redact_learn_shape(r, f[i + 1]);
	return rc;
}

/* "Linux HOST RELEASE ...": the node name. */
static int uname_line(struct nr_redactor *r, char *line)
{
	char *f[3];

	return fields(line, f, 3) >= 2 ? nr_redact_learn_name(r, f[1]) : 0;
}

/* "\tSerial Number: X", "\tAsset Tag: X", "\tUUID: X" in every DMI
 * structure (system, board, chassis, memory devices...). */
static int dmidecode_line(struct nr_redactor *r, char *line)
{
	static const char *const keys[] = { "Serial Number:", "Asset Tag:", "UUID:" };
	char *p = line + strspn(line, " \t");
	size_t i, len;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		len = strlen(keys[i]);
		if (strncmp(p, keys[i], len) != 0)
			continue;
		p += len;
		p += strspn(p, " \t");
		return i == 2 ? nr_redact_learn_shape(r, p) : nr_redact_learn(r, NR_ID_SERIAL, p);
	}
	return 0;
}

/* libvirt starts each QEMU log with the host's FQDN: "... starting up
 * libvirt version: 9.0.0, ..., hostname: host.example.org". */
static int libvirt_log_line(struct nr_redactor *r, char *line)
{
	char *h = strstr(line, "starting up libvirt version");

	if (!h || !(h = strstr(h, "hostname: ")))
		return 0;
	h += 10;
	h[strcspn(h, " ,\t\r")] = '\0';
	return nr_redact_learn_name(r, h);
}

static int serial_line(struct nr_redactor *r, char *line)
{
	if (nr_redact_learn_shape(r, line) != 0)
		return 0;
	return nr_redact_learn(r, NR_ID_SERIAL, line);
}

static const line_fn parsers[NR_LEARN_KINDS] = {
	[NR_LEARN_HOSTNAME] = hostname_line,
	[NR_LEARN_DOMAINNAME] = domainname_line,
	[NR_LEARN_HOSTS] = hosts_line,
	[NR_LEARN_RESOLV] = resolv_line,
	[NR_LEARN_PASSWD] = passwd_line,
	[NR_LEARN_IP_ADDR] = ip_addr_line,
	[NR_LEARN_IP_LINK] = ip_link_line,
	[NR_LEARN_UNAME] = uname_line,
	[NR_LEARN_DMIDECODE] = dmidecode_line,
	[NR_LEARN_SERIAL] = serial_line,
	[NR_LEARN_LIBVIRT_LOG] = libvirt_log_line,
};

int nr_redact_learn_text(struct nr_redactor *r, enum nr_learn_src src, const char *buf,
                         size_t len)
{
	if ((unsigned)src >= NR_LEARN_KINDS || !buf)
		return 0;
	return each_line(r, buf, len, parsers[src]);
}

/* Bundle members that name identities, by "<probe>/<artifact>". */
static const struct {
	const char *member;
	enum nr_learn_src src;
} member_sources[] = {
	{ "kernel/uname-a", NR_LEARN_UNAME },
	{ "dmi/dmidecode", NR_LEARN_DMIDECODE },
	{ "libvirt/list-names", NR_LEARN_HOSTNAME },
};

int nr_redact_member_source(const char *path)
{
	const char *p = path;
	size_t i;

	/* levels/<id>/<probe>/<artifact> */
	if (strncmp(p, "levels/", 7) != 0 || !(p = strchr(p + 7, '/')))
		return -1;
	for (i = 0; i < sizeof(member_sources) / sizeof(member_sources[0]); i++)
		if (strcmp(p + 1, member_sources[i].member) == 0)
			return (int)member_sources[i].src;
	return strncmp(p + 1, "libvirt/log-", 12) == 0 ? (int)NR_LEARN_LIBVIRT_LOG : -1;
}

/* libvirt names its members after its domains (log-NAME.log,
 * domain-NAME.xml), and a VM is usually named after its host. */
int nr_redact_learn_member_path(struct nr_redactor *r, const char *path)
{
	static const struct {
		const char *prefix, *suffix;
	} named[] = { { "libvirt/log-", ".log" }, { "libvirt/domain-", ".xml" } };
	char name[NR_REDACT_WORD_MAX + 1];
	const char *p = path;
	size_t i, pl, sl, len;

	if (strncmp(p, "levels/", 7) != 0 || !(p = strchr(p + 7, '/')))
		return 0;
	p++;
	len = strlen(p);
	for (i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		pl = strlen(named[i].prefix);
		sl = strlen(named[i].suffix);
		if (len > pl + sl && len - pl - sl < sizeof(name) && strncmp(p, named[i].prefix, pl) == 0 &&
		    strcmp(p + len - sl, named[i].suffix) == 0) {
			snprintf(name, sizeof(name), "%.*s", (int)(len - pl - sl), p + pl);
			return nr_redact_learn_name(r, name);
		}
	}
	return 0;
}
