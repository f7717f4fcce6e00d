#!/bin/sh
# SPDX-License-Identifier: MIT
# The libvirt probe when libvirtd answers slowly (issue 22: "a busy
# libvirtd ... run its virsh calls concurrently").
# usage: bench/libvirt.sh   (NR_BIN=path/to/nest-report; RUNS=N, default 5;
# DELAY_MS, default 200; DOMAINS, default 8)
#
# A busy daemon cannot be made on demand, so virsh here is a stand-in that
# waits DELAY_MS before each answer (versions, lists, capabilities,
# nodeinfo, one dumpxml per domain, as libvirt 9 prints them) and logs each
# call's start and end.  `collect --only libvirt` runs with it first in
# PATH, RUNS times.  Prints the probe's own duration (from the manifest)
# against two anchors: its floor, the calls' dependency chain (the number
# of waves of calls that overlap, times DELAY_MS: what no amount of
# concurrency can beat), and the calls made one after another (their
# number times DELAY_MS).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
exec /usr/bin/python3 - "${NR_BIN:-$here/../build/nest-report}" "${RUNS:-5}" \
	"${DELAY_MS:-200}" "${DOMAINS:-8}" "$here" <<'PY'
import json, os, shutil, subprocess, sys, tempfile
nr, runs, delay_ms, domains, here = (os.path.abspath(sys.argv[1]), int(sys.argv[2]),
                                     int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
sys.path.insert(0, here)
import benchlib as B

FAKE = r'''#!/bin/sh
start=$(date +%s%N)
sleep DELAY
case "$*" in
*" version") echo "Compiled against library: libvirt 9.0.0"; echo "Using library: libvirt 9.0.0"
	echo "Using API: QEMU 9.0.0"; echo "Running hypervisor: QEMU 7.2.0" ;;
*"list --all --name") i=1; while [ $i -le DOMAINS ]; do echo "guest$i"; i=$((i + 1)); done; echo ;;
*"list --name") echo ;;
*"list --all") echo " Id   Name   State"; echo "----------------------" ;;
*capabilities) echo "<capabilities><host><cpu><arch>x86_64</arch></cpu></host></capabilities>" ;;
*nodeinfo) echo "CPU model:           x86_64"; echo "CPU(s):              2" ;;
*"dumpxml --domain "*) echo "<domain type='kvm'><name>$5</name><os><type arch='x86_64'>hvm</type></os></domain>" ;;
*) ;;
esac
echo "$start $(date +%s%N) $*" >>LOG
'''

tmp = tempfile.mkdtemp(prefix="nr-bench-libvirt.")
try:
    fakebin = os.path.join(tmp, "bin")
    os.mkdir(fakebin)
    log = os.path.join(tmp, "calls.log")
    for name in ("virsh",):
        with open(os.path.join(fakebin, name), "w") as f:
            f.write(FAKE.replace("DELAY", "%.3f" % (delay_ms / 1000.0)).replace("DOMAINS", str(domains))
                    .replace("LOG", log))
        os.chmod(os.path.join(fakebin, name), 0o755)
    env = dict(os.environ, PATH=fakebin + ":" + os.environ["PATH"])
    out = os.path.join(tmp, "out")
    os.mkdir(out)

    def waves(calls):
        """How many times the calls had to wait for others: a call that
        starts after every call of the current wave has ended opens a new one."""
        n, wave_end = 0, None
        for start, end in sorted(calls):
            if wave_end is None or start >= wave_end:
                n += 1
                wave_end = end
            else:
                wave_end = max(wave_end, end)
        return n

    probe, floor, seq, ncalls = [], [], [], []
    for _ in range(runs):
        open(log, "w").close()
        r = subprocess.run([nr, "collect", "-q", "--no-sign", "--only", "libvirt", "-o", out],
                           env=env, capture_output=True, text=True, check=True)
        bundle = r.stdout.strip()
        m = json.loads(subprocess.run(["tar", "--zstd", "-xOf", bundle, "manifest.json"],
                                      check=True, capture_output=True).stdout)
        os.unlink(bundle)
        p = [p for p in m["levels"][0]["probes"] if p["name"] == "libvirt"][0]
        calls = [tuple(int(x) / 1e9 for x in line.split()[:2]) for line in open(log)]
        probe.append(p["duration_ms"] / 1000.0)
        floor.append(waves(calls) * delay_ms / 1000.0)
        seq.append(len(calls) * delay_ms / 1000.0)
        ncalls.append(len(calls))
    print("libvirt: the probe against a libvirtd answering in %d ms (%d domains; %d virsh calls "
          "in %d waves), median of %d runs (min-max)" % (delay_ms, domains, ncalls[0],
                                                          round(floor[0] * 1000 / delay_ms), runs))
    print("  libvirt probe                   %s" % B.fmt_time(probe))
    print("  floor (waves x delay)           %s" % B.fmt_time(floor))
    print("  the calls one after another     %s" % B.fmt_time(seq))
    print("  ratio probe / floor            %s" % B.fmt_ratio(B.ratios(probe, floor), "close to 1x"))
    print("  ratio one after another / probe %s" % B.fmt_ratio(B.ratios(seq, probe)))
finally:
    shutil.rmtree(tmp, ignore_errors=True)
PY
