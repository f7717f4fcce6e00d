#!/bin/sh
# SPDX-License-Identifier: MIT
# Running QEMUs whose command lines hold every class of secret issue 19
# lists, in the variants tests/secrets-gen.py generates (QEMU's JSON
# dialect with single quotes, \u-escaped names, tabs and newlines and
# json:{...} dotted keys; cookie, passphrase, key, psk, token... in keyval
# and JSON; URL passwords with '/', '#', '?', '@' raw and encoded; arguments
# holding a newline; systemd credentials by SMBIOS, fw_cfg and
# systemd.set_credential), each value unique.
#
# After `collect` no planted value, nor 6 bytes of one, may be anywhere:
# bundle members, manifest.json, summary.txt, the decompressed tar stream,
# --json stdout, stderr.  The same holds for a `capture` tree.  The guests
# must still be recognised and parsed from the scrubbed argv, and the scrub
# counts must account for every planted value.
#
# The run happens in a PID namespace of its own with the fake QEMUs, so
# they are among the processes the qemu probe scans however busy the
# machine is.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/secrets-lib.sh"
need_root "a PID namespace needs root"

secrets_gen
real_nr=$NR_BIN
NR_BIN=$(pidns_wrapper "$real_nr")

collect_into "$T/out-dir" --json --only qemu --timeout 120
check_integrity
bundle_no_leaks "collect"
QPIDS=$(cat "$T/ns-qpids")

# Each process is a recognised guest, parsed from the scrubbed argv.
k=0
for p in $QPIDS; do
	g="[g for g in lv0['facts']['guests'] if g['pid'] == $p]"
	assert_eq "$(mget "len($g)")" 1 "guests with pid $p (qemu probe: $(probe_status qemu))"
	assert_eq "$(mget "$g[0]['name']")" "sec$k" "name of guest $p"
	assert_eq "$(mget "$g[0]['accel']")" '["kvm", "tcg"]' "accel of guest $p"
	assert_eq "$(mget "$g[0]['virt_ext_exposed']")" true "vmx exposed to guest $p"
	for a in "cmdline-$p" "cmdline-$p.txt"; do
		s=$(mget "art('qemu', '$a')['scrubbed']")
		[ "$s" -gt 0 ] || fail "artifact $a: scrubbed count $s"
		grep -a -q 'scrubbed' "$X/levels/l0/qemu/$a" || fail "artifact $a has no marker"
	done
	k=$((k + 1))
done
# Every planted secret was replaced, in both renderings of each argv.
tot=$(mget "sum(a['scrubbed'] for p in lv0['probes'] if p['name'] == 'qemu' for a in p['artifacts'] if a['name'].startswith('cmdline-'))")
[ "$tot" -ge $((2 * N_UNITS)) ] ||
	fail "qemu artifacts count $tot values scrubbed; $N_UNITS were planted in each of two renderings"
assert_eq "$(jget "$T/out" "m['scrubbed']")" "$(mget "m['totals']['scrubbed']")" "--json scrubbed vs manifest"
# What is not secret survives: names of the secret properties, ids.
for kept in 'file.cookie=' 'key-secret' 'sec0' 'systemd.set_credential=c1:' \
	'io.systemd.credential:cred=' 'opt/io.systemd.credentials/mycred' 'user0:'; do
	grep -a -q -F -e "$kept" "$X"/levels/l0/qemu/cmdline-* ||
		fail "'$kept' was lost from the scrubbed command lines"
done

# capture records the same command lines, scrubbed the same way.
run_nr capture --only qemu --timeout 120 "$T/cap"
expect_rc 0 "capture --only qemu"
for p in $(cat "$T/ns-qpids"); do
	[ -s "$T/cap/proc/$p/cmdline" ] || fail "capture did not record /proc/$p/cmdline"
done
no_leaks "capture tree" "$T/cap" "$T/out" "$T/err"
exit 0
