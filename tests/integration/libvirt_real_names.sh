#!/bin/sh
# SPDX-License-Identifier: MIT
# A real libvirtd (tests/libvirt-lib.sh) with the domains a reporter's
# machine has and no guest running: names that are not file names ("my vm"
# and "my_vm", "ünïcode vm"), a Ceph RBD disk with <auth> and a libvirt
# <secret> whose value is planted, a VNC passwd; one of them started and
# failing at once, so that libvirt wrote its log.  Then:
#   - every domain's XML is its own member, under a readable, unique name
#     (issue 21), and the original name is in its command;
#   - the failed start's log (/var/log/libvirt/qemu/my vm.log) is there too;
#   - no planted secret appears anywhere in the bundle;
#   - with libvirtd stopped, the libvirt probe fails with the reason, the
#     logs are still read, and the finding libvirt-daemon-unreachable says
#     that the domains' XML is missing (issue 21).
# No guest boots: it takes seconds.
. "$(dirname "$0")/../libvirt-lib.sh"

lv_need
need_cmd tar zstd sha256sum
UNI=$(printf '\303\274n\303\257code vm')
VNC=NRv3Jp6t
# A Ceph key as `ceph auth get-key` prints one (base64 of 40 bytes).
CEPH_KEY=QVFCTlJwbGFudGVkQ2VwaEtleU5vdEFSZWFsT25lMTIzNA==
SECRET_UUID=6a0c5d2e-2b51-4f0e-9d3c-4e1f0a7b9c11

lv_start
# A Ceph monitor address where nothing listens: a start fails at once.
MON_PORT=$(free_port) || fail "cannot find a free port on 127.0.0.1"

cat >"$T/secret.xml" <<EOF
<secret ephemeral='no' private='yes'>
  <uuid>$SECRET_UUID</uuid>
  <usage type='ceph'><name>client.nr-admin secret</name></usage>
</secret>
EOF
printf '%s' "$CEPH_KEY" >"$T/secret.value"
lv_virsh secret-define "$T/secret.xml" >"$T/virsh.out" 2>&1 || { show "$T/virsh.out"; fail "virsh secret-define failed"; }
lv_virsh secret-set-value "$SECRET_UUID" --file "$T/secret.value" >"$T/virsh.out" 2>&1 ||
	{ show "$T/virsh.out"; fail "virsh secret-set-value failed"; }

# domain NAME: XML of a TCG domain with an RBD disk (cephx through the
# secret above) and a VNC password.  It boots a kernel that is not there
# from a monitor that does not answer, so a start fails at once, after
# libvirt wrote its log.
domain() {
	cat <<EOF
<domain type='qemu'>
  <name>$1</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$T/no-such-kernel</kernel>
  </os>
  <devices>
    <emulator>$(command -v qemu-system-x86_64)</emulator>
    <disk type='network' device='disk'>
      <driver name='qemu' type='raw'/>
      <auth username='nr-admin'>
        <secret type='ceph' uuid='$SECRET_UUID'/>
      </auth>
      <source protocol='rbd' name='nrpool/nrimage'>
        <host name='127.0.0.1' port='$MON_PORT'/>
      </source>
      <target dev='vda' bus='virtio'/>
    </disk>
    <graphics type='vnc' passwd='$VNC'>
      <listen type='socket' socket='$LV/vnc.sock'/>
    </graphics>
    <video><model type='none'/></video>
    <memballoon model='none'/>
  </devices>
</domain>
EOF
}
for d in "my vm" my_vm "$UNI"; do
	domain "$d" >"$T/d.xml"
	lv_virsh define "$T/d.xml" >"$T/virsh.out" 2>&1 || { show "$T/virsh.out"; fail "virsh define '$d' failed"; }
done
if lv_virsh start "my vm" >"$T/start.out" 2>&1; then
	lv_virsh destroy "my vm" >/dev/null 2>&1
	fail "domain 'my vm' started although its kernel does not exist"
fi
[ -s "/var/log/libvirt/qemu/my vm.log" ] || {
	show "$T/start.out"
	fail "libvirt wrote no /var/log/libvirt/qemu/my vm.log for the failed start"
}

# ---- libvirtd up ----------------------------------------------------------------

