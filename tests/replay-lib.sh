# SPDX-License-Identifier: MIT
# Shared by tests/integration/replay_*.sh (after tests/lib.sh): a small
# captured tree to break in one way per test, and the checks every replay
# of an untrusted tree must pass.

# The secret every replay test plants next to (outside) its tree: it must
# never reach a bundle.
CANARY="nest-report-canary-$$-outside-the-tree"

# make_tree DIR: an x86 KVM guest as `nest-report capture` would record it
# (uname, lscpu, dmesg, /dev/kvm, a KVM parameter), and DIR/../outside
# holding the canary.
make_tree() {
	_d=$1
	mkdir -p "$_d/proc/bus/pci" "$_d/sys/module/kvm/parameters" "$_d/.nest-report/which" \
		"$_d/.nest-report/commands/detect" "$_d/.nest-report/commands/cpu" \
		"$_d/.nest-report/commands/kernel" "$_d/.nest-report/commands/dmesg" \
		"$_d/.nest-report/paths/dev"
	echo "$CANARY" >"$_d/../outside"
	cp "$SRC_DIR/tests/fixtures/local/cpuinfo-kvm-guest-amd.txt" "$_d/proc/cpuinfo"
	echo "Linux version 6.1.0-test (gcc) #1 SMP" >"$_d/proc/version"
	echo "BOOT_IMAGE=/vmlinuz root=/dev/vda1 ro" >"$_d/proc/cmdline"
	printf '0008\t1af41045\t0\n' >"$_d/proc/bus/pci/devices"
	echo N >"$_d/sys/module/kvm/parameters/nested"
	printf 'format: 1\nroot: yes\n' >"$_d/.nest-report/meta"
	for c in uname lscpu dmesg; do echo "/usr/bin/$c" >"$_d/.nest-report/which/$c"; done
	echo x86_64 >"$_d/.nest-report/commands/detect/uname-m.out"
	echo 0 >"$_d/.nest-report/commands/detect/uname-m.exit"
	echo "Linux testhost 6.1.0-test #1 SMP x86_64 GNU/Linux" >"$_d/.nest-report/commands/kernel/uname-a.out"
	echo 0 >"$_d/.nest-report/commands/kernel/uname-a.exit"
	cp "$SRC_DIR/tests/fixtures/local/lscpu-kvm-guest-amd.txt" "$_d/.nest-report/commands/cpu/lscpu.out"
	echo 0 >"$_d/.nest-report/commands/cpu/lscpu.exit"
	printf '[    0.000000] Linux version 6.1.0-test\n[    0.000000] Hypervisor detected: KVM\n' \
		>"$_d/.nest-report/commands/dmesg/dmesg.out"
	echo 0 >"$_d/.nest-report/commands/dmesg/dmesg.exit"
	printf 'exists: yes\nchar_device: yes\nopen_rw: yes\n' >"$_d/.nest-report/paths/dev/kvm.info"
}

# replay_ok TREE ARGS...: `collect --sysroot TREE ARGS` must exit 0 within
# 60 s (a hang is a failure, not a wait), leave an intact bundle whose
# manifest validates, and hold neither the canary nor anything of this
# machine's /etc.
replay_ok() {
	_tree=$1
	shift
	rm -rf "$T/bundle"
	mkdir -p "$T/bundle"
	RC=0
	timeout -k 5 60 "$NR_BIN" collect --sysroot "$_tree" -o "$T/bundle" "$@" >"$T/out" 2>"$T/err" || RC=$?
	[ "$RC" -ne 124 ] && [ "$RC" -ne 137 ] || fail "collect --sysroot $_tree hung (killed after 60 s)"
	expect_rc 0 "collect --sysroot $_tree $*"
	one_bundle "$T/bundle"
	X="$T/x"
	rm -rf "$X"
	unpack "$BUNDLE" "$X"
	check_integrity
	validate_schema "$M" manifest.schema.json
	assert_eq "$(mget "lv0['transport']")" replay "transport"
	if grep -rqs -e "$CANARY" -e "root:x:0:0" "$X"; then
		grep -rls -e "$CANARY" -e "root:x:0:0" "$X" >&2
		fail "the bundle holds data from outside the replayed tree"
	fi
}
