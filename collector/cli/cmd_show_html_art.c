/* SPDX-License-Identifier: MIT */
/* The artifacts of `show --html`: each member streamed from the bundle in
 * its order (level, then probe), with what the manifest says of it and,
 * for text, its content escaped, up to the page's caps.  A member the
 * manifest does not list is shown and marked; an artifact the manifest
 * lists that never came is listed at the end. */
#include "cmd_show_html.h"
#include "findings/mlevel.h"
#include "msg.h"
#include "transport/transport.h"
#include "util/html.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK 65536

struct group {
	json_object *level, *probe;    /* the headings printed last */
	bool unlisted;
};

static void headings(struct nr_page *p, struct group *g, const struct nr_page_art *art)
{
	if (!art) {
		if (!g->unlisted)
			nr_page_raw(p, "<h3>Bundle files</h3>");
		g->unlisted = true;
		g->level = g->probe = NULL;
		return;
	}
	if (art->level != g->level) {
		nr_page_raw(p, "<h3>Level ");
		nr_page_text(p, nr_mlevel_id(art->level));
		nr_page_raw(p, "</h3>");
		g->probe = NULL;
	}
	if (art->probe != g->probe) {
		nr_page_raw(p, "<h4>Probe ");
		nr_page_text(p, nr_mlevel_string(art->probe, "name"));
		nr_page_raw(p, " <span class=\"small\">(");
		nr_page_text(p, nr_mlevel_string(art->probe, "status"));
		nr_page_raw(p, ")</span></h4>");
	}
	g->level = art->level;
	g->probe = art->probe;
	g->unlisted = false;
}

/* What the manifest says of an artifact, on its summary line. */
static void describe(struct nr_page *p, json_object *art, uint64_t size)
{
	json_object *cmd = nr_mlevel_member(art, "command", json_type_array);
	json_object *exit_code = nr_mlevel_member(art, "exit_code", json_type_int);
	json_object *scrubbed = nr_mlevel_member(art, "scrubbed", json_type_int);
	json_object *trunc = nr_mlevel_member(art, "truncated", json_type_boolean);
	char human[32];
	size_t i;

	nr_msg_human_size(size, human, sizeof(human));
	nr_page_printf(p, " \xc2\xb7 %s", human);
	if (nr_mlevel_string(art, "source")) {
		nr_page_raw(p, " \xc2\xb7 <code>");
		nr_page_text(p, nr_mlevel_string(art, "source"));
		nr_page_raw(p, "</code>");
	}
	if (cmd) {
		nr_page_raw(p, " \xc2\xb7 <code>");
		for (i = 0; i < json_object_array_length(cmd) && i < 32; i++) {
			nr_page_raw(p, i ? " " : "");
			nr_page_text_cut(p, json_object_get_string(json_object_array_get_idx(cmd, i)), 200, false);
		}
		nr_page_raw(p, "</code>");
	}
	if (exit_code && json_object_get_int64(exit_code) != 0)
		nr_page_printf(p, " \xc2\xb7 <span class=\"bad\">exit %lld</span>",
		               (long long)json_object_get_int64(exit_code));
	if (trunc && json_object_get_boolean(trunc))
		nr_page_raw(p, " \xc2\xb7 <span class=\"bad\">truncated</span>");
	if (scrubbed && json_object_get_int64(scrubbed) > 0)
		nr_page_printf(p, " \xc2\xb7 %lld secret%s scrubbed", (long long)json_object_get_int64(scrubbed),
		               json_object_get_int64(scrubbed) == 1 ? "" : "s");
}

/* The member's content: text escaped up to the caps, binary only named.
 * The reader skips what is left unread. */
static int content(struct nr_page *p, struct nr_bundle_reader *r, uint64_t size, char *buf,
                   struct nr_error *err)
{
	unsigned long long room = NR_PAGE_CONTENT_MAX - p->content;
	unsigned long long cap = room < NR_PAGE_ART_SHOW ? room : NR_PAGE_ART_SHOW, shown = 0;
	struct nr_html_esc esc;
	char human[32];
	ssize_t n;
	size_t take;

