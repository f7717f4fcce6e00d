/* SPDX-License-Identifier: MIT */
/* Test support: probe results from buffers, see probe_result.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "level/facts.h"
#include "probe_result.h"

void nr_test_result_init(struct nr_probe_result *r, const char *probe)
{
	memset(r, 0, sizeof(*r));
	r->probe = nr_probe_find(probe);
	assert_non_null(r->probe);
	r->commands = json_object_new_array();
	r->notes = json_object_new_array();
}

void nr_test_result_add(struct nr_probe_result *r, const char *name, const char *buf, size_t len)
{
	struct nr_artifact_sink *sink = NULL;
	struct nr_error err = { 0 };
	struct nr_artifact *a;
	struct nr_sink *base;
	const char *tmp = getenv("TMPDIR");
	char path[256];

	r->arts = realloc(r->arts, (r->n_arts + 1) * sizeof(*r->arts));
	assert_non_null(r->arts);
	a = &r->arts[r->n_arts++];
	memset(a, 0, sizeof(*a));
	a->fd = -1;
	snprintf(path, sizeof(path), "levels/l0/%s/%s", r->probe->name, name);
	a->name = strdup(name);
	a->path = strdup(path);
	assert_int_equal(nr_artifact_begin(a, tmp && *tmp ? tmp : "/tmp", 1u << 30, &sink, &err), 0);
	base = nr_artifact_sink_base(sink);
	if (len > 0)
		assert_true(base->write(base, buf, len) >= 0);
	assert_int_equal(nr_artifact_end(a, sink, &err), 0);
}

void nr_test_result_parse(struct nr_probe_result *r, json_object *facts)
{
	struct nr_artifacts view = { r };

	if (r->probe->parse)
		r->probe->parse(&view, facts);
}

void nr_test_result_release(struct nr_probe_result *r)
{
	size_t i;

	for (i = 0; i < r->n_arts; i++)
		nr_artifact_release(&r->arts[i]);
	free(r->arts);
	free(r->error);
	json_object_put(r->commands);
	json_object_put(r->notes);
	memset(r, 0, sizeof(*r));
}

json_object *nr_test_facts_new(const char *arch_name, enum nr_arch arch)
{
	json_object *facts = json_object_new_object();

	nr_facts_begin(facts, arch_name, arch);
	return facts;
}
