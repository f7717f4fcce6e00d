#!/bin/sh
# SPDX-License-Identifier: MIT
# End to end with a real guest: boot a QEMU guest under TCG (never KVM) from
# the Debian cloud kernel and a tiny busybox + dropbear initramfs built by
# tests/e2e/build-initramfs.sh, reach it over user-mode networking's hostfwd
# on 127.0.0.1, and collect l0 (this machine) plus the guest as l1 in one
# bundle.  Then check that:
#   - l0's facts.guests holds this QEMU process: accel ["tcg"], name
#     nr-e2e-l1, hostfwd 127.0.0.1:PORT -> 22, level "l1";
#   - l1 is ok, over ssh, matched to that process by hostfwd;
#   - l1's facts say it is a QEMU guest (virt.role guest, virt.hypervisor
#     qemu or qemu-tcg, and qemu-tcg whenever the guest's kernel log was
#     captured and names no hypervisor, which is what TCG looks like);
#   - the busybox tools the probes use (uname, dmesg) are found and run;
#   - the bundle is intact and validates against schemas/manifest.schema.json.
# Skips (77) only when qemu-system-x86_64 or the Debian cloud kernel cannot
# be had.  The kernel and base initramfs are cached in
# ${NR_E2E_CACHE:-/var/tmp/nest-report-e2e-UID}; NR_E2E_BOOT_TIMEOUT (seconds,
# default 180) bounds the wait for the guest's sshd; NR_E2E_WATCHDOG (default
# that plus 600) is when a watchdog kills QEMU if this test was killed
# without running its cleanup.  Run alone:
#   NR_BIN=$PWD/build/nest-report sh tests/integration/e2e_qemu.sh
. "$(dirname "$0")/../lib.sh"

command -v qemu-system-x86_64 >/dev/null 2>&1 ||
	skip "needs qemu-system-x86_64 (Debian package qemu-system-x86), which is not installed"
for c in ssh-keygen dropbearkey; do
	command -v "$c" >/dev/null 2>&1 || [ -x "/usr/sbin/$c" ] ||
		fail "'$c' not found: make test-deps installs openssh-client and dropbear-bin"
done

GUEST=nr-e2e-l1
# Only the key given with --identity: not whatever agent the caller has.
unset SSH_AUTH_SOCK
BOOT_TIMEOUT=${NR_E2E_BOOT_TIMEOUT:-180}
CONSOLE="$T/console.log"
QPID=

show_console() {
	console_tail "$CONSOLE" "${1:-120}"
}

kill_qemu() {
	[ -n "$QPID" ] || return 0
	stop_pid "$QPID" 3
	QPID=
}
at_exit kill_qemu

# ---- keys -------------------------------------------------------------------

ssh-keygen -q -t ed25519 -N '' -C nr-e2e-client -f "$T/id" || fail "ssh-keygen failed"
HOST_PUB=$(dropbear_host_key "$T/host_key") || fail "cannot make the guest's dropbear host key"
: >"$T/ssh_config"

# ---- the guest's kernel and initramfs -------------------------------------

t0=$(ms_now)
RC=0
sh "$TESTS_DIR/e2e/build-initramfs.sh" --authorized-keys "$T/id.pub" --host-key "$T/host_key" \
	--initrd-out "$T/initrd" >"$T/build.vars" 2>"$T/build.log" || RC=$?
BUILD_MS=$(($(ms_now) - t0))
case $RC in
0) ;;
77) skip "$(tail -n 1 "$T/build.log")" ;;
*) show "$T/build.log" 80; fail "tests/e2e/build-initramfs.sh failed (exit $RC)" ;;
esac
KERNEL=$(sed -n 's/^KERNEL=//p' "$T/build.vars")
INITRD=$(sed -n 's/^INITRD=//p' "$T/build.vars")
KERNEL_PACKAGE=$(sed -n 's/^KERNEL_PACKAGE=//p' "$T/build.vars")
KERNEL_RELEASE=$(sed -n 's/^KERNEL_RELEASE=//p' "$T/build.vars")
[ -f "$KERNEL" ] && [ -f "$INITRD" ] || { show "$T/build.vars"; fail "the build named no kernel/initrd"; }
note "guest: $KERNEL_PACKAGE, built or reused in $BUILD_MS ms ($(grep -c . "$T/build.log") log lines)"

# ---- boot -------------------------------------------------------------------

