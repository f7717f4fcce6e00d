/* SPDX-License-Identifier: MIT */
/* The level tree of `show --html` as an inline SVG picture: L0 -> L1 ->
 * L2, each edge labelled with the hypervisor the child detected and how it
 * runs (KVM, TCG, or "?" when the bundle cannot tell), guests seen running
 * but not collected as dashed boxes, and, when nest-report ran inside a VM,
 * that VM's host as a dashed box above it.  Plain SVG, no script, drawn
 * from the manifest alone; every string in it is escaped. */
#include "cmd_show_html.h"
#include "bundle/checklist.h"
#include "findings/mlevel.h"
#include "level/facts.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define NODE_W 210
#define NODE_H 58
#define COL_W 230
#define ROW_H 112
#define MARGIN 12
#define NODES_MAX (NR_PAGE_TREE_LEVELS * (2 + NR_PAGE_TREE_GUESTS))
#define TEXT_CHARS 27

enum kind { LEVEL, GUEST, HOST };

struct node {
	enum kind kind;
	json_object *obj;          /* the level, or the guest */
	int parent, first, last, next;
	int depth;
	double x;
};

struct tree {
	struct node *n;
	int count;
	int slots, max_depth;
};

static int add(struct tree *t, enum kind k, json_object *obj, int parent)
{
	struct node *nd;

	if (t->count >= NODES_MAX)
		return -1;
	nd = &t->n[t->count];
	*nd = (struct node){ k, obj, parent, -1, -1, -1, 0, 0 };
	return t->count++;
}

static void link_child(struct tree *t, int parent, int child)
{
	t->n[child].parent = parent;
	if (t->n[parent].last >= 0)
		t->n[t->n[parent].last].next = child;
	else
		t->n[parent].first = child;
	t->n[parent].last = child;
}

/* The parent's node index, or -1 for a root; a parent chain that loops
 * (a hostile manifest) makes the level a root. */
static int parent_of(struct tree *t, int i)
{
	const char *pid = nr_mlevel_string(t->n[i].obj, "parent");
	int j, p = -1, steps;

	for (j = 0; pid && j < t->count && p < 0; j++) {
		const char *id = nr_mlevel_id(t->n[j].obj);

		if (j != i && t->n[j].kind == LEVEL && id && strcmp(id, pid) == 0)
			p = j;
	}
	for (j = p, steps = 0; j >= 0 && steps <= t->count; steps++) {
		const char *up = nr_mlevel_string(t->n[j].obj, "parent");
		int k, next = -1;

		if (j == i)
			return -1;
		for (k = 0; up && k < t->count && next < 0; k++)
			if (k != j && nr_mlevel_id(t->n[k].obj) && strcmp(nr_mlevel_id(t->n[k].obj), up) == 0)
				next = k;
		j = next;
	}
	return steps > t->count ? -1 : p;
}

static bool guest_collected(json_object *levels, json_object *guest)
{
	return nr_mlevel_find(levels, nr_mlevel_string(guest, "level")) != NULL;
}

static void build(struct tree *t, json_object *levels)
{
	size_t i, n = levels ? json_object_array_length(levels) : 0, g;
	int nlevels, k, root;

	for (i = 0; i < n && i < NR_PAGE_TREE_LEVELS; i++)
		add(t, LEVEL, json_object_array_get_idx(levels, i), -1);
	nlevels = t->count;
	for (k = 0; k < nlevels; k++) {
		int p = parent_of(t, k);
		const char *role = nr_facts_str(nr_mlevel_facts(t->n[k].obj), "virt.role");

		if (p >= 0) {
			link_child(t, p, k);
		} else if (role && strcmp(role, "guest") == 0 && (root = add(t, HOST, t->n[k].obj, -1)) >= 0) {
			/* Ran inside a VM: its host, not collected, above it. */
			link_child(t, root, k);
		}
	}
	for (k = 0; k < nlevels; k++) {
		json_object *guests = nr_mlevel_guests(nr_mlevel_facts(t->n[k].obj));
		int shown = 0, c;

		for (g = 0; guests && g < json_object_array_length(guests) && shown < NR_PAGE_TREE_GUESTS; g++) {
			json_object *gu = json_object_array_get_idx(guests, g);

			if (guest_collected(levels, gu) || (c = add(t, GUEST, gu, -1)) < 0)
				continue;
			link_child(t, k, c);
			shown++;
		}
	}
}

