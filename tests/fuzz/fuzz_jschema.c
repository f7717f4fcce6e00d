/* SPDX-License-Identifier: MIT */
/* The JSON Schema validator (collector/trust/jschema.c): a fuzzed
 * document against the real manifest schema (what `verify` runs on a
 * stranger's manifest), and, when the input holds a NUL, a fuzzed schema
 * before it compiled and run on the document after it. */
#include "fuzz.h"
#include "trust/jschema.h"
#include "util/error.h"

#include <json-c/json.h>

static struct nr_jschema *manifest_schema;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = getenv("NR_FUZZ_SCHEMA_DIR");
	char path[4096];
	struct nr_error err;

	(void)argc;
	(void)argv;
	snprintf(path, sizeof(path), "%s/manifest.schema.json", dir ? dir : "schemas");
	manifest_schema = nr_jschema_load(path, &err);
	if (!manifest_schema) {
		fprintf(stderr, "fuzz_jschema: %s (set NR_FUZZ_SCHEMA_DIR)\n", err.msg);
		abort();
	}
	return 0;
}

static json_object *parse(const uint8_t *data, size_t size)
{
	json_tokener *tok = json_tokener_new_ex(64);
	json_object *o;

	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	o = json_tokener_parse_ex(tok, (const char *)data, (int)size);
	json_tokener_free(tok);
	return o;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, '\0', size);
	json_object *errors = json_object_new_array(), *doc, *schema;
	struct nr_error err;

	if (!nul) {
		doc = parse(data, size);
		if (doc) {
			size_t n = nr_jschema_validate(manifest_schema, doc, errors, 8);

			NR_FUZZ_ASSERT(n == 0 || json_object_array_length(errors) > 0,
			               "invalid without a message");
		}
		json_object_put(doc);
	} else {
		schema = parse(data, (size_t)(nul - data));
		doc = parse(nul + 1, size - (size_t)(nul - data) - 1);
		if (schema && doc) {
			struct nr_jschema *s = nr_jschema_new(schema, &err);

			if (s)
				(void)nr_jschema_validate(s, doc, errors, 8);
			nr_jschema_free(s);
		}
		json_object_put(schema);
		json_object_put(doc);
	}
	json_object_put(errors);
	return 0;
}
