#!/bin/sh
# SPDX-License-Identifier: MIT
# `sudo` on a remote level runs the probes through `sudo -n`, and a sudo
# that refuses (as `sudo -n` does when it would need a password) fails that
# level promptly with a message about sudo, never hangs the run.  Three real
# sshd servers on loopback, with fake `sudo` commands first in their PATH:
#   l1 (,sudo)  sudo works (it checks for -n, logs, and runs the command)
#   l2 (,sudo)  sudo says "a password is required" on stderr and exits 1
#   l3          no sudo asked for: its fake sudo must not be run
# A hang is cut short by run_nr's watchdog (read when lib.sh is sourced).
NR_RUN_TIMEOUT=25
. "$(dirname "$0")/../lib.sh"
need_sshd
need_cmd tar zstd

remote_fake_cmd sudo "[ \"\$1\" = -n ] || { echo 'fake sudo: called without -n' >&2; exit 1; }
shift
echo \"\$1 \$2\" >>'$T/sudo-l1.log'
exec \"\$@\"" l1
remote_fake_cmd sudo "echo 'sudo: a password is required' >&2; exit 1" l2
remote_fake_cmd sudo "echo called >>'$T/sudo-l3.log'; exec \"\$@\"" l3
for l in l1 l2 l3; do
	sshd_start "$l" 127.0.0.1 "$(free_port)"
	sshd_trust "$l"
done
port() { read -r _a _p _ns <"$SSHT/sshd-$1/where"; echo "$_p"; }

start=$(now_s)
# shellcheck disable=SC2086
collect_into "$T/out-dir" $SSH_ARGS --only kernel,cpu --timeout 10 \
	--level "l1=root@127.0.0.1:$(port l1),sudo" --level "l2=root@127.0.0.1:$(port l2),sudo" \
	--level "l3=root@127.0.0.1:$(port l3)"
elapsed=$(($(now_s) - start))
soft bundle_valid
# A refusing sudo is seen at once, not after every probe's timeout.
soft assert_lt "$elapsed" 8 "seconds for a run where sudo -n refuses on one level (--timeout 10)"

soft level_complete l1
soft level_complete l3
[ -s "$T/sudo-l1.log" ] || soft fail "l1's probes did not go through sudo -n"
grep -q '^sh -c' "$T/sudo-l1.log" || { show "$T/sudo-l1.log"; soft fail "sudo on l1 did not run the worker shell"; }
[ ! -e "$T/sudo-l3.log" ] || soft fail "sudo was used on l3, which did not ask for it"

# l2: nothing collected is passed off as a result, and the reason names sudo.
ok=$(lget l2 "[p['name'] for p in lv['probes'] if p['status'] == 'ok']")
soft assert_eq "$ok" '[]' "probes ok on l2, where sudo refuses"
why=$(lget l2 "' | '.join(lv['errors'] + [p['error'] for p in lv['probes'] if p['error']])")
case $why in *sudo*) ;; *) soft fail "l2's errors do not mention sudo: $why" ;; esac
verdict
