#!/bin/sh
# SPDX-License-Identifier: MIT
# The reporter's stack, for real: Debian's libvirtd and virtlogd (started
# here, as qemu:///system in a private mount namespace: tests/libvirt-lib.sh)
# run two TCG domains on this machine (l0):
#   - nr-debian-l1: a Debian guest built with mmdebstrap
#     (tests/e2e/build-debian-image.sh): systemd, bash, sudo, sshd, the cloud
#     kernel; collected as l1 over SSH as the non-root user nr with ,sudo;
#   - nr-busybox-l2: the busybox initramfs guest of e2e_qemu.sh, collected
#     as l2 *through l1* (via=l1) at 10.0.2.2:PORT, QEMU user-mode
#     networking's alias of l0's loopback, where its hostfwd listens.
# Both domains carry planted secrets (a VNC passwd, a QEMU secret object in
# <qemu:commandline>), and l2 has an iSCSI disk on Debian's tgtd with CHAP,
# whose password libvirt keeps in a <secret> and hands to QEMU encrypted:
# none of them may appear anywhere in the bundle.
#
# Then it checks what the kernel document asks for, from the bundle alone:
# libvirt's real version, each domain's XML, the libvirt-generated QEMU
# command line from the process and from /var/log/libvirt/qemu/NAME.log,
# each guest discovered and linked to its level, TCG named as such in the
# facts and the findings, three levels each with versions, cpuinfo, lscpu,
# dmesg and KVM parameters (or the reason they are missing), and `show`'s
# checklist with no item missing without a reason.  Every daemon and guest
# is stopped by PID, and checked gone.
#
# Knobs: NR_LV_BOOT_TIMEOUT (seconds to wait for both guests' sshd, default
# 600), NR_E2E_CACHE (the image cache).  Run alone:
#   make check-integration SAN=0 T=libvirt_real
# Two guests under TCG on a shared machine: collection is slow there (lib.sh
# reads this when sourced).
NR_RUN_TIMEOUT=${NR_RUN_TIMEOUT:-900}
. "$(dirname "$0")/../libvirt-lib.sh"

lv_need
TGTD=/usr/sbin/tgtd
[ -x "$TGTD" ] || skip "needs $TGTD (Debian package tgt), which is not installed"
need_cmd tgtadm base64
[ -n "$(ls /usr/lib/*/qemu/block-iscsi.so 2>/dev/null)" ] ||
	skip "needs QEMU's iSCSI driver (Debian package qemu-block-extra), which is not installed"
for c in ssh-keygen dropbearkey; do
	command -v "$c" >/dev/null 2>&1 || [ -x "/usr/sbin/$c" ] ||
		fail "'$c' not found: make deps installs openssh-client and dropbear-bin"
done
unset SSH_AUTH_SOCK
BOOT_TIMEOUT=${NR_LV_BOOT_TIMEOUT:-600}
L1=nr-debian-l1
L2=nr-busybox-l2
# Planted secrets: VNC passwords are at most 8 characters for libvirt.
VNC1=NRv1Qz7k
VNC2=NRv2Wm4j
OBJ1=NRplantedObj1Kx93HsT
OBJ2=NRplantedObj2Pq51LdW
CHAP=NRchapPw4Tq8LmZ

# ---- keys and images ------------------------------------------------------------

ssh-keygen -q -t ed25519 -N '' -C nr-lv-client -f "$T/id" || fail "ssh-keygen failed"
ssh-keygen -q -t ed25519 -N '' -C nr-lv-l1-host -f "$T/l1_host" || fail "ssh-keygen (l1 host key) failed"
L2_PUB=$(dropbear_host_key "$T/l2_host") || fail "cannot make l2's dropbear host key"
: >"$T/ssh_config"

# build_image NAME SCRIPT ARGS...: run a tests/e2e builder; its KEY=value
# lines in $T/NAME.vars.  77 (cannot be had here) skips the test.
build_image() {
	_n=$1 _s=$2
	shift 2
	_t0=$(ms_now)
	_rc=0
	sh "$TESTS_DIR/e2e/$_s" "$@" >"$T/$_n.vars" 2>"$T/$_n.log" || _rc=$?
	case $_rc in
	0) ;;
	77) skip "$(tail -n 1 "$T/$_n.log")" ;;
	*) show "$T/$_n.log" 60; fail "tests/e2e/$_s failed (exit $_rc)" ;;
	esac
	note "$_n: $_s took $(($(ms_now) - _t0)) ms"
}
var() { # NAME KEY
	sed -n "s/^$2=//p" "$T/$1.vars"
}
build_image l1 build-debian-image.sh --authorized-keys "$T/id.pub" --host-key "$T/l1_host" \
	--image-out "$T/l1.img"
