#!/bin/sh
# SPDX-License-Identifier: MIT
# A command that crashes (SIGSEGV) is data, not a failure of the run: the
# run succeeds, the artifact is recorded with what it printed before dying
# and exit_code null (it did not exit), and the other probes are unharmed.
. "$(dirname "$0")/../lib.sh"
need_cmd tar zstd

fake_cmd lscpu 'echo "Architecture: x86_64"; echo "partial output"; kill -SEGV $$; echo "not reached"'

collect_into "$T/out-dir"
expect_probe cpu ok
check_integrity
assert_eq "$(mget "art('cpu', 'lscpu')['exit_code']")" null "exit_code of a command killed by SIGSEGV"
assert_eq "$(mget "art('cpu', 'lscpu')['command'][0]")" "$FAKEBIN/lscpu" "the lscpu that ran"
assert_eq "$(cat "$X/levels/l0/cpu/lscpu")" "Architecture: x86_64
partial output" "what the crashing lscpu printed"
assert_eq "$(mget "art('cpu', 'cpuinfo')['size'] > 0")" true "cpuinfo captured beside the crash"
# Every other probe ran normally: none failed or timed out (some may be
# skipped where their tools are not installed), and those that need nothing
# but a Linux kernel are ok.
no_probe_failed
for p in kernel kvm qemu; do
	expect_probe "$p" ok
done
exit 0
