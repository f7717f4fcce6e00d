#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Validate a JSON document against one of our schemas with a real JSON
Schema validator (Debian's python3-jsonschema, Draft 2020-12).

usage: validate-json.py SCHEMA.json DOCUMENT.json|-
Exit 0 valid, 1 invalid (every error printed), 2 usage/IO error.
"""
import json
import sys

import jsonschema


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1]) as f:
        schema = json.load(f)
    if sys.argv[2] == "-":
        doc = json.load(sys.stdin)
    else:
        with open(sys.argv[2]) as f:
            doc = json.load(f)
    cls = jsonschema.Draft202012Validator
    cls.check_schema(schema)
    errors = sorted(cls(schema, format_checker=cls.FORMAT_CHECKER).iter_errors(doc),
                    key=lambda e: list(e.absolute_path))
    for e in errors:
        where = "/".join(str(p) for p in e.absolute_path) or "(root)"
        print(f"{sys.argv[2]}: {where}: {e.message}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