build_image l2 build-initramfs.sh --authorized-keys "$T/id.pub" --host-key "$T/l2_host" \
	--initrd-out "$T/l2.initrd"
L1_USER=$(var l1 GUEST_USER)

# ---- libvirt and the two domains ----------------------------------------------------

lv_start
LIBVIRT_VERSION=$(sed -n 's/^Using library: libvirt //p' "$LV/version.out")
note "libvirtd $LIBVIRT_VERSION (pid $LV_LIBVIRTD_PID), virtlogd (pid $LV_VIRTLOGD_PID)"

# The iSCSI target of l2's second disk: Debian's tgtd on loopback, with
# CHAP.  libvirt hands the password to QEMU from a <secret>, and QEMU logs
# in when it starts: l2 booting proves the secret went all the way.
ISCSI_IQN=iqn.2026-12.org.nest-report:l2-data
iscsi_start() {
	ISCSI_PORT=$(free_port) || fail "cannot find a free port on 127.0.0.1"
	truncate -s 16M "$T/iscsi.img" || fail "cannot make the iSCSI backing file"
	# Started by a path under $T, so that the watchdog and lv_kill know it.
	ln -s "$TGTD" "$LV/nr-tgtd"
	$LV_ENV "$LV/nr-tgtd" -f --iscsi "portal=127.0.0.1:$ISCSI_PORT" >"$LV/tgtd.out" 2>&1 </dev/null &
	TGTD_PID=$!
	echo "$TGTD_PID" >"$LV/pids/tgtd"
	at_exit 'lv_kill "$TGTD_PID"'
	lv_wait_file /run/tgtd/socket.0 30 || { show "$LV/tgtd.out"; fail "tgtd made no control socket within 30 s"; }
	for a in "--op new --mode target --tid 1 -T $ISCSI_IQN" \
		"--op new --mode logicalunit --tid 1 --lun 1 -b $T/iscsi.img" \
		"--op bind --mode target --tid 1 -I 127.0.0.1" \
		"--op new --mode account --user nr-iscsi --password $CHAP" \
		"--op bind --mode account --tid 1 --user nr-iscsi"; do
		# shellcheck disable=SC2086
		timeout 30 tgtadm --lld iscsi $a >"$T/tgtadm.out" 2>&1 || {
			show "$T/tgtadm.out"
			show "$LV/tgtd.out"
			fail "tgtadm $a failed"
		}
	done
	cat >"$T/chap.xml" <<EOF
<secret ephemeral='no' private='yes'>
  <usage type='iscsi'><target>nr-iscsi-chap</target></usage>
</secret>
EOF
	uuid=$(lv_virsh secret-define "$T/chap.xml" 2>&1 | sed -n 's/^Secret \([0-9a-f-]*\) created$/\1/p')
	[ -n "$uuid" ] || fail "virsh secret-define (iSCSI CHAP) failed"
	printf '%s' "$CHAP" | base64 >"$T/chap.b64"
	lv_virsh secret-set-value "$uuid" --file "$T/chap.b64" >"$T/virsh.out" 2>&1 ||
		{ show "$T/virsh.out"; fail "virsh secret-set-value (iSCSI CHAP) failed"; }
}

# file_disk PATH / iscsi_disk: a domain's <disk> elements.
file_disk() {
	cat <<EOF
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file='$1'/>
      <target dev='vda' bus='virtio'/>
    </disk>
EOF
}
iscsi_disk() {
	cat <<EOF
    <disk type='network' device='disk'>
      <driver name='qemu' type='raw'/>
      <source protocol='iscsi' name='$ISCSI_IQN/1'>
        <host name='127.0.0.1' port='$ISCSI_PORT'/>
        <auth username='nr-iscsi'>
          <secret type='iscsi' usage='nr-iscsi-chap'/>
        </auth>
      </source>
      <target dev='vdb' bus='virtio'/>
    </disk>
EOF
}

