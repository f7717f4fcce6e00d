/* SPDX-License-Identifier: MIT */
/* `show BUNDLE --html FILE`: one self-contained page for a maintainer to
 * open.  No script and nothing fetched: the Content-Security-Policy says
 * default-src 'none', and every string from the bundle is escaped
 * (util/html.h), so a hostile bundle's strings stay text.  The page is
 * written to a temporary file beside FILE and renamed over it when whole,
 * as bundles are; "-" writes to stdout. */
#include "cmd_show_html.h"
#include "cmd_signals.h"
#include "commands.h"
#include "bundle/summary.h"
#include "bundle/checklist.h"
#include "findings/findings.h"
#include "findings/mlevel.h"
#include "msg.h"
#include "trust/verify.h"
#include "util/html.h"
#include "util/utf8.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Levels given a table row, a checklist and a probe table: enough for any
 * real topology, and a bound on the work a hostile manifest can ask for. */
#define PAGE_LEVELS_MAX 256

static const char page_style[] =
	"body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1200px;padding:0 1.2em 3em;"
	"color:#1d1d1f;background:#fff}"
	"h1{font-size:1.5em;margin:.8em 0 .2em}h2{border-bottom:2px solid #ddd;margin-top:1.8em}"
	"h3{margin:1.3em 0 .4em}h4{margin:1em 0 .3em;font-size:1em}"
	"code,pre,.mono{font-family:ui-monospace,monospace;font-size:13px}"
	"pre{background:#f6f8fa;border:1px solid #e1e4e8;padding:.6em;overflow:auto;max-height:36em;"
	"white-space:pre-wrap;word-break:break-all}"
	"table{border-collapse:collapse;margin:.4em 0;width:100%}"
	"th,td{border:1px solid #e1e4e8;padding:.25em .5em;text-align:left;vertical-align:top;"
	"overflow-wrap:anywhere}dd,li,h1{overflow-wrap:anywhere}"
	"th{background:#f6f8fa}dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.1em 1em}"
	"dl.meta dt{font-weight:600}dl.meta dd{margin:0}nav a{margin-right:1em}"
	".sev{display:inline-block;min-width:3.2em;font-weight:700;text-align:center;border-radius:3px;"
	"color:#fff;padding:0 .3em;margin-right:.4em}"
	".fail .sev,.missing .st{background:#b00020}.warn .sev{background:#a15c00}"
	".info .sev{background:#0b5cad}.ok .st{background:#1b7f3b}.partial .st{background:#a15c00}.na .st{background:#8a8f98}"
	".st{display:inline-block;min-width:4.5em;text-align:center;color:#fff;border-radius:3px;"
	"font-weight:600}"
	"ul.findings{list-style:none;padding:0}ul.findings li{border-left:4px solid #ccc;"
	"padding:.3em .7em;margin:.5em 0;background:#fafafa}"
	"ul.findings li.fail{border-color:#b00020}ul.findings li.warn{border-color:#a15c00}"
	"ul.findings li.info{border-color:#0b5cad}.fix{margin-top:.2em}.fix b{color:#1b7f3b}"
	".small{color:#555;font-size:.9em}.esc{background:#fde2e1;color:#8a1010;border-radius:2px}"
	".bad{color:#b00020;font-weight:600}details{margin:.3em 0}summary{cursor:pointer}"
	"figure{margin:.5em 0;overflow:auto}svg text{font-family:system-ui,sans-serif}"
	"@media print{pre{max-height:none}details{display:block}}";

/* ---- writing ------------------------------------------------------------ */

int nr_page_put(void *ud, const char *s, size_t n)
{
	struct nr_page *p = ud;

	if (p->err)
		return p->err;
	if (n && fwrite(s, 1, n, p->f) != n)
		p->err = errno ? -errno : -EIO;
	return p->err;
}

void nr_page_raw(struct nr_page *p, const char *s)
{
	nr_page_put(p, s, strlen(s));
}

void nr_page_printf(struct nr_page *p, const char *fmt, ...)
{
	va_list ap;

	if (p->err)
		return;
	va_start(ap, fmt);
	if (vfprintf(p->f, fmt, ap) < 0)
		p->err = errno ? -errno : -EIO;
	va_end(ap);
}

void nr_page_text(struct nr_page *p, const char *s)
{
	nr_html_escape(s ? s : "?", 0, nr_page_put, p);
}

