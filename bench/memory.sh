#!/bin/sh
# SPDX-License-Identifier: MIT
# Peak memory of a collection whatever the size of what it collects
# (issue 22: "a flat peak under 24 MiB").
# usage: bench/memory.sh   (NR_BIN=path/to/nest-report; RUNS=N, default 3)
#
# Captures this machine (nest-report capture), then makes a second copy of
# the capture whose dmesg recording is 400 MB and which holds a 1 GiB
# libvirt QEMU log, and replays both (collect --sysroot, the same probes,
# scrubber, spooling and bundle writer as a live run), interleaved.  Prints
# the median peak RSS (wait4's ru_maxrss) of each with its range, and their
# ratio: the anchor is the small run, the floor of what a collection costs.
# Needs about 1.5 GB free in TMPDIR.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
exec /usr/bin/python3 - "${NR_BIN:-$here/../build/nest-report}" "${RUNS:-3}" "$here" <<'PY'
import os, shutil, subprocess, sys, tempfile
nr, runs, here = os.path.abspath(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
sys.path.insert(0, here)
import benchlib as B

LINE = b"[ 1234.567890] kvm: vcpu 3 ignored rdmsr: 0x4b564d05 data 0x0 nested vmx handling\n"
DMESG_MB, LOG_MB, TARGET_MIB = 400, 1024, 24


def fill(path, size):
    chunk = LINE * ((1 << 20) // len(LINE))
    with open(path, "wb") as f:
        n = 0
        while n < size:
            f.write(chunk)
            n += len(chunk)


tmp = tempfile.mkdtemp(prefix="nr-bench-memory.")
try:
    small = os.path.join(tmp, "small")
    subprocess.run([nr, "capture", "-q", small], check=True, stdout=subprocess.DEVNULL)
    big = os.path.join(tmp, "big")
    shutil.copytree(small, big, symlinks=True)
    meta = os.path.join(big, ".nest-report")
    os.makedirs(os.path.join(meta, "commands", "dmesg"), exist_ok=True)
    fill(os.path.join(meta, "commands", "dmesg", "dmesg.out"), DMESG_MB * 1000 * 1000)
    with open(os.path.join(meta, "commands", "dmesg", "dmesg.exit"), "w") as f:
        f.write("0\n")
    with open(os.path.join(meta, "which", "dmesg"), "w") as f:
        f.write("/usr/bin/dmesg\n")
    logdir = os.path.join(big, "var", "log", "libvirt", "qemu")
    os.makedirs(logdir, exist_ok=True)
    fill(os.path.join(logdir, "bench-guest.log"), LOG_MB << 20)
    lists = os.path.join(meta, "lists", "var", "log", "libvirt")
    os.makedirs(lists, exist_ok=True)
    with open(os.path.join(lists, "qemu.list"), "a") as f:
        f.write("bench-guest.log\n")
    for cmd in ("virsh", "libvirtd"):   # the libvirt probe runs where either is
        if not os.path.exists(os.path.join(meta, "which", cmd)):
            with open(os.path.join(meta, "which", cmd), "w") as f:
                f.write("/usr/bin/%s\n" % cmd)
    out = os.path.join(tmp, "out")
    os.mkdir(out)

    def run(tree):
        def once():
            _, rss = B.rusage_run([nr, "collect", "-q", "--no-sign", "--sysroot", tree, "-o", out])
            for f in os.listdir(out):
                os.unlink(os.path.join(out, f))
            return rss / 1024.0
        return once

    s = B.rounds([("small", run(small)), ("big", run(big))], runs)

    def mib(x):
        m, lo, hi = B.spread(x)
        return "%6.1f MiB  (%.1f-%.1f)" % (m, lo, hi)

    print("memory: peak RSS of collect --sysroot, median of %d interleaved rounds (min-max)" % runs)
    print("  this machine as captured                    %s" % mib(s["small"]))
    print("  with a %d MB dmesg and a %d MiB libvirt log %s" % (DMESG_MB, LOG_MB, mib(s["big"])))
    print("  ratio big / small inputs      %s" % B.fmt_ratio(B.ratios(s["big"], s["small"]),
                                                          "flat (1.0x)"))
    print("  peak under %d MiB: %s" % (TARGET_MIB, "yes" if max(s["big"]) < TARGET_MIB else "NO"))
finally:
    shutil.rmtree(tmp, ignore_errors=True)
PY