# domain_xml NAME MEMORY KERNEL INITRD CMDLINE VNCPASS SECRET DISKS: a TCG
# domain booting KERNEL directly, on user-mode networking with a hostfwd
# of @PORT@ to the guest's sshd, added in <qemu:commandline> as libvirt
# users do (libvirt's own <interface type='user'> has no port forwarding
# before passt).
domain_xml() {
	cat <<EOF
<domain type='qemu' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
  <name>$1</name>
  <memory unit='MiB'>$2</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$3</kernel>
    <initrd>$4</initrd>
    <cmdline>$5</cmdline>
  </os>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>destroy</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <emulator>$(command -v qemu-system-x86_64)</emulator>
$8
    <serial type='file'>
      <source path='$LV/$1-console.log'/>
      <target port='0'/>
    </serial>
    <graphics type='vnc' passwd='$6'>
      <listen type='socket' socket='$LV/$1-vnc.sock'/>
    </graphics>
    <video><model type='none'/></video>
    <rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>
    <memballoon model='none'/>
  </devices>
  <qemu:commandline>
    <qemu:arg value='-netdev'/>
    <qemu:arg value='user,id=nrnet0,hostfwd=tcp:127.0.0.1:@PORT@-:22'/>
    <qemu:arg value='-device'/>
    <qemu:arg value='virtio-net-pci,netdev=nrnet0,addr=0x9'/>
    <qemu:arg value='-object'/>
    <qemu:arg value='secret,id=nrplanted0,data=$7'/>
  </qemu:commandline>
</domain>
EOF
}
iscsi_start
domain_xml "$L1" 768 "$(var l1 KERNEL)" "$(var l1 INITRD)" 'console=ttyS0 root=/dev/vda rw' \
	"$VNC1" "$OBJ1" "$(file_disk "$T/l1.img")" >"$T/l1.xml.in"
domain_xml "$L2" 256 "$(var l2 KERNEL)" "$(var l2 INITRD)" 'console=ttyS0 panic=-1' \
	"$VNC2" "$OBJ2" "$(iscsi_disk)" >"$T/l2.xml.in"

t0=$(ms_now)
lv_boot "$L2" "$T/l2.xml.in"
P2=$LV_PORT PID2=$LV_PID
lv_boot "$L1" "$T/l1.xml.in"
P1=$LV_PORT PID1=$LV_PID
lv_wait_ssh "$L2" "$P2" "$BOOT_TIMEOUT"
lv_wait_ssh "$L1" "$P1" "$BOOT_TIMEOUT"
BOOT_MS=$(($(ms_now) - t0))
note "$L1 (qemu pid $PID1, 127.0.0.1:$P1) and $L2 (qemu pid $PID2, 127.0.0.1:$P2): sshd up after $BOOT_MS ms"
{
	printf '[127.0.0.1]:%s %s\n' "$P1" "$(cut -d' ' -f1,2 "$T/l1_host.pub")"
	printf '[10.0.2.2]:%s %s\n' "$P2" "$L2_PUB"
} >"$T/known_hosts"

# ---- collect l0, l1 (sudo) and l2 (through l1) ------------------------------------------

t0=$(ms_now)
mkdir -p "$T/bundle"
run_nr collect -o "$T/bundle" --level "l1=$L1_USER@127.0.0.1:$P1,sudo" \
	--level "l2=root@10.0.2.2:$P2,via=l1" \
	--known-hosts "$T/known_hosts" --identity "$T/id" --ssh-config "$T/ssh_config" \
	--connect-timeout 60 --timeout 120
COLLECT_MS=$(($(ms_now) - t0))
expect_rc 0 "nest-report collect (l0, l1 sudo, l2 via l1)"
one_bundle "$T/bundle"
X="$T/x"
unpack "$BUNDLE" "$X"
note "collected in $COLLECT_MS ms: $(basename "$BUNDLE")"
# ---- the three levels and how they link ------------------------------------------------

check_levels() {
	assert_eq "$(mget "[(l['id'], l['parent'], l['transport'], l['status']) for l in m['levels']]")" \
		'[["l0", null, "local", "ok"], ["l1", "l0", "ssh", "ok"], ["l2", "l1", "ssh", "ok"]]' \
		"levels (id, parent, transport, status)"
	assert_eq "$(lget l1 "lv['root']")" true "l1 root (sudo as $L1_USER)"
	for l in l0 l1 l2; do
		assert_eq "$(lget $l "lv['errors']")" "[]" "$l errors"
	done
}
soft check_levels