void nr_page_attr(struct nr_page *p, const char *s)
{
	nr_html_escape(s ? s : "?", NR_HTML_ATTR, nr_page_put, p);
}

void nr_page_text_cut(struct nr_page *p, const char *s, size_t max, bool attr)
{
	const unsigned char *u = (const unsigned char *)(s ? s : "?");
	size_t i = 0, chars = 0, len = strlen((const char *)u), n;
	char *copy;

	while (i < len && chars < max) {
		n = nr_utf8_seq_len(u + i, len - i);
		i += n ? n : 1;
		chars++;
	}
	copy = strndup((const char *)u, i);
	if (!copy) {
		p->err = p->err ? p->err : -ENOMEM;
		return;
	}
	nr_html_escape(copy, attr ? NR_HTML_ATTR : 0, nr_page_put, p);
	if (i < len)
		nr_page_raw(p, "...");
	free(copy);
}

void nr_page_art_link(struct nr_page *p, const char *path)
{
	struct nr_strmap_slot *s = path ? nr_strmap_find(&p->by_path, path) : NULL;

	if (s)
		nr_page_printf(p, "<a href=\"#a%zu\">", (size_t)(uintptr_t)s->val - 1);
	nr_page_raw(p, "<code>");
	nr_page_text(p, path);
	nr_page_raw(p, s ? "</code></a>" : "</code>");
}

bool nr_page_level_wanted(const struct nr_page *p, json_object *level)
{
	const char *id = nr_mlevel_id(level);

	return !p->a->level || (id && strcmp(id, p->a->level) == 0);
}

/* ---- the manifest's artifacts, indexed for links ------------------------ */

static int index_artifacts(struct nr_page *p)
{
	size_t i, j, k, n = 0, cap = 0;
	struct nr_page_art *grown;

	for (i = 0; p->levels && i < json_object_array_length(p->levels); i++) {
		json_object *lv = json_object_array_get_idx(p->levels, i);
		json_object *probes = nr_mlevel_member(lv, "probes", json_type_array);

		for (j = 0; probes && j < json_object_array_length(probes); j++) {
			json_object *pr = json_object_array_get_idx(probes, j);
			json_object *arts = nr_mlevel_member(pr, "artifacts", json_type_array);

			for (k = 0; arts && k < json_object_array_length(arts); k++) {
				json_object *art = json_object_array_get_idx(arts, k);
				const char *path = nr_mlevel_string(art, "path");
				int rc;

				if (!path)
					continue;
				if (n == cap) {
					cap = cap ? cap * 2 : 64;
					grown = realloc(p->arts, cap * sizeof(*grown));
					if (!grown)
						return -ENOMEM;
					p->arts = grown;
				}
				rc = nr_strmap_put(&p->by_path, path, (void *)(uintptr_t)(n + 1));
				if (rc < 0)
					return rc;
				if (rc == 0)
					continue;       /* listed twice: the first one wins */
				p->arts[n++] = (struct nr_page_art){ lv, pr, art, false };
			}
		}
	}
	p->narts = n;
	return 0;
}

/* ---- sections ----------------------------------------------------------- */

static void meta_row(struct nr_page *p, const char *name, const char *value)
{
	nr_page_printf(p, "<dt>%s</dt><dd>", name);
	nr_page_text(p, value);
	nr_page_raw(p, "</dd>");
}

