#!/bin/sh
# SPDX-License-Identifier: MIT
# The libvirt probe with a fake virsh listing domains whose names are not
# safe file names ("my vm", "web/1", "../x", "-rf", "ünïcode vm") or differ
# only in such characters ("my vm" and "my_vm").  Every domain's XML must end
# up in the bundle as its own member, under a safe path, listed once in the
# manifest, under a readable name (a safe name as is; a changed one with each
# run of unsafe bytes as one '_' and 8 hex digits of the original's sha256,
# never a numbered ".2"), with the original name in its command; a password
# in the XML is scrubbed.  (libvirt_real_names.sh does this with a real
# libvirtd, which refuses "web/1".)
. "$(dirname "$0")/../lib.sh"
need_cmd tar zstd sha256sum

fake_cmd virsh 'case "$*" in
"-r version") echo "Compiled against library: libvirt 9.0.0"; echo "Using library: libvirt 9.0.0"; echo "Running hypervisor: QEMU 7.2.0" ;;
"-r list --all --name") printf "my vm\nmy_vm\nweb/1\n../x\n-rf\n\303\274n\303\257code vm\n\n" ;;
"-r list --all") printf " Id   Name    State\n---------------------\n" ;;
"-r list --name") echo ;;
"-r capabilities") echo "<capabilities/>" ;;
"-r domcapabilities" | "domcapabilities") echo "<domainCapabilities/>" ;;
"-r nodeinfo") echo "CPU model:           x86_64" ;;
"-r dumpxml --domain "*)
	shift 3
	echo "<domain type='"'"'kvm'"'"'><name>$1</name>"
	echo "  <graphics type='"'"'vnc'"'"' port='"'"'5900'"'"' passwd='"'"'SECRETH8'"'"'/>"
	echo "</domain>" ;;
*) echo "fake virsh: unexpected arguments: $*" >&2; exit 1 ;;
esac'
UNI=$(printf '\303\274n\303\257code vm')

collect_into "$T/out-dir" --only libvirt
expect_probe libvirt ok
assert_eq "$(mget "m['levels'][0]['facts']['libvirt']['version']")" 9.0.0 "libvirt version parsed from virsh version"
soft check_integrity

# One dumpxml per domain, each stored as a distinct member holding its XML.
n=$(mget "len([a for a in probe('libvirt')['artifacts'] if a['command'] and 'dumpxml' in a['command']])")
assert_eq "$n" 6 "dumpxml runs (one per listed domain)"
for d in "my vm" "my_vm" "web/1" "../x" "-rf" "$UNI"; do
	hits=$(grep -l -F -x "<domain type='kvm'><name>$d</name>" "$X"/levels/l0/libvirt/* 2>/dev/null | wc -l | tr -d ' ')
	soft assert_eq "$hits" 1 "bundle members holding the XML of domain '$d'"
done

# member_of NAME: the artifact whose dumpxml command names domain NAME.
member_of() {
	printf '%s' "$1" >"$T/wanted"
	mget "[a['name'] for a in probe('libvirt')['artifacts'] if a['command'] and a['command'][-1] == open('$T/wanted', encoding='utf-8').read()][0]"
}
hash8() {
	printf '%s' "$1" | sha256sum | cut -c1-8
}
soft assert_eq "$(member_of my_vm)" domain-my_vm.xml "member of domain 'my_vm'"
soft assert_eq "$(member_of "my vm")" "domain-my_vm-$(hash8 'domain-my vm.xml').xml" "member of domain 'my vm'"
soft assert_eq "$(member_of "$UNI")" "domain-_n_code_vm-$(hash8 "domain-$UNI.xml").xml" "member of domain '$UNI'"
soft assert_eq "$(member_of web/1)" "domain-web_1-$(hash8 'domain-web/1.xml').xml" "member of domain 'web/1'"
soft assert_eq "$(mget "[a['name'] for a in probe('libvirt')['artifacts'] if '.xml.' in a['name']]")" "[]" \
	"members with a numbered suffix"

if grep -r -a -q -E 'SECRET[A-Z][0-9]|ECRET[A-Z]|RET[A-Z][0-9]' "$X"; then
	fail "the VNC password in the domain XML leaked into the bundle"
fi
verdict