# expect_guest NAME PID PORT LEVEL: l0's facts.guests entry for a domain.
expect_guest() {
	g="[g for g in lv['facts']['guests'] if g.get('pid') == $2]"
	assert_eq "$(lget l0 "len($g)")" 1 "l0 guests with pid $2 ($1)"
	assert_eq "$(lget l0 "[(g['name'], g['accel'], [f['host_port'] for f in g['hostfwd']], g.get('level')) for g in $g][0]")" \
		"[\"$1\", [\"tcg\"], [$3], \"$4\"]" "l0 guest $1: (name, accel, hostfwd, level)"
}
soft expect_guest "$L1" "$PID1" "$P1" l1
soft expect_guest "$L2" "$PID2" "$P2" l2

check_matches() {
	assert_eq "$(lget l1 "[lv['match'][k] for k in ('by', 'guest_of', 'guest_name', 'guest_pid')]")" \
		"[\"hostfwd\", \"l0\", \"$L1\", $PID1]" "l1 match (by, guest_of, guest_name, guest_pid)"
	# l2 was reached through l1 at 10.0.2.2: still l0's guest (issue 21).
	assert_eq "$(lget l2 "[lv['match'][k] for k in ('by', 'guest_of', 'guest_name', 'guest_pid')]")" \
		"[\"hostfwd\", \"l0\", \"$L2\", $PID2]" "l2 match (by, guest_of, guest_name, guest_pid)"
	grep -q "is guest $L2 (pid $PID2) of l0: reached at 10.0.2.2:$P2 from l1" "$X/summary.txt" || {
		show "$X/summary.txt" 60
		fail "summary.txt does not say that l2 is l0's guest $L2, reached through l1"
	}
}
soft check_matches

# ---- l0: libvirt as it is -------------------------------------------------------------

check_libvirt() {
	expect_probe_on l0 libvirt ok
	assert_eq "$(lget l0 "lv['facts']['libvirt']['version']")" "$LIBVIRT_VERSION" "l0 libvirt.version"
	for d in "$L1" "$L2"; do
		xml="$X/levels/l0/libvirt/domain-$d.xml"
		[ -f "$xml" ] || fail "no domain-$d.xml from virsh dumpxml"
		grep -q "<domain type='qemu' id='[0-9]*'" "$xml" || fail "domain-$d.xml is not the running domain's XML"
		grep -q "<name>$d</name>" "$xml" || fail "domain-$d.xml does not name $d"
		log="$X/levels/l0/libvirt/log-$d.log"
		[ -f "$log" ] || fail "no log-$d.log from /var/log/libvirt/qemu/$d.log"
		# libvirt's own rendering of the command line it generated.
		grep -q "^-name guest=$d,debug-threads=on" "$log" || fail "log-$d.log holds no libvirt-generated command line"
		grep -q '^-accel tcg' "$log" || fail "log-$d.log: no -accel tcg"
		grep -q "^libvirt version: $LIBVIRT_VERSION\|starting up libvirt version: $LIBVIRT_VERSION" "$log" ||
			fail "log-$d.log does not start with libvirt's header"
	done
	# The same command line from the process, as libvirt started it.
	for p in "$PID1" "$PID2"; do
		txt="$X/levels/l0/qemu/cmdline-$p.txt"
		[ -f "$txt" ] || fail "no qemu/cmdline-$p.txt"
		grep -q 'masterKey0' "$txt" || fail "cmdline-$p.txt is not libvirt's command line"
	done
}
soft check_libvirt

# ---- TCG, named as such ----------------------------------------------------------------

check_tcg() {
	for l in l1 l2; do
		assert_eq "$(lget $l "lv['facts']['virt']['hypervisor']")" qemu-tcg "$l virt.hypervisor"
	done
	# (This machine may run other QEMUs: only these two domains count.)
	for d in "$L1" "$L2"; do
		n=$(mget "len([f for f in m['findings'] if f['id'] == 'guest-accel-tcg' and f['level'] == 'l0' and \"'$d'\" in f['message']])")
		assert_eq "$n" 1 "guest-accel-tcg findings on l0 for $d"
	done
	grep -q "runs under TCG emulation" "$X/summary.txt" || fail "summary.txt does not name TCG"
}
soft check_tcg

