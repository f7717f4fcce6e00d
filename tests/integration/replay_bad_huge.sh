#!/bin/sh
# SPDX-License-Identifier: MIT
# A 100 MB cpuinfo (sparse: 100 MB of NULs after the real text) and a
# 100 MB recorded dmesg output: each becomes an artifact capped at
# --max-artifact-size and marked truncated; the run neither hangs nor
# holds them in memory, and the facts still come from the start of cpuinfo.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/replay-lib.sh"
need_cmd tar zstd sha256sum timeout truncate

tree=$T/case/tree
make_tree "$tree"
truncate -s 100M "$tree/proc/cpuinfo"
truncate -s 100M "$tree/.nest-report/commands/dmesg/dmesg.out"
start=$(now_s)
replay_ok "$tree" --max-artifact-size 1M
assert_lt $(($(now_s) - start)) 30 "seconds to replay 200 MB of recordings with a 1 MiB cap"
assert_eq "$(mget "art('cpu', 'cpuinfo')['truncated']")" true "cpuinfo truncated"
assert_eq "$(mget "art('cpu', 'cpuinfo')['size']")" 1048576 "cpuinfo artifact size"
assert_eq "$(mget "art('dmesg', 'dmesg')['truncated']")" true "dmesg truncated"
assert_eq "$(mget "art('dmesg', 'dmesg')['size']")" 1048576 "dmesg artifact size"
assert_eq "$(file_size "$X/levels/l0/dmesg/dmesg")" 1048576 "dmesg member size"
assert_eq "$(mget "lv0['facts']['cpu']['vendor']")" AuthenticAMD "cpu.vendor from a huge cpuinfo"
assert_eq "$(mget "lv0['facts']['virt']['hypervisor']")" kvm "hypervisor from a huge dmesg"

# The default cap (256 MiB) takes all 100 MB of cpuinfo; parse() reads its
# first 16 MiB only.  Memory stays bounded: the artifact is spooled.
tree2=$T/case2/tree
make_tree "$tree2"
truncate -s 100M "$tree2/proc/cpuinfo"
start=$(now_s)
replay_ok "$tree2" --only cpu,kernel
assert_lt $(($(now_s) - start)) 60 "seconds to replay a 100 MB cpuinfo uncapped"
assert_eq "$(mget "art('cpu', 'cpuinfo')['size']")" 104857600 "uncapped cpuinfo artifact size"
assert_eq "$(mget "art('cpu', 'cpuinfo')['truncated']")" false "uncapped cpuinfo truncated"
exit 0
