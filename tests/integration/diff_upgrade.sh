#!/bin/sh
# SPDX-License-Identifier: MIT
# `diff A B` on two fixture bundles of one host, before and after an
# upgrade (tests/fixtures/sysroots/intel-host-{before,after}: new kernel
# and QEMU, kvm_intel nested=N, TSX flags gone, dmesg timing out, libvirtd
# down): the text
# equals tests/golden/diff-intel-host.txt (normalised; NR_UPDATE_GOLDEN=1
# rewrites it), --json names each change, a bundle against itself has none.
. "$(dirname "$0")/../lib.sh"
need_cmd zstd

FX="$SRC_DIR/tests/fixtures/sysroots"
for f in before after; do
	mkdir -p "$T/$f"
	run_nr collect --sysroot "$FX/intel-host-$f" -o "$T/$f/bundle.tar.zst" --no-sign
	expect_rc 0 "collect --sysroot intel-host-$f"
done
A="$T/before/bundle.tar.zst" B="$T/after/bundle.tar.zst"

NO_COLOR=1 run_nr diff "$A" "$B"
expect_rc 0 "diff"
sed -E -e "s|$T|T|g" -e 's/\(created [^)]*\)/(created TIME on HOST)/' "$T/out" >"$T/diff.norm"
if [ "${NR_UPDATE_GOLDEN:-0}" = 1 ]; then
	cp "$T/diff.norm" "$SRC_DIR/tests/golden/diff-intel-host.txt"
	note "updated tests/golden/diff-intel-host.txt"
else
	diff -u "$SRC_DIR/tests/golden/diff-intel-host.txt" "$T/diff.norm" >"$T/d" ||
		{ show "$T/d" 80; fail "diff output differs from tests/golden/diff-intel-host.txt"; }
fi

run_nr diff "$A" "$B" --json
expect_rc 0 "diff --json"
is_valid_json "$T/out" || { show "$T/out"; fail "diff --json is not JSON"; }
J="$T/out"
change() { # KEY: "a -> b"
	jget "$J" "[str(c['a']) + ' -> ' + str(c['b']) for c in m['levels'][0]['facts'] if c['key'] == '$1'][0]"
}
assert_eq "$(jget "$J" "m['identical']")" false "identical"
assert_eq "$(change kernel.release)" "6.1.0-18-amd64 -> 6.1.0-21-amd64" "kernel.release"
assert_eq "$(change 'qemu.version[qemu-system-x86_64]')" "7.2.9 -> 8.2.2" "QEMU version"
assert_eq "$(change kvm.params.kvm_intel.nested)" "Y -> N" "kvm_intel nested"
assert_eq "$(change kvm.nested)" "True -> False" "kvm.nested"
assert_eq "$(jget "$J" "m['levels'][0]['cpu_flags']")" '{"added": [], "removed": ["hle", "ospke", "pku", "rtm"]}' "cpu flags"
assert_eq "$(jget "$J" "m['levels'][0]['probes']")" '[{"a": "ok", "b": "timeout", "name": "dmesg"}, {"a": "ok", "b": "failed", "name": "libvirt"}]' "probe changes (libvirtd was down after the upgrade)"
assert_eq "$(jget "$J" "[f['severity'] for f in m['levels'][0]['findings']['appeared']]")" '["fail", "warn"]' "findings appeared (nested off; libvirtd down)"
assert_eq "$(jget "$J" "m['levels'][0]['findings']['disappeared']")" '[]' "findings disappeared"

# In the other direction the finding disappears.
run_nr diff "$B" "$A" --json
assert_eq "$(jget "$T/out" "len(m['levels'][0]['findings']['disappeared'])")" 2 "reverse: disappeared"

run_nr diff "$A" "$A"
expect_rc 0 "diff A A"
grep -q '^No differences\.$' "$T/out" || { show "$T/out"; fail "diff A A"; }
run_nr diff "$A"
expect_rc 2 "diff with one bundle"
run_nr diff "$A" "$T/nope.tar.zst"
expect_rc 1 "diff with a missing bundle"
exit 0
