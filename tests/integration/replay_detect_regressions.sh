#!/bin/sh
# SPDX-License-Identifier: MIT
# Detection never gives a wrong answer (issue 17), on hand-made replay
# trees of tests/fixtures/sysroots:
# - an older Xen PV domU (RHEL 5's 2.6.18-xen, the shape of util-linux's
#   x86_64-el5xen dump): no /sys/hypervisor, no hypervisor bit, an empty
#   /proc/xen/capabilities.  It was reported as a bare-metal host; lscpu
#   says "Xen, para".  Without /proc/xen the same tree is a host, so it is
#   /proc/xen that decides; with /proc/xen but no capabilities (xenfs not
#   mounted, recorded as a path) it is Xen of an unknown domain.
# - a Xen dom0 whose kernel, cpuinfo and lscpu all say "Xen guest": the
#   host of its machine.
# - a KVM guest hiding its hypervisor bit behind spoofed DMI, virtio
#   devices left: unknown, never "host".
# - an ia64 machine (util-linux's ia64-hprx1620 shape): family ia64, not
#   s390, so no s390 finding; facts.arch from cpuinfo where no uname -m.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/replay-lib.sh"
need_cmd tar zstd sha256sum timeout

fx=$SRC_DIR/tests/fixtures/sysroots

# check EXPR=VALUE...: each Python expression on the manifest.
check() {
	for _c in "$@"; do
		assert_eq "$(mget "${_c%=*}")" "${_c##*=}" "$_tree_name: ${_c%=*}"
	done
}

_tree_name=xen-pv-domu-el5
replay_ok "$fx/xen-pv-domu-el5"
no_probe_failed kernel
expect_probe xen ok
check "lv0['facts']['virt']['role']=guest" \
	"lv0['facts']['virt']['hypervisor']=xen" \
	"lv0['facts']['xen']['domain']=domU" \
	"lv0['facts']['evidence']['virt.role'][0]['artifact']=levels/l0/xen/capabilities" \
	"lv0['facts']['cpu']['hypervisor_flag']=false" \
	"lv0['facts']['arch']=x86_64" \
	"lv0['facts']['arch_family']=x86" \
	"lv0['facts']['evidence']['arch'][0]['artifact']=levels/l0/cpu/cpuinfo" \
	"art('xen', 'capabilities')['size']=0"

# The same machine without /proc/xen: nothing but the clear flag, a host.
_tree_name=no-proc-xen
cp -R "$fx/xen-pv-domu-el5" "$T/noxen"
rm -r "$T/noxen/proc/xen"
replay_ok "$T/noxen"
expect_probe xen skipped
check "lv0['facts']['virt']['role']=host" "lv0['facts']['xen']['domain']=null"

# /proc/xen without capabilities (xenfs not mounted), as a capture records
# a directory's existence.
_tree_name=proc-xen-dir-only
cp -R "$fx/xen-pv-domu-el5" "$T/xendir"
rm -r "$T/xendir/proc/xen"
mkdir -p "$T/xendir/.nest-report/paths/proc"
printf 'format: 1\nroot: unknown\n' >"$T/xendir/.nest-report/meta"
printf 'exists: yes\n' >"$T/xendir/.nest-report/paths/proc/xen.info"
replay_ok "$T/xendir"
expect_probe xen ok
check "lv0['facts']['virt']['role']=unknown" \
	"lv0['facts']['virt']['hypervisor']=xen" \
	"lv0['facts']['xen']['domain']=unknown" \
	"lv0['facts']['evidence']['xen.domain'][0]['artifact']=levels/l0/xen/proc-xen"

_tree_name=xen-pv-dom0
replay_ok "$fx/xen-pv-dom0"
no_probe_failed
check "lv0['facts']['virt']['role']=host" \
	"lv0['facts']['virt']['hypervisor']=xen" \
	"lv0['facts']['xen']['domain']=dom0" \
	"lv0['facts']['kernel']['hypervisor_detected']=Xen PV" \
	"lv0['facts']['cpu']['hypervisor_vendor']=Xen" \
	"lv0['facts']['cpu']['hypervisor_flag']=true" \
	"lv0['facts']['arch']=x86_64" \
	"'arch' in lv0['facts']['evidence']=false"

_tree_name=kvm-hidden-hypervisor-bit
replay_ok "$fx/kvm-hidden-hypervisor-bit"
no_probe_failed kernel
check "lv0['facts']['virt']['role']=unknown" \
	"lv0['facts']['virt']['hypervisor']=null" \
	"lv0['facts']['pci']['hypervisor']=virtio" \
	"lv0['facts']['cpu']['hypervisor_flag']=false" \
	"'virtio' in lv0['facts']['evidence']['virt.role'][0]['detail']=true"

_tree_name=ia64-hp-rx1620
replay_ok "$fx/ia64-hp-rx1620"
no_probe_failed kernel
check "lv0['facts']['arch']=ia64" \
	"lv0['facts']['arch_family']=ia64" \
	"lv0['facts']['cpu']['model']=Itanium 2" \
	"lv0['facts']['cpu']['vendor']=GenuineIntel" \
	"lv0['facts']['cpu']['count']=2" \
	"lv0['facts']['virt']['role']=unknown" \
	"[f['id'] for f in m['findings'] if f['id'] == 'evidence-no-sysinfo']=[]"
expect_probe s390 unsupported
expect_probe x86info unsupported
exit 0
