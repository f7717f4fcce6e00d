#!/bin/sh
# SPDX-License-Identifier: MIT
# The architecture is learned first, with `uname -m`, and decides which
# probes apply.  On the real libvirt stack (libvirt_real.sh) a TCG guest
# under load took more than the fixed 5 s this step had, and its arch was
# lost without a word.  Now the step has a probe's time (--timeout), and a
# uname that gives no answer is said in the level's errors.
. "$(dirname "$0")/../lib.sh"
need_cmd tar zstd

# 6 s: more than the old fixed 5 s, less than --timeout 20.
fake_cmd uname 'if [ "$1" = -m ]; then sleep 6; echo x86_64; else exec /usr/bin/uname "$@"; fi'
collect_into "$T/slow" --only kernel --timeout 20
assert_eq "$(mget "lv0['facts']['arch']")" x86_64 "facts.arch after a 6 s uname -m"
assert_eq "$(mget "lv0['errors']")" "[]" "level errors after a slow but good uname -m"

# A uname -m that fails: the arch comes from /proc/cpuinfo, and the level
# says why.  facts.arch is what cpuinfo's shape proves (issue 17): on an
# x86_64 kernel, x86_64, with the evidence saying where it came from.
fake_cmd uname 'if [ "$1" = -m ]; then echo "uname: broken" >&2; exit 3; fi; exec /usr/bin/uname "$@"'
collect_into "$T/broken" --only kernel
case $(uname -m) in
x86_64 | i?86)
	assert_eq "$(mget "lv0['facts']['arch_family']")" x86 "arch_family from /proc/cpuinfo"
	assert_eq "$(mget "lv0['facts']['arch']")" "$(uname -m)" "facts.arch from /proc/cpuinfo"
	assert_eq "$(mget "lv0['facts']['evidence']['arch'][0]['detail']")" \
		"no uname -m: what /proc/cpuinfo's shape proves" "evidence for facts.arch"
	;;
esac
assert_eq "$(mget "lv0['errors']")" '["uname -m gave no architecture (failed); guessing it from /proc/cpuinfo"]' \
	"level errors when uname -m fails"
