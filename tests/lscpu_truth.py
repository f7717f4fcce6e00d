#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""What lscpu's output says about a machine's role, hypervisor and virt_ext.

usage: lscpu_truth.py FILE    prints "ROLE HYPERVISOR VIRT_EXT", "?" where lscpu says nothing

The ground truth of tests/integration/replay_real_machines.sh and
detection_table.sh (imported there as a module: truth(), lines()).  Only
lscpu's "Hypervisor", "Hypervisor vendor", "Virtualization type" and
"Virtualization" lines speak; the first occurrence of each counts (util-linux's
expected files append `lscpu --parse` output after a blank line).
"""

import sys

KEYS = ("Hypervisor", "Hypervisor vendor", "Virtualization type", "Virtualization")
VENDORS = {"KVM": "kvm", "Oracle": "virtualbox", "innotek GmbH": "virtualbox", "Microsoft": "hyperv",
           "VMware": "vmware", "Xen": "xen", "pHyp": "powervm"}


def read(path):
    kv = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if ":" in line:
                k, v = line.split(":", 1)
                kv.setdefault(k.strip(), v.strip())
    return kv


def lines(kv):
    """lscpu's own words: [(key, value)] of the lines that speak."""
    return [(k, kv[k]) for k in KEYS if kv.get(k)]


def is_x86(kv):
    # An Itanium says GenuineIntel too (and family 32 on a 9000 series), but
    # only x86's cpuinfo has the "stepping" that lscpu prints as Stepping.
    return kv.get("Vendor ID") in ("GenuineIntel", "AuthenticAMD") and "Stepping" in kv


def truth(kv):
    """(role, hypervisor, virt_ext), "?" where lscpu says nothing."""
    hv, vendor, vtype, virt = (kv.get(k) for k in KEYS)
    if vendor == "IBM":
        name = "lpar" if hv == "PR/SM" else "zvm" if hv and hv.startswith("z/VM") else "?"
    else:
        name = VENDORS.get(vendor, "?") if vendor else "?"
    role = "?"
    if vtype in ("full", "para", "container"):
        role = "guest"
    elif vtype == "none" or (virt and not vendor):
        # Xen's dom0 says "none"; elsewhere a Virtualization line with no
        # vendor is read as a host (see docs/detection.md: in --sysroot mode
        # lscpu cannot ask CPUID, so this is lscpu's reading, not proof).
        role = "host"
    ext = {"VT-x": "vmx", "AMD-V": "svm"}.get(virt, "?")
    # On x86, lscpu prints "Virtualization:" whenever cpuinfo has vmx or svm.
    if ext == "?" and is_x86(kv):
        ext = "none"
    if role == "host" and name == "?":
        name = "-"
    return role, name, ext


def main(argv):
    if len(argv) != 1:
        print("usage: lscpu_truth.py FILE", file=sys.stderr)
        return 2
    print(*truth(read(argv[0])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
