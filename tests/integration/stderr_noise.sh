#!/bin/sh
# SPDX-License-Identifier: MIT
# A command that writes a lot to stderr (warnings, deprecation notices)
# before its real output.  nest-report keeps only the first bytes of stderr,
# but must keep draining it: the command must run to completion, with its
# whole stdout stored and its real exit code recorded, not be killed by
# SIGPIPE because we stopped reading its stderr.
. "$(dirname "$0")/../lib.sh"
need_cmd tar zstd

# Noise in bursts, as a slow tool prints warnings: the first burst alone is
# more than nest-report keeps of stderr; the later ones come after a pause.
fake_cmd lscpu 'i=0
while [ $i -lt 60 ]; do
	echo "lscpu: warning: noise line $i on stderr, long enough to matter" >&2
	i=$((i + 1))
	case $i in 20 | 40) sleep 0.3 ;; esac
done
echo "Architecture: x86_64"
echo "Model name: Printed after the noise"
exit 3'

collect_into "$T/out-dir" --only cpu
expect_probe cpu ok
check_integrity
stored=$(cat "$X/levels/l0/cpu/lscpu")
assert_eq "$stored" "Architecture: x86_64
Model name: Printed after the noise" "stdout of a command that was noisy on stderr (exit_code $(mget "art('cpu', 'lscpu')['exit_code']"))"
assert_eq "$(mget "art('cpu', 'lscpu')['exit_code']")" 3 "exit code of a command noisy on stderr"
assert_eq "$(mget "art('cpu', 'lscpu')['truncated']")" false "truncated flag of a complete stdout"
err=$(mget "art('cpu', 'lscpu')['stderr']")
case $err in "lscpu: warning: noise line 0 "*) ;; *) fail "artifact stderr does not start with the command's first stderr line: '$err'" ;; esac
exit 0
