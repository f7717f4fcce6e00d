#!/bin/sh
# SPDX-License-Identifier: MIT
# nest-report's own JSON Schema validator (verify's schema check) and
# python3-jsonschema agree on real manifests (this machine, the fixture
# sysroots) and on broken variants of them (tests/hostile/schema-mutants.py):
# the valid ones valid, the broken ones rejected by both.
. "$(dirname "$0")/../lib.sh"
need_cmd tar zstd
"$PY" -c 'import jsonschema' 2>/dev/null || skip "needs python3-jsonschema"

mkdir -p "$T/m"
n=0
for src in "" "$SRC_DIR/tests/fixtures/sysroots/intel-host-before" "$SRC_DIR/tests/fixtures/sysroots/intel-host-after"; do
	n=$((n + 1))
	mkdir -p "$T/b$n"
	if [ -n "$src" ]; then
		run_nr collect -o "$T/b$n" --sysroot "$src" --no-sign
	else
		run_nr collect -o "$T/b$n" --only kernel,cpu,kvm,qemu --no-sign
	fi
	expect_rc 0 "collect $src"
	one_bundle "$T/b$n"
	zstd -dc "$BUNDLE" | tar -xO manifest.json >"$T/m/$n.json" || fail "cannot read the manifest of $BUNDLE"
done
"$PY" "$TESTS_DIR/hostile/schema-mutants.py" "$SRC_DIR/schemas/manifest.schema.json" "$T/mut" \
	"$T/m/1.json" "$T/m/2.json" "$T/m/3.json" >"$T/verdicts" || fail "schema-mutants.py failed"

agree=0 valid=0
while read -r dir verdict; do
	# A bundle holding only the manifest: the members check fails (every
	# artifact is missing); the schema check is what is compared.
	tar -C "$dir" -cf "$dir.tar" manifest.json
	run_nr verify "$dir.tar"
	ours=$(sed -n 's/^schema  *\([a-z]*\) .*/\1/p' "$T/out")
	case $ours in pass) ours=valid ;; fail) ours=invalid ;; *) show "$T/out"; fail "$dir: schema check '$ours'" ;; esac
	if [ "$ours" != "$verdict" ]; then
		run_nr verify "$dir.tar" --json
		"$PY" "$TESTS_DIR/validate-json.py" "$SRC_DIR/schemas/manifest.schema.json" "$dir/manifest.json" 2>&1 | head -5 >&2
		jget "$T/out" "m['checks']['schema']['details']" >&2
		fail "$(basename "$dir"): python3-jsonschema says $verdict, nest-report says $ours"
	fi
	agree=$((agree + 1))
	[ "$verdict" = valid ] && valid=$((valid + 1))
done <"$T/verdicts"
assert_gt "$agree" 100 "variants compared"
assert_gt "$valid" 10 "valid variants"
assert_gt $((agree - valid)) 80 "invalid variants"
note "$agree variants: $valid valid, $((agree - valid)) invalid; both validators agree on each"

# Known, deliberate difference: Python's re lets '$' match before a final
# newline; ECMA-262 (what JSON Schema specifies) does not, and neither do we.
"$PY" - "$T/m/1.json" "$T/nl/manifest.json" <<'PYEOF'
import json, os, sys
m = json.load(open(sys.argv[1]))
m["files"][0]["path"] = m["files"][0]["path"] + "\n"
os.makedirs(os.path.dirname(sys.argv[2]), exist_ok=True)
json.dump(m, open(sys.argv[2], "w"))
PYEOF
tar -C "$T/nl" -cf "$T/nl.tar" manifest.json
run_nr verify "$T/nl.tar" --json
assert_eq "$(jget "$T/out" "m['checks']['schema']['status']")" fail "a member path ending in a newline"
exit 0
