#!/bin/sh
# SPDX-License-Identifier: MIT
# Every class of planted secret (tests/secrets-gen.py), met by a level
# reached over SSH: a real sshd on loopback whose sessions live in a
# private mount namespace where /var/log holds only the generated libvirt
# logs and /proc only the generated QEMU command lines (/proc/PID/cmdline,
# byte for byte what a live QEMU shows: the qemu probe reads them the same
# way, and the machine's own processes, however many, stay out of it), and
# a remote fake virsh printing the generated domain XML.  l0 is collected
# too, with live fake QEMUs in a PID namespace of its own.  Nothing planted
# may reach the bundle from either level.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/secrets-lib.sh"
need_sshd
need_mntns

secrets_gen
fake_virsh
fake_virsh remote

# The remote side: /var/log and /proc replaced in sshd's mount namespace.
mkdir -p "$T/fakeproc"
rpids=""
pid=4100
for a in "$SG"/argv/?; do
	mkdir -p "$T/fakeproc/$pid"
	cp "$a" "$T/fakeproc/$pid/cmdline"
	rpids="$rpids $pid"
	pid=$((pid + 1))
done
SSHD=$(logns_wrapper "$SSHD" "$T/fakeproc")
NR_BIN=$(pidns_wrapper "$(logns_wrapper "$NR_BIN")")

port=$(free_port)
sshd_start l1 127.0.0.1 "$port"
sshd_trust l1

# shellcheck disable=SC2086
collect_into "$T/out-dir" $SSH_ARGS --level "l1=root@127.0.0.1:$port" --only qemu,libvirt \
	--timeout 120
check_integrity
expect_level l1 ok
bundle_no_leaks "collect over ssh"

for lv in l0 l1; do
	if [ "$lv" = l0 ]; then pids=$(cat "$T/ns-qpids"); else pids=$rpids; fi
	for p in $pids; do
		s=$(lget "$lv" "[a['scrubbed'] for p in lv['probes'] if p['name'] == 'qemu' for a in p['artifacts'] if a['name'] == 'cmdline-$p'][0]")
		[ "$s" -gt 0 ] || fail "$lv: cmdline-$p: $s values scrubbed"
	done
	for a in log-vm1.log domain-vm1.xml; do
		s=$(artifact_scrubbed "$lv" libvirt "$a")
		[ "$s" -ge "$N_UNITS" ] || fail "$lv: artifact $a: $s values scrubbed, at least $N_UNITS planted"
	done
	n=$(lget "$lv" "len([g for g in lv['facts']['guests'] if (g['name'] or '').startswith('sec')])")
	assert_eq "$n" "$(echo $pids | wc -w | tr -d ' ')" "$lv: fake QEMUs recognised as guests"
done
exit 0
