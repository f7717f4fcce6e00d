#!/bin/sh
# SPDX-License-Identifier: MIT
# The evidence probes (os, packages, modules, security, cpuid, vmx-msr) and
# a drop-in probe over SSH, against real OpenSSH sshd servers on loopback:
#   - l1 (this machine again, as root over SSH) gets the same outcome from
#     every new probe as l0 and the same facts (distribution, package
#     manager, CPUID vendor and hypervisor signature): CPUID is read
#     in-process on l0 and with dd on /dev/cpu/0/cpuid on l1, and the
#     leaf 0x40000000 line is the same;
#   - on l2, whose dd is not coreutils' (a fake that fails), the cpuid probe
#     is skipped with a reason that names what is missing;
#   - a drop-in from --probe-dir runs on l0, l1 and l2 (its command and its
#     files land under levels/ID/site-osinfo/, the manifest names its file);
#     a malformed one and one naming a built-in probe are refused, each
#     with one line on stderr naming the file and the field, recorded in
#     the manifest's dropins.refused, and the run goes on (exit 0, a valid
#     bundle).
. "$(dirname "$0")/../lib.sh"
need_sshd
need_cmd tar zstd

port1=$(free_port)
sshd_start l1 127.0.0.1 "$port1"
sshd_trust l1
port2=$(free_port)
[ "$port2" != "$port1" ] || port2=$(free_port)
sshd_start l2 127.0.0.1 "$port2"
sshd_trust l2
# l2's dd does not know iflag=skip_bytes (an old or odd dd).
remote_fake_cmd dd "echo 'dd: invalid input flag' >&2; exit 1" l2

PD="$T/probes.d"
mkdir -p "$PD"
chmod 0755 "$PD"
cat >"$PD/site-osinfo.json" <<'EOJ'
{
  "schema": "urn:nest-report:schema:probe:1",
  "name": "site-osinfo",
  "summary": "the site's own record: uname -r, /etc/hostname and os-release",
  "arches": ["x86", "arm", "s390", "ppc"],
  "timeout": 20,
  "commands": [ { "argv": ["uname", "-r"] } ],
  "files": [ { "path": "/etc/hostname" }, { "artifact": "os", "path": "/etc/os-release" } ]
}
EOJ
cat >"$PD/broken-argv.json" <<'EOJ'
{ "schema": "urn:nest-report:schema:probe:1", "name": "site-broken", "summary": "a shell string",
  "commands": [ { "argv": "uname -r; cat /etc/shadow" } ] }
EOJ
cat >"$PD/steal-kvm.json" <<'EOJ'
{ "schema": "urn:nest-report:schema:probe:1", "name": "kvm", "summary": "replaces a built-in",
  "files": [ { "path": "/etc/hostname" } ] }
EOJ
chmod 0644 "$PD"/*.json

# shellcheck disable=SC2086
collect_into "$T/out-dir" $SSH_ARGS --probe-dir "$PD" \
	--level "l1=root@127.0.0.1:$port1" --level "l2=root@127.0.0.1:$port2"
soft bundle_valid
expect_level l0 ok
expect_level l1 ok
expect_level l2 ok

# ---- the drop-ins ----
n=$(grep -c 'drop-in probe .* refused' "$T/err")
soft assert_eq "$n" 2 "refusal lines on stderr"
grep -q "drop-in probe $PD/broken-argv.json refused: commands/0/argv: expected array" "$T/err" ||
	{ show "$T/err"; soft fail "no line naming broken-argv.json and commands/0/argv"; }
grep -q "drop-in probe $PD/steal-kvm.json refused: name: 'kvm' is a built-in probe's name" "$T/err" ||
	{ show "$T/err"; soft fail "no line naming steal-kvm.json and its name"; }
soft assert_eq "$(mget "[d['name'] for d in m['dropins']['loaded']]")" '["site-osinfo"]' "dropins loaded"
soft assert_eq "$(mget "sorted(r['file'].split('/')[-1] for r in m['dropins']['refused'])")" \
	'["broken-argv.json", "steal-kvm.json"]' "dropins refused"
for lv in l0 l1 l2; do
	soft assert_eq "$(lget $lv "[(p['status'], p['dropin']) for p in lv['probes'] if p['name'] == 'site-osinfo']")" \
		"[[\"ok\", \"$PD/site-osinfo.json\"]]" "$lv: site-osinfo status and file"
	soft assert_eq "$(lget $lv "sorted(a['name'] for p in lv['probes'] if p['name'] == 'site-osinfo' for a in p['artifacts'])")" \
		'["etc_hostname", "os", "uname--r"]' "$lv: site-osinfo artifacts"
	soft assert_eq "$(lget $lv "[p['name'] for p in lv['probes'] if p['name'] == 'kvm' and p.get('dropin')]")" \
		'[]' "$lv: kvm is the built-in"
done
cmp -s "$X/levels/l0/site-osinfo/uname--r" "$X/levels/l1/site-osinfo/uname--r" ||
	soft fail "the drop-in's uname -r differs between l0 and l1 (the same machine)"
cmp -s "$X/levels/l1/site-osinfo/os" /etc/os-release ||
	soft fail "l1's copy of /etc/os-release (drop-in) differs from the file"

# ---- the evidence probes: the same outcome locally and over SSH ----
for p in os packages modules security cpuid vmx-msr; do
	soft assert_eq "$(lget l1 "[q['status'] for q in lv['probes'] if q['name'] == '$p']")" \
		"$(lget l0 "[q['status'] for q in lv['probes'] if q['name'] == '$p']")" "l1 vs l0: $p status"
done
for f in "['os']['id']" "['packages']['manager']" "['cpuid']['vendor']" "['cpuid']['hypervisor']" \
	"['cpuid']['signature']" "['libvirt']['version']"; do
	soft assert_eq "$(lget l1 "lv['facts']$f")" "$(lget l0 "lv['facts']$f")" "l1 vs l0: fact $f"
done
a0=$(grep '^0x40000000 ' "$X/levels/l0/cpuid/cpuid" 2>/dev/null)
a1=$(grep '^0x40000000 ' "$X/levels/l1/cpuid/cpuid" 2>/dev/null)
if [ -e /dev/cpu/0/cpuid ]; then
	soft assert_eq "$(lget l1 "[q['status'] for q in lv['probes'] if q['name'] == 'cpuid']")" '["ok"]' "l1 cpuid (dd on /dev/cpu/0/cpuid)"
	[ -n "$a0" ] && [ "$a0" = "$a1" ] || soft fail "leaf 0x40000000: l0 '$a0', l1 '$a1'"
	# ---- l2: no usable dd ----
	soft assert_eq "$(lget l2 "[(q['status'], 'iflag=skip_bytes' in (q['error'] or '')) for q in lv['probes'] if q['name'] == 'cpuid']")" \
		'[["skipped", true]]' "l2 cpuid: skipped, saying dd is what is missing"
else
	note "no /dev/cpu/0/cpuid here (cpuid module): the dd path is not compared"
	soft assert_eq "$(lget l1 "[q['error'] for q in lv['probes'] if q['name'] == 'cpuid']")" \
		'["no /dev/cpu/0/cpuid: the cpuid module is not loaded (modprobe cpuid)"]' "l1 cpuid reason"
fi
if [ ! -e /dev/cpu/0/msr ]; then
	soft assert_eq "$(lget l1 "[q['error'] for q in lv['probes'] if q['name'] == 'vmx-msr']")" \
		'["no /dev/cpu/0/msr: the msr module is not loaded (modprobe msr)"]' "l1 vmx-msr reason"
fi
verdict
