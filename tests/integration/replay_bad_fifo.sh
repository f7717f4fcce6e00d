#!/bin/sh
# SPDX-License-Identifier: MIT
# FIFOs where the probes and the replay's own metadata expect files: no
# read ever blocks on one (each is refused without being opened), the run
# finishes quickly, and the probes that wanted them record why.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/replay-lib.sh"
need_cmd tar zstd sha256sum timeout mkfifo

tree=$T/case/tree
make_tree "$tree"
for f in proc/cpuinfo proc/version proc/bus/pci/devices sys/module/kvm/parameters/nested \
	.nest-report/meta .nest-report/which/dmesg .nest-report/commands/cpu/lscpu.out \
	.nest-report/commands/kernel/uname-a.exit .nest-report/paths/dev/kvm.info; do
	rm -f "$tree/$f"
	mkfifo "$tree/$f"
done
start=$(now_s)
replay_ok "$tree"
assert_lt $(($(now_s) - start)) 20 "seconds to replay a tree full of FIFOs"
expect_probe pci failed
case $(mget "probe('pci')['error']") in
*"/proc/bus/pci/devices"*) ;;
*) fail "pci probe error does not name the file: $(mget "probe('pci')['error']")" ;;
esac
assert_eq "$(mget "lv0['root']")" null "root from a FIFO meta"
assert_eq "$(mget "[a['name'] for a in probe('cpu')['artifacts'] if a['name'] == 'cpuinfo']")" "[]" "cpuinfo artifact from a FIFO"
assert_eq "$(mget "lv0['facts']['kvm']['available']")" null "kvm.available from a FIFO"
exit 0
