/* SPDX-License-Identifier: MIT */
/* Which words may be redacted: the shape a word must have, the words too
 * generic to identify anyone (and those the report's own structure is made
 * of, which redaction must never touch: probe names, the manifest's enum
 * values, hypervisor and architecture names), and the filler firmware puts
 * in DMI serial fields.  User words (--redact-word) pass the same checks,
 * so a redacted bundle still validates and its findings still fire. */
#include "redact_internal.h"
#include "util/utf8.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const stopwords[] = {
	/* default and generic host names */
	"localhost", "localdomain", "local", "lan", "home", "internal", "intranet", "example",
	"debian", "ubuntu", "fedora", "centos", "rhel", "redhat", "rocky", "almalinux", "alma",
	"arch", "archlinux", "alpine", "opensuse", "suse", "sles", "gentoo", "kali", "mint",
	"raspberrypi", "linux", "gnu", "host", "server", "guest", "node", "master", "worker",
	"test", "default", "none", "unknown", "null", "undefined", "machine", "computer", "box",
	"desktop", "laptop", "workstation", "vm", "vps", "instance", "container", "sandbox",
	"runsc", "ip6-localhost", "ip6-loopback", "ip6-allnodes", "ip6-allrouters",
	"ip6-localnet", "ip6-mcastprefix", "broadcasthost", "localhost.localdomain",
	/* accounts every system has */
	"root", "admin", "user", "nobody", "daemon", "operator", "guest", "ec2-user",
	"cloud-user", "vagrant", "pi",
	/* the report's vocabulary: probes, enums, hypervisors, architectures */
	"kernel", "cpu", "kvm", "kvm_intel", "kvm_amd", "kvm_hv", "kvm_pvm", "qemu", "libvirt",
	"libvirtd", "virsh", "dmesg", "dmi", "dmidecode", "firmware", "pci", "x86info",
	"devicetree", "xen", "s390", "ppc", "arm", "riscv", "loongarch", "sparc", "mips", "ia64",
	"alpha", "x86", "x86_64", "aarch64", "ppc64", "ppc64le", "s390x", "i386", "i686", "amd64",
	"intel", "amd", "vmx", "svm", "sie", "lvz", "tcg", "hvf", "whpx", "nvmm", "process",
	"hostfwd", "name", "ok", "failed", "timeout", "skipped", "unsupported", "partial",
	"unreachable",
	"auth-failed", "hostkey-rejected", "local", "ssh", "replay", "lpar", "dom0", "domu",
	"fail", "warn", "info", "virtio", "vmware", "hyperv", "hyper-v", "virtualbox",
	"powervm", "firecracker", "bhyve", "parallels", "acrn", "kvm-on-kvm", "nested", "levels",
	"summary", "manifest", "nest-report", "redacted", "scrubbed", "true", "false",
};

static bool in_list(const char *const *list, size_t n, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strlen(list[i]) == len && strncasecmp(list[i], s, len) == 0)
			return true;
	return false;
}

bool nr_redact_stopword(const char *s, size_t len)
{
	size_t i, digits = 0;

	for (i = 0; i < len; i++)
		digits += s[i] >= '0' && s[i] <= '9';
	/* Too short to be anyone's, or a number: either would hit everywhere. */
	if (len < 3 || digits == len)
		return true;
	return in_list(stopwords, sizeof(stopwords) / sizeof(stopwords[0]), s, len);
}

bool nr_redact_word_shape(const char *s, size_t len, bool user_word)
{
	size_t i;

	if (len < 3 || len > NR_REDACT_WORD_MAX || !nr_is_alnum((unsigned char)s[0]) ||
	    !nr_is_alnum((unsigned char)s[len - 1]))
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f)
			return false;
		/* Learnt identities are names: letters, digits and . - _ only. */
		if (!user_word && !nr_is_alnum(c) && c != '.' && c != '-' && c != '_')
			return false;
	}
	return true;
}

bool nr_redact_serial_junk(const char *s, size_t len)
{
	static const char *const junk[] = {
		"to be filled by o.e.m.", "to be filled by oem", "default string", "not specified",
		"not applicable", "not available", "not present", "n/a", "none", "unknown",
		"system serial number", "chassis serial number", "base board serial number",
		"serial number", "serial", "asset tag", "asset-1234567890", "no asset tag",
		"no asset information", "0123456789", "123456789", "1234567890", "0123456789abcdef",
		"xxxxxxxx", "invalid", "empty", "oem", "o.e.m.", "type1productconfigid",
		"sku", "default", "filled by o.e.m.",
	};
	size_t i;

	if (in_list(junk, sizeof(junk) / sizeof(junk[0]), s, len))
		return true;
	/* "00000000", "FFFFFFFF", "........": one character repeated. */
	for (i = 1; i < len && s[i] == s[0]; i++)
		;
	return i == len;
}

int nr_redact_add_word(struct nr_redactor *r, const char *word, struct nr_error *err)
{
	const char *s = word;
	size_t len = strlen(word);

	while (len > 0 && (*s == ' ' || *s == '\t'))
		s++, len--;
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
		len--;
	if (len < 3 || len > NR_REDACT_WORD_MAX)
		return nr_error_set(err, EINVAL, "redact word '%.40s': must be 3 to %d bytes long",
		                    word, NR_REDACT_WORD_MAX);
	if (!nr_redact_word_shape(s, len, true) || !nr_utf8_clean_p(s, len) || memchr(s, '\t', len))
		return nr_error_set(err, EINVAL, "redact word '%.40s': must start and end with a "
		                    "letter or digit, be UTF-8 and hold no control characters", word);
	if (in_list(stopwords, sizeof(stopwords) / sizeof(stopwords[0]), s, len))
		return nr_error_set(err, EINVAL, "redact word '%.40s': part of the report's own "
		                    "vocabulary; redacting it would break the bundle", word);
	if (nr_ident_add_word(r, NR_ID_WORD, s, len, NULL, true) < 0)
		return nr_error_set(err, ENOMEM, "out of memory");
	return 0;
}

int nr_redact_add_words_file(struct nr_redactor *r, const char *path, struct nr_error *err)
{
	FILE *f = fopen(path, "re");
	char line[NR_REDACT_WORD_MAX + 64];
	size_t total = 0;
	unsigned lineno = 0;
	int rc = 0;

	if (!f)
		return nr_error_set(err, errno, "cannot read %s: %s", path, strerror(errno));
	while (rc == 0 && fgets(line, sizeof(line), f)) {
		size_t len = strlen(line);
		const char *s = line;

		lineno++;
		total += len;
		if (total > NR_REDACT_WORDS_FILE_MAX) {
			rc = nr_error_set(err, EFBIG, "%s: larger than %u bytes", path,
			                  NR_REDACT_WORDS_FILE_MAX);
			break;
		}
		if (len > 0 && line[len - 1] != '\n' && !feof(f)) {
			rc = nr_error_set(err, EINVAL, "%s:%u: line longer than %d bytes", path, lineno,
			                  NR_REDACT_WORD_MAX);
			break;
		}
		line[strcspn(line, "\r\n")] = '\0';
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0' || *s == '#')
			continue;
		rc = nr_redact_add_word(r, s, err);
		if (rc < 0)
			nr_error_wrap(err, "%s:%u", path, lineno);
	}
	if (rc == 0 && ferror(f))
		rc = nr_error_set(err, EIO, "cannot read %s", path);
	fclose(f);
	return rc;
}
