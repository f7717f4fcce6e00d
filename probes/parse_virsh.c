/* SPDX-License-Identifier: MIT */
/* libvirt output parsers: see parse_virsh.h. */
#include "parse_virsh.h"
#include "parse_text.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

/* The value of attr='...' or attr="..." inside the tag [p, end). */
static struct nr_span attr(const char *p, const char *end, const char *name)
{
	size_t nl = strlen(name);
	struct nr_span v = { end, 0 };
	const char *a;

	for (a = p; a + nl + 2 < end; a++) {
		const char *q, *close;

		if (memcmp(a, name, nl) != 0 || a[nl] != '=' || (a > p && a[-1] != ' '))
			continue;
		q = a + nl + 1;
		if (*q != '\'' && *q != '"')
			continue;
		close = memchr(q + 1, *q, (size_t)(end - q - 1));
		if (!close)
			break;
		v.p = q + 1;
		v.len = (size_t)(close - q - 1);
		return v;
	}
	return v;
}

/* The text of <name>TEXT</name> first found in [p, end). */
static struct nr_span element(const char *p, const char *end, const char *name)
{
	char open[32];
	const char *s, *gt, *lt;
	int n = snprintf(open, sizeof(open), "<%s", name);

	for (s = p; s && s < end; s++) {
		s = memmem(s, (size_t)(end - s), open, (size_t)n);
		if (!s)
			break;
		if (s[n] != '>' && s[n] != ' ')
			continue;
		gt = memchr(s, '>', (size_t)(end - s));
		if (!gt || gt[-1] == '/')
			break;
		lt = memchr(gt, '<', (size_t)(end - gt));
		if (!lt)
			break;
		return nr_span_trim((struct nr_span){ gt + 1, (size_t)(lt - gt - 1) });
	}
	return (struct nr_span){ end, 0 };
}

/* The <mode name='host-model' ...> element: [start of tag, </mode>). */
static bool host_model_mode(const char *buf, size_t len, const char **tag, const char **end)
{
	const char *s = buf, *e = buf + len;

	while ((s = memmem(s, (size_t)(e - s), "<mode ", 6)) != NULL) {
		const char *gt = memchr(s, '>', (size_t)(e - s));

		if (!gt)
			return false;
		if (nr_span_eq(attr(s, gt, "name"), "host-model")) {
			const char *close = memmem(gt, (size_t)(e - gt), "</mode>", 7);

			*tag = s;
			*end = close ? close : e;
			return true;
		}
		s = gt;
	}
	return false;
}

static enum nr_tri feature_policy(const char *p, const char *end, const char *feature)
{
	const char *s = p;

	while ((s = memmem(s, (size_t)(end - s), "<feature ", 9)) != NULL) {
		const char *gt = memchr(s, '>', (size_t)(end - s));
		struct nr_span policy;

		if (!gt)
			break;
		if (nr_span_eq(attr(s, gt, "name"), feature)) {
			policy = attr(s, gt, "policy");
			if (nr_span_eq(policy, "require") || nr_span_eq(policy, "force"))
				return NR_TRI_TRUE;
			if (nr_span_eq(policy, "disable") || nr_span_eq(policy, "forbid"))
				return NR_TRI_FALSE;
		}
		s = gt;
	}
	return NR_TRI_UNKNOWN;
}

int nr_domcaps_host_model(const char *buf, size_t len, struct nr_host_model *out)
{
	const char *tag, *end, *gt;
	struct nr_span sup;

	memset(out, 0, sizeof(out[0]));
	out->supported = out->vmx = out->svm = NR_TRI_UNKNOWN;
	if (!buf)
		return -EINVAL;
	nr_span_copy(element(buf, buf + len, "domain"), out->domain, sizeof(out->domain));
	if (!host_model_mode(buf, len, &tag, &end))
		return -EINVAL;
	gt = memchr(tag, '>', (size_t)(end - tag));
	sup = attr(tag, gt ? gt : end, "supported");
	out->supported = nr_span_eq(sup, "yes") ? NR_TRI_TRUE : nr_span_eq(sup, "no") ? NR_TRI_FALSE
	                                                                             : NR_TRI_UNKNOWN;
	if (out->supported != NR_TRI_TRUE)
		return 0;
	nr_span_copy(element(tag, end, "model"), out->model, sizeof(out->model));
	nr_span_copy(element(tag, end, "vendor"), out->vendor, sizeof(out->vendor));
	out->vmx = feature_policy(tag, end, "vmx");
	out->svm = feature_policy(tag, end, "svm");
	/* Not named: the model's own definition decides. */
	if (out->vmx == NR_TRI_UNKNOWN && out->model[0])
		out->vmx = NR_TRI_FALSE;
	if (out->svm == NR_TRI_UNKNOWN && out->model[0])
		out->svm = nr_qemu_x86_model_has_svm(out->model) ? NR_TRI_TRUE : NR_TRI_FALSE;
	return 0;
}

