#!/bin/sh
# SPDX-License-Identifier: MIT
# Free text no syntax reveals (a domain's <description>) is not scrubbed:
# docs/scrubbing.md says so and suggests --redact-word.  With it, the word
# is hidden everywhere, in any case: artifacts, the manifest (whose argv
# holds the option itself), summary.txt, and a capture tree.  A bad word is
# a usage error that does not repeat it.
. "$(dirname "$0")/../lib.sh"
need_cmd tar zstd

word="ZQ7XK2-pager"
fake_cmd virsh 'case "$*" in
"-r version") echo "Compiled against library: libvirt 9.0.0"; echo "Using library: libvirt 9.0.0" ;;
"-r list --all --name") printf "vm1\n\n" ;;
"-r list --all") printf " Id   Name   State\n" ;;
"-r dumpxml --domain vm1")
	echo "<domain type='"'"'kvm'"'"'><name>vm1</name>"
	echo "  <description>root pw is the pager code zq7xk2-PAGER, ask ops</description>"
	echo "</domain>" ;;
*) exit 1 ;;
esac'

# Without the option the description stays as written.
collect_into "$T/plain" --only libvirt
grep -q -i -F "$word" "$X/levels/l0/libvirt/domain-vm1.xml" ||
	fail "the description should be kept without --redact-word"

# --no-redact: the scrubber hides the word (alone, --redact-word turns on
# redaction, which docs/redaction.md and the redact tests cover).
collect_into "$T/redacted" --only libvirt --no-redact --redact-word "$word" --json
check_integrity
if grep -r -a -i -l -F "$word" "$X" "$T/out" "$T/err"; then
	fail "--redact-word: the word is still in the places listed above"
fi
grep -q "pager code \[scrubbed\], ask ops" "$X/levels/l0/libvirt/domain-vm1.xml" ||
	fail "--redact-word did not leave the marker in the description"
assert_eq "$(mget "'--redact-word' in m['argv']")" true "the option is recorded in the manifest's argv"

run_nr capture --only libvirt --redact-word "$word" "$T/cap"
expect_rc 0 "capture --redact-word"
if grep -r -a -i -l -F "$word" "$T/cap" "$T/out" "$T/err"; then
	fail "capture --redact-word: the word is still in the places listed above"
fi

run_nr collect -o "$T/bad" --no-redact --redact-word "s3"
expect_rc 2 "--redact-word with a 2-byte word"
grep -q -- "--redact-word wants 3 to 256 bytes" "$T/err" || { show "$T/err"; fail "no usage message"; }
if grep -q "s3" "$T/err"; then
	fail "the usage message repeats the word"
fi
exit 0
