/* SPDX-License-Identifier: MIT */
/* Which indexed bundles a query, similar or stats looks at.  Every filter
 * must hold (AND):
 *   --fact KEY OP VALUE   a level has fact KEY (doc.h's dotted names)
 *                         with a value that matches:
 *                           =   equals VALUE            != has KEY, none equals
 *                           ~   contains VALUE
 *                           <  <=  >  >=  compares as versions (version_cmp.h:
 *                                   the leading dotted number; a plain number
 *                                   is a one-part version), values that are no
 *                                   version never match
 *                         on a word set (cpu.flags): = has the word, != lacks
 *                         it, ~ a word contains VALUE (one word, no compare)
 *   --finding RULE        the bundle has that finding (as last judged)
 *   --level ID            the bundle has level ID, and every --fact and
 *                         --finding must hold on that level
 *   --since/--until DATE  its time (created, else indexed) is on or after
 *                         DATE / on or before DATE (YYYY-MM-DD or YYYY-MM,
 *                         UTC; --until includes the whole day or month)
 *
 * The SQL made from them is built from constant fragments with '?'
 * placeholders; every value from the user is a parameter. */
#ifndef NR_INDEX_FILTER_H
#define NR_INDEX_FILTER_H

#include <json-c/json.h>
#include <stddef.h>

#include "doc.h"
#include "store.h"
#include "util/error.h"

#define NR_INDEX_FILTERS_MAX 32

enum nr_fact_op { NR_OP_EQ, NR_OP_NE, NR_OP_CONTAINS, NR_OP_LT, NR_OP_LE, NR_OP_GT, NR_OP_GE };

struct nr_index_fact_filter {
	char key[NR_INDEX_KEY_MAX + 1];
	enum nr_fact_op op;
	char value[NR_INDEX_VALUE_MAX + 1];
	char vkey[NR_INDEX_VKEY_LEN];  /* for the version comparisons */
	char needle[NR_INDEX_VALUE_MAX + 3];   /* a word set's: " word " */
};

struct nr_index_filter {
	char level[40];                /* "" any */
	struct nr_index_fact_filter facts[NR_INDEX_FILTERS_MAX];
	size_t nfacts;
	char findings[NR_INDEX_FILTERS_MAX][NR_INDEX_KEY_MAX + 1];
	size_t nfindings;
	char since[24], until[24];     /* "" none; bounds on bundles.time: >= since, < until */
	char since_arg[16], until_arg[16];   /* as given, for the output */
};

/* Parse one filter into f.  0, or -EINVAL with a message for the user. */
int nr_index_filter_fact(struct nr_index_filter *f, const char *expr, struct nr_error *err);
int nr_index_filter_finding(struct nr_index_filter *f, const char *rule, struct nr_error *err);
int nr_index_filter_level(struct nr_index_filter *f, const char *id, struct nr_error *err);
int nr_index_filter_date(struct nr_index_filter *f, const char *date, int until, struct nr_error *err);

const char *nr_index_op_name(enum nr_fact_op op);

/* The filters as JSON: {level, facts: ["kernel.release>=6.8"], findings,
 * since, until}. */
json_object *nr_index_filter_json(const struct nr_index_filter *f);

/* A statement being built: text and its parameters. */
struct nr_sqlbuf {
	char *sql;
	size_t len, cap;
	struct nr_sql_arg *args;
	size_t nargs, argcap;
	int oom;
};

void nr_sqlbuf_add(struct nr_sqlbuf *b, const char *text);
void nr_sqlbuf_arg(struct nr_sqlbuf *b, struct nr_sql_arg a);
void nr_sqlbuf_release(struct nr_sqlbuf *b);

/* Append " AND <condition>" for every filter, on the bundles table under
 * alias "b" (strings in args point into f, which must outlive b). */
void nr_index_filter_sql(const struct nr_index_filter *f, const struct nr_store_dialect *d,
                         struct nr_sqlbuf *b);

#endif
