#!/bin/sh
# SPDX-License-Identifier: MIT
# A running QEMU whose command line is full of secrets (every form QEMU and
# libvirt use: secret objects in key=value and JSON syntax, SPICE/VNC
# passwords, Ceph keys in rbd: filenames, iSCSI passwords in options and
# URLs).  After collect none of the secret values, nor any fragment of one,
# may appear anywhere: bundle members, the decompressed tar stream, the
# manifest, or --json stdout.  The guest must still be recognised and
# parsed, and the scrub counts must say something was scrubbed.
. "$(dirname "$0")/../lib.sh"
need_cmd tar zstd

cp "$(helper fake_qemu)" "$FAKEBIN/qemu-system-x86_64"
"$FAKEBIN/qemu-system-x86_64" \
	-name guest=l1,debug-threads=on \
	-machine q35,accel=kvm:tcg \
	-cpu host,vmx=on \
	-m 2048 \
	-object secret,id=sec0,data=SECRETA1,format=raw \
	-object '{"qom-type":"secret","id":"sec1","data":"SECRETB2"}' \
	-spice port=5900,password=SECRETC3 \
	-vnc :1,password-secret=SECRETD4 \
	-drive file=rbd:pool/img:id=admin:key=SECRETE5==:auth_supported=cephx,format=raw,if=virtio \
	-iscsi user=bob,password=SECRETF6 \
	-drive file=iscsi://bob%SECRETG7@127.0.0.1/iqn.2001-04.com.example:storage/1 \
	-netdev user,id=n0,hostfwd=tcp:127.0.0.1:2222-:22 \
	>"$T/qemu.out" 2>&1 &
qpid=$!
at_exit "kill -9 $qpid"
i=0
until grep -q ready "$T/qemu.out" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 50 ] || fail "fake qemu did not start"
	sleep 0.1
done
tr '\0' '\n' <"/proc/$qpid/cmdline" | grep -q SECRETG7 || fail "fake qemu's argv is not what the test set"

collect_into "$T/out-dir" --json --only qemu
check_integrity

# Every secret value, and fragments of it (a scrubber that cuts one byte too
# late or too early still leaks): "ECRET" + letter, or "RET" + letter + digit.
leak_re='SECRET[A-G][0-9]|ECRET[A-G]|RET[A-G][0-9]'
if grep -r -a -l -E "$leak_re" "$X" >"$T/leaks"; then
	for f in $(cat "$T/leaks"); do
		echo "---- ${f#$X/}:" >&2
		grep -a -n -o -E ".{0,40}($leak_re).{0,20}" "$f" | head -n 10 >&2
	done
	fail "secret values leaked into the bundle: $(sed "s|$X/||" "$T/leaks" | tr '\n' ' ')"
fi
n=$(decompress "$BUNDLE" | grep -a -c -E "$leak_re" || :)
assert_eq "$n" 0 "lines with secret values in the decompressed tar stream"
if grep -a -n -E "$leak_re" "$T/out" "$T/err" >&2; then
	fail "secret values leaked into nest-report's stdout/stderr"
fi

# The process is a recognised guest, parsed from the scrubbed argv.
g="[g for g in lv0['facts']['guests'] if g['pid'] == $qpid]"
assert_eq "$(mget "len($g)")" 1 "guests with our fake QEMU's pid ($(mget "[(g['pid'], g['name']) for g in lv0['facts']['guests']]"))"
g="$g[0]"
assert_eq "$(mget "$g['name']")" l1 "guest name"
assert_eq "$(mget "$g['accel']")" '["kvm", "tcg"]' "guest accel"
assert_eq "$(mget "$g['cpu_model']")" host "guest cpu_model"
assert_eq "$(mget "$g['virt_ext_exposed']")" true "guest virt_ext_exposed"
assert_eq "$(mget "$g['binary']")" qemu-system-x86_64 "guest binary"
assert_eq "$(mget "$g['hostfwd']")" '[{"guest_port": 22, "host_port": 2222}]' "guest hostfwd"
# Harmless arguments survive scrubbing.
assert_eq "$(mget "'-m' in $g['argv'] and '2048' in $g['argv'] and 'host,vmx=on' in $g['argv']")" true \
	"plain arguments kept in the guest argv"

# Both cmdline artifacts exist and each counts what it scrubbed.
for a in cmdline-$qpid cmdline-$qpid.txt; do
	s=$(mget "art('qemu', '$a')['scrubbed']")
	[ "$s" -gt 0 ] || fail "artifact $a: scrubbed count is $s, expected > 0"
	[ -s "$X/levels/l0/qemu/$a" ] || fail "artifact $a is empty or missing"
	grep -a -q 'scrubbed' "$X/levels/l0/qemu/$a" || fail "artifact $a has no scrub marker"
done
tot=$(mget "m['totals']['scrubbed']")
[ "$tot" -ge 7 ] || fail "totals.scrubbed is $tot; the command line holds 7 secrets"
assert_eq "$(jget "$T/out" "m['scrubbed']")" "$tot" "--json scrubbed vs manifest totals"
exit 0
