#!/bin/sh
# SPDX-License-Identifier: MIT
# A dmesg larger than --max-artifact-size is a truncated artifact, not a
# failed probe: the probe is ok, the artifact holds exactly the cap, is
# marked truncated and has no exit code (the status it ended with is ours:
# stopped at the cap), and the facts of its first lines are still parsed.
# Locally (the group is killed at the cap) and over SSH against a real sshd
# (head -c closes the pipe on the far side: dmesg dies of SIGPIPE).
. "$(dirname "$0")/../lib.sh"
need_cmd tar zstd yes head

body='printf "%s\n" "[    0.000000] Linux version 6.1.0-test (gcc) #1 SMP" "[    0.000000] Hypervisor detected: KVM"
exec yes "[ 1234.567890] kvm: vcpu 3 ignored rdmsr: 0x4b564d05 data 0x0 nested handling"'

check_dmesg() { # LEVEL WHAT
	soft assert_eq "$(lget "$1" "[p['status'] for p in lv['probes'] if p['name'] == 'dmesg'][0]")" ok \
		"$2: dmesg probe status"
	_a="[a for p in lv['probes'] if p['name'] == 'dmesg' for a in p['artifacts']][0]"
	soft assert_eq "$(lget "$1" "$_a['size']")" 1048576 "$2: dmesg artifact size"
	soft assert_eq "$(lget "$1" "$_a['truncated']")" true "$2: dmesg truncated"
	soft assert_eq "$(lget "$1" "$_a['exit_code']")" null "$2: dmesg exit code (stopped by us)"
	soft assert_eq "$(lget "$1" "lv['facts']['kernel']['hypervisor_detected']")" KVM \
		"$2: a fact from the first lines"
	soft assert_eq "$(lget "$1" "lv['facts']['kernel']['dmesg_captured']")" true \
		"$2: dmesg from boot"
}

fake_cmd dmesg "$body"
collect_into "$T/local" --only dmesg --max-artifact-size 1M --timeout 20
check_dmesg l0 local
check_integrity
no_fakes_left "after a capped local dmesg"

if [ "$(id -u)" = 0 ] && [ -x /usr/sbin/sshd ]; then
	need_sshd
	port=$(free_port)
	sshd_start l1 127.0.0.1 "$port"
	sshd_trust l1
	remote_fake_cmd dmesg "$body"
	# shellcheck disable=SC2086
	collect_into "$T/remote" $SSH_ARGS --level "l1=root@127.0.0.1:$port" --only dmesg \
		--max-artifact-size 1M --timeout 20
	check_dmesg l1 "over ssh"
	check_integrity
	no_fakes_left "after a capped remote dmesg"
else
	note "not root or no sshd: only the local case is tried"
fi
verdict
