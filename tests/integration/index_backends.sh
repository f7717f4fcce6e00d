#!/bin/sh
# SPDX-License-Identifier: MIT
# The index on both backends: one suite of adds and queries run against an
# SQLite file and against a real PostgreSQL server started here (initdb +
# pg_ctl on a Unix socket in the test's directory), asserting what each
# query form must find, and that the two backends answer byte for byte
# the same (--json, the database's name and clock aside).  Bundles come
# from the tool itself: the repository's replay trees and, when present,
# the 19 shared real machines, collected with `collect --sysroot`, plus
# a nested chain and dated variants made from them (tests/index/synth.py).
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/index-lib.sh"
need_cmd zstd

B="$T/bundles"
index_fixture_bundles "$B"
"$PY" "$SYNTH" compose "$B/nested.tar.zst" "$B/intel-before.tar.zst" "$B/firecracker.tar.zst" \
	"$B/intel-after.tar.zst" || fail "synth compose"
mkdir -p "$B/dated"
"$PY" "$SYNTH" set "$B/dated/jan.tar.zst" "$B/intel-before.tar.zst" 'created="2025-01-15T10:00:00Z"' \
	'l0:kernel.release="6.8.0-31-generic"' || fail "synth set"
"$PY" "$SYNTH" set "$B/dated/feb.tar.zst" "$B/intel-after.tar.zst" 'created="2025-02-03T08:30:00Z"' \
	'l0:kernel.release="5.15.0-91-generic"' || fail "synth set"
ALL=6

pg_start
PG=$(pg_createdb nrtest)
SQ="$T/index.sqlite"

# save NAME: keep $T/out, the --json answer, as the backend's result NAME.
save() {
	is_valid_json "$T/out" || { show "$T/out"; fail "$TAG $1: not JSON"; }
	"$PY" "$TESTS_DIR/validate-json.py" "$SRC_DIR/schemas/index.schema.json" "$T/out" >"$T/v.err" 2>&1 ||
		{ show "$T/v.err"; fail "$TAG $1: not valid against index.schema.json"; }
	cp "$T/out" "$T/res/$TAG/$1.json"
}

# q NAME ARGS...: a query, saved; prints the total.
q() {
	_n=$1
	shift
	ix_ok "$DB" query --json --limit 0 "$@"
	save "$_n"
	jget "$T/out" "m['total']"
}

# names: the bundles of the last answer, by file name, sorted.
names() {
	jget "$T/out" "' '.join(sorted(b['path'].rsplit('/', 1)[1] for b in m['bundles']))"
}

