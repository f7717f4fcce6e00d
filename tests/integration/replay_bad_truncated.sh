#!/bin/sh
# SPDX-License-Identifier: MIT
# Files cut short: cpuinfo in the middle of its flags line, an empty
# /proc/version, s390's sysinfo in the middle of a VMnn block, lscpu in
# the middle of a key, a PCI line without its IDs, an exit code with no
# digits.  The run succeeds and concludes only what the text still shows.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/replay-lib.sh"
need_cmd tar zstd sha256sum timeout

tree=$T/case/tree
make_tree "$tree"
# "flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic" and no more.
awk '/^flags/ { print substr($0, 1, 40); exit } { print }' \
	"$SRC_DIR/tests/fixtures/local/cpuinfo-kvm-guest-amd.txt" >"$tree/proc/cpuinfo"
: >"$tree/proc/version"
printf 'Architecture:  x86_64\nHypervisor ven' >"$tree/.nest-report/commands/cpu/lscpu.out"
printf '0008\t1af4' >"$tree/proc/bus/pci/devices"
printf '' >"$tree/.nest-report/commands/cpu/lscpu.exit"
printf '[    0.000000] Hypervisor dete' >"$tree/.nest-report/commands/dmesg/dmesg.out"
replay_ok "$tree"
no_probe_failed
assert_eq "$(mget "lv0['facts']['cpu']['vendor']")" AuthenticAMD "cpu.vendor from a cut cpuinfo"
# The flags line was cut before "hypervisor": the bit reads as clear, and
# nothing else names a hypervisor.
assert_eq "$(mget "lv0['facts']['kernel']['hypervisor_detected']")" null "hypervisor_detected from a cut line"
assert_eq "$(mget "lv0['facts']['cpu']['hypervisor_vendor']")" null "lscpu vendor from a cut key"
assert_eq "$(mget "art('cpu', 'lscpu')['exit_code']")" null "exit code of an empty .exit"

# s390: sysinfo cut inside the VM01 block.
tree2=$T/case2/tree
make_tree "$tree2"
echo s390x >"$tree2/.nest-report/commands/detect/uname-m.out"
printf 'vendor_id       : IBM/S390\n# processors    : 2\nfeatures\t: esan3 zarch sie\n' >"$tree2/proc/cpuinfo"
head -c 700 "$SRC_DIR/tests/fixtures/sysinfo/s390-kvm-in-zvm.txt" >"$tree2/proc/sysinfo"
replay_ok "$tree2"
expect_probe s390 ok
assert_eq "$(mget "lv0['facts']['arch_family']")" s390 "arch family"
[ "$(mget "lv0['facts']['virt']['role']")" != null ] || fail "no role from a cut sysinfo"
exit 0
