/* SPDX-License-Identifier: MIT */
/* `show --probe` (one probe's artifacts, streamed from the bundle) and
 * `show --extract`. */
#include "bundle/bundle_extract.h"
#include "cmd_show.h"
#include "cmd_trust.h"
#include "commands.h"
#include "findings/mlevel.h"
#include "msg.h"
#include "util/safe_text.h"
#include "util/sha256.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK 65536
#define JSON_CONTENT_MAX (16u * 1024 * 1024)
#define WANT_MAX 256

struct want {
	json_object *art;          /* the manifest's artifact entry */
	json_object *content;      /* --json: the text, or NULL */
	bool seen, binary, cut, sha_ok;
};

/* JSON strings are text: NUL bytes or invalid UTF-8 make it binary. */
static bool is_text(const unsigned char *s, size_t len)
{
	size_t i = 0, k, n;

	while (i < len) {
		if (s[i] == 0)
			return false;
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		n = (s[i] & 0xe0) == 0xc0 ? 1 : (s[i] & 0xf0) == 0xe0 ? 2 : (s[i] & 0xf8) == 0xf0 ? 3 : 0;
		if (n == 0 || s[i] < 0xc2 || s[i] > 0xf4 || i + 1 >= len)
			return false;
		/* No overlong forms, surrogates or code points past U+10FFFF. */
		if ((s[i] == 0xe0 && s[i + 1] < 0xa0) || (s[i] == 0xed && s[i + 1] > 0x9f) ||
		    (s[i] == 0xf0 && s[i + 1] < 0x90) || (s[i] == 0xf4 && s[i + 1] > 0x8f))
			return false;
		for (k = 1; k <= n; k++)
			if (i + k >= len || (s[i + k] & 0xc0) != 0x80)
				return false;
		i += n + 1;
	}
	return true;
}

static void list_names(json_object *arr, const char *key, char *out, size_t outlen)
{
	size_t i;

	out[0] = '\0';
	for (i = 0; arr && i < json_object_array_length(arr); i++) {
		const char *n = nr_mlevel_string(json_object_array_get_idx(arr, i), key);

		if (n && strlen(out) + strlen(n) + 3 < outlen)
			snprintf(out + strlen(out), outlen - strlen(out), "%s%s", out[0] ? ", " : "", n);
	}
}

/* Stream one member to stdout (or into w->content), hashing it. */
static int emit(struct nr_bundle_reader *r, struct want *w, bool json, bool tty, char *buf,
                struct nr_error *err)
{
	unsigned char digest[NR_SHA256_LEN];
	char hex[NR_SHA256_HEX];
	struct nr_sha256 sha;
	size_t kept = 0;
	char *text = json ? malloc(JSON_CONTENT_MAX + 1) : NULL;
	const char *want_sha = nr_mlevel_string(w->art, "sha256");
	size_t held = 0;   /* the start of a character cut by the last read */
	ssize_t n;

	if ((json && !text) || nr_sha256_init(&sha) < 0) {
		free(text);
		return nr_error_set(err, ENOMEM, "out of memory");
	}
	while ((n = nr_bundle_read(r, buf + held, CHUNK - held, err)) > 0) {
		nr_sha256_update(&sha, buf + held, (size_t)n);
		if (json) {
			size_t take = (size_t)n < JSON_CONTENT_MAX - kept ? (size_t)n : JSON_CONTENT_MAX - kept;

			memcpy(text + kept, buf, take);
			kept += take;
			w->cut |= take < (size_t)n;
		} else if (tty) {
			size_t len = held + (size_t)n, tail = nr_text_incomplete_tail(buf, len);

			nr_cmd_write_safe(stdout, buf, len - tail);
			memmove(buf, buf + len - tail, tail);
			held = tail;
		} else {
			fwrite(buf, 1, (size_t)n, stdout);
		}
	}
	if (held)
		nr_cmd_write_safe(stdout, buf, held);
	if (n >= 0 && nr_sha256_final(&sha, digest) == 0) {
		nr_sha256_hex(digest, hex);
		w->sha_ok = want_sha && strcmp(hex, want_sha) == 0;
	}
	nr_sha256_release(&sha);
	if (n >= 0 && json) {
		w->binary = !is_text((const unsigned char *)text, kept);
		w->content = w->binary ? NULL : json_object_new_string_len(text, (int)kept);
	}
	free(text);
	return n < 0 ? (int)n : 0;
}