# boot PORT: start QEMU in the background; QPID is its PID.  virtio-rng
# spares dropbear seconds of waiting for the entropy pool under TCG.
#
# kill_qemu (at exit) stops it.  Should this test be killed outright (no
# trap runs), a guest under TCG would burn a core for good: a watchdog
# outlives the test and kills it after WATCHDOG seconds, if that PID is still
# this run's QEMU (its command line names $INITRD, which is under $T).  At a
# normal exit lib.sh's cleanup kills the watchdog's sleep (a make_sleeper
# fake) after kill_qemu ran, and the watchdog then finds no QEMU to kill.
WATCHDOG=${NR_E2E_WATCHDOG:-$((BOOT_TIMEOUT + 600))}
make_sleeper
boot() {
	: >"$CONSOLE"
	qemu-system-x86_64 -accel tcg -m 512 -nographic -no-reboot \
		-kernel "$KERNEL" -initrd "$INITRD" -append 'console=ttyS0 panic=-1' \
		-netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$1-:22" -device virtio-net-pci,netdev=n0 \
		-device virtio-rng-pci -name "guest=$GUEST" </dev/null >"$CONSOLE" 2>&1 &
	QPID=$!
	(
		"$FAKEBIN/nr-test-sleep" "$WATCHDOG"
		if tr '\0' '\n' <"/proc/$QPID/cmdline" | grep -qxF -- "$INITRD"; then
			kill -9 "$QPID"
		fi
	) </dev/null >/dev/null 2>&1 &
}

PORT='' tries=0
t0=$(ms_now)
while [ -z "$PORT" ]; do
	tries=$((tries + 1))
	port=$(free_port) || fail "cannot find a free port on 127.0.0.1"
	boot "$port"
	deadline=$(($(now_s) + BOOT_TIMEOUT))
	while :; do
		if ssh_banner "$port"; then
			PORT=$port
			break
		fi
		if ! kill -0 "$QPID" 2>/dev/null || [ "$(ps -o stat= -p "$QPID" 2>/dev/null | cut -c1)" = Z ]; then
			wait "$QPID" 2>/dev/null
			qrc=$?
			QPID=
			# Lost the race for the port: try another one.
			if grep -q 'Could not set up host forwarding rule' "$CONSOLE" && [ $tries -lt 5 ]; then
				note "port $port was taken; trying another"
				break
			fi
			show_console
			fail "QEMU exited (status $qrc) before the guest's sshd answered on 127.0.0.1:$port"
		fi
		if [ "$(now_s)" -ge "$deadline" ]; then
			show_console
			fail "no SSH banner on 127.0.0.1:$port within ${BOOT_TIMEOUT}s of starting QEMU (pid $QPID)"
		fi
		sleep 0.2
	done
done
BOOT_MS=$(($(ms_now) - t0))
note "guest booted under TCG (qemu pid $QPID), sshd answered on 127.0.0.1:$PORT after $BOOT_MS ms"
printf '[127.0.0.1]:%s %s\n' "$PORT" "$HOST_PUB" >"$T/known_hosts"

# ---- collect l0 + l1 ----------------------------------------------------------

t0=$(ms_now)
mkdir -p "$T/bundle"
run_nr collect -o "$T/bundle" --level "l1=root@127.0.0.1:$PORT" \
	--known-hosts "$T/known_hosts" --identity "$T/id" --ssh-config "$T/ssh_config" \
	--connect-timeout 30
COLLECT_MS=$(($(ms_now) - t0))
if [ "$RC" -ne 0 ]; then
	show "$T/out"
	show "$T/err"
	show_console
	fail "nest-report collect --level l1=root@127.0.0.1:$PORT: exit status $RC"
fi
one_bundle "$T/bundle"
X="$T/x"
unpack "$BUNDLE" "$X"
note "collected l0 + l1 in $COLLECT_MS ms: $(basename "$BUNDLE")"
kill -0 "$QPID" 2>/dev/null || { show_console; fail "QEMU died during the collection"; }

[ "$(mget "[l['id'] for l in m['levels']]")" = '["l0", "l1"]' ] || {
	show "$T/err"
	fail "expected levels l0 and l1, the manifest has $(mget "[l['id'] for l in m['levels']]")"
}

# ---- l0 saw the guest ----------------------------------------------------------

check_l0_guest() {
	g="[g for g in lv['facts']['guests'] if g.get('pid') == $QPID]"
	_n=$(lget l0 "len($g)")
	[ "$_n" = 1 ] || fail "l0 facts.guests has $_n entries for qemu pid $QPID; guests (pid, name): $(lget l0 "[(g.get('pid'), g.get('name')) for g in lv['facts']['guests']]")"
	g="${g}[0]"
	assert_eq "$(lget l0 "${g}['accel']")" '["tcg"]' "l0 guest $QPID accel"
	assert_eq "$(lget l0 "${g}['name']")" "$GUEST" "l0 guest $QPID name"
	assert_eq "$(lget l0 "${g}['binary']")" qemu-system-x86_64 "l0 guest $QPID binary"
	assert_eq "$(lget l0 "[(f['host_port'], f['guest_port']) for f in ${g}['hostfwd']]")" "[[$PORT, 22]]" \
		"l0 guest $QPID hostfwd [(host_port, guest_port)]"
	assert_eq "$(lget l0 "$g.get('level')")" l1 "l0 guest $QPID level"
}
soft check_l0_guest

