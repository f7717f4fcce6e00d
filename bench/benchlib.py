# SPDX-License-Identifier: MIT
"""What every benchmark here shares: interleaved rounds, medians with their
spread, ratios against an anchor, and the far side's CPU time and program
launches from `perf stat`.

Interleaving: each round runs every variant once, in turn, so that a
change in the machine's load (2 cores shared with others) lands on all of
them alike; a ratio is taken within each round (the variant and its anchor
ran seconds apart) and reported as the median of those, with the range.
"""
import os
import shutil
import statistics
import subprocess
import tempfile
import time


def rounds(variants, runs):
    """variants: [(name, fn)], fn() -> a number (seconds, KiB...).  Runs
    every variant once per round, runs rounds; returns {name: [samples]}."""
    out = {name: [] for name, _ in variants}
    for _ in range(runs):
        for name, fn in variants:
            out[name].append(fn())
    return out


def spread(samples):
    """(median, min, max)"""
    return statistics.median(samples), min(samples), max(samples)


def ratios(a, b):
    """Per-round a/b of two interleaved sample lists."""
    return [x / y for x, y in zip(a, b) if y > 0]


def fmt_time(samples):
    m, lo, hi = spread(samples)
    return "%7.0f ms  (%.0f-%.0f)" % (m * 1000, lo * 1000, hi * 1000)


def fmt_ratio(rs, target=""):
    m, lo, hi = spread(rs)
    return "%6.2fx  (%.2f-%.2f)%s" % (m, lo, hi, ("   target: " + target) if target else "")


def timed(argv, **kw):
    """Wall seconds of one run; stdout and stderr dropped."""
    t0 = time.monotonic()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
    return time.monotonic() - t0


def rusage_run(argv, **kw):
    """(wall seconds, peak RSS KiB, exit code) of one run, from wait4()."""
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kw)
    _, status, ru = os.wait4(p.pid, 0)
    dt = time.monotonic() - t0
    err = p.stderr.read().decode(errors="replace")
    p.stderr.close()
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (" ".join(argv), p.returncode, err[-2000:]))
    return dt, ru.ru_maxrss


# ---- perf stat: CPU time and launches of a process tree --------------------

PERF_EVENTS = "task-clock,sched:sched_process_exec"


def perf_usable():
    """perf stat with the exec tracepoint works here (installed, matching
    the kernel, allowed): else None with the reason."""
    if not shutil.which("perf"):
        return "perf is not installed (apt-get install linux-perf)"
    with tempfile.NamedTemporaryFile(prefix="nr-bench-perf-") as f:
        r = subprocess.run(["perf", "stat", "-x,", "-o", f.name, "-e", PERF_EVENTS, "--", "true"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            return "perf stat cannot count %s: %s" % (PERF_EVENTS, r.stderr.strip()[:200])
        cpu, execs = perf_parse(f.name)
        if execs is None or execs < 1:
            return "perf stat counts no exec events here"
    return None


def perf_prefix(out_file):
    """argv prefix: run a program under perf stat, its whole process tree
    counted (perf's counters are inherited by every descendant, orphans
    too) into out_file."""
    return ["perf", "stat", "-x,", "-o", out_file, "-e", PERF_EVENTS, "--"]


def perf_parse(path):
    """(CPU seconds, exec count) from a perf stat -x, file."""
    cpu = execs = None
    with open(path) as f:
        for line in f:
            parts = line.strip().split(",")
            if len(parts) < 3 or not parts[0] or parts[0].startswith("<"):
                continue
            if parts[2] == "task-clock":
                cpu = float(parts[0]) / 1000.0          # msec
            elif parts[2] == "sched:sched_process_exec":
                execs = int(float(parts[0]))
    return cpu, execs


def perf_run(argv, **kw):
    """(CPU seconds, launches) of argv and everything it starts, the
    program's own exec included."""
    with tempfile.NamedTemporaryFile(prefix="nr-bench-perf-") as f:
        subprocess.run(perf_prefix(f.name) + argv, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, **kw)
        return perf_parse(f.name)
