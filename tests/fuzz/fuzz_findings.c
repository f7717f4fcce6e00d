/* SPDX-License-Identifier: MIT */
/* The findings engine (collector/findings/findings.c and the rule tables)
 * over a fuzzed levels array, as `show` runs it on a stranger's bundle.
 * Oracle: every finding has a known severity and formats to one line. */
#include "fuzz.h"
#include "findings/findings.h"

#include <json-c/json.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_tokener *tok = json_tokener_new_ex(64);
	json_object *doc, *levels, *findings;
	unsigned counts[NR_SEV_COUNT];
	char line[1024];
	size_t i, n;

	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	doc = json_tokener_parse_ex(tok, (const char *)data, (int)size);
	json_tokener_free(tok);
	levels = doc;
	if (json_object_is_type(doc, json_type_object))
		json_object_object_get_ex(doc, "levels", &levels);
	if (!json_object_is_type(levels, json_type_array) || json_object_array_length(levels) > 64) {
		json_object_put(doc);
		return 0;
	}
	findings = nr_findings_evaluate(levels);
	n = findings ? json_object_array_length(findings) : 0;
	for (i = 0; i < n; i++) {
		json_object *f = json_object_array_get_idx(findings, i);

		NR_FUZZ_ASSERT((unsigned)nr_findings_severity(f) < NR_SEV_COUNT, "unknown severity");
		nr_findings_format_line(f, line, sizeof(line));
		NR_FUZZ_ASSERT(memchr(line, '\0', sizeof(line)), "line unterminated");
	}
	nr_findings_count(findings, counts);
	json_object_put(findings);
	json_object_put(doc);
	return 0;
}