# ---- l1 was reached and matched ----------------------------------------------

check_l1_level() {
	expect_level l1 ok
	assert_eq "$(lget l1 "lv['transport']")" ssh "l1 transport"
	assert_eq "$(lget l1 "lv['match']['by']")" hostfwd "l1 match.by ($(lget l1 "lv['match']['detail']"))"
	assert_eq "$(lget l1 "lv['match']['guest_pid']")" "$QPID" "l1 match.guest_pid"
	assert_eq "$(lget l1 "lv['match']['guest_name']")" "$GUEST" "l1 match.guest_name"
	# It is the guest we booted, not some other machine on that port.
	assert_eq "$(lget l1 "lv['facts']['kernel']['release']")" "$KERNEL_RELEASE" "l1 kernel.release"
}
soft check_l1_level

# ---- l1 knows it is a QEMU guest ----------------------------------------------

check_l1_virt() {
	assert_eq "$(lget l1 "lv['facts']['virt']['role']")" guest "l1 virt.role"
	assert_eq "$(lget l1 "lv['facts']['firmware']['sys_vendor']")" QEMU "l1 firmware.sys_vendor (DMI)"
	hv=$(lget l1 "lv['facts']['virt']['hypervisor']")
	ev=$(lget l1 "'; '.join('%s [%s]' % (e.get('detail'), e.get('artifact')) for e in lv['facts']['evidence'].get('virt.hypervisor', []))")
	note "l1 virt.hypervisor = $hv, from: $ev"
	case $hv in
	qemu | qemu-tcg) ;;
	*) fail "l1 virt.hypervisor is '$hv' (evidence: $ev), expected qemu or qemu-tcg" ;;
	esac
	# Under TCG the guest kernel prints no "Hypervisor detected:"; with its
	# whole log from boot in the bundle, detection can tell TCG from KVM.
	dm="$X/levels/l1/dmesg/dmesg"
	if [ -f "$dm" ] && grep -q 'Linux version ' "$dm" && ! grep -q 'Hypervisor detected' "$dm"; then
		assert_eq "$hv" qemu-tcg "l1 virt.hypervisor, l1's dmesg from boot naming no hypervisor"
	fi
}
soft check_l1_virt

# ---- l1's own CPUID says TCG: the verdict that outranks every other -----------

check_l1_cpuid() {
	assert_eq "$(lget l1 "[(p['status'], p['error']) for p in lv['probes'] if p['name'] == 'cpuid']")" \
		'[["ok", null]]' "l1 cpuid probe (busybox dd on /dev/cpu/0/cpuid)"
	assert_eq "$(lget l1 "lv['facts']['cpuid']['signature']")" TCGTCGTCGTCG "l1 CPUID leaf 0x40000000"
	assert_eq "$(lget l1 "lv['facts']['virt']['accel']")" tcg "l1 virt.accel"
	assert_eq "$(lget l1 "lv['facts']['virt']['accel_source']")" cpuid "l1 virt.accel_source"
	assert_eq "$(lget l1 "lv['facts']['virt']['hypervisor']")" qemu-tcg "l1 virt.hypervisor from CPUID"
	# TCG offers no VMX: the msr driver answers EIO for IA32_VMX_BASIC.
	assert_eq "$(lget l1 "[(p['status'], 'no VMX capability MSRs' in (p['error'] or '')) for p in lv['probes'] if p['name'] == 'vmx-msr']")" \
		'[["skipped", true]]' "l1 vmx-msr under TCG"
}
soft check_l1_cpuid

# ---- the busybox tools the probes run on l1 were found and ran ------------------

check_l1_commands() {
	# Every command a probe looked for on l1 that busybox provides there
	# (/bin/NAME -> busybox) must have been found.
	busybox --list >"$T/applets" 2>/dev/null || fail "busybox --list failed"
	_bad=$(lget l1 "' '.join('%s:%s' % (p['name'], c['name']) for p in lv['probes'] for c in p.get('commands', []) if c['name'] in open('$T/applets').read().split() and not c['path'])")
	[ -z "$_bad" ] || fail "l1: commands busybox provides there (/bin/NAME -> busybox) reported as not installed (probe:command): $_bad"
}
soft check_l1_commands
soft expect_probe_on l1 dmesg ok
soft expect_probe_on l1 kernel ok
check_l1_hostname() {
	assert_eq "$(lget l1 "lv['facts']['hostname']")" "$GUEST" "l1 hostname (uname -a)"
}
soft check_l1_hostname

# ---- the bundle ---------------------------------------------------------------

soft bundle_valid

note "timings: build ${BUILD_MS} ms, boot to sshd ${BOOT_MS} ms, collect ${COLLECT_MS} ms"
# shellcheck disable=SC2154 # _soft_failed: lib.sh's count of failed soft checks
[ "$_soft_failed" -eq 0 ] || show_console 40
verdict
