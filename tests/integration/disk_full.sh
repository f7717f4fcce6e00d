#!/bin/sh
# SPDX-License-Identifier: MIT
# Running out of space: -o into a tiny tmpfs.  The run must fail (exit 1)
# with an error that says the bundle could not be written and why (no space
# left), and leave the directory empty: no temporary file, no partial
# bundle, no spool file.  Two ways to run out: while spooling artifacts
# (64 KiB is far less than a full collection) and, with room for the spool,
# while writing the bundle itself.
. "$(dirname "$0")/../lib.sh"
need_root "mounting a tmpfs"
need_cmd mount umount

mnt="$T/mnt"
mkdir -p "$mnt"
mount -t tmpfs -o size=64k,mode=0755 nr-test-tmpfs "$mnt" 2>"$T/mount.err" ||
	skip "cannot mount a tmpfs here: $(cat "$T/mount.err")"
at_exit "umount '$mnt' || umount -l '$mnt'"

# expect_no_space WHAT DIR: the last run failed as it should for DIR.
expect_no_space() {
	expect_rc 1 "$1"
	[ ! -s "$T/out" ] || { show "$T/out"; fail "$1: printed a result on stdout though it failed"; }
	errline=$(grep '^nest-report: error: ' "$T/err" | tail -n 1)
	[ -n "$errline" ] || { show "$T/err"; fail "$1: no 'nest-report: error:' line"; }
	assert_empty_dir "$2" "$1: output directory after the failure"
	case $errline in
	*"No space left on device"*) ;;
	*) show "$T/err"; fail "$1: the error does not give the cause (No space left on device): $errline" ;;
	esac
	case $errline in
	*bundle* | *"$2"*) ;;
	*) show "$T/err"; fail "$1: the error does not say the bundle (in $2) could not be written: $errline" ;;
	esac
}

# 1. The spool itself does not fit.
mkdir -p "$mnt/a"
run_nr collect -o "$mnt/a"
soft expect_no_space "full collection into a 64 KiB tmpfs" "$mnt/a"
rm -rf "$mnt/a"

# 2. The spool fits, the bundle does not: leave 16 KiB (4 pages); a small
# collection spools into 3 of them, an uncompressed bundle needs more.
if [ "$(getconf PAGESIZE 2>/dev/null)" = 4096 ]; then
	mkdir -p "$mnt/b"
	free=$(($(stat -f -c '%a * %S' "$mnt")))
	head -c $((free - 16384)) /dev/zero >"$mnt/filler" 2>/dev/null || :
	run_nr collect -o "$mnt/b" --only kernel --compress none
	soft expect_no_space "uncompressed bundle into a nearly full tmpfs" "$mnt/b"
else
	note "page size is not 4 KiB: the bundle-only case is not set up"
fi
verdict
