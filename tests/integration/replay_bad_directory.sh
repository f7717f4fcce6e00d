#!/bin/sh
# SPDX-License-Identifier: MIT
# Directories where files are expected (cpuinfo, /proc/version, a recorded
# command output, the meta file, a `which` record, /dev/kvm's record):
# each is refused as not a file, and the run goes on.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/replay-lib.sh"
need_cmd tar zstd sha256sum timeout

tree=$T/case/tree
make_tree "$tree"
for f in proc/cpuinfo proc/version proc/bus/pci/devices .nest-report/meta .nest-report/which/dmesg \
	.nest-report/commands/cpu/lscpu.out .nest-report/commands/kernel/uname-a.out \
	.nest-report/paths/dev/kvm.info; do
	rm -f "$tree/$f"
	mkdir -p "$tree/$f/inside"
	echo "$CANARY" >"$tree/$f/inside/file"
done
replay_ok "$tree"
expect_probe pci failed
# Neither cpuinfo nor lscpu: the cpu probe records its failure.
expect_probe cpu failed
assert_eq "$(mget "lv0['root']")" null "root from a directory"
assert_eq "$(mget "lv0['facts']['cpu']['vendor']")" null "cpu.vendor from a directory"
exit 0