static json_object *probe_json(const char *level, json_object *probe, struct want *ws, size_t n)
{
	json_object *o = json_object_new_object(), *arts = json_object_new_array();
	size_t i;

	for (i = 0; i < n; i++) {
		json_object *a = json_object_new_object();

		json_object_object_add(a, "name", json_object_get(json_object_object_get(ws[i].art, "name")));
		json_object_object_add(a, "path", json_object_get(json_object_object_get(ws[i].art, "path")));
		json_object_object_add(a, "size", json_object_get(json_object_object_get(ws[i].art, "size")));
		json_object_object_add(a, "sha256_ok", json_object_new_boolean(ws[i].sha_ok));
		json_object_object_add(a, "binary", json_object_new_boolean(ws[i].binary));
		json_object_object_add(a, "content_cut", json_object_new_boolean(ws[i].cut));
		json_object_object_add(a, "content", ws[i].content);
		ws[i].content = NULL;
		json_object_array_add(arts, a);
	}
	json_object_object_add(o, "level", json_object_new_string(level));
	json_object_object_add(o, "probe", json_object_get(probe));
	json_object_object_add(o, "artifacts", arts);
	return o;
}

/* The artifacts asked for, from the manifest; prints why not and returns
 * -1 when there are none. */
static int select_artifacts(const struct show_args *a, json_object *m, const char *level,
                            json_object **probe_out, struct want *ws, size_t *n)
{
	json_object *levels = nr_mlevel_member(m, "levels", json_type_array);
	json_object *lv = nr_mlevel_find(levels, level), *probe, *arts;
	char name[128], names[1024];
	const char *slash = strchr(a->probe, '/'), *art = slash ? slash + 1 : NULL;
	size_t i;

	snprintf(name, sizeof(name), "%.*s", slash ? (int)(slash - a->probe) : (int)strlen(a->probe), a->probe);
	if (!lv) {
		list_names(levels, "id", names, sizeof(names));
		nr_msg_error("no level '%s' in %s (levels: %s)", level, a->bundle, names);
		return -1;
	}
	probe = nr_mlevel_probe(lv, name);
	if (!probe) {
		list_names(nr_mlevel_member(lv, "probes", json_type_array), "name", names, sizeof(names));
		nr_msg_error("level %s has no probe '%s' (probes: %s)", level, name, names);
		return -1;
	}
	*probe_out = probe;
	arts = nr_mlevel_member(probe, "artifacts", json_type_array);
	for (*n = 0, i = 0; arts && i < json_object_array_length(arts) && *n < WANT_MAX; i++) {
		json_object *e = json_object_array_get_idx(arts, i);
		const char *an = nr_mlevel_string(e, "name");

		if (nr_mlevel_string(e, "path") && (!art || (an && strcmp(an, art) == 0)))
			ws[(*n)++].art = e;
	}
	if (*n == 0) {
		list_names(arts, "name", names, sizeof(names));
		if (art)
			nr_msg_error("probe '%s' on %s has no artifact '%s' (artifacts: %s)", name, level, art,
			             names[0] ? names : "none");
		else
			nr_msg_error("probe '%s' on %s has no artifacts (%s%s%s)", name, level,
			             nr_mlevel_string(probe, "status") ? nr_mlevel_string(probe, "status") : "?",
			             nr_mlevel_string(probe, "error") ? ": " : "",
			             nr_mlevel_string(probe, "error") ? nr_mlevel_string(probe, "error") : "");
		return -1;
	}
	if (nr_mlevel_string(probe, "status") && strcmp(nr_mlevel_string(probe, "status"), "ok") != 0)
		nr_msg_warn("probe '%s' on %s: %s%s%s", name, level, nr_mlevel_string(probe, "status"),
		            nr_mlevel_string(probe, "error") ? ": " : "",
		            nr_mlevel_string(probe, "error") ? nr_mlevel_string(probe, "error") : "");
	return 0;
}