	if (size == 0) {
		nr_page_raw(p, "<p class=\"small\">(empty)</p>");
		return 0;
	}
	if (cap == 0) {
		nr_page_raw(p, "<p class=\"small\">Not shown: the page holds 32 MiB of content at most; "
		               "<code>nest-report show --probe</code> prints it.</p>");
		return 0;
	}
	nr_html_esc_init(&esc, 0, nr_page_put, p);
	while (shown < cap && (n = nr_bundle_read(r, buf, CHUNK, err)) != 0) {
		if (n < 0)
			return (int)n;
		if (shown == 0 && memchr(buf, '\0', (size_t)n)) {
			nr_msg_human_size(size, human, sizeof(human));
			nr_page_printf(p, "<p class=\"small\">Binary data (%s), not shown: "
			               "<code>nest-report show --extract</code> writes it out.</p>", human);
			return 0;
		}
		if (shown == 0)
			nr_page_raw(p, "<pre>");
		take = (unsigned long long)n < cap - shown ? (size_t)n : (size_t)(cap - shown);
		nr_html_esc_feed(&esc, buf, take);
		shown += take;
	}
	nr_html_esc_finish(&esc);
	p->content += shown;
	nr_page_raw(p, "</pre>");
	if (shown < size) {
		nr_msg_human_size(shown, human, sizeof(human));
		nr_page_printf(p, "<p class=\"small\">The first %s shown; <code>nest-report show --probe</code> "
		               "prints all of it.</p>", human);
	}
	return 0;
}

static int member(struct nr_page *p, struct nr_bundle_reader *r, const struct nr_bundle_member *mb,
                  const struct nr_page_art *art, size_t idx, char *buf, struct nr_error *err)
{
	if (art)
		nr_page_printf(p, "<details id=\"a%zu\"><summary><code>", idx);
	else
		nr_page_raw(p, "<details><summary><code>");
	nr_page_text(p, art ? nr_mlevel_string(art->art, "name") : mb->path);
	nr_page_raw(p, "</code>");
	if (art) {
		describe(p, art->art, mb->size);
		if (nr_mlevel_member(art->art, "size", json_type_int) &&
		    (uint64_t)json_object_get_int64(nr_mlevel_member(art->art, "size", json_type_int)) != mb->size)
			nr_page_raw(p, " \xc2\xb7 <span class=\"bad\">size differs from the manifest</span>");
	} else if (strcmp(mb->path, "summary.txt") != 0) {
		nr_page_raw(p, " \xc2\xb7 <span class=\"bad\">not listed in the manifest</span>");
	}
	nr_page_raw(p, "</summary><div class=\"small\">");
	nr_page_text(p, mb->path);
	if (art && nr_mlevel_string(art->art, "stderr")) {
		nr_page_raw(p, "; stderr: <code>");
		nr_page_text(p, nr_mlevel_string(art->art, "stderr"));
		nr_page_raw(p, "</code>");
	}
	nr_page_raw(p, "</div>");
	if (content(p, r, mb->size, buf, err) < 0)
		return -(err->code ? err->code : EIO);
	nr_page_raw(p, "</details>");
	return 0;
}

/* Listed in the manifest, never met in the bundle: still a link target. */
static void missing(struct nr_page *p)
{
	size_t i, n = 0;

	for (i = 0; i < p->narts; i++) {
		if (p->arts[i].seen || !nr_page_level_wanted(p, p->arts[i].level))
			continue;
		if (n++ == 0)
			nr_page_raw(p, "<h3 class=\"bad\">Listed in the manifest, not in the bundle</h3><ul>");
		nr_page_printf(p, "<li id=\"a%zu\"><code>", i);
		nr_page_text(p, nr_mlevel_string(p->arts[i].art, "path"));
		nr_page_raw(p, "</code></li>");
	}
	if (n)
		nr_page_raw(p, "</ul>");
}

int nr_page_artifacts(struct nr_page *p, struct nr_bundle_reader *r, struct nr_error *err)
{
	struct nr_bundle_member mb;
	struct group g = { 0 };
	char *buf = malloc(CHUNK);
	int rc = 0;

	if (!buf)
		return nr_error_set(err, ENOMEM, "out of memory");
	nr_page_raw(p, "<section id=\"artifacts\"><h2>Artifacts</h2>");
	while (!nr_interrupted && !p->err && (rc = nr_bundle_next(r, &mb, err)) > 0) {
		struct nr_strmap_slot *s = nr_strmap_find(&p->by_path, mb.path);
		size_t idx = s ? (size_t)(uintptr_t)s->val - 1 : 0;
		struct nr_page_art *art = s ? &p->arts[idx] : NULL;

		if (art && !nr_page_level_wanted(p, art->level))
			continue;
		if (art)
			art->seen = true;
		headings(p, &g, art);
		rc = member(p, r, &mb, art, idx, buf, err);
		if (rc < 0)
			break;
	}
	free(buf);
	if (rc < 0)
		return nr_error_wrap(err, "%s", p->a->bundle);
	missing(p);
	nr_page_raw(p, "</section>");
	return 0;
}
