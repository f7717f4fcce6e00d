#!/bin/sh
# Every class of planted secret (tests/secrets-gen.py), met by a level
# reached over SSH: a real sshd on loopback whose sessions live in a
# private mount namespace with only the generated libvirt logs in
# /var/log, a remote fake virsh printing the generated domain XML, and
# fake QEMU processes with the generated argv (the level is this machine
# seen over SSH, so it sees them).  l0 runs in its own such namespace.
# Nothing planted may reach the bundle from either level.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/secrets-lib.sh"
need_sshd
need_mntns

secrets_gen
start_fake_qemus
fake_virsh
fake_virsh remote
SSHD=$(logns_wrapper "$SSHD")
NR_BIN=$(logns_wrapper "$NR_BIN")

port=$(free_port)
sshd_start l1 127.0.0.1 "$port"
sshd_trust l1

# shellcheck disable=SC2086
collect_into "$T/out-dir" $SSH_ARGS --level "l1=root@127.0.0.1:$port" --only qemu,libvirt
check_integrity
expect_level l1 ok
bundle_no_leaks "collect over ssh"

for lv in l0 l1; do
	for p in $QPIDS; do
		s=$(lget "$lv" "[a['scrubbed'] for p in lv['probes'] if p['name'] == 'qemu' for a in p['artifacts'] if a['name'] == 'cmdline-$p'][0]")
		[ "$s" -gt 0 ] || fail "$lv: cmdline-$p: $s values scrubbed"
	done
	for a in log-vm1.log domain-vm1.xml; do
		s=$(artifact_scrubbed "$lv" libvirt "$a")
		[ "$s" -ge "$N_UNITS" ] || fail "$lv: artifact $a: $s values scrubbed, at least $N_UNITS planted"
	done
	n=$(lget "$lv" "len([g for g in lv['facts']['guests'] if (g['name'] or '').startswith('sec')])")
	assert_eq "$n" "$(echo $QPIDS | wc -w | tr -d ' ')" "$lv: fake QEMUs recognised as guests"
done
exit 0
