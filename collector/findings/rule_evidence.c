/* SPDX-License-Identifier: MIT */
/* Evidence for findings: {artifact, value} entries that point into the
 * bundle, so a maintainer can open what a rule saw.  See rule.h. */
#include "rule.h"

#include <stdarg.h>
#include <stdio.h>

static void ev_addv(json_object *ev, const char *artifact, const char *fmt, va_list ap)
{
	json_object *e;
	char value[512];

	if (!json_object_is_type(ev, json_type_array))
		return;
	vsnprintf(value, sizeof(value), fmt, ap);
	e = json_object_new_object();
	json_object_object_add(e, "artifact", artifact ? json_object_new_string(artifact) : NULL);
	json_object_object_add(e, "value", json_object_new_string(value));
	json_object_array_add(ev, e);
}

void nr_rule_ev_add(json_object *ev, const char *artifact, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ev_addv(ev, artifact, fmt, ap);
	va_end(ap);
}

void nr_rule_ev_fact(json_object *ev, json_object *facts, const char *fact, const char *fmt, ...)
{
	json_object *list = nr_mlevel_member(nr_mlevel_member(facts, "evidence", json_type_object),
	                                     fact, json_type_array);
	json_object *first = list && json_object_array_length(list) ? json_object_array_get_idx(list, 0)
	                                                            : NULL;
	va_list ap;

	va_start(ap, fmt);
	ev_addv(ev, nr_mlevel_string(first, "artifact"), fmt, ap);
	va_end(ap);
}

void nr_rule_ev_artifact(json_object *ev, json_object *level, const char *probe,
                         const char *artifact, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ev_addv(ev, nr_mlevel_artifact_path(level, probe, artifact), fmt, ap);
	va_end(ap);
}
