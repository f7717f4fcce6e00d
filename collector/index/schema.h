/* SPDX-License-Identifier: MIT */
/* Creating and migrating the index's tables (schema.c). */
#ifndef NR_INDEX_SCHEMA_H
#define NR_INDEX_SCHEMA_H

#include "store.h"

/* The schema version this binary writes. */
int nr_index_schema_latest(void);

/* Bring the store to the latest schema (creating it when empty); *from is
 * the version it had (0: new).  Refuses (-EPROTO) a newer one. */
int nr_index_schema_migrate(struct nr_store *s, int *from, struct nr_error *err);

#endif
