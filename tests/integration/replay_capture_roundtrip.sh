#!/bin/sh
# SPDX-License-Identifier: MIT
# `nest-report capture DIR` on this machine, then `collect --sysroot DIR`:
# the replay gives the same facts as a live collect (role, hypervisor,
# virt_ext, KVM, versions ...).  The capture is scrubbed like a bundle (a
# QEMU with a secret in its argv, an lscpu that prints a password), holds
# the QEMU's command line but no other process's, and records /dev/kvm's
# state.  Capturing into a non-empty directory fails and leaves nothing.
. "$(dirname "$0")/../lib.sh"
need_cmd tar zstd sha256sum

cp "$(helper fake_qemu)" "$FAKEBIN/qemu-system-x86_64"
"$FAKEBIN/qemu-system-x86_64" -name guest=l1 -machine q35,accel=kvm:tcg -cpu host \
	-object secret,id=sec0,data=CAPSECRET1,format=raw >"$T/qemu.out" 2>&1 &
qpid=$!
at_exit "kill -9 $qpid"
cp "$(helper fake_qemu)" "$FAKEBIN/nr-test-daemon"
"$FAKEBIN/nr-test-daemon" --api-token=NOTQEMU-CAPSECRET2 >"$T/daemon.out" 2>&1 &
spid=$!
at_exit "kill -9 $spid"
i=0
until grep -q ready "$T/qemu.out" 2>/dev/null && grep -q ready "$T/daemon.out" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 50 ] || fail "fake qemu did not start"
	sleep 0.1
done
real_lscpu=$(command -v lscpu) || skip "needs lscpu"
fake_cmd lscpu "'$real_lscpu'; echo 'Note: password=CAPSECRET3'"

cap=$T/capture
run_nr capture "$cap"
expect_rc 0 "nest-report capture $cap"
[ -f "$cap/.nest-report/meta" ] || fail "no .nest-report/meta in the capture"
grep -q '^format: 1$' "$cap/.nest-report/meta" || fail "meta has no format line"
[ -f "$cap/proc/cpuinfo" ] || fail "/proc/cpuinfo not captured"
[ -f "$cap/.nest-report/commands/detect/uname-m.out" ] || fail "uname -m not recorded"
[ -f "$cap/.nest-report/which/uname" ] || fail "which uname not recorded"
[ -f "$cap/.nest-report/paths/dev/kvm.info" ] || fail "/dev/kvm state not recorded"
[ -f "$cap/proc/$qpid/cmdline" ] || fail "the QEMU process's command line was not captured"
[ ! -e "$cap/proc/$spid" ] || fail "another process's command line was captured"
if grep -r -a -l -E 'CAPSECRET[0-9]' "$cap" >"$T/leaks"; then
	fail "secrets in the capture: $(cat "$T/leaks" | tr '\n' ' ')"
fi
grep -q "scrubbed" "$T/out" || fail "capture's report does not mention scrubbing"
ls -a "$T" | grep -q 'capture\.tmp-' && fail "a temporary capture directory was left behind"

# Live and replayed facts agree.
collect_into "$T/live" --only kernel,cpu,dmesg,kvm,dmi,pci,qemu
cp "$M" "$T/live.json"
collect_into "$T/replayed" --sysroot "$cap" --only kernel,cpu,dmesg,kvm,dmi,pci,qemu
check_integrity
validate_schema "$M" manifest.schema.json
assert_eq "$(mget "lv0['transport']")" replay "transport of the replay"
for f in "['virt']['role']" "['virt']['hypervisor']" "['cpu']['virt_ext']" "['cpu']['model']" \
	"['kvm']['available']" "['kvm']['module']" "['kvm']['nested']" "['kernel']['release']" \
	"['arch']" "['qemu']['versions']" "['pci']" "['kernel']['acpi_oem']" "['kernel']['version']"; do
	assert_eq "$(mget "lv0['facts']$f")" "$(jget "$T/live.json" "lv0['facts']$f")" "facts$f live vs replayed"
done
assert_eq "$(mget "lv0['root']")" "$(jget "$T/live.json" "lv0['root']")" "root live vs replayed"
# Other QEMUs may run here (other tests): ours must be among those replayed.
assert_eq "$(mget "'l1' in [g['name'] for g in lv0['facts']['guests']]")" true "the QEMU guest, replayed"
assert_eq "$(mget "sorted(p['name'] + '=' + p['status'] for p in lv0['probes'])")" \
	"$(jget "$T/live.json" "sorted(p['name'] + '=' + p['status'] for p in lv0['probes'])")" "probe statuses"

# A directory that is not empty is refused, and nothing is left next to it.
mkdir -p "$T/full"
echo x >"$T/full/keep"
run_nr capture "$T/full"
expect_rc 1 "capture into a non-empty directory"
assert_eq "$(ls -A "$T/full")" keep "the non-empty directory's content"
ls -a "$T" | grep -q 'full\.tmp-' && fail "a temporary directory was left behind"
run_nr capture
expect_rc 2 "capture without a directory"

# Interrupted (Ctrl-C while a probe hangs): exit 130, nothing left behind.
kill -9 "$qpid" "$spid"
wait "$qpid" "$spid" 2>/dev/null || :
fake_cmd lscpu "exec '$FAKEBIN/nr-test-sleep' 30"
make_sleeper
PATH="$FAKEBIN:$PATH" "$NR_BIN" capture "$T/interrupted" >"$T/int.out" 2>&1 &
cpid=$!
sleep 1
kill -INT "$cpid"
wait_pid_exit "$cpid" 10
assert_eq "$RC" 130 "exit status of an interrupted capture"
[ ! -e "$T/interrupted" ] || fail "an interrupted capture left $T/interrupted"
ls -a "$T" | grep -q 'interrupted\.tmp-' && fail "an interrupted capture left its temporary directory"
no_fakes_left "interrupted capture"
exit 0
