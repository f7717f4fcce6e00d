#!/bin/sh
# SPDX-License-Identifier: MIT
# `nest-report rules` in its three forms, docs/findings.md generated from
# the same table, and the findings of a local run wired through: manifest
# (schema-valid), summary.txt and the run summary, text and --json.
. "$(dirname "$0")/../lib.sh"
need_cmd tar zstd

# The text list names every rule the JSON list has.
run_nr rules --json
expect_rc 0 "rules --json"
cp "$T/out" "$T/rules.json"
is_valid_json "$T/rules.json" || { show "$T/json.err"; fail "rules --json is not JSON"; }
n=$(jget "$T/rules.json" "len(m)")
assert_gt "$n" 20 "rules listed"
assert_eq "$(jget "$T/rules.json" "len(set(r['id'] for r in m)) == len(m)")" true "rule ids are unique"
assert_eq "$(jget "$T/rules.json" "all(r['severity'] in ('fail', 'warn', 'info') and r['hint'] and r['source'] for r in m)")" true \
	"every rule has a severity, a hint and a source"
run_nr rules
expect_rc 0 "rules"
jget "$T/rules.json" "'\n'.join(r['id'] for r in m)" >"$T/ids"
while read -r id; do
	grep -q " $id\$" "$T/out" || fail "'rules' does not list $id"
done <"$T/ids"

# docs/findings.md is exactly the generated markdown.
run_nr rules --markdown
expect_rc 0 "rules --markdown"
if ! diff -u "$SRC_DIR/docs/findings.md" "$T/out" >"$T/doc.diff"; then
	show "$T/doc.diff" 40
	fail "docs/findings.md is stale: nest-report rules --markdown > docs/findings.md"
fi

run_nr rules --json --markdown
expect_rc 2 "rules --json --markdown"
run_nr rules --bogus
expect_rc 2 "rules --bogus"
grep -q "unknown option '--bogus'" "$T/err" || fail "rules --bogus: no usage message"
run_nr rules --help
expect_rc 0 "rules --help"
grep -q '^usage: nest-report rules' "$T/out" || fail "rules --help: no usage"

# A local run: the manifest has findings (schema-valid), summary.txt and the
# run summary list them.
collect_into "$T/b1" --only kernel,cpu,kvm,qemu,dmesg
validate_schema "$M" manifest.schema.json
assert_eq "$(mget "isinstance(m['findings'], list)")" true "manifest findings"
assert_eq "$(mget "[f['severity'] for f in m['findings']] == sorted((f['severity'] for f in m['findings']), key=['fail', 'warn', 'info'].index)")" true \
	"findings sorted fail, warn, info"
grep -q '^Findings: ' "$X/summary.txt" || { show "$X/summary.txt" 60; fail "summary.txt has no Findings section"; }
grep -q '^Findings: ' "$T/out" || { show "$T/out"; fail "the run summary has no Findings line"; }
count=$(mget "len(m['findings'])")
listed=$(grep -cE '^(FAIL|WARN|INFO) [a-z0-9_-]+: .* \[[a-z0-9-]+\]$' "$X/summary.txt" || :)
assert_eq "$listed" "$count" "findings lines in summary.txt"
# The probes not run (--only) are missing evidence, and say so.
assert_eq "$(mget "any(f['id'] == 'evidence-no-dmidecode' or f['id'] == 'evidence-no-x86info' for f in m['findings']) or lv0['facts']['arch_family'] != 'x86'")" true \
	"probes left out by --only show as missing evidence"

rm -rf "$T/b2"
collect_into "$T/b2" --only kernel,cpu --json
assert_eq "$(jget "$T/out" "m['findings']")" "$(mget "m['findings']")" "--json findings equal the manifest's"
exit 0
