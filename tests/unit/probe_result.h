/* SPDX-License-Identifier: MIT */
/* Test support: a probe result whose artifacts are made from buffers, so a
 * probe's real parse() runs on fixture content, and nr_facts_derive() on
 * what it fills, without a transport. */
#ifndef NR_TEST_PROBE_RESULT_H
#define NR_TEST_PROBE_RESULT_H

#include <stddef.h>
#include <string.h>
#include <json-c/json.h>

#include "level/level.h"

/* An empty result of the named probe (which must exist). */
void nr_test_result_init(struct nr_probe_result *r, const char *probe);

/* Add artifact `name` holding buf[0..len) (scrubbed and spooled like a
 * real one). */
void nr_test_result_add(struct nr_probe_result *r, const char *name, const char *buf, size_t len);
#define nr_test_result_add_str(r, name, s) nr_test_result_add((r), (name), (s), strlen(s))

/* Run the probe's parse() over the result into facts. */
void nr_test_result_parse(struct nr_probe_result *r, json_object *facts);

void nr_test_result_release(struct nr_probe_result *r);

/* Facts laid out by nr_facts_begin() for an architecture family. */
json_object *nr_test_facts_new(const char *arch_name, enum nr_arch arch);

#endif