# The cause first (issue 21): l1's missing /dev/kvm is its own emulation by
# TCG on l0, fixed on l0 with <domain type='kvm'>; no FAIL points at the
# symptom, and l0's warning about the same guest follows the cause.
check_cause_first() {
	assert_eq "$(mget "[f['id'] for f in m['findings'] if f['level'] == 'l1' and f['id'] == 'l1-no-kvm-device']")" "[]" \
		"l1-no-kvm-device (the symptom) on l1"
	# TCG emulates SVM, and kvm_amd loads on it: where l1 has a /dev/kvm
	# (this development machine), there is no missing /dev/kvm to explain.
	if [ "$(lget l1 "lv['facts']['kvm']['available']")" != false ]; then
		note "l1 has a /dev/kvm under TCG (kvm_amd on TCG's svm): no l1-emulated-tcg to check"
		return 0
	fi
	f="[f for f in m['findings'] if f['id'] == 'l1-emulated-tcg' and f['level'] == 'l1']"
	assert_eq "$(mget "len($f)")" 1 "l1-emulated-tcg findings on l1"
	case $(mget "$f[0]['hint']") in
	"on l0: virsh edit $L1 and make it <domain type='kvm'> (it is type='qemu')"*) ;;
	*) fail "l1-emulated-tcg hint: $(mget "$f[0]['hint']")" ;;
	esac
	assert_eq "$(mget "[f['id'] for f in m['findings'] if f['level'] == 'l1' and f['id'] == 'l1-no-kvm-device']")" "[]" \
		"l1-no-kvm-device (the symptom) on l1"
	i=$(mget "[i for i, f in enumerate(m['findings']) if f['id'] == 'l1-emulated-tcg' and f['level'] == 'l1'][0]")
	assert_eq "$(mget "(m['findings'][$i + 1]['id'], m['findings'][$i + 1]['level'], \"'$L1'\" in m['findings'][$i + 1]['message'], m['findings'][$i + 1].get('explained_by'))")" \
		'["guest-accel-tcg", "l0", true, {"id": "l1-emulated-tcg", "level": "l1"}]' "the finding after l1-emulated-tcg"
	grep -q "WARN l0: (follows from l1-emulated-tcg on l1) guest '$L1'" "$X/summary.txt" ||
		fail "summary.txt does not list l0's warning about $L1 as following from l1-emulated-tcg"
}
soft check_cause_first

# ---- l1: the distribution guest, collected with sudo ---------------------------------------

check_l1_probes() {
	# Every probe that applies ran; those that did not say why.
	bad=$(lget l1 "' '.join('%s=%s' % (p['name'], p['status']) for p in lv['probes'] if p['status'] not in ('ok', 'skipped', 'unsupported', 'timeout') or (p['status'] != 'ok' and not p['error']))")
	[ -z "$bad" ] || fail "l1 probes not ok, or not ok without a reason: $bad"
	for p in kernel cpu dmesg kvm dmi pci qemu; do
		expect_probe_on l1 "$p" ok
	done
	# x86info keeps its own 20 s, which a TCG guest on a busy machine can
	# need (x86info -a traps on every CPUID and MSR): ok, or said.
	case $(lget l1 "probe('x86info', lv)['status']") in
	ok) ;;
	timeout) note "l1: x86info timed out under TCG ($(lget l1 "probe('x86info', lv)['error']"))" ;;
	*) fail "l1: probe x86info is $(lget l1 "probe('x86info', lv)['status']")" ;;
	esac
	assert_eq "$(lget l1 "[(a['name'], a['exit_code']) for a in probe('dmi', lv)['artifacts'] if a['name'] == 'dmidecode']")" \
		'[["dmidecode", 0]]' "l1 dmidecode (root through sudo)"
	assert_eq "$(lget l1 "lv['facts']['kernel']['release']")" "$(var l1 KERNEL_RELEASE)" "l1 kernel.release"
	assert_eq "$(lget l1 "lv['facts']['arch']")" x86_64 "l1 arch (uname -m through sudo)"
	assert_eq "$(lget l1 "lv['facts']['kernel']['dmesg_captured']")" true "l1 dmesg from boot"
}
soft check_l1_probes

check_l2_probes() {
	for p in kernel cpu dmesg kvm; do
		expect_probe_on l2 "$p" ok
	done
	assert_eq "$(lget l2 "lv['facts']['kernel']['release']")" "$(var l2 KERNEL_RELEASE)" "l2 kernel.release"
}
soft check_l2_probes

