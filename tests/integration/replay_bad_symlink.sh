#!/bin/sh
# SPDX-License-Identifier: MIT
# A replayed tree is untrusted: symlinks in it that point outside it
# (absolute ones at this machine's files, relative ones climbing out with
# "..", a directory link at the real /proc, a recorded command output
# linked to /etc/passwd) resolve inside the tree or not at all.  The run
# succeeds, and nothing from outside the tree reaches the bundle.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/replay-lib.sh"
need_cmd tar zstd sha256sum timeout

tree=$T/case/tree
make_tree "$tree"
ln -sf /etc/shadow "$tree/proc/cpuinfo"
ln -sf ../../outside "$tree/proc/version"
ln -sf ../../../../../../../../outside "$tree/proc/cmdline"
rm -rf "$tree/sys/module/kvm/parameters"
ln -s /sys/module/kvm/parameters "$tree/sys/module/kvm/parameters"
ln -sf /etc/passwd "$tree/.nest-report/commands/cpu/lscpu.out"
ln -sf "$T/case/outside" "$tree/.nest-report/commands/kernel/uname-a.out"
ln -sf /etc/hostname "$tree/.nest-report/which/dmesg"
ln -s /proc/bus/pci/devices "$tree/proc/bus/pci/devices2"
rm -f "$tree/proc/bus/pci/devices"
ln -s devices2 "$tree/proc/bus/pci/devices"
replay_ok "$tree"
# cpuinfo and /proc/version resolved inside the tree, where they are not.
[ "$(mget "[a['name'] for a in probe('cpu')['artifacts'] if a['name'] == 'cpuinfo']")" = "[]" ] ||
	fail "proc/cpuinfo -> /etc/shadow was read"
[ "$(mget "[a['name'] for a in probe('kernel')['artifacts'] if a['name'] == 'proc-version']")" = "[]" ] ||
	fail "proc/version -> ../../outside was read"
assert_eq "$(mget "lv0['facts']['kvm']['params']")" "{}" "KVM parameters listed through an absolute link"
assert_eq "$(mget "lv0['facts']['pci']['devices']")" null "PCI devices read through an absolute link"
# `which dmesg` answered from a link to /etc/hostname: still not read.
expect_probe cpu failed

# The tree's own /proc is a link to the real /proc: it resolves to itself
# (a loop), so no process of this machine is listed.
tree2=$T/case2/tree
make_tree "$tree2"
rm -rf "$tree2/proc"
ln -s /proc "$tree2/proc"
replay_ok "$tree2"
assert_eq "$(mget "lv0['facts']['guests']")" "[]" "guests found through a link to /proc"
assert_eq "$(mget "[a['name'] for a in probe('cpu')['artifacts'] if a['name'] == 'cpuinfo']")" "[]" "cpuinfo through a link to /proc"
exit 0