suite() {
	DB=$1 TAG=$2
	mkdir -p "$T/res/$TAG"
	ix_ok "$DB" add "$B" --json
	save add
	assert_eq "$(jget "$T/out" "m['added']")" "$ALL" "$TAG: bundles added"
	assert_eq "$(jget "$T/out" "m['refused'] + m['unreadable'] + m['known']")" 0 "$TAG: nothing else"
	# Idempotent: the same bundles again, and one under another name.
	cp "$B/intel-before.tar.zst" "$T/copy-of-before.tar.zst"
	ix_ok "$DB" add "$B" "$T/copy-of-before.tar.zst" --json
	save add-again
	assert_eq "$(jget "$T/out" "m['known']")" "$((ALL + 1))" "$TAG: every bundle known the second time"
	assert_eq "$(jget "$T/out" "[b['known_path'] for b in m['bundles'] if b['path'].endswith('copy-of-before.tar.zst')][0]")" \
		"$B/intel-before.tar.zst" "$TAG: a copy is known under the first path"

	assert_eq "$(q all)" "$ALL" "$TAG: query without filters"
	assert_eq "$(q module --fact kvm.module=kvm_intel)" 5 "$TAG: kvm.module=kvm_intel (intel x4 + nested)"
	assert_eq "$(names)" "feb.tar.zst intel-after.tar.zst intel-before.tar.zst jan.tar.zst nested.tar.zst" \
		"$TAG: the kvm_intel bundles"
	assert_eq "$(q newer --fact 'kernel.release>=6.8')" 3 "$TAG: kernel.release>=6.8 (jan, firecracker's 6.18, nested's l1)"
	assert_eq "$(q newer-l0 --fact 'kernel.release>=6.8' --level l0)" 2 "$TAG: kernel.release>=6.8 on l0"
	assert_eq "$(q older --fact 'kernel.release<6')" 1 "$TAG: kernel.release<6"
	assert_eq "$(names)" "feb.tar.zst" "$TAG: the one older than 6"
	assert_eq "$(q any-module --fact 'kvm.module~kvm')" 6 "$TAG: ~ on every bundle"
	# != : has the key, and no level has that value (nested's l0 does)
	assert_eq "$(q not-intel --fact 'kvm.module!=kvm_intel')" 1 "$TAG: != on any level"
	assert_eq "$(names)" "firecracker.tar.zst" "$TAG: the one without kvm_intel anywhere"
	assert_eq "$(q not-intel-l1 --fact 'kvm.module!=kvm_intel' --level l1)" 1 "$TAG: != on l1"
	assert_eq "$(names)" "nested.tar.zst" "$TAG: nested's l1 is not kvm_intel"
	_pvm=$(q pvm --fact kvm.module=kvm_pvm)
	assert_eq "$_pvm" 2 "$TAG: kvm_pvm (firecracker, and nested's l1)"
	assert_eq "$(q pvm-l0 --fact kvm.module=kvm_pvm --level l0)" 1 "$TAG: kvm_pvm on l0"
	assert_eq "$(q pvm-l1 --fact kvm.module=kvm_pvm --level l1)" 1 "$TAG: kvm_pvm on l1"
	assert_eq "$(names)" "nested.tar.zst" "$TAG: the nested chain has kvm_pvm on l1"
	assert_eq "$(q l2 --level l2)" 1 "$TAG: --level l2 alone"
	assert_eq "$(q finding --finding nested-disabled-l0)" 2 "$TAG: --finding nested-disabled-l0"
	assert_eq "$(names)" "feb.tar.zst intel-after.tar.zst" "$TAG: the bundles with nested off"
	assert_eq "$(q finding-l1 --finding nested-disabled-l0 --level l1)" 0 "$TAG: the finding is never on l1"
	assert_eq "$(q vmx --fact cpu.flags=vmx --fact cpu.vendor=GenuineIntel --level l0)" 5 "$TAG: Intel hosts with vmx"
	assert_eq "$(q xeon --fact 'cpu.model~Xeon(R) Gold')" 5 "$TAG: ~ contains"
	assert_eq "$(q nested-false --fact kvm.nested=false)" 3 "$TAG: a boolean fact (after, feb, nested's l2)"
	assert_eq "$(q count --fact 'cpu.count>=2' --fact 'cpu.count<3' --level l0)" 6 "$TAG: a number compares as a version"
	assert_eq "$(q jan --since 2025-01 --until 2025-01)" 1 "$TAG: --since/--until a month"
	assert_eq "$(q jan-day --since 2025-01-15 --until 2025-01-15)" 1 "$TAG: --since/--until one day"
	assert_eq "$(q before-feb --until 2025-02-02)" 1 "$TAG: --until"
	assert_eq "$(q none --fact kvm.module=no-such-module)" 0 "$TAG: nothing matches"
	assert_eq "$(q injection --fact "kvm.module=x' OR '1'='1")" 0 "$TAG: a quote in a value is a value"
	ix_ok "$DB" query --limit 2 --json
	save limit
	assert_eq "$(jget "$T/out" "(m['total'], len(m['bundles']))")" "[$ALL, 2]" "$TAG: --limit lists 2, counts all"
	ix_ok "$DB" query --limit 1 --until 2025-12 --json
	save limit-until
	assert_eq "$(jget "$T/out" "(m['total'], [b['path'].rsplit('/', 1)[1] for b in m['bundles']])")" \
		'[2, ["feb.tar.zst"]]' "$TAG: newest first (by created)"

	ix_ok "$DB" stats --json
	save stats
	assert_eq "$(jget "$T/out" "[(p['period'], p['bundles']) for p in m['periods']][:2]")" \
		'[["2025-01", 1], ["2025-02", 1]]' "$TAG: stats per month"
	assert_eq "$(jget "$T/out" "[f['bundles'] for f in m['totals']['findings'] if f['rule'] == 'nested-disabled-l0']")" \
		"[2]" "$TAG: stats: a finding's bundles"
	assert_eq "$(jget "$T/out" "[v['bundles'] for v in m['totals']['versions'] if (v['level'], v['software'], v['series']) == ('l0', 'kernel', '6.1')][0]")" \
		3 "$TAG: stats: l0 kernel 6.1 (before, after, nested)"
	ix_ok "$DB" stats --json --by day --level l0 --fact kvm.module=kvm_intel
	save stats-day
	assert_eq "$(jget "$T/out" "m['totals']['bundles']")" 5 "$TAG: stats with filters"

	ix_ok "$DB" refresh --json
	save refresh
	assert_eq "$(jget "$T/out" "m['checked']")" 0 "$TAG: refresh: nothing judged by other rules"
	ix_ok "$DB" refresh --all --json
	save refresh-all
	assert_eq "$(jget "$T/out" "(m['refreshed'], m['changed'])")" "[$ALL, 0]" "$TAG: refresh --all changes nothing"
	note "$TAG: ok"
}

