#!/bin/sh
# SPDX-License-Identifier: MIT
# index refresh, on both backends: bundles judged by other rules (made so
# here by editing the index as an older version would have left it: an
# older rules id, a finding those rules had and these do not, a finding
# they lacked) are judged again from the stored manifests, without the
# bundle files, and what appeared and disappeared is counted; queries
# follow the new findings, and similarity features are made again from the
# stored facts; a second refresh has nothing to do.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/index-lib.sh"
need_cmd zstd sqlite3

index_fixture_bundles "$T/b"
pg_start
PG=$(pg_createdb nrtest)

sql() { # DB SQL
	case $1 in
	postgresql:*) pg_sql "$1" "$2" ;;
	*) sqlite3 "$1" "$2" ;;
	esac
}

suite() {
	DB=$1 TAG=$2
	ix_ok "$DB" add "$T/b"
	ix_ok "$DB" query --finding nested-disabled-l0 --json
	assert_eq "$(jget "$T/out" "m['total']")" 1 "$TAG: intel-after has nested off"
	after=$(jget "$T/out" "m['bundles'][0]['sha256']")
	ix_ok "$DB" similar "$after" --json
	cp "$T/out" "$T/similar-before"
	# As older rules left it: intel-after without its nested finding, and
	# firecracker with one from a rule that no longer exists.
	sql "$DB" "UPDATE nr_bundles SET rules = '0.0.1+000000000000'" >/dev/null
	# ... and with similarity features of another scoring (none at all),
	# and nothing for stats to count.
	sql "$DB" "UPDATE nr_features SET codes = ''" >/dev/null
	sql "$DB" "UPDATE nr_bundles SET hits = '', series = ''" >/dev/null
	ix_ok "$DB" stats --json
	assert_eq "$(jget "$T/out" "m['totals']['findings']")" "[]" "$TAG: stats before the refresh"
	sql "$DB" "DELETE FROM nr_findings WHERE rule = 'nested-disabled-l0'" >/dev/null
	sql "$DB" "INSERT INTO nr_findings (bundle, level, rule, severity) SELECT id, 'l0', 'retired-rule', 'warn'
	           FROM nr_bundles WHERE path LIKE '%firecracker%'" >/dev/null
	ix_ok "$DB" query --finding nested-disabled-l0 --json
	assert_eq "$(jget "$T/out" "m['total']")" 0 "$TAG: the finding is gone from the old judgement"
	# The bundles are moved away: refresh must not need them.
	mv "$T/b" "$T/b-away"
	ix_ok "$DB" refresh --json
	"$PY" "$TESTS_DIR/validate-json.py" "$SRC_DIR/schemas/index.schema.json" "$T/out" >"$T/v.err" 2>&1 ||
		{ show "$T/v.err"; fail "$TAG: refresh --json is not valid against index.schema.json"; }
	assert_eq "$(jget "$T/out" "(m['checked'], m['refreshed'], m['changed'], m['damaged'])")" "[3, 3, 2, 0]" \
		"$TAG: refresh counts"
	assert_eq "$(jget "$T/out" "(m['appeared'], m['disappeared'])")" \
		'[{"nested-disabled-l0": 1}, {"retired-rule": 1}]' "$TAG: what appeared and disappeared"
	mv "$T/b-away" "$T/b"
	ix_ok "$DB" query --finding nested-disabled-l0 --json
	assert_eq "$(jget "$T/out" "m['bundles'][0]['counts']")" '{"fail": 1, "info": 3, "warn": 1}' \
		"$TAG: the counts follow"
	assert_eq "$(sql "$DB" "SELECT count(*) FROM nr_findings WHERE rule = 'retired-rule'")" 0 "$TAG: retired finding gone"
	ix_ok "$DB" stats --json
	assert_eq "$(jget "$T/out" "[f['bundles'] for f in m['totals']['findings'] if f['rule'] == 'nested-disabled-l0']")" \
		"[1]" "$TAG: stats count the refreshed findings"
	assert_eq "$(jget "$T/out" "sum(v['bundles'] for v in m['totals']['versions'] if v['software'] == 'kernel')")" \
		3 "$TAG: stats count versions again"
	ix_ok "$DB" similar "$after" --json
	"$PY" - "$T/similar-before" "$T/out" <<'PYEOF' || fail "$TAG: similarity does not follow the refreshed findings"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
sys.exit([r["score"] for r in a["results"]] != [r["score"] for r in b["results"]])
PYEOF
	ix_ok "$DB" refresh --json
	assert_eq "$(jget "$T/out" "(m['checked'], m['changed'])")" "[0, 0]" "$TAG: nothing left to refresh"
	ix_ok "$DB" refresh
	grep -q "^refreshed 0 of 0 bundles with rules " "$T/out" || { show "$T/out"; fail "$TAG: text output"; }
	# A damaged stored manifest is left as it is, and said.
	sql "$DB" "UPDATE nr_manifests SET manifest = '{not json' WHERE bundle = (SELECT min(id) FROM nr_bundles)" >/dev/null
	ix_ok "$DB" refresh --all --json
	assert_eq "$(jget "$T/out" "(m['checked'], m['refreshed'], m['damaged'])")" "[3, 2, 1]" "$TAG: damaged manifest"
	note "$TAG: ok"
}

suite "$T/index.sqlite" sqlite
suite "$PG" postgresql
exit 0
