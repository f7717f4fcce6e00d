#!/bin/sh
# SPDX-License-Identifier: MIT
# The findings of a replayed real machine, end to end: each of the 19
# trees of $NR_SHARED_DIR/fixtures/real-machines collected with
# `collect --sysroot`.  The trees hold no /dev, so /dev/kvm is unknown: no
# fail or warn may come of it (a missing vmx or sie flag alone is no
# proof), and the rule that would judge the machine must say, in the
# level's could-not-check finding, that it could not.  Every finding names
# its level and rests on evidence; summary.txt lists each one; the --json
# run summary carries the same findings as the manifest.
. "$(dirname "$0")/../lib.sh"
need_cmd tar zstd

RM=${NR_SHARED_DIR:-}/fixtures/real-machines
[ -n "${NR_SHARED_DIR:-}" ] && [ -d "$RM" ] ||
	skip "shared fixtures absent (NR_SHARED_DIR=${NR_SHARED_DIR:-unset}): findings on real machines skipped"

# machine  fail/warn findings (- none)  a rule that could not check (- none required)
cat >"$T/table" <<'TABLE'
x86_64-64cpu                      -  kvm-unavailable-l0
x86_64-64cpu-linux6.2             -  kvm-unavailable-l0
x86_64-dell_e4310                 -  kvm-unavailable-l0
x86_64-epyc_7451                  -  kvm-unavailable-l0
vbox-win                          -  l1-no-virt-ext
s390-kvm                          -  s390-l1-no-sie
s390-zvm                          -  s390-l1-no-sie
s390-lpar                         -  kvm-unavailable-l0
s390-lpar-drawer                  -  kvm-unavailable-l0
ppc64-POWER7                      -  kvm-unavailable-l0
ppc-qemu                          -  l1-no-kvm-device
arm-A510-A710-A715-X3             -  kvm-unavailable-l0
armv7                             -  kvm-unavailable-l0
rv64-linux                        -  -
rv64-milkvpioneer                 -  -
rv64-visionfive2                  -  -
loongarch-kvm_on_loongson_3c6000  -  -
loongarch-loongson_3a5000_hv      -  -
sparc64                           -  -
TABLE

mkdir -p "$T/trees"
n=0
while read -r machine want unchecked; do
	n=$((n + 1))
	tar -xzf "$RM/$machine.tar.gz" -C "$T/trees" || fail "$machine: cannot unpack"
	rm -rf "$T/bundle"
	collect_into "$T/bundle" --sysroot "$T/trees/$machine" --timeout 20 --json
	cp "$T/out" "$T/run.json"
	validate_schema "$M" manifest.schema.json
	got=$(mget "','.join(f['id'] for f in m['findings'] if f['severity'] != 'info') or '-'")
	assert_eq "$got" "$want" "$machine: fail and warn findings"
	if [ "$unchecked" != - ]; then
		assert_eq "$(mget "any('$unchecked' in e['value'] for f in m['findings'] if f['id'] == 'could-not-check' for e in f['evidence'])")" true \
			"$machine: $unchecked could not check (its /dev/kvm is unknown)"
	fi
	assert_eq "$(mget "all(f['level'] == 'l0' for f in m['findings'])")" true "$machine: every finding is about l0"
	# Unknown facts never fire: every finding that is not about missing
	# evidence rests on at least one piece of evidence.
	assert_eq "$(mget "all(f['evidence'] for f in m['findings'] if not f['id'].startswith('evidence-no-l'))")" true \
		"$machine: findings carry evidence"
	# The run summary and summary.txt say the same.
	assert_eq "$(jget "$T/run.json" "m['findings']")" "$(mget "m['findings']")" "$machine: --json findings"
	mget "'\n'.join('[' + f['id'] + ']' for f in m['findings'])" >"$T/ids"
	while read -r id; do
		grep -qF -- "$id" "$X/summary.txt" || { show "$X/summary.txt" 80; fail "$machine: summary.txt lacks $id"; }
	done <"$T/ids"
	grep -q '^Findings: ' "$X/summary.txt" || fail "$machine: summary.txt has no Findings line"
	note "$machine: $got"
	rm -rf "$T/trees/$machine"
done <"$T/table"
assert_eq "$n" 19 "machines replayed"
exit 0
