#!/bin/sh
# SPDX-License-Identifier: MIT
# index similar on a known set, on both backends: variants of one real
# setup (the Intel host of tests/fixtures/sysroots), each one change away,
# must rank in the order the documented weights give, with the score
# broken down where the change is; another machine ranks below them all.
# By file or by sha256 prefix, with filters and --limit; a refused bundle
# is exit 3.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/index-lib.sh"
need_cmd zstd

B="$T/bundles"
index_fixture_bundles "$T/fx"
BASE="$T/fx/intel-before.tar.zst"
mkdir -p "$B"
cp "$T/fx/firecracker.tar.zst" "$B/other-machine.tar.zst"
# same-setup: only when it was made differs.
"$PY" "$SYNTH" set "$B/same-setup.tar.zst" "$BASE" 'created="2025-06-01T00:00:00Z"' || fail synth
# patch: the kernel's patch release (same 6.1 series).
"$PY" "$SYNTH" set "$B/patch.tar.zst" "$BASE" 'l0:kernel.release="6.1.0-21-amd64"' || fail synth
# series: another kernel series.
"$PY" "$SYNTH" set "$B/series.tar.zst" "$BASE" 'l0:kernel.release="6.8.0-31-generic"' || fail synth
# nested-off: nested turned off (fact and parameter), which fires a finding.
"$PY" "$SYNTH" set "$B/nested-off.tar.zst" "$BASE" 'l0:kvm.nested=false' \
	'l0:kvm.params.kvm_intel.nested="N"' || fail synth

pg_start
PG=$(pg_createdb nrtest)

ranked() { # the results' file names, best first
	jget "$T/out" "' '.join(r['bundle']['path'].rsplit('/', 1)[1].split('.')[0] for r in m['results'])"
}

group() { # NAME GROUP: that result's group score
	jget "$T/out" "[r['groups']['$2'] for r in m['results'] if r['bundle']['path'].endswith('/$1.tar.zst')][0]"
}

suite() {
	DB=$1 TAG=$2
	ix_ok "$DB" add "$B"
	ix_ok "$DB" similar "$BASE" --json
	"$PY" "$TESTS_DIR/validate-json.py" "$SRC_DIR/schemas/index.schema.json" "$T/out" >"$T/v.err" 2>&1 ||
		{ show "$T/v.err"; fail "$TAG: similar --json is not valid against index.schema.json"; }
	cp "$T/out" "$T/$TAG.json"
	# weights (features.h): kernel release 60 + series 40; kvm.nested 40,
	# a parameter 10, a finding 40.  With W the setup's weight:
	# patch (W-60)/(W+60) > nested-off (W-50)/(W+90) > series (W-100)/(W+100).
	assert_eq "$(ranked)" "same-setup patch nested-off series other-machine" "$TAG: ranking"
	assert_eq "$(jget "$T/out" "m['results'][0]['score']")" 1.0 "$TAG: the same setup scores 1"
	assert_eq "$(jget "$T/out" "m['compared']")" 5 "$TAG: every indexed bundle compared"
	for g in cpu parameters topology findings; do
		assert_eq "$(group patch $g)" 1.0 "$TAG: a kernel patch release changes only versions ($g)"
		assert_eq "$(group series $g)" 1.0 "$TAG: another series changes only versions ($g)"
	done
	"$PY" -c "import sys; a, b = map(float, sys.argv[1:]); sys.exit(not a > b)" \
		"$(group patch versions)" "$(group series versions)" || fail "$TAG: the same series must score higher"
	for g in versions cpu topology; do
		assert_eq "$(group nested-off $g)" 1.0 "$TAG: nested off changes no $g"
	done
	"$PY" -c "import sys; sys.exit(not all(float(x) < 1 for x in sys.argv[1:]))" \
		"$(group nested-off parameters)" "$(group nested-off findings)" ||
		fail "$TAG: nested off shows in parameters and findings"
	"$PY" -c "import sys; sys.exit(not float(sys.argv[1]) < 0.5)" "$(jget "$T/out" "m['results'][4]['score']")" ||
		fail "$TAG: another machine scores under 0.5"

	# By sha256 prefix: an indexed bundle, itself left out.
	sha=$(sha256_of "$B/patch.tar.zst")
	ix_ok "$DB" similar "$(echo "$sha" | cut -c1-10)" --json
	assert_eq "$(jget "$T/out" "m['bundle']['sha256']")" "$sha" "$TAG: found by prefix"
	# from patch: same-setup (W-60)/(W+60), series (W-100)/(W+100),
	# nested-off (W-110)/(W+150): its kernel differs too
	assert_eq "$(ranked)" "same-setup series nested-off other-machine" "$TAG: ranking from patch"
	ix "$DB" similar 0123abcd
	expect_rc 1 "$TAG: an unknown prefix"
	grep -q "no indexed bundle's sha256 starts so" "$T/err" || { show "$T/err"; fail "$TAG: unknown prefix message"; }
	# Filters and --limit.
	ix_ok "$DB" similar "$BASE" --fact kvm.nested=false --json
	assert_eq "$(ranked)" "nested-off" "$TAG: similar with a filter"
	ix_ok "$DB" similar "$BASE" --limit 2 --json
	assert_eq "$(ranked)" "same-setup patch" "$TAG: --limit"
	ix_ok "$DB" similar "$BASE"
	grep -q '^ 1\. score 1\.000 ' "$T/out" || { show "$T/out"; fail "$TAG: text output"; }
	note "$TAG: ok"
}

suite "$T/index.sqlite" sqlite
suite "$PG" postgresql
cmp -s "$T/sqlite.json" "$T/postgresql.json" ||
	"$PY" - "$T/sqlite.json" "$T/postgresql.json" <<'EOF' || fail "the backends rank differently"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
strip = lambda m: [(r["rank"], r["score"], r["groups"], r["bundle"]["sha256"]) for r in m["results"]]
sys.exit(strip(a) != strip(b))
EOF

# A bundle that fails a check is not compared with anything.
zstd -dcq "$BASE" | head -c 5000 >"$T/cut.tar"
ix "$T/index.sqlite" similar "$T/cut.tar"
expect_rc 3 "similar to a truncated bundle"
grep -q "truncated" "$T/err" || { show "$T/err"; fail "the refusal does not say why"; }
exit 0
