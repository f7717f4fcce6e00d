#!/bin/sh
# SPDX-License-Identifier: MIT
# `show` on fixture bundles made here, deterministically, from the committed
# sysroots (tests/fixtures/sysroots): the text output with NO_COLOR, after
# normalising times, host names and paths, equals tests/golden/show-*.txt.
# Set NR_UPDATE_GOLDEN=1 to rewrite the golden files (review the diff!).
# Also: --level, --probe content, --json, colour only on a terminal.
. "$(dirname "$0")/../lib.sh"
need_cmd zstd tar

FX="$SRC_DIR/tests/fixtures/sysroots"
GOLD="$SRC_DIR/tests/golden"

# normalise FILE: what varies from run to run, replaced by a word.
normalise() {
	sed -E -e "s|$T|T|g" -e "s|$SRC_DIR|SRC|g" \
		-e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z/TIME/g' \
		-e 's/ on [^ ]+ by nest-report [^ ]+$/ on HOST by nest-report VERSION/' \
		-e 's/ by nest-report [0-9][^ ]*$/ by nest-report VERSION/' \
		-e 's/^Replayed:  on [^ ]+ at /Replayed:  on HOST at /' \
		-e 's/\(rules of nest-report [^)]*\)/(rules of nest-report VERSION)/' \
		-e 's/\(created TIME on [^)]*\)/(created TIME on HOST)/' \
		-e 's/\([0-9.]+ (B|KiB|MiB)\)/(SIZE)/' "$1"
}

# golden NAME FILE: compare (or, with NR_UPDATE_GOLDEN=1, record).
golden() {
	normalise "$2" >"$T/$1.norm"
	if [ "${NR_UPDATE_GOLDEN:-0}" = 1 ]; then
		cp "$T/$1.norm" "$GOLD/$1.txt"
		note "updated tests/golden/$1.txt"
		return 0
	fi
	diff -u "$GOLD/$1.txt" "$T/$1.norm" >"$T/$1.diff" || {
		show "$T/$1.diff" 80
		fail "$1: output differs from tests/golden/$1.txt (NR_UPDATE_GOLDEN=1 rewrites it)"
	}
}

for f in before after; do
	mkdir -p "$T/$f"
	run_nr collect --sysroot "$FX/intel-host-$f" -o "$T/$f/bundle.tar.zst" --no-sign
	expect_rc 0 "collect --sysroot intel-host-$f"
	NO_COLOR=1 run_nr show "$T/$f/bundle.tar.zst"
	expect_rc 0 "show intel-host-$f"
	golden "show-intel-host-$f" "$T/out"
done
B="$T/after/bundle.tar.zst"

# --level: only that level; an unknown one says so.
run_nr show "$B" --level l0
expect_rc 0 "show --level l0"
grep -q '^l0 \[replay\] ok: x86_64, kernel 6.1.0-21-amd64' "$T/out" || { show "$T/out"; fail "show --level l0"; }
run_nr show "$B" --level l9
expect_rc 0 "show --level l9"
grep -q '(no level l9)' "$T/out" || { show "$T/out"; fail "show --level l9"; }

# --probe: the artifact exactly as captured; NAME/ARTIFACT picks one.
run_nr show "$B" --probe kernel/uname-a
expect_rc 0 "show --probe kernel/uname-a"
cmp -s "$T/out" "$FX/intel-host-after/.nest-report/commands/kernel/uname-a.out" ||
	{ show "$T/out"; fail "show --probe kernel/uname-a is not the captured output"; }
run_nr show "$B" --probe kernel
expect_rc 0 "show --probe kernel"
grep -q '^==> levels/l0/kernel/uname-a <==$' "$T/out" || { show "$T/out"; fail "--probe headers"; }
run_nr show "$B" --probe nosuch
expect_rc 1 "show --probe nosuch"
grep -q "level l0 has no probe 'nosuch' (probes: " "$T/err" || { show "$T/err"; fail "--probe nosuch message"; }
run_nr show "$B" --probe dmesg
grep -q "probe 'dmesg' on l0: timeout" "$T/err" || { show "$T/err"; fail "--probe of a timed-out probe: no note"; }
run_nr show "$B" --probe cpu/cpuinfo --json
expect_rc 0 "show --probe --json"
assert_eq "$(jget "$T/out" "m['artifacts'][0]['sha256_ok']")" true "--probe --json sha256_ok"
assert_eq "$(jget "$T/out" "m['artifacts'][0]['content'] == open('$FX/intel-host-after/proc/cpuinfo').read()")" true \
	"--probe --json content"

# --json: levels, findings (re-evaluated), problems.
run_nr show "$B" --json
expect_rc 0 "show --json"
is_valid_json "$T/out" || { show "$T/out"; fail "show --json is not JSON"; }
assert_eq "$(jget "$T/out" "m['levels'][0]['id']")" l0 "show --json levels[0].id"
assert_eq "$(jget "$T/out" "[p['probe'] + ':' + p['status'] for p in m['problems']]")" '["dmesg:timeout", "libvirt:failed"]' "show --json problems"
# The checklist: what is there, and why the rest is not (bundle/checklist.h).
cl="[i for c in m['checklist'] if c['level'] == 'l0' for i in c['items']]"
assert_eq "$(jget "$T/out" "[(i['item'], i['state']) for i in $cl if i['state'] != 'ok']")" \
	'[["cmdline", "n/a"], ["dmesg", "partial"], ["x86info", "missing"], ["sysinfo", "n/a"], ["accel", "n/a"]]' "show --json checklist states"
assert_eq "$(jget "$T/out" "[i['reason'] for i in $cl if i['item'] == 'dmesg'][0]")" \
	"/usr/bin/dmesg did not finish (probe 'dmesg' timeout: timed out after 30 s)" "show --json checklist: dmesg"
assert_eq "$(jget "$T/out" "[i['value'] for i in $cl if i['item'] == 'libvirt'][0]")" 9.0.0 "show --json checklist: libvirt"
assert_eq "$(jget "$T/out" "all(i['reason'] for i in $cl if i['state'] != 'ok')")" true \
	"show --json checklist: a reason for every item not ok"
assert_eq "$(jget "$T/out" "any(f['severity'] == 'fail' for f in m['findings'])")" true "show --json has a fail finding"
assert_eq "$(jget "$T/out" "m['signature']['status']")" skip "show --json signature.status"

# Colour only on a terminal, and never with NO_COLOR.
if command -v script >/dev/null 2>&1; then
	script -qec "$NR_BIN show $B" /dev/null >"$T/tty.out" 2>&1 </dev/null
	grep -q "$(printf '\033')\[" "$T/tty.out" || { show "$T/tty.out"; fail "no colour on a terminal"; }
	NO_COLOR=1 script -qec "$NR_BIN show $B" /dev/null >"$T/tty.out" 2>&1 </dev/null
	grep -q "$(printf '\033')\[" "$T/tty.out" && fail "colour despite NO_COLOR"
	grep "$(printf '\033')\[" "$T/out" && fail "colour on a pipe"
else
	note "no script(1): terminal colour checks skipped"
fi
exit 0
