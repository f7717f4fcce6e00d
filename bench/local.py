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
import statistics
import subprocess
import sys
import tempfile
import time

RUNS = int(os.environ.get("RUNS", "5"))
SOS_RUNS = int(os.environ.get("SOS_RUNS", "3"))
SOS_PLUGINS = "kvm,libvirt,processor,hardware,kernel,process"


def timed(argv, **kw):
    t0 = time.monotonic()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
    return time.monotonic() - t0


def median(f, n):
    return statistics.median(f() for _ in range(n))


def manifest_of(nr, outdir, extra):
    out = subprocess.run([nr, "-q", "-o", outdir] + extra, check=True, capture_output=True, text=True)
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


def scenario(nr, tmp, extra, title, x86info):
    m = manifest_of(nr, tmp, extra)
    cmds, files = work_of(m)
    floor_cmd, floor = None, 0.0
    for argv in cmds:
        t = median(lambda: timed(argv), RUNS)
        if t > floor:
            floor_cmd, floor = argv, t

    def run_nr():
        t = timed([nr, "-q", "-o", tmp] + extra)
        for f in os.listdir(tmp):
            os.unlink(os.path.join(tmp, f))
        return t

    nr_t = median(run_nr, RUNS)
    script = os.path.join(tmp, "sequential.sh")
    with open(script, "w") as s:
        s.write("#!/bin/sh\n")
        for argv in cmds:
            s.write(shlex.join(argv) + " >/dev/null 2>&1\n")
        for f in files:
            s.write("cat " + shlex.quote(f) + " >/dev/null 2>&1\n")
    sh_t = median(lambda: timed(["sh", script]), RUNS)
    os.unlink(script)
    print(f"{title}: median of {RUNS} runs ({len(cmds)} commands, {len(files)} files; "
          f"root: {os.geteuid() == 0})")
    print(f"  nest-report            {nr_t * 1000:8.0f} ms")
    print(f"  floor                  {floor * 1000:8.0f} ms  ({shlex.join(floor_cmd or [])})")
    print(f"  sequential shell       {sh_t * 1000:8.0f} ms")
    print(f"  ratio nest-report/floor          {nr_t / floor:6.2f}x   (target <= 1.15x)")
    print(f"  ratio shell/nest-report          {sh_t / nr_t:6.2f}x   (target > 1x)")
    return nr_t


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
    x86_t = median(lambda: timed([x86, "-a"]), RUNS) if x86 and os.geteuid() == 0 else None
    print(f"register reads (median of {RUNS} runs of --only cpuid,vmx-msr):")
    for name, what in (("cpuid", "CPUID leaves, in-process"), ("vmx-msr", "VMX MSRs, /dev/cpu/0/msr")):
        if times[name]:
            us = statistics.median(t for t, _ in times[name])
            line = f"  {name:8s} {times[name][0][1]:>3s} {what:26s} {us:8.0f} us"
            if x86_t:
                line += f"   (x86info -a: {x86_t * 1000:.0f} ms, {x86_t * 1e6 / max(us, 1):.0f}x slower)"
            print(line)
        else:
            print(f"  {name:8s} not read here ({reasons.get(name, 'no note')})")


def sos_time(tmp):
    sos_dir = os.path.join(tmp, "sos")
    os.mkdir(sos_dir)

    def run_sos():
        t = timed(["sos", "report", "--batch", "-q", "-o", SOS_PLUGINS, "--tmp-dir", sos_dir])
        shutil.rmtree(sos_dir)
        os.mkdir(sos_dir)
        return t

    t = median(run_sos, SOS_RUNS)
    shutil.rmtree(sos_dir)
    return t


def main():
    nr = os.path.abspath(sys.argv[1])
    tmp = tempfile.mkdtemp(prefix="nr-bench-")
    try:
        has_x86info = shutil.which("x86info") is not None
        results = []
        if has_x86info:
            results.append((scenario(nr, tmp, [], "with x86info", True), 2))
        # Without x86info, the rest can no longer hide behind its 1 s clock
        # estimate: --skip x86info stands in for a machine without it.
        results.append((scenario(nr, tmp, ["--skip", "x86info"], "without x86info", False), 20))
        regs_time(nr, tmp)
        if shutil.which("sos"):
            sos_t = sos_time(tmp)
            print(f"sos report --batch -o {SOS_PLUGINS}: {sos_t * 1000:.0f} ms "
                  f"(median of {SOS_RUNS})")
            for (t, target), name in zip(results, ["with", "without"] if has_x86info else ["without"]):
                print(f"  ratio sos/nest-report {name} x86info   {sos_t / t:6.2f}x   "
                      f"(target >= {target}x)")
        else:
            print("sos report: not installed (apt-get install sosreport), ratio not measured")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