collect_into "$T/up" --only libvirt
expect_probe libvirt ok
soft check_integrity

member_of() { # NAME: the artifact whose dumpxml command names domain NAME
	printf '%s' "$1" >"$T/wanted"
	mget "[a['name'] for a in probe('libvirt')['artifacts'] if a['command'] and a['command'][-1] == open('$T/wanted', encoding='utf-8').read()][0]"
}
hash8() {
	printf '%s' "$1" | sha256sum | cut -c1-8
}
check_names() {
	assert_eq "$(member_of my_vm)" domain-my_vm.xml "member of domain 'my_vm'"
	assert_eq "$(member_of "my vm")" "domain-my_vm-$(hash8 'domain-my vm.xml').xml" "member of domain 'my vm'"
	assert_eq "$(member_of "$UNI")" "domain-_n_code_vm-$(hash8 "domain-$UNI.xml").xml" "member of domain '$UNI'"
	for d in "my vm" my_vm "$UNI"; do
		m=$(member_of "$d")
		grep -q -F "<name>$d</name>" "$X/levels/l0/libvirt/$m" || fail "$m does not hold the XML of '$d'"
		grep -q "<source protocol='rbd' name='nrpool/nrimage'" "$X/levels/l0/libvirt/$m" ||
			fail "$m lacks the RBD disk"
	done
	log="log-my_vm-$(hash8 'log-my vm.log').log"
	assert_eq "$(mget "[a['source'] for a in probe('libvirt')['artifacts'] if a['name'] == '$log']")" \
		'["/var/log/libvirt/qemu/my vm.log"]' "the log of 'my vm', by its readable name"
	grep -q -e "^-name 'guest=my vm,debug-threads=on'" "$X/levels/l0/libvirt/$log" || { show "$X/levels/l0/libvirt/$log" 30;
		fail "$log holds no libvirt-generated command line"; }
}
soft check_names

check_no_secret() {
	hits=$(grep -r -a -l -F -e "$VNC" -e "$CEPH_KEY" -e "$(echo "$CEPH_KEY" | cut -c5-20)" "$X" || :)
	[ -z "$hits" ] || fail "a planted secret leaked into: $hits"
}
soft check_no_secret

# ---- libvirtd down ----------------------------------------------------------------

lv_kill "$LV_LIBVIRTD_PID"
LV_LIBVIRTD_PID=
rm -f /run/libvirt/libvirt-sock /run/libvirt/libvirt-sock-ro
collect_into "$T/down" --only libvirt
check_down() {
	expect_probe libvirt failed
	case $(mget "probe('libvirt')['error']") in
	"virsh cannot connect to libvirtd (virsh -r version exited 1): no domain XML or capabilities") ;;
	*) fail "libvirt probe error: $(mget "probe('libvirt')['error']")" ;;
	esac
	assert_eq "$(mget "[a['name'] for a in probe('libvirt')['artifacts'] if a['name'].startswith('domain-')]")" "[]" \
		"domain XML with libvirtd down"
	assert_eq "$(mget "len([a for a in probe('libvirt')['artifacts'] if a['name'].startswith('log-')])")" 1 \
		"domain logs read with libvirtd down"
	f="[f for f in m['findings'] if f['id'] == 'libvirt-daemon-unreachable' and f['level'] == 'l0']"
	assert_eq "$(mget "len($f)")" 1 "libvirt-daemon-unreachable findings"
	msg=$(mget "$f[0]['message']")
	case $msg in
	*"could not reach libvirtd (Failed to connect socket to '/var/run/libvirt/libvirt-sock-ro': No such file or directory)"*"domain XML"*) ;;
	*) fail "libvirt-daemon-unreachable message: $msg" ;;
	esac
	run_nr show "$BUNDLE"
	expect_rc 0 "show (libvirtd down)"
	grep -q 'libvirt-daemon-unreachable' "$T/out" || { show "$T/out" 60; fail "show does not list the finding"; }
	grep -q '^  l0   libvirt      failed' "$T/out" || { show "$T/out" 60; fail "show does not list the failed probe"; }
}
soft check_down

lv_stop
left=$(lv_left)
[ -z "$left" ] || fail "still running after lv_stop: $left"
verdict
