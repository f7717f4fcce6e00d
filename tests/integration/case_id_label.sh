#!/bin/sh
# SPDX-License-Identifier: MIT
# collect --case-id ID --label TEXT: recorded in the manifest (valid against
# the schema, by python3-jsonschema and by verify), in summary.txt and in
# the file name (nest-report-HOST-LABEL-CASE-STAMP, sos's order); `show`
# prints them.  A value outside [A-Za-z0-9._-] (or starting with . _ -,
# empty, over 64) is a usage error that never echoes it and writes nothing;
# a manifest holding such a value fails the schema check of both validators.
. "$(dirname "$0")/../lib.sh"
need_cmd zstd tar
FX="$SRC_DIR/tests/fixtures/sysroots/intel-host-before"

collect_into "$T/b" --sysroot "$FX" --no-sign --case-id 01234567 --label after-upgrade.2
case $(basename "$BUNDLE") in
nest-report-*-after-upgrade.2-01234567-[0-9]*T[0-9]*Z.tar.zst) ;;
*) fail "file name without the label and case id: $(basename "$BUNDLE")" ;;
esac
assert_eq "$(mget "m['case_id']")" 01234567 "manifest case_id"
assert_eq "$(mget "m['label']")" after-upgrade.2 "manifest label"
validate_schema "$M" manifest.schema.json
grep -qx "Case: 01234567 (label: after-upgrade.2)" "$X/summary.txt" || { show "$X/summary.txt"; fail "summary.txt"; }
run_nr verify "$BUNDLE"
expect_rc 0 "verify a bundle with a case id"
grep -q '^schema .*pass' "$T/out" || { show "$T/out"; fail "schema check"; }
run_nr show "$BUNDLE"
expect_rc 0 "show"
grep -qx "Case:      01234567 (label: after-upgrade.2)" "$T/out" || { show "$T/out"; fail "show does not print the case"; }
run_nr show "$BUNDLE" --json
expect_rc 0 "show --json"
assert_eq "$(jget "$T/out" "m['case_id'] + ' ' + m['label']")" "01234567 after-upgrade.2" "show --json"
good=$BUNDLE

# Neither: no Case line, no members (a reader of manifest:1 from before them
# still validates the bundle), the usual name.
collect_into "$T/plain" --sysroot "$FX" --no-sign
assert_eq "$(mget "'case_id' in m or 'label' in m")" false "case_id or label without them"
! grep -q "^Case:" "$X/summary.txt" || fail "a Case line without --case-id"
case $(basename "$BUNDLE") in nest-report-*-[0-9]*T[0-9]*Z.tar.zst) ;; *) fail "name: $BUNDLE" ;; esac

# Unsafe values: exit 2, not echoed, nothing written.
esc=$(printf 'x\033]0;owned\007')
for bad in "a b" "-rf" ".hidden" "" "caf$(printf '\303\251')" "x/../y" "$esc" \
	"$(printf '%065d' 0)"; do
	for opt in --case-id --label; do
		mkdir -p "$T/none"
		run_nr collect --sysroot "$FX" --no-sign -o "$T/none" "$opt" "$bad"
		expect_rc 2 "$opt '$bad'"
		assert_empty_dir "$T/none" "$opt '$bad'"
		! grep -qF "owned" "$T/err" || fail "$opt: the value was echoed"
		grep -q "^nest-report: $opt wants" "$T/err" || { show "$T/err"; fail "$opt '$bad': message"; }
	done
done

# A manifest whose case id is unsafe fails the schema, for both validators.
mkdir -p "$T/t"
(cd "$T/t" && zstd -dc "$good" | tar -x) || fail "cannot unpack"
"$PY" - "$T/t/manifest.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
m["case_id"] = "a b"
json.dump(m, open(sys.argv[1], "w"))
PY
if "$PY" -c 'import jsonschema' 2>/dev/null; then
	"$PY" "$TESTS_DIR/validate-json.py" "$SRC_DIR/schemas/manifest.schema.json" "$T/t/manifest.json" \
		>/dev/null 2>&1 && fail "python3-jsonschema accepts case_id 'a b'"
fi
(cd "$T/t" && tar -c manifest.json summary.txt levels | zstd -q -o "$T/tampered.tar.zst") ||
	fail "cannot repack"
run_nr verify "$T/tampered.tar.zst"
expect_rc 3 "verify a manifest with case_id 'a b'"
grep -q '^schema .*fail' "$T/out" || { show "$T/out"; fail "verify's schema check accepted case_id 'a b'"; }
exit 0
