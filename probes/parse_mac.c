/* SPDX-License-Identifier: MIT */
/* MAC denial parser: see parse_mac.h. */
#include "parse_mac.h"
#include "parse_text.h"
#include "util/hex.h"

#include <stdio.h>
#include <string.h>

/* The value of key= in line (quoted or not), or an empty span.  Matches
 * only at the start of a field, so "tcontext=" is not found as
 * "context=". */
static struct nr_span field(struct nr_span line, const char *key)
{
	size_t kl = strlen(key), i;
	struct nr_span v = { line.p + line.len, 0 };

	for (i = 0; i + kl < line.len; i++) {
		if ((i > 0 && line.p[i - 1] != ' ') || memcmp(line.p + i, key, kl) != 0 ||
		    line.p[i + kl] != '=')
			continue;
		v.p = line.p + i + kl + 1;
		v.len = line.len - i - kl - 1;
		if (v.len && v.p[0] == '"') {
			const char *q = memchr(v.p + 1, '"', v.len - 1);

			v.p++;
			v.len = q ? (size_t)(q - v.p) : v.len - 1;
		} else {
			v.len = strcspn(v.p, " ") < v.len ? strcspn(v.p, " ") : v.len;
		}
		return v;
	}
	return v;
}

/* The audit subsystem writes an untrusted string in hex when it holds a
 * space or a quote (QEMU's vCPU threads are "CPU 0/KVM"): decode it when
 * it was not quoted and every byte pair is hex. */
static void copy_untrusted(struct nr_span line, const char *key, char *dst, size_t dstsize)
{
	struct nr_span v = field(line, key);
	const char *at = v.p;
	char tmp[128];
	size_t i;

	if (v.len && v.len % 2 == 0 && v.len / 2 < sizeof(tmp) && at > line.p && at[-1] == '=') {
		for (i = 0; i < v.len; i += 2) {
			int hi = nr_hex_digit(v.p[i]), lo = nr_hex_digit(v.p[i + 1]);

			if (hi < 0 || lo < 0)
				break;
			tmp[i / 2] = (char)(hi << 4 | lo);
		}
		if (i == v.len) {
			nr_span_copy((struct nr_span){ tmp, v.len / 2 }, dst, dstsize);
			return;
		}
	}
	nr_span_copy(v, dst, dstsize);
}

/* "audit(1699869662.123:456)" */
static void copy_stamp(struct nr_span line, char *dst, size_t dstsize)
{
	const char *a = memmem(line.p, line.len, "audit(", 6), *close;

	dst[0] = '\0';
	if (!a || !(close = memchr(a, ')', line.len - (size_t)(a - line.p))))
		return;
	nr_span_copy((struct nr_span){ a + 6, (size_t)(close - a - 6) }, dst, dstsize);
}

static void parse_selinux(struct nr_span line, const char *denied, struct nr_mac_denial *d)
{
	const char *open = memchr(denied, '{', line.len - (size_t)(denied - line.p)), *close;
	char perms[64] = "", tclass[32] = "";

	snprintf(d->lsm, sizeof(d->lsm), "selinux");
	/* "{ read write }" as "read write": braces read as template
	 * variables wherever a finding quotes it. */
	if (open && (close = memchr(open, '}', line.len - (size_t)(open - line.p))))
		nr_span_copy_collapsed((struct nr_span){ open + 1, (size_t)(close - open - 1) }, perms,
		                       sizeof(perms));
	nr_span_copy(field(line, "tclass"), tclass, sizeof(tclass));
	snprintf(d->what, sizeof(d->what), "%s%s%s", perms, tclass[0] ? " tclass=" : "", tclass);
	copy_untrusted(line, "comm", d->comm, sizeof(d->comm));
	/* What was denied: a file's name or path, else the target context
	 * (a process, a socket). */
	if (field(line, "name").len)
		copy_untrusted(line, "name", d->target, sizeof(d->target));
	else if (field(line, "path").len)
		copy_untrusted(line, "path", d->target, sizeof(d->target));
	else
		nr_span_copy(field(line, "tcontext"), d->target, sizeof(d->target));
	nr_span_copy(field(line, "scontext"), d->subject, sizeof(d->subject));
}

static void parse_apparmor(struct nr_span line, struct nr_mac_denial *d)
{
	char op[64] = "", mask[32] = "";

	snprintf(d->lsm, sizeof(d->lsm), "apparmor");
	nr_span_copy(field(line, "operation"), op, sizeof(op));
	nr_span_copy(field(line, "denied_mask"), mask, sizeof(mask));
	snprintf(d->what, sizeof(d->what), "%s%s%s", op, mask[0] ? " " : "", mask);
	copy_untrusted(line, "comm", d->comm, sizeof(d->comm));
	copy_untrusted(line, "name", d->target, sizeof(d->target));
	copy_untrusted(line, "profile", d->subject, sizeof(d->subject));
}

size_t nr_mac_denials_parse(const char *buf, size_t len, struct nr_mac_denial *out, size_t max)
{
	struct nr_span line;
	size_t pos = 0, n = 0;

	while (nr_text_next_line(buf, len, &pos, &line)) {
		const char *avc = memmem(line.p, line.len, "avc:", 4);
		const char *denied = avc ? memmem(avc, line.len - (size_t)(avc - line.p), "denied", 6)
		                         : NULL;
		bool aa = memmem(line.p, line.len, "apparmor=\"DENIED\"", 17) != NULL;
		struct nr_mac_denial *d;

		/* SELinux writes "avc:  denied  {", "granted" for auditallow. */
		if (!aa && (!denied || (size_t)(denied - avc) > 8))
			continue;
		if (n++ >= max)
			continue;
		d = &out[n - 1];
		memset(d, 0, sizeof(*d));
		copy_stamp(line, d->stamp, sizeof(d->stamp));
		if (aa)
			parse_apparmor(line, d);
		else
			parse_selinux(line, denied, d);
	}
	return n;
}

static bool starts(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

bool nr_mac_denial_is_virt(const struct nr_mac_denial *d)
{
	static const char *const comms[] = { "qemu", "CPU ", "libvirtd", "virtqemud", "virtlogd",
		                             "virtlockd", "virtnetworkd", "virtstoraged", "virtproxyd",
		                             "virtsecretd", "virtnodedevd", "virt-aa-helper", "swtpm",
		                             "virtiofsd", "IO mon_iothread", "vhost-" };
	static const char *const contexts[] = { ":svirt_t:", ":svirt_tcg_t:", ":virtd_t:",
		                                ":virtqemud_t:", ":virtlogd_t:", ":svirt_image_t:" };
	size_t i;

	for (i = 0; i < sizeof(comms) / sizeof(comms[0]); i++)
		if (starts(d->comm, comms[i]))
			return true;
	for (i = 0; i < sizeof(contexts) / sizeof(contexts[0]); i++)
		if (strstr(d->subject, contexts[i]))
			return true;
	return starts(d->subject, "libvirt-") || strstr(d->subject, "libvirtd") ||
	       starts(d->subject, "virt-aa-helper");
}