static void header(struct nr_page *p, const struct nr_verify_result *v)
{
	json_object *tool = nr_mlevel_member(p->m, "tool", json_type_object);
	json_object *signer = nr_mlevel_member(p->m, "signer", json_type_object);
	json_object *argv = nr_mlevel_member(p->m, "argv", json_type_array);
	const struct nr_check *sig = &v->checks[NR_CHECK_SIGNATURE];
	size_t i;

	nr_page_raw(p, "<header><h1>nest-report bundle from ");
	nr_page_text(p, nr_mlevel_string(p->m, "host"));
	nr_page_raw(p, "</h1><dl class=\"meta\">");
	meta_row(p, "Bundle", p->a->bundle);
	meta_row(p, "Created", nr_mlevel_string(p->m, "created"));
	/* host is the captured machine; this is who replayed its tree. */
	if (nr_mlevel_member(p->m, "replay", json_type_object))
		meta_row(p, "Replayed on",
		         nr_mlevel_string(nr_mlevel_member(p->m, "replay", json_type_object), "host"));
	nr_page_raw(p, "<dt>By</dt><dd>nest-report ");
	nr_page_text(p, nr_mlevel_string(tool, "version"));
	nr_page_raw(p, "</dd>");
	nr_page_printf(p, "<dt>Signature</dt><dd class=\"%s\">",
	               sig->status == NR_CHECK_FAIL ? "bad" : "");
	nr_page_text(p, sig->message);
	nr_page_raw(p, "</dd>");
	if (signer) {
		nr_page_raw(p, "<dt>Signer</dt><dd>");
		nr_page_text(p, nr_mlevel_string(signer, "identity"));
		nr_page_raw(p, " (<span class=\"mono\">");
		nr_page_text(p, nr_mlevel_string(signer, "fingerprint"));
		nr_page_raw(p, "</span>; as the manifest says, not proof)</dd>");
	}
	nr_page_raw(p, "<dt>Command</dt><dd><code>nest-report");
	for (i = 0; argv && i < json_object_array_length(argv) && i < 64; i++) {
		nr_page_raw(p, " ");
		nr_page_text(p, json_object_get_string(json_object_array_get_idx(argv, i)));
	}
	nr_page_printf(p, "</code></dd></dl><p class=\"small\">Findings evaluated again with the rules of "
	               "nest-report %s. Contents are not checked against their sha256 here: "
	               "<code>nest-report verify</code> does.</p></header>", NR_VERSION);
	nr_page_raw(p, "<nav><a href=\"#levels\">Levels</a><a href=\"#findings\">Findings</a>"
	               "<a href=\"#checklist\">Checklist</a><a href=\"#artifacts\">Artifacts</a></nav>");
}

static void levels_table(struct nr_page *p)
{
	char line[512];
	size_t i, shown = 0;

	nr_page_raw(p, "<section id=\"levels\"><h2>Levels</h2>");
	nr_page_tree(p);
	nr_page_raw(p, "<table><tr><th>Level</th><th>Parent</th><th>Transport</th><th>Target</th>"
	               "<th>Status</th><th>What it is</th></tr>");
	for (i = 0; p->levels && i < json_object_array_length(p->levels); i++) {
		json_object *lv = json_object_array_get_idx(p->levels, i);
		json_object *errs = nr_mlevel_member(lv, "errors", json_type_array);
		static const char *const cols[] = { "id", "parent", "transport", "target", "status" };
		size_t c;

		if (!nr_page_level_wanted(p, lv) || shown++ >= PAGE_LEVELS_MAX)
			continue;
		nr_page_raw(p, "<tr>");
		for (c = 0; c < sizeof(cols) / sizeof(cols[0]); c++) {
			nr_page_raw(p, "<td>");
			nr_page_text(p, nr_mlevel_string(lv, cols[c]) ? nr_mlevel_string(lv, cols[c]) : "-");
			nr_page_raw(p, "</td>");
		}
		if (nr_mlevel_reached(lv))
			nr_summary_level_line(nr_mlevel_facts(lv), line, sizeof(line));
		else
			snprintf(line, sizeof(line), "%s", errs && json_object_array_length(errs) > 0
			         ? json_object_get_string(json_object_array_get_idx(errs, 0)) : "not collected");
		nr_page_raw(p, "<td>");
		nr_page_text(p, line);
		nr_page_raw(p, "</td></tr>");
	}
	nr_page_raw(p, "</table>");
	if (shown > PAGE_LEVELS_MAX)
		nr_page_printf(p, "<p class=\"bad\">%zu more levels are not shown here: use --level ID.</p>",
		               shown - PAGE_LEVELS_MAX);
	nr_page_raw(p, "</section>");
}