# ---- no planted secret, anywhere ---------------------------------------------------------

check_secrets() {
	for s in "$VNC1" "$VNC2" "$OBJ1" "$OBJ2" "$CHAP" "$(printf '%s' "$CHAP" | base64)"; do
		hits=$(grep -r -a -l -F -- "$s" "$X" "$T/out" "$T/err" 2>/dev/null || :)
		[ -z "$hits" ] || fail "planted secret $s leaked into: $hits"
		# Nor its tail (a partly scrubbed value).
		mid=$(echo "$s" | rev | cut -c1-5 | rev)
		hits=$(grep -r -a -l -F -- "$mid" "$X" 2>/dev/null || :)
		[ -z "$hits" ] || fail "part of planted secret $s ($mid) leaked into: $hits"
	done
	# The secret objects are still there, with their values scrubbed.
	grep -q 'secret,id=nrplanted0,data=\[scrubbed\]' "$X/levels/l0/libvirt/log-$L1.log" ||
		fail "log-$L1.log: the planted secret object is not there, scrubbed"
	# l2's iSCSI disk: the XML names the CHAP user and secret, QEMU got the
	# password in libvirt's encrypted secret object, which is scrubbed too.
	grep -q "<auth username='nr-iscsi'>" "$X/levels/l0/libvirt/domain-$L2.xml" ||
		fail "domain-$L2.xml lacks the iSCSI disk's <auth>"
	grep -q '"driver":"iscsi"' "$X/levels/l0/libvirt/log-$L2.log" ||
		fail "log-$L2.log: no iSCSI -blockdev in libvirt's command line"
	grep -q '"qom-type":"secret","id":"libvirt-[0-9]*-storage-auth-secret0","data":"\[scrubbed\]"' \
		"$X/levels/l0/qemu/cmdline-$PID2.txt" || fail "cmdline-$PID2.txt: libvirt's iSCSI secret object is not there, scrubbed"
}
soft check_secrets

# ---- the checklist, from the manifest alone ---------------------------------------------

check_checklist() {
	run_nr show "$BUNDLE" --json
	expect_rc 0 "show --json"
	cp "$T/out" "$T/show.json"
	J="$T/show.json"
	bad=$(jget "$J" "' '.join('%s:%s=%s' % (c['level'], i['item'], i['state']) for c in m['checklist'] for i in c['items'] if i['state'] != 'ok' and not i['reason'])")
	[ -z "$bad" ] || fail "checklist items missing without a recorded reason: $bad"
	for l in l0 l1 l2; do
		for i in kernel cpuinfo dmesg; do
			assert_eq "$(jget "$J" "[i['state'] for c in m['checklist'] if c['level'] == '$l' for i in c['items'] if i['item'] == '$i'][0]")" \
				ok "checklist $l $i"
		done
	done
	for li in l0:libvirt l0:qemu l0:kvm-params l1:cmdline l2:cmdline l1:lscpu l1:dmidecode l1:kvm-params; do
		assert_eq "$(jget "$J" "[i['state'] for c in m['checklist'] if c['level'] == '${li%%:*}' for i in c['items'] if i['item'] == '${li#*:}'][0]")" \
			ok "checklist ${li%%:*} ${li#*:}"
	done
	NO_COLOR=1 run_nr show "$BUNDLE"
	expect_rc 0 "show"
	grep -q '^Checklist (the kernel document' "$T/out" || { show "$T/out" 80; fail "show prints no checklist"; }
	grep -q '^  QEMU command line  *[a-z/]*  *ok  *ok$' "$T/out" || { show "$T/out" 80; fail "show's checklist: QEMU command line of l1 and l2"; }
}
soft check_checklist

# ---- the bundle ----------------------------------------------------------------------

soft bundle_valid
check_verify() {
	run_nr verify "$BUNDLE"
	expect_rc 0 "nest-report verify"
}
soft check_verify
[ -z "${NR_LV_KEEP_MANIFEST:-}" ] || cp "$M" "$NR_LV_KEEP_MANIFEST"

# ---- everything started here stops -----------------------------------------------------

lv_stop
lv_kill "$TGTD_PID"
left=$(lv_left)
[ -z "$left" ] || fail "still running after lv_stop: $left"
note "timings: boot ${BOOT_MS} ms, collect ${COLLECT_MS} ms"
verdict
