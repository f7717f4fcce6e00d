#!/bin/sh
# SPDX-License-Identifier: MIT
# Binary junk in every file the probes read and in every piece of the
# replay's metadata (meta, which, exit codes, listings, path records): the
# run succeeds, the manifest is valid UTF-8 JSON that validates, and no
# fact is made up from junk.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/replay-lib.sh"
need_cmd tar zstd sha256sum timeout

tree=$T/case/tree
make_tree "$tree"
junk() { head -c "${2:-65536}" /dev/urandom >"$1"; }
mkdir -p "$tree/proc/device-tree/hypervisor" "$tree/sys/class/dmi/id" "$tree/sys/hypervisor" \
	"$tree/.nest-report/lists/sys/module/kvm" "$tree/.nest-report/commands/dmi"
for f in proc/cpuinfo proc/version proc/cmdline proc/sysinfo proc/modules proc/bus/pci/devices \
	sys/module/kvm/parameters/nested sys/class/dmi/id/sys_vendor sys/class/dmi/id/product_name \
	sys/hypervisor/type proc/device-tree/compatible proc/device-tree/model \
	proc/device-tree/hypervisor/compatible \
	.nest-report/commands/detect/uname-m.out .nest-report/commands/kernel/uname-a.out \
	.nest-report/commands/cpu/lscpu.out .nest-report/commands/cpu/lscpu.err \
	.nest-report/commands/dmesg/dmesg.out .nest-report/commands/dmesg/dmesg.exit \
	.nest-report/commands/kernel/uname-a.exit .nest-report/paths/dev/kvm.info \
	.nest-report/lists/proc.list .nest-report/lists/sys/module/kvm/parameters.list; do
	junk "$tree/$f"
done
junk "$tree/.nest-report/meta" 4096
junk "$tree/.nest-report/which/lscpu" 4096
replay_ok "$tree"
if ! is_valid_json "$M"; then
	show "$T/json.err"
	fail "manifest.json is not valid UTF-8 JSON after a tree of junk"
fi
assert_eq "$(mget "lv0['root']")" null "root from junk"
assert_eq "$(mget "lv0['facts']['kvm']['available']")" null "kvm.available from junk"
# Junk names nothing: no hypervisor is made up (the PCI junk could, in
# theory, hold a valid ID line; 64 KiB of random bytes practically never
# does, so accept only null or a known name).
case $(mget "lv0['facts']['virt']['hypervisor']") in
null | unknown | kvm | qemu | qemu-tcg | xen | vmware | hyperv | virtualbox | firecracker) ;;
*) fail "hypervisor made up from junk: $(mget "lv0['facts']['virt']['hypervisor']")" ;;
esac
exit 0
