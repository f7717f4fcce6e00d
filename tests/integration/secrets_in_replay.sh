#!/bin/sh
# SPDX-License-Identifier: MIT
# A replayed tree (collect --sysroot) holding, unscrubbed, everything
# tests/secrets-gen.py plants: QEMU processes' /proc/PID/cmdline, libvirt's
# domain logs, and virsh's recorded domain XML.  The replay transport feeds
# the same scrubber as a live run: nothing planted may reach the bundle,
# the manifest or summary.txt, and the guests must still be parsed.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/secrets-lib.sh"

secrets_gen
tree="$T/tree"
mkdir -p "$tree/proc" "$tree/var/log/libvirt/qemu" "$tree/.nest-report/which" \
	"$tree/.nest-report/commands/detect" "$tree/.nest-report/commands/libvirt"
printf 'format: 1\nroot: yes\n' >"$tree/.nest-report/meta"
echo x86_64 >"$tree/.nest-report/commands/detect/uname-m.out"
echo 0 >"$tree/.nest-report/commands/detect/uname-m.exit"
pids=""
pid=4100
for a in "$SG"/argv/*; do
	mkdir -p "$tree/proc/$pid"
	cp "$a" "$tree/proc/$pid/cmdline"
	pids="$pids $pid"
	pid=$((pid + 1))
done
cp "$SG/log" "$tree/var/log/libvirt/qemu/vm1.log"
echo /usr/bin/virsh >"$tree/.nest-report/which/virsh"
rec() { # ARTIFACT < output
	cat >"$tree/.nest-report/commands/libvirt/$1.out"
	echo 0 >"$tree/.nest-report/commands/libvirt/$1.exit"
}
printf 'Compiled against library: libvirt 9.0.0\nUsing library: libvirt 9.0.0\nRunning hypervisor: QEMU 7.2.0\n' |
	rec virsh-version
printf ' Id   Name   State\n----------------------\n 1    vm1    running\n' | rec list-all
printf 'vm1\n\n' | rec list-names
rec domain-vm1.xml <"$SG/domain.xml"

collect_into "$T/out-dir" --sysroot "$tree" --only qemu,libvirt
check_integrity
assert_eq "$(mget "lv0['transport']")" replay "transport"
expect_probe libvirt ok
bundle_no_leaks "replay"

k=0
for p in $pids; do
	assert_eq "$(mget "[g['name'] for g in lv0['facts']['guests'] if g['pid'] == $p]")" "[\"sec$k\"]" \
		"guest parsed from the replayed /proc/$p/cmdline"
	k=$((k + 1))
done
for a in log-vm1.log domain-vm1.xml; do
	s=$(artifact_scrubbed l0 libvirt "$a")
	[ "$s" -ge "$N_UNITS" ] || fail "artifact $a: $s values scrubbed, at least $N_UNITS planted"
done
exit 0
