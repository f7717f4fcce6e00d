#!/bin/sh
# SPDX-License-Identifier: MIT
# The trees in tests/fixtures/captured/, made by `nest-report capture` on
# real machines, replay to the facts their README states, with no probe
# failing (but libvirt, whose daemon was down), an intact bundle and a
# manifest that validates.  A captured tree
# is meant to be shared: none may hold anything that looks like a secret.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/replay-lib.sh"
need_cmd tar zstd sha256sum timeout

fx=$SRC_DIR/tests/fixtures/captured
[ -d "$fx" ] || fail "no $fx"
if grep -r -a -l -i -E 'password=[^[]|passwd=[^[]|token=[^[]|BEGIN [A-Z ]*PRIVATE KEY|secret=[^[]' \
	"$fx" >"$T/suspects"; then
	fail "captured fixtures with something like a secret: $(tr '\n' ' ' <"$T/suspects")"
fi

# The development machine: a Firecracker guest (KVM, ACPI OEM FIRECK) on an
# AMD EPYC whose L0 hides svm, with a working /dev/kvm from kvm_pvm.
tree=$fx/x86_64-firecracker-pvm
[ -d "$tree/.nest-report" ] || fail "no capture in $tree"
replay_ok "$tree"
# Captured with libvirt installed and its daemon down: that probe fails, as
# it must (issue 21), whatever this machine runs.  So does dmi: a
# Firecracker guest has no DMI table, and dmidecode exited 1 there.
no_probe_failed libvirt dmi
assert_eq "$(mget "probe('libvirt')['status']")" failed "libvirt probe of a capture with libvirtd down"
for check in \
	"lv0['facts']['arch']=x86_64" \
	"lv0['facts']['virt']['role']=guest" \
	"lv0['facts']['virt']['hypervisor']=firecracker" \
	"lv0['facts']['cpu']['virt_ext']=none" \
	"lv0['facts']['cpu']['hypervisor_flag']=true" \
	"lv0['facts']['cpu']['hypervisor_vendor']=KVM" \
	"lv0['facts']['kernel']['hypervisor_detected']=KVM" \
	"lv0['facts']['kernel']['acpi_oem']=FIRECK" \
	"lv0['facts']['kvm']['available']=true" \
	"lv0['facts']['kvm']['device']=true" \
	"lv0['facts']['kvm']['module']=kvm_pvm" \
	"lv0['facts']['kvm']['nested']=null" \
	"lv0['facts']['pci']['hypervisor']=virtio" \
	"lv0['root']=true" \
	"'qemu-system-x86_64' in [v['binary'] for v in lv0['facts']['qemu']['versions']]=true" \
	"lv0['facts']['evidence']['virt.hypervisor'][0]['artifact']=levels/l0/dmesg/dmesg"; do
	assert_eq "$(mget "${check%=*}")" "${check##*=}" "${check%=*}"
done
expect_probe dmi failed
assert_eq "$(mget "probe('dmi')['error']")" "dmidecode exited with status 1: /dev/mem: No such file or directory" \
	"dmi probe of a capture without a DMI table"
expect_probe x86info ok
expect_probe s390 unsupported
exit 0