/* Read members until every wanted one was printed; the rest is not read. */
static int stream_wanted(struct nr_bundle_reader *r, const struct show_args *a, struct want *ws,
                         size_t n, struct nr_error *err)
{
	bool tty = isatty(STDOUT_FILENO), headers = n > 1 && !a->json;
	struct nr_bundle_member m;
	size_t i, left = n;
	char *buf = malloc(CHUNK);
	int rc = buf ? 0 : nr_error_set(err, ENOMEM, "out of memory");

	while (rc == 0 && left > 0 && (rc = nr_bundle_next(r, &m, err)) > 0) {
		rc = 0;
		for (i = 0; i < n; i++)
			if (!ws[i].seen && strcmp(nr_mlevel_string(ws[i].art, "path"), m.path) == 0)
				break;
		if (i == n)
			continue;
		ws[i].seen = true;
		left--;
		if (headers) {
			printf("%s==> ", left + 1 < n ? "\n" : "");
			nr_cmd_put_safe(stdout, m.path);
			printf(" <==\n");
		}
		rc = emit(r, &ws[i], a->json, tty, buf, err);
	}
	fflush(stdout);
	free(buf);
	return rc;
}

int nr_show_probe(struct nr_bundle_reader *r, const struct show_args *a)
{
	const char *level = a->level ? a->level : "l0";
	json_object *probe = NULL, *o;
	struct want ws[WANT_MAX];
	struct nr_error err = { 0 };
	size_t n = 0, i;
	int rc = NR_EXIT_OK;

	memset(ws, 0, sizeof(ws));
	if (select_artifacts(a, nr_bundle_manifest(r), level, &probe, ws, &n) < 0)
		return NR_EXIT_ERROR;
	if (stream_wanted(r, a, ws, n, &err) < 0) {
		nr_msg_error("%s: %s", a->bundle, err.msg);
		rc = NR_EXIT_ERROR;
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (!ws[i].seen) {
			nr_msg_error("%s is listed in the manifest but not in the bundle",
			             nr_mlevel_string(ws[i].art, "path"));
			rc = NR_EXIT_ERROR;
		} else if (!ws[i].sha_ok) {
			nr_msg_error("%s does not match its sha256 in the manifest: the bundle was altered",
			             nr_mlevel_string(ws[i].art, "path"));
			if (rc == NR_EXIT_OK)
				rc = NR_EXIT_CHECK_FAILED;
		}
	}
	if (a->json) {
		o = probe_json(level, probe, ws, n);
		nr_msg_json(stdout, o);
		json_object_put(o);
	}
out:
	for (i = 0; i < n; i++)
		json_object_put(ws[i].content);
	return rc;
}

struct extract_filter {
	char prefix[256];
};

static bool extract_want(const char *path, void *ud)
{
	const struct extract_filter *f = ud;

	return strcmp(path, "manifest.json") == 0 || strncmp(path, f->prefix, strlen(f->prefix)) == 0;
}

int nr_show_extract(struct nr_bundle_reader *r, const struct show_args *a)
{
	struct extract_filter f;
	struct nr_error err = { 0 };
	size_t written = 0;
	int rc;

	if (a->probe)
		snprintf(f.prefix, sizeof(f.prefix), "levels/%s/%.*s/", a->level ? a->level : "l0",
		         (int)strcspn(a->probe, "/"), a->probe);
	else if (a->level)
		snprintf(f.prefix, sizeof(f.prefix), "levels/%s/", a->level);
	rc = nr_bundle_extract(r, a->extract, a->probe || a->level ? extract_want : NULL, &f, &written, &err);
	if (rc < 0) {
		nr_msg_error("%s: %s (%zu file%s written before)", a->bundle, err.msg, written,
		             written == 1 ? "" : "s");
		return NR_EXIT_ERROR;
	}
	if (!a->json)
		printf("Extracted %zu file%s into %s\n", written, written == 1 ? "" : "s", a->extract);
	else {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "directory", json_object_new_string(a->extract));
		json_object_object_add(o, "extracted", json_object_new_int64((int64_t)written));
		nr_msg_json(stdout, o);
		json_object_put(o);
	}
	return NR_EXIT_OK;
}