static enum nr_tri json_tri(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_boolean))
		return NR_TRI_UNKNOWN;
	return json_object_get_boolean(v) ? NR_TRI_TRUE : NR_TRI_FALSE;
}

int nr_qmp_query_kvm(const char *buf, size_t len, enum nr_tri *enabled, enum nr_tri *present)
{
	struct json_tokener *tok = json_tokener_new_ex(8);
	json_object *doc = NULL, *ret;
	int rc = -EINVAL;

	*enabled = *present = NR_TRI_UNKNOWN;
	if (!tok || !buf || len > 65536)
		goto out;
	/* One line of JSON: the answer, and nothing after it. */
	doc = json_tokener_parse_ex(tok, buf, (int)len);
	if (!doc || !json_object_object_get_ex(doc, "return", &ret) ||
	    !json_object_is_type(ret, json_type_object))
		goto out;
	*enabled = json_tri(ret, "enabled");
	*present = json_tri(ret, "present");
	rc = *enabled == NR_TRI_UNKNOWN ? -EINVAL : 0;
out:
	json_object_put(doc);
	if (tok)
		json_tokener_free(tok);
	return rc;
}

void nr_domxml_type(const char *buf, size_t len, char *out, size_t outlen, bool *custom)
{
	const char *s = buf ? memmem(buf, len, "<domain ", 8) : NULL, *gt;

	out[0] = '\0';
	*custom = buf && (memmem(buf, len, "<qemu:commandline", 17) || memmem(buf, len, "<qemu:override", 14));
	if (!s || !(gt = memchr(s, '>', len - (size_t)(s - buf))))
		return;
	nr_span_copy(attr(s, gt, "type"), out, outlen);
}

static bool accel_line(struct nr_span l)
{
	static const char *const needles[] = { "falling back to tcg", "failed to initialize kvm",
		                               "failed to initialize KVM", "Could not access KVM kernel module",
		                               "Back to tcg accelerator", "host doesn't support requested feature",
		                               "kvm: " };
	size_t i;

	for (i = 0; i < sizeof(needles) / sizeof(needles[0]); i++)
		if (memmem(l.p, l.len, needles[i], strlen(needles[i])))
			return true;
	return false;
}

size_t nr_qemu_log_accel(const char *buf, size_t len, char out[][256], size_t max)
{
	const char *start = buf, *p;
	struct nr_span line;
	size_t pos, n = 0, keep = max < NR_ACCEL_LINES_MAX ? max : NR_ACCEL_LINES_MAX;

	if (!buf)
		return 0;
	/* The last start only: the log keeps every run of the domain. */
	for (p = buf; (p = memmem(p, len - (size_t)(p - buf), ": starting up ", 14)) != NULL; p++)
		start = p;
	pos = (size_t)(start - buf);
	while (nr_text_next_line(buf, len, &pos, &line)) {
		if (!accel_line(line))
			continue;
		if (keep && n >= keep)   /* keep the last ones: shift */
			memmove(out[0], out[1], (keep - 1) * sizeof(out[0]));
		if (keep)
			nr_span_copy(nr_span_trim(line), out[n < keep ? n : keep - 1], 256);
		n++;
	}
	return n;
}

size_t nr_host_validate_parse(const char *buf, size_t len, struct nr_validate_item *out,
                              size_t max)
{
	struct nr_span line, check, rest;
	size_t pos = 0, n = 0;

	while (n < max && nr_text_next_line(buf, len, &pos, &line)) {
		const char *colon = NULL, *c;
		struct nr_validate_item *it = &out[n];

		/* "  QEMU: Checking for X    : FAIL (why)": the last " : " splits. */
		for (c = line.p; c + 2 < line.p + line.len; c++)
			if (c[0] == ' ' && c[1] == ':' && c[2] == ' ')
				colon = c;
		if (!colon)
			continue;
		check = nr_span_trim((struct nr_span){ line.p, (size_t)(colon - line.p) });
		rest = nr_span_trim((struct nr_span){ colon + 3, (size_t)(line.p + line.len - colon - 3) });
		if (rest.len < 4 || nr_span_starts(rest, "PASS") ||
		    !(nr_span_starts(rest, "FAIL") || nr_span_starts(rest, "WARN")))
			continue;
		memset(it, 0, sizeof(*it));
		nr_span_copy_collapsed(check, it->check, sizeof(it->check));
		nr_span_copy((struct nr_span){ rest.p, 4 }, it->result, sizeof(it->result));
		rest = nr_span_trim((struct nr_span){ rest.p + 4, rest.len - 4 });
		if (rest.len >= 2 && rest.p[0] == '(' && rest.p[rest.len - 1] == ')')
			rest = (struct nr_span){ rest.p + 1, rest.len - 2 };
		nr_span_copy(rest, it->detail, sizeof(it->detail));
		n++;
	}
	return n;
}
