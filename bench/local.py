# SPDX-License-Identifier: MIT
"""Benchmark of one local collection; see local.sh.

The command list is not hard-coded: it is read from a manifest nest-report
itself produced, so the floor and the shell-script baseline run exactly what
nest-report ran (same argv, same files).
"""
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile

import benchlib as B

RUNS = max(5, int(os.environ.get("RUNS", "5")))
SOS_PLUGINS = "kvm,libvirt,processor,hardware,kernel,process"


def manifest_of(nr, outdir, extra):
    out = subprocess.run([nr, "-q", "--no-sign", "-o", outdir] + extra, check=True,
                         capture_output=True, text=True)
    bundle = out.stdout.strip()
    m = json.loads(subprocess.run(["tar", "--zstd", "-xOf", bundle, "manifest.json"],
                                  check=True, capture_output=True).stdout)
    os.unlink(bundle)
    return m


def work_of(manifest):
    cmds, files = [], []
    for probe in manifest["levels"][0]["probes"]:
        for a in probe["artifacts"]:
            if a["command"]:
                cmds.append(a["command"])
            elif a["source"]:
                files.append(a["source"])
    return cmds, files


def scenario(nr, tmp, extra, title, targets, sos_dir):
    """Interleaved rounds: nest-report, the sequential shell, every
    command alone (the floor: the slowest), and sos when installed."""
    m = manifest_of(nr, tmp, extra)
    cmds, files = work_of(m)
    script = os.path.join(tmp, "sequential.sh")
    with open(script, "w") as s:
        s.write("#!/bin/sh\n")
        for argv in cmds:
            s.write(shlex.join(argv) + " >/dev/null 2>&1\n")
        for f in files:
            s.write("cat " + shlex.quote(f) + " >/dev/null 2>&1\n")
    slowest = {}

    def run_nr():
        t = B.timed([nr, "-q", "--no-sign", "-o", tmp] + extra)
        for f in os.listdir(tmp):
            if f != "sequential.sh" and f != "sos":
                os.unlink(os.path.join(tmp, f))
        return t

    def run_floor():
        best = 0.0
        for argv in cmds:
            t = B.timed(argv)
            if t > best:
                best = t
                slowest["argv"] = argv
        return best

    variants = [("nr", run_nr), ("shell", lambda: B.timed(["sh", script])), ("floor", run_floor)]
    if sos_dir:
        variants.append(("sos", lambda: sos_once(sos_dir)))
    s = B.rounds(variants, RUNS)
    os.unlink(script)
    print(f"{title}: median of {RUNS} interleaved rounds, min-max ({len(cmds)} commands, "
          f"{len(files)} files; root: {os.geteuid() == 0})")
    print(f"  nest-report              {B.fmt_time(s['nr'])}")
    print(f"  floor                    {B.fmt_time(s['floor'])}  (slowest command alone, "
          f"last: {shlex.join(slowest.get('argv', []))})")
    print(f"  sequential shell         {B.fmt_time(s['shell'])}")
    print(f"  ratio nest-report/floor      {B.fmt_ratio(B.ratios(s['nr'], s['floor']), '<= 1.15x')}")
    print(f"  ratio shell/nest-report      {B.fmt_ratio(B.ratios(s['shell'], s['nr']), '> 1x')}")
    if sos_dir:
        print(f"  sos report --batch -o {SOS_PLUGINS}  {B.fmt_time(s['sos'])}")
        print(f"  ratio sos/nest-report        {B.fmt_ratio(B.ratios(s['sos'], s['nr']), targets)}")


def regs_time(nr, tmp):
    """The in-process register reads of the cpuid and vmx-msr probes, as
    their notes say ("9 of 9 leaves read in 17 us"), against x86info -a,
    which maintainers read for the same answers."""
    import re
    times = {"cpuid": [], "vmx-msr": []}
    reasons = {}
    for _ in range(RUNS):
        m = manifest_of(nr, tmp, ["--only", "cpuid,vmx-msr"])
        for p in m["levels"][0]["probes"]:
            if p["name"] not in times:
                continue
            for n in p["notes"]:
                hit = re.search(r"(\d+) of (\d+) \S+ read in (\d+) us", n)
                if hit:
                    times[p["name"]].append((int(hit.group(3)), hit.group(1)))
            if not p["notes"]:
                reasons[p["name"]] = p["status"] + ": " + str(p["error"])
    x86 = shutil.which("x86info")
    x86_t = (B.spread([B.timed([x86, "-a"]) for _ in range(RUNS)])[0]
             if x86 and os.geteuid() == 0 else None)
    print(f"register reads (median of {RUNS} runs of --only cpuid,vmx-msr):")
    for name, what in (("cpuid", "CPUID leaves, in-process"), ("vmx-msr", "VMX MSRs, /dev/cpu/0/msr")):
        if times[name]:
            us = B.spread([t for t, _ in times[name]])[0]
            line = f"  {name:8s} {times[name][0][1]:>3s} {what:26s} {us:8.0f} us"
            if x86_t:
                line += f"   (x86info -a: {x86_t * 1000:.0f} ms, {x86_t * 1e6 / max(us, 1):.0f}x slower)"
            print(line)
        else:
            print(f"  {name:8s} not read here ({reasons.get(name, 'no note')})")


def sos_once(sos_dir):
    t = B.timed(["sos", "report", "--batch", "-q", "-o", SOS_PLUGINS, "--tmp-dir", sos_dir])
    shutil.rmtree(sos_dir)
    os.mkdir(sos_dir)
    return t


def main():
    nr = os.path.abspath(sys.argv[1])
    tmp = tempfile.mkdtemp(prefix="nr-bench-")
    try:
        sos_dir = None
        if shutil.which("sos"):
            sos_dir = os.path.join(tmp, "sos")
            os.mkdir(sos_dir)
        else:
            print("sos report: not installed (apt-get install sosreport), ratio not measured")
        if shutil.which("x86info"):
            scenario(nr, tmp, [], "with x86info", ">= 2x", sos_dir)
        # Without x86info, the rest can no longer hide behind its 1 s clock
        # estimate: --skip x86info stands in for a machine without it.
        scenario(nr, tmp, ["--skip", "x86info"], "without x86info", ">= 20x", sos_dir)
        regs_time(nr, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
