#!/bin/sh
# SPDX-License-Identifier: MIT
# The command layer says every configuration mistake once, "nest-report:
# warning: FILE:LINE: ...", whatever the command (and however many probe
# threads read the config), and goes on; git's [section] form works.
. "$(dirname "$0")/../lib.sh"
CFG="$XDG_CONFIG_HOME/nest-report/config"
printf '[sign]\n\tenabled = no\n\tkye = ~/.ssh/x\n[uplaod]\n\turl = https://example.org/\n' >"$CFG"

run_nr version
expect_rc 0 "version with a misspelt config"
grep -qx "nest-report: warning: $CFG:3: unknown key 'sign.kye', ignored; did you mean 'sign.key'?" "$T/err" ||
	{ show "$T/err"; fail "no warning naming the line and the closest key"; }
grep -q "nest-report: warning: $CFG:4: unknown section \[uplaod\], its keys are ignored; did you mean \[upload\]?" "$T/err" ||
	{ show "$T/err"; fail "no warning for the misspelt section"; }
assert_eq "$(line_count "$T/err")" 2 "warnings printed for two bad lines"

mkdir -p "$T/b"
run_nr collect --only kernel -o "$T/b"
expect_rc 0 "collect with a misspelt config"
assert_eq "$(grep -c "$CFG:3:" "$T/err")" 1 "times the line-3 warning is printed by collect"
# [sign] enabled = no, in git's form, took effect: no signature, no nagging.
one_bundle "$T/b"
[ ! -e "$BUNDLE.sig" ] || fail "[sign] enabled = no was not applied"
! grep -q "unsigned" "$T/err" || { show "$T/err"; fail "collect nags about signing despite enabled = no"; }
exit 0
