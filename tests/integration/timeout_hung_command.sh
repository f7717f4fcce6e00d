#!/bin/sh
# SPDX-License-Identifier: MIT
# A command that hangs (a fake virsh sleeping 600 s, first in PATH) must not
# hang the run: with --timeout 2 the libvirt probe ends as "timeout", the
# bundle is still written, the run takes seconds, and the whole process
# group of the hung command is killed (the fake's sleep child too).
. "$(dirname "$0")/../lib.sh"
need_cmd tar zstd pgrep

make_sleeper
fake_cmd virsh "\"$FAKEBIN/nr-test-sleep\" 600"

start=$(now_s)
collect_into "$T/out-dir" --timeout 2
elapsed=$(($(now_s) - start))
assert_lt "$elapsed" 30 "seconds for a run with --timeout 2 and a hung virsh"

expect_probe libvirt timeout
err=$(mget "probe('libvirt')['error']")
case $err in *"2 s"*) ;; *) fail "libvirt probe error '$err' does not say it timed out after 2 s" ;; esac
# The hung command is recorded, pointing at our fake.
assert_eq "$(mget "'$FAKEBIN/virsh' in [c['path'] for c in probe('libvirt')['commands']]")" true \
	"the libvirt probe records the virsh it ran"
# The other probes were not held up by it.
no_probe_failed libvirt
check_integrity
# The summary and the warning say so too.
grep -q 'timeout.*libvirt' "$X/summary.txt" || { show "$X/summary.txt"; fail "summary.txt does not report the libvirt timeout"; }
grep -q "libvirt" "$T/err" || { show "$T/err"; fail "no warning about the libvirt timeout on stderr"; }

# Nothing of the fake virsh survives: neither the script nor its sleep.
no_fakes_left "after a timed-out virsh"
exit 0
