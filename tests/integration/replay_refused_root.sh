#!/bin/sh
# SPDX-License-Identifier: MIT
# `collect --sysroot` replays a capture or a copy of /proc and /sys; it is
# not sos's --sysroot (a live root).  `--sysroot /` and a directory that is
# neither are refused with one line, exit 1, and no bundle; a bare /proc
# copy and a bare capture are still taken.
. "$(dirname "$0")/../lib.sh"
need_cmd zstd tar

# refused DIR WHAT PATTERN: exit 1, one line matching PATTERN, nothing written.
refused() {
	rm -rf "$T/out-dir"
	mkdir -p "$T/out-dir"
	run_nr collect --sysroot "$1" -o "$T/out-dir" --no-sign
	expect_rc 1 "$2"
	assert_eq "$(line_count "$T/err")" 1 "lines on stderr for $2"
	grep -q "^nest-report: error: $3" "$T/err" || { show "$T/err"; fail "$2: message"; }
	assert_empty_dir "$T/out-dir" "$2"
}

refused / "--sysroot /" "/ is a live system, not a capture: --sysroot replays a tree made by 'nest-report capture DIR' (unlike sos's --sysroot); to collect this machine, leave --sysroot out"
mkdir -p "$T/empty"
refused "$T/empty" "an empty directory" "$T/empty is neither a capture (no .nest-report/) nor a copy of /proc and /sys"
mkdir -p "$T/etc-copy/etc"
echo host >"$T/etc-copy/etc/hostname"
refused "$T/etc-copy" "a directory of other files" "$T/etc-copy is neither a capture"
# A symlink named proc is not a copy of /proc.
mkdir -p "$T/link"
ln -s /proc "$T/link/proc"
refused "$T/link" "a tree whose proc is a symlink" "$T/link is neither a capture"

mkdir -p "$T/proc-copy/proc"
cp "$SRC_DIR/tests/fixtures/local/cpuinfo-kvm-guest-amd.txt" "$T/proc-copy/proc/cpuinfo"
collect_into "$T/b1" --sysroot "$T/proc-copy" --no-sign
mkdir -p "$T/bare-capture/.nest-report"
printf 'format: 1\n' >"$T/bare-capture/.nest-report/meta"
collect_into "$T/b2" --sysroot "$T/bare-capture" --no-sign
exit 0
