#!/bin/sh
# SPDX-License-Identifier: MIT
# The libvirt probe with a fake virsh listing domains whose names are not
# safe file names ("my vm", "web/1", "../x", "-rf") or differ only in such
# characters ("my vm" and "my_vm").  Every domain's XML must end up in the
# bundle as its own member, under a safe path, listed once in the manifest;
# a password in the XML is scrubbed.
. "$(dirname "$0")/../lib.sh"
need_cmd tar zstd

fake_cmd virsh 'case "$*" in
"-r version") echo "Compiled against library: libvirt 9.0.0"; echo "Using library: libvirt 9.0.0"; echo "Running hypervisor: QEMU 7.2.0" ;;
"-r list --all --name") printf "my vm\nmy_vm\nweb/1\n../x\n-rf\n\n" ;;
"-r list --all") printf " Id   Name    State\n---------------------\n" ;;
"-r dumpxml --domain "*)
	shift 3
	echo "<domain type='"'"'kvm'"'"'><name>$1</name>"
	echo "  <graphics type='"'"'vnc'"'"' port='"'"'5900'"'"' passwd='"'"'SECRETH8'"'"'/>"
	echo "</domain>" ;;
*) echo "fake virsh: unexpected arguments: $*" >&2; exit 1 ;;
esac'

collect_into "$T/out-dir" --only libvirt
expect_probe libvirt ok
assert_eq "$(mget "m['levels'][0]['facts']['libvirt']['version']")" 9.0.0 "libvirt version parsed from virsh version"
soft check_integrity

# One dumpxml per domain, each stored as a distinct member holding its XML.
n=$(mget "len([a for a in probe('libvirt')['artifacts'] if a['command'] and 'dumpxml' in a['command']])")
assert_eq "$n" 5 "dumpxml runs (one per listed domain)"
for d in "my vm" "my_vm" "web/1" "../x" "-rf"; do
	hits=$(grep -l -F -x "<domain type='kvm'><name>$d</name>" "$X"/levels/l0/libvirt/* 2>/dev/null | wc -l | tr -d ' ')
	soft assert_eq "$hits" 1 "bundle members holding the XML of domain '$d'"
done
if grep -r -a -q -E 'SECRET[A-Z][0-9]|ECRET[A-Z]|RET[A-Z][0-9]' "$X"; then
	fail "the VNC password in the domain XML leaked into the bundle"
fi
verdict
