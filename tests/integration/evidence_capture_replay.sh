#!/bin/sh
# SPDX-License-Identifier: MIT
# The evidence probes and a drop-in through `capture` and `collect
# --sysroot`: the capture records the register reads (CPUID, and the msr
# device's absence) and the drop-in's outputs; the replay gives the same
# facts and probe outcomes as a live collect.  A capture made before the
# register probes existed says "not recorded" rather than guessing, and a
# capture whose register recording is junk gives no facts from it, never a
# crash.
. "$(dirname "$0")/../lib.sh"
need_cmd tar zstd

PD="$T/probes.d"
mkdir -p "$PD"
chmod 0755 "$PD"
cat >"$PD/site.json" <<'EOJ'
{ "schema": "urn:nest-report:schema:probe:1", "name": "site-release", "summary": "uname -r",
  "commands": [ { "argv": ["uname", "-r"] } ], "files": [ { "path": "/etc/os-release" } ] }
EOJ
chmod 0644 "$PD/site.json"
P=os,packages,modules,security,cpuid,vmx-msr,kernel,dmesg,kvm,libvirt,site-release

cap=$T/capture
run_nr capture --probe-dir "$PD" --only "$P" "$cap"
expect_rc 0 "nest-report capture"
[ -f "$cap/.nest-report/commands/site-release/uname--r.out" ] || fail "the drop-in's command was not recorded"
if [ -e /dev/cpu/0/cpuid ] || [ "$(uname -m)" = x86_64 ]; then
	[ -f "$cap/.nest-report/regs/dev/cpu/0/cpuid.regs" ] || fail "CPUID reads were not recorded"
	grep -q '^device 0$' "$cap/.nest-report/regs/dev/cpu/0/cpuid.regs" || fail "cpuid.regs has no 'device 0'"
fi
if [ ! -e /dev/cpu/0/msr ] && [ "$(uname -m)" = x86_64 ]; then
	grep -q '^device -2$' "$cap/.nest-report/regs/dev/cpu/0/msr.regs" 2>/dev/null ||
		fail "the msr device's absence was not recorded"
fi

collect_into "$T/live" --probe-dir "$PD" --only "$P"
cp "$M" "$T/live.json"
collect_into "$T/replayed" --probe-dir "$PD" --sysroot "$cap" --only "$P"
soft bundle_valid
assert_eq "$(mget "lv0['transport']")" replay "transport of the replay"
for f in "['os']" "['packages']" "['modules']['persistent']" "['modules']['info']" "['security']" \
	"['cpuid']" "['vmx']" "['virt']['accel']" "['virt']['accel_source']" "['virt']['hypervisor']" \
	"['libvirt']['host_validate']"; do
	soft assert_eq "$(mget "lv0['facts']$f")" "$(jget "$T/live.json" "lv0['facts']$f")" "facts$f live vs replayed"
done
soft assert_eq "$(mget "sorted(p['name'] + '=' + p['status'] for p in lv0['probes'])")" \
	"$(jget "$T/live.json" "sorted(p['name'] + '=' + p['status'] for p in lv0['probes'])")" "probe statuses"
uname -r >"$T/live-uname"
cmp -s "$X/levels/l0/site-release/uname--r" "$T/live-uname" ||
	soft fail "the drop-in's replayed output differs from uname -r"

# The committed capture predates the register probes: not recorded.
collect_into "$T/old" --sysroot "$SRC_DIR/tests/fixtures/captured/x86_64-firecracker-pvm" --only cpuid,vmx-msr
soft assert_eq "$(mget "[(p['status'], p['error']) for p in lv0['probes'] if p['name'] in ('cpuid', 'vmx-msr')]")" \
	'[["skipped", "/dev/cpu/0/cpuid was not recorded in this capture"], ["skipped", "/dev/cpu/0/msr was not recorded in this capture"]]' \
	"register probes on a capture without recordings"
soft assert_eq "$(mget "lv0['facts']['cpuid']['hypervisor']")" null "no CPUID fact from nothing"

# The committed capture of the development machine with these probes.
collect_into "$T/committed" --sysroot "$SRC_DIR/tests/fixtures/captured/x86_64-firecracker-pvm-evidence"
soft bundle_valid
for pair in "['virt']['accel']=kvm" "['virt']['accel_source']=cpuid" "['virt']['hypervisor']=firecracker" \
	"['cpuid']['signature']=KVMKVMKVM" "['cpuid']['svm']=false" "['os']['id']=debian" "['os']['version_id']=12" \
	"['packages']['manager']=dpkg" "['packages']['kernel']=null" "['modules']['persistent']={}" \
	"['vmx']['features']=null" "['security']['denials_total']=0"; do
	f=${pair%%=*}
	soft assert_eq "$(mget "lv0['facts']$f")" "${pair#*=}" "committed capture: facts$f"
done
soft assert_eq "$(mget "[p['version'] for p in lv0['facts']['packages']['installed'] if p['name'] == 'qemu-system-x86']")" \
	'["1:7.2+dfsg-7+deb12u18+b3"]' "committed capture: qemu-system-x86 package"
soft assert_eq "$(mget "[v['result'] for v in lv0['facts']['libvirt']['host_validate'] if 'hardware virtualization' in v['check']]")" \
	'["FAIL"]' "committed capture: virt-host-validate"
soft assert_eq "$(mget "probe('vmx-msr')['error']")" "no /dev/cpu/0/msr: the msr module is not loaded (modprobe msr)" \
	"committed capture: vmx-msr"

# Junk in the recording: no fact from it, no crash, the run goes on.
if [ -f "$cap/.nest-report/regs/dev/cpu/0/cpuid.regs" ]; then
	printf 'device 0\n0 zzzz\n1 %s\n\001\377\n1073741824 -99999999999999999999\n' \
		"$(head -c 40 /dev/zero | tr '\0' 'f')" >"$cap/.nest-report/regs/dev/cpu/0/cpuid.regs"
	collect_into "$T/junk" --sysroot "$cap" --only cpuid
	soft assert_eq "$(mget "[p['status'] for p in lv0['probes'] if p['name'] == 'cpuid']")" '["ok"]' "cpuid over junk"
	soft assert_eq "$(mget "lv0['facts']['cpuid']['vendor']")" null "no vendor from a junk leaf 0"
	grep -q 'error -74' "$X/levels/l0/cpuid/cpuid" || soft fail "the junk leaf is not reported as unreadable (EBADMSG)"
fi
verdict
