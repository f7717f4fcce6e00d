/* SPDX-License-Identifier: MIT */
/* A small JSON Schema (draft 2020-12) validator for our own schemas, so
 * that `verify` can check a manifest without Python at run time.
 *
 * It implements the subset schemas/ uses, and refuses (at load) any schema
 * that uses more, so that a keyword is never silently ignored:
 *   type, enum, const, required, properties, additionalProperties (false or
 *   a schema), items (one schema), $ref (a JSON pointer into the same
 *   document, e.g. "#/$defs/level"), pattern, minimum, maximum,
 *   exclusiveMinimum, exclusiveMaximum, minItems, maxItems, minLength,
 *   maxLength, oneOf, anyOf, allOf, not; annotations ($schema, $id, $defs,
 *   title, description, $comment, default, examples) are accepted.
 *
 * Patterns are ECMA-262 regular expressions; they run on POSIX extended
 * regexes.  What both can express translates directly (\d, \w, \s, '.'
 * not matching line breaks, (?: ) groups); leading lookaheads after '^',
 * as in "^(?!/)(?!.*\.\.)[a-z]+$", become separate conditions that must
 * (?=) or must not (?!) match.  Anything else is refused at load.
 * tests/integration/verify_schema_agree.sh checks that this and
 * python3-jsonschema agree on real and broken manifests.
 */
#ifndef NR_JSCHEMA_H
#define NR_JSCHEMA_H

#include <json-c/json.h>
#include <stddef.h>

#include "util/error.h"

struct nr_jschema;

/* Compile a schema (a new reference is taken).  NULL with err filled when
 * it uses what this validator does not implement, or a $ref or pattern is
 * broken. */
struct nr_jschema *nr_jschema_new(json_object *schema, struct nr_error *err);

/* Load and compile a schema file (at most 4 MiB). */
struct nr_jschema *nr_jschema_load(const char *path, struct nr_error *err);

/* The schema's "$id", or NULL. */
const char *nr_jschema_id(const struct nr_jschema *s);

/* Validate doc.  Returns the number of errors (0: valid).  Up to
 * max_errors messages "where: what" are appended to errors (an array; may
 * be NULL). */
size_t nr_jschema_validate(struct nr_jschema *s, json_object *doc, json_object *errors,
                           size_t max_errors);

void nr_jschema_free(struct nr_jschema *s);

#endif