/* Leaves take the next column; a parent sits over its children. */
static void place(struct tree *t, int i, int depth)
{
	int c;

	t->n[i].depth = depth;
	if (depth > t->max_depth)
		t->max_depth = depth;
	if (t->n[i].first < 0) {
		t->n[i].x = t->slots++;
		return;
	}
	for (c = t->n[i].first; c >= 0; c = t->n[c].next)
		place(t, c, depth + 1);
	t->n[i].x = (t->n[t->n[i].first].x + t->n[t->n[i].last].x) / 2;
}

static double cx(const struct node *nd)
{
	return MARGIN + nd->x * COL_W + NODE_W / 2.0;
}

static double top(const struct node *nd)
{
	return MARGIN + nd->depth * ROW_H;
}

static void text_line(struct nr_page *p, double x, double y, const char *weight, const char *s)
{
	nr_page_printf(p, "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\" font-size=\"12\"%s>", x, y,
	               weight);
	nr_page_text_cut(p, s, TEXT_CHARS, true);
	nr_page_raw(p, "</text>");
}

static void draw_level(struct nr_page *p, const struct node *nd)
{
	json_object *lv = nd->obj, *facts = nr_mlevel_facts(lv);
	const char *status = nr_mlevel_string(lv, "status"), *role = nr_facts_str(facts, "virt.role");
	const char *hv = nr_facts_str(facts, "virt.hypervisor"), *who = nr_facts_str(facts, "hostname");
	const char *kernel = nr_facts_str(facts, "kernel.release");
	const char *colour = !status ? "#b00020" : strcmp(status, "ok") == 0 ? "#1b7f3b"
	                     : strcmp(status, "partial") == 0 ? "#a15c00" : "#b00020";
	double x = cx(nd) - NODE_W / 2.0, y = top(nd);
	char line[200];

	nr_page_printf(p, "<g><title>level ");
	nr_page_attr(p, nr_mlevel_id(lv));
	nr_page_raw(p, ": ");
	nr_page_attr(p, status);
	nr_page_printf(p, "</title><rect x=\"%.0f\" y=\"%.0f\" width=\"%d\" height=\"%d\" rx=\"6\" "
	               "fill=\"#fff\" stroke=\"%s\" stroke-width=\"2\"/>", x, y, NODE_W, NODE_H, colour);
	snprintf(line, sizeof(line), "%s%s%s%s", nr_mlevel_id(lv) ? nr_mlevel_id(lv) : "?",
	         role ? " \xc2\xb7 " : "", role ? role : "",
	         role && strcmp(role, "guest") == 0 && hv ? " of " : "");
	if (role && strcmp(role, "guest") == 0 && hv)
		snprintf(line + strlen(line), sizeof(line) - strlen(line), "%s", hv);
	text_line(p, cx(nd), y + 17, " font-weight=\"bold\"", line);
	text_line(p, cx(nd), y + 33, "", who ? who : nr_mlevel_string(lv, "target")
	                                   ? nr_mlevel_string(lv, "target") : "local");
	snprintf(line, sizeof(line), "%s%s%s", status ? status : "?", kernel ? " \xc2\xb7 " : "",
	         kernel ? kernel : "");
	text_line(p, cx(nd), y + 49, "", line);
	nr_page_raw(p, "</g>");
}

static void draw_other(struct nr_page *p, const struct node *nd)
{
	double x = cx(nd) - NODE_W / 2.0, y = top(nd);
	char label[200];

	nr_page_printf(p, "<g><rect x=\"%.0f\" y=\"%.0f\" width=\"%d\" height=\"%d\" rx=\"6\" fill=\"#f6f8fa\" "
	               "stroke=\"#8a8f98\" stroke-dasharray=\"5 4\"/>", x, y, NODE_W, NODE_H);
	if (nd->kind == HOST) {
		text_line(p, cx(nd), y + 22, " font-weight=\"bold\"", "host (not collected)");
		text_line(p, cx(nd), y + 40, "", "nest-report ran in its guest");
	} else {
		nr_mlevel_guest_label(nd->obj, label, sizeof(label));
		text_line(p, cx(nd), y + 17, " font-weight=\"bold\"", label);
		text_line(p, cx(nd), y + 33, "", "guest seen, not collected");
		text_line(p, cx(nd), y + 49, "", nr_mlevel_string(nd->obj, "binary")
		                                      ? nr_mlevel_string(nd->obj, "binary") : "");
	}
	nr_page_raw(p, "</g>");
}