static void finding(struct nr_page *p, json_object *f)
{
	json_object *ev = nr_mlevel_member(f, "evidence", json_type_array);
	const char *sev = nr_severity_name(nr_findings_severity(f)), *hint = nr_mlevel_string(f, "hint");
	size_t i;
	json_object *cause = nr_mlevel_member(f, "explained_by", json_type_object);

	nr_page_printf(p, "<li class=\"%s\"><span class=\"sev\">%s</span><b>", sev, sev);
	nr_page_text(p, nr_mlevel_string(f, "level"));
	nr_page_raw(p, "</b>: ");
	/* Listed after its cause (findings/cause.h): say which. */
	if (nr_mlevel_string(cause, "id") && nr_mlevel_string(cause, "level")) {
		nr_page_raw(p, "<i>(follows from ");
		nr_page_text(p, nr_mlevel_string(cause, "id"));
		nr_page_raw(p, " on ");
		nr_page_text(p, nr_mlevel_string(cause, "level"));
		nr_page_raw(p, ")</i> ");
	}
	nr_page_text(p, nr_mlevel_string(f, "message"));
	if (hint) {
		nr_page_raw(p, "<div class=\"fix\"><b>Fix:</b> ");
		nr_page_text(p, hint);
		nr_page_raw(p, "</div>");
	}
	for (i = 0; ev && i < json_object_array_length(ev) && i < 16; i++) {
		json_object *e = json_object_array_get_idx(ev, i);

		nr_page_raw(p, "<div class=\"small\">Evidence: ");
		if (nr_mlevel_string(e, "artifact")) {
			nr_page_art_link(p, nr_mlevel_string(e, "artifact"));
			nr_page_raw(p, ": ");
		}
		nr_page_text(p, nr_mlevel_string(e, "value") ? nr_mlevel_string(e, "value") : "");
		nr_page_raw(p, "</div>");
	}
	nr_page_raw(p, "<div class=\"small\">Rule <code>");
	nr_page_text(p, nr_mlevel_string(f, "id"));
	nr_page_raw(p, "</code>");
	if (nr_mlevel_string(f, "source")) {
		nr_page_raw(p, "; from ");
		nr_page_text(p, nr_mlevel_string(f, "source"));
	}
	nr_page_raw(p, "</div></li>");
}

static void findings(struct nr_page *p)
{
	unsigned counts[NR_SEV_COUNT] = { 0 };
	size_t i, n = json_object_array_length(p->findings);

	for (i = 0; i < n; i++) {
		json_object *f = json_object_array_get_idx(p->findings, i);
		const char *lv = nr_mlevel_string(f, "level");

		if (!p->a->level || (lv && strcmp(lv, p->a->level) == 0))
			counts[nr_findings_severity(f)]++;
	}
	nr_page_printf(p, "<section id=\"findings\"><h2>Findings</h2><p>%u fail, %u warn, %u info "
	               "(rules of nest-report %s; <code>nest-report rules</code> lists them)</p>"
	               "<ul class=\"findings\">", counts[NR_SEV_FAIL], counts[NR_SEV_WARN],
	               counts[NR_SEV_INFO], NR_VERSION);
	for (i = 0; i < n; i++) {
		json_object *f = json_object_array_get_idx(p->findings, i);
		const char *lv = nr_mlevel_string(f, "level");

		if (!p->a->level || (lv && strcmp(lv, p->a->level) == 0))
			finding(p, f);
	}
	nr_page_raw(p, "</ul></section>");
}

static void probe_table(struct nr_page *p, json_object *lv)
{
	json_object *probes = nr_mlevel_member(lv, "probes", json_type_array);
	size_t i;

	if (!probes || json_object_array_length(probes) == 0)
		return;
	nr_page_raw(p, "<details><summary>Probes</summary><table><tr><th>Probe</th><th>Status</th>"
	               "<th>ms</th><th>Reason</th></tr>");
	for (i = 0; i < json_object_array_length(probes); i++) {
		json_object *pr = json_object_array_get_idx(probes, i);
		json_object *ms = nr_mlevel_member(pr, "duration_ms", json_type_int);
		json_object *notes = nr_mlevel_member(pr, "notes", json_type_array);
		const char *st = nr_mlevel_string(pr, "status"), *why = nr_mlevel_string(pr, "error");

		if (!why && notes && json_object_array_length(notes) > 0)
			why = json_object_get_string(json_object_array_get_idx(notes, 0));
		nr_page_raw(p, "<tr><td>");
		nr_page_text(p, nr_mlevel_string(pr, "name"));
		nr_page_printf(p, "</td><td class=\"%s\">",
		               st && (strcmp(st, "failed") == 0 || strcmp(st, "timeout") == 0) ? "bad" : "");
		nr_page_text(p, st);
		nr_page_printf(p, "</td><td>%lld</td><td>", ms ? (long long)json_object_get_int64(ms) : -1LL);
		nr_page_text(p, why ? why : "");
		nr_page_raw(p, "</td></tr>");
	}
	nr_page_raw(p, "</table></details>");
}