suite "$SQ" sqlite
suite "$PG" postgresql

# The real machines, when the shared fixtures are there: 19 architectures
# and hypervisors more, to compare the backends on.
if index_real_bundles "$T/real"; then
	for TAG in sqlite postgresql; do
		DB=$SQ
		[ "$TAG" = sqlite ] || DB=$PG
		ix_ok "$DB" add "$T/real" --json
		save real-add
		assert_eq "$(jget "$T/out" "m['added']")" 19 "$TAG: real machines added"
		q real-all >/dev/null
		q real-s390 --fact arch_family=s390 >/dev/null
		assert_eq "$(names)" "s390-kvm.tar.zst s390-lpar-drawer.tar.zst s390-lpar.tar.zst s390-zvm.tar.zst" \
			"$TAG: the s390 machines"
		q real-guests --fact virt.role=guest >/dev/null
		q real-new --fact 'kernel.release>=5.10' >/dev/null
		q real-flags --fact cpu.flags=hypervisor >/dev/null
		ix_ok "$DB" stats --json --by year
		save real-stats
		ix_ok "$DB" similar "$T/real/x86_64-64cpu.tar.zst" --json --limit 5
		save real-similar
		assert_eq "$(jget "$T/out" "m['compared']")" 24 "$TAG: similar compares every other bundle"
	done
else
	note "shared fixtures absent: the real machines were not compared"
fi

# The same answers from both, byte for byte, but for the database's name
# and the clock (when a bundle was indexed).
for f in "$T"/res/sqlite/*.json; do
	n=$(basename "$f")
	"$PY" - "$f" "$T/res/postgresql/$n" <<'EOF' || fail "$n: the backends answer differently"
import json, sys
def norm(v):
    if isinstance(v, dict):
        return {k: norm(x) for k, x in v.items() if k not in ("db", "indexed")}
    if isinstance(v, list):
        return [norm(x) for x in v]
    return v
a, b = (norm(json.load(open(p))) for p in sys.argv[1:3])
if a != b:
    sa, sb = (json.dumps(x, indent=1, sort_keys=True).splitlines() for x in (a, b))
    import difflib
    sys.stderr.write("\n".join(list(difflib.unified_diff(sa, sb, "sqlite", "postgresql", lineterm=""))[:60]) + "\n")
    sys.exit(1)
EOF
done
note "sqlite and postgresql agree on $(ls "$T/res/sqlite" | wc -l) answers"
exit 0
