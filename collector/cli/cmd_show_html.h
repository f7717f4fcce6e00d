/* SPDX-License-Identifier: MIT */
/* `show --html FILE`: one self-contained page, written in three files by
 * job: cmd_show_html.c (the file, the page's frame, header, levels,
 * findings, checklist), cmd_show_svg.c (the level tree as an inline SVG
 * picture), cmd_show_html_art.c (the artifacts, streamed from the bundle).
 *
 * Every string that comes from the bundle goes through nr_page_text or
 * nr_page_attr (util/html.h); only our own markup goes through nr_page_raw.
 * Write errors are remembered in the page and reported once at the end. */
#ifndef NR_CMD_SHOW_HTML_H
#define NR_CMD_SHOW_HTML_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>

#include "cmd_show.h"
#include "util/strmap.h"

/* What the page shows of artifact contents: the first 1 MiB of each, and
 * 32 MiB in all, so a page of a 8 GiB bundle still opens in a browser. */
#define NR_PAGE_ART_SHOW (1u << 20)
#define NR_PAGE_CONTENT_MAX (32u << 20)
/* Levels drawn in the tree (the tables list them all), and the guests
 * seen but not collected drawn under each. */
#define NR_PAGE_TREE_LEVELS 64
#define NR_PAGE_TREE_GUESTS 8

/* An artifact the manifest lists: where it is, and whether its member
 * came in the stream. */
struct nr_page_art {
	json_object *level, *probe, *art;
	bool seen;
};

struct nr_page {
	FILE *f;
	int err;                       /* first write error, negative errno */
	const struct show_args *a;
	json_object *m, *levels, *findings;
	struct nr_page_art *arts;      /* in manifest order: anchor "aN" */
	size_t narts;
	struct nr_strmap by_path;      /* member path -> index + 1 */
	unsigned long long content;    /* bytes of content shown so far */
};

void nr_page_raw(struct nr_page *p, const char *s);
void nr_page_printf(struct nr_page *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Text from the bundle, escaped for element text / for an attribute.
 * NULL shows as "?" . */
void nr_page_text(struct nr_page *p, const char *s);
void nr_page_attr(struct nr_page *p, const char *s);
/* At most max characters of s (cut at a character boundary, "..." added). */
void nr_page_text_cut(struct nr_page *p, const char *s, size_t max, bool attr);
/* The callback util/html.h writes through (ud is the page). */
int nr_page_put(void *ud, const char *s, size_t n);
/* A link to the artifact at path when the page shows it, else its path
 * as text. */
void nr_page_art_link(struct nr_page *p, const char *path);

/* Whether a level is shown (--level). */
bool nr_page_level_wanted(const struct nr_page *p, json_object *level);

/* The level tree, as a <figure> with an inline <svg>. */
void nr_page_tree(struct nr_page *p);

/* The artifacts section: every member streamed from r in bundle order,
 * then what the manifest lists that was not there.  0, or a negative
 * errno with err filled (a bundle that turned out to be corrupt). */
int nr_page_artifacts(struct nr_page *p, struct nr_bundle_reader *r, struct nr_error *err);

/* The entry point, from cmd_show.c: returns the exit code. */
int nr_show_html(struct nr_bundle_reader *r, const struct show_args *a);

#endif