static void checklist_item(struct nr_page *p, json_object *it)
{
	json_object *arts = nr_mlevel_member(it, "artifacts", json_type_array);
	const char *st = nr_mlevel_string(it, "state"), *value = nr_mlevel_string(it, "value");
	const char *reason = nr_mlevel_string(it, "reason");
	size_t k, n = arts ? json_object_array_length(arts) : 0;

	nr_page_printf(p, "<tr class=\"%s\"><td>", st && strcmp(st, "n/a") == 0 ? "na" : st ? st : "");
	nr_page_text(p, nr_mlevel_string(it, "title"));
	nr_page_raw(p, "</td><td><span class=\"st\">");
	nr_page_text(p, st);
	nr_page_raw(p, "</span></td><td>");
	nr_page_text(p, value ? value : reason ? reason : "");
	for (k = 0; k < n; k++) {
		const char *path = json_object_get_string(json_object_array_get_idx(arts, k));

		if (!path)
			continue;
		nr_page_raw(p, k ? " " : value || reason ? " (" : "(");
		nr_page_art_link(p, path);
		if (k + 1 == n)
			nr_page_raw(p, ")");
	}
	nr_page_raw(p, "</td></tr>");
}

/* The kernel document's checklist, bundle/checklist.h's, as `show` has it. */
static void checklist(struct nr_page *p)
{
	size_t i, k, shown = 0;

	nr_page_raw(p, "<section id=\"checklist\"><h2>Checklist</h2><p class=\"small\">What the kernel "
	               "document <i>Running nested guests with KVM</i> asks a reporter for, level by "
	               "level (\"Reporting bugs from nested setups\").</p>");
	for (i = 0; p->levels && i < json_object_array_length(p->levels); i++) {
		json_object *lv = json_object_array_get_idx(p->levels, i), *cl, *items;

		if (!json_object_is_type(lv, json_type_object) || !nr_page_level_wanted(p, lv) ||
		    shown++ >= PAGE_LEVELS_MAX)
			continue;
		cl = nr_checklist_level(p->levels, lv);
		items = nr_mlevel_member(cl, "items", json_type_array);
		nr_page_raw(p, "<h3>Level ");
		nr_page_text(p, nr_mlevel_id(lv));
		nr_page_raw(p, "</h3><table><tr><th>Item</th><th>State</th><th>What the bundle has</th></tr>");
		for (k = 0; items && k < json_object_array_length(items); k++)
			checklist_item(p, json_object_array_get_idx(items, k));
		json_object_put(cl);
		nr_page_raw(p, "</table>");
		probe_table(p, lv);
	}
	nr_page_raw(p, "</section>");
}

static void page_head(struct nr_page *p)
{
	nr_page_raw(p, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	               "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	               "style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'\">"
	               "<meta name=\"referrer\" content=\"no-referrer\">"
	               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
	               "<meta name=\"generator\" content=\"nest-report " NR_VERSION "\"><title>nest-report: ");
	nr_page_text(p, nr_mlevel_string(p->m, "host"));
	nr_page_raw(p, " ");
	nr_page_text(p, nr_mlevel_string(p->m, "created"));
	nr_page_raw(p, "</title><style>");
	nr_page_raw(p, page_style);
	nr_page_raw(p, "</style></head><body>\n");
}

/* ---- the output file ---------------------------------------------------- */

struct out {
	const char *path;               /* FILE, or NULL for stdout */
	char tmp[PATH_MAX];
	volatile sig_atomic_t live;
	FILE *f;
};