/* The edge into node c: "<hypervisor> · <KVM|TCG|?>", and why. */
static void draw_edge(struct nr_page *p, json_object *levels, const struct node *par, const struct node *c)
{
	const char *hv, *acc;
	char why[320];
	double x1 = cx(par), y1 = top(par) + NODE_H, x2 = cx(c), y2 = top(c);

	if (c->kind == GUEST) {
		acc = nr_mlevel_guest_accel(c->obj, 0);
		hv = nr_mlevel_string(c->obj, "binary") ? "qemu" : "?";
		acc = !acc ? NULL : strcmp(acc, "kvm") == 0 ? "KVM" : strcmp(acc, "tcg") == 0 ? "TCG" : acc;
		snprintf(why, sizeof(why), "accelerator from the guest's command line");
	} else {
		hv = nr_facts_str(nr_mlevel_facts(c->obj), "virt.hypervisor");
		acc = nr_checklist_accel(levels, c->obj, why, sizeof(why));
	}
	nr_page_printf(p, "<g><title>");
	nr_page_attr(p, why);
	nr_page_printf(p, "</title><line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"#555\" "
	               "stroke-width=\"1.5\" marker-end=\"url(#arrow)\"/>", x1, y1, x2, y2);
	/* Beside the line's middle, on a white halo so crossing lines stay
	 * readable. */
	nr_page_printf(p, "<text x=\"%.0f\" y=\"%.0f\" font-size=\"12\" stroke=\"#fff\" stroke-width=\"4\" "
	               "paint-order=\"stroke\" fill=\"%s\">", (x1 + x2) / 2 + 6, (y1 + y2) / 2 + 4,
	               !acc ? "#555" : strcmp(acc, "KVM") == 0 ? "#1b7f3b" : "#b00020");
	nr_page_text_cut(p, hv ? hv : "?", 16, true);
	nr_page_raw(p, " \xc2\xb7 ");
	nr_page_text_cut(p, acc ? acc : "?", 8, true);
	nr_page_raw(p, "</text></g>");
}

void nr_page_tree(struct nr_page *p)
{
	struct tree t = { 0 };
	size_t nlevels = p->levels ? json_object_array_length(p->levels) : 0;
	int i;

	t.n = calloc(NODES_MAX, sizeof(*t.n));
	if (!t.n) {
		p->err = p->err ? p->err : -ENOMEM;
		return;
	}
	build(&t, p->levels);
	for (i = 0; i < t.count; i++)
		if (t.n[i].parent < 0)
			place(&t, i, 0);
	nr_page_printf(p, "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" "
	               "aria-label=\"the level tree\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">"
	               "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" "
	               "markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0L10,5L0,10z\" "
	               "fill=\"#555\"/></marker></defs>",
	               2 * MARGIN + (t.slots ? t.slots : 1) * COL_W, 2 * MARGIN + (t.max_depth + 1) * ROW_H,
	               2 * MARGIN + (t.slots ? t.slots : 1) * COL_W, 2 * MARGIN + (t.max_depth + 1) * ROW_H);
	for (i = 0; i < t.count; i++)
		if (t.n[i].parent >= 0)
			draw_edge(p, p->levels, &t.n[t.n[i].parent], &t.n[i]);
	for (i = 0; i < t.count; i++) {
		if (t.n[i].kind == LEVEL)
			draw_level(p, &t.n[i]);
		else
			draw_other(p, &t.n[i]);
	}
	nr_page_raw(p, "</svg>");
	if (nlevels > NR_PAGE_TREE_LEVELS)
		nr_page_printf(p, "<figcaption class=\"bad\">The first %d of %zu levels are drawn.</figcaption>",
		               NR_PAGE_TREE_LEVELS, nlevels);
	nr_page_raw(p, "</figure>");
	free(t.n);
}