/* Flush, sync and rename into place (commit), or remove. */
static int out_close(struct out *o, bool commit, struct nr_error *err)
{
	int rc = 0;

	if (!o->path)
		return commit && fflush(stdout) != 0 ? nr_error_set(err, errno, "cannot write the page: %s",
		                                                   strerror(errno)) : 0;
	if (o->f && commit && (fflush(o->f) != 0 || ferror(o->f) || fsync(fileno(o->f)) < 0))
		rc = nr_error_set(err, errno ? errno : EIO, "cannot write %s: %s", o->path,
		                  strerror(errno ? errno : EIO));
	if (o->f && fclose(o->f) != 0 && commit && rc == 0)
		rc = nr_error_set(err, errno, "cannot write %s: %s", o->path, strerror(errno));
	o->f = NULL;
	if (commit && rc == 0 && rename(o->tmp, o->path) < 0)
		rc = nr_error_set(err, errno, "cannot rename %s to %s: %s", o->tmp, o->path, strerror(errno));
	if (!commit || rc < 0)
		unlink(o->tmp);
	o->live = 0;
	nr_cmd_signals_unwatch(o->tmp);
	return rc;
}

static int out_open(struct out *o, const char *path, struct nr_error *err)
{
	const char *slash = strrchr(path, '/');
	int dirlen = slash ? (int)(slash - path + 1) : 0, fd, e;
	struct stat sb;

	if (strcmp(path, "-") == 0) {
		o->f = stdout;
		return 0;
	}
	if (!path[dirlen])
		return nr_error_set(err, EINVAL, "'%s': --html wants a file name", path);
	if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode))
		return nr_error_set(err, EISDIR, "%s: not a regular file; --html wants a file name", path);
	if (snprintf(o->tmp, sizeof(o->tmp), "%.*s.%s.tmp-XXXXXX", dirlen, path, path + dirlen) >=
	    (int)sizeof(o->tmp))
		return nr_error_set(err, ENAMETOOLONG, "%s: name too long", path);
	/* The page holds what the bundle holds (dmesg, command lines): 0600,
	 * as the bundle's own members. */
	fd = mkostemp(o->tmp, O_CLOEXEC);
	if (fd < 0)
		return nr_error_set(err, errno, "cannot write %s: %s", path, strerror(errno));
	o->path = path;
	o->live = 1;
	nr_cmd_signals_watch(o->tmp, &o->live);
	nr_cmd_signals_install();
	o->f = fdopen(fd, "w");
	if (!o->f) {
		e = errno;
		close(fd);
		out_close(o, false, NULL);
		return nr_error_set(err, e, "cannot write %s: %s", path, strerror(e));
	}
	return 0;
}

int nr_show_html(struct nr_bundle_reader *r, const struct show_args *a)
{
	struct nr_page p = { 0 };
	struct nr_verify_result v;
	struct nr_error err = { 0 };
	struct out o = { 0 };
	int rc = NR_EXIT_ERROR, io;

	memset(&v, 0, sizeof(v));
	p.a = a;
	p.m = nr_bundle_manifest(r);
	p.levels = nr_mlevel_member(p.m, "levels", json_type_array);
	if (nr_verify_signature(a->bundle, a->allowed, a->identity, &v, &err) < 0)
		goto out;
	p.findings = nr_findings_evaluate(p.levels);
	if (!p.findings || index_artifacts(&p) < 0) {
		nr_error_set(&err, ENOMEM, "out of memory");
		goto out;
	}
	if (out_open(&o, a->html, &err) < 0)
		goto out;
	p.f = o.f;
	page_head(&p);
	header(&p, &v);
	levels_table(&p);
	findings(&p);
	checklist(&p);
	io = nr_page_artifacts(&p, r, &err);
	nr_page_printf(&p, "<footer class=\"small\"><p>Written by nest-report %s show --html.</p></footer>"
	               "</body></html>\n", NR_VERSION);
	if (io == 0 && p.err)
		io = nr_error_set(&err, -p.err, "cannot write %s: %s", o.path ? o.path : "the page",
		                  strerror(-p.err));
	if (io == 0 && nr_interrupted)
		io = nr_error_set(&err, EINTR, "interrupted");
	if (out_close(&o, io == 0, io == 0 ? &err : NULL) == 0 && io == 0)
		rc = NR_EXIT_OK;
	else if (nr_interrupted)
		rc = NR_EXIT_INTERRUPTED;
out:
	if (o.f)
		out_close(&o, false, NULL);
	if (rc == NR_EXIT_ERROR && err.msg[0])
		nr_msg_error("%s", err.msg);
	else if (rc == NR_EXIT_OK && o.path)
		nr_msg_info("wrote %s", o.path);
	json_object_put(p.findings);
	nr_strmap_release(&p.by_path, NULL);
	free(p.arts);
	nr_verify_release(&v);
	return rc;
}
