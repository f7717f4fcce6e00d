# SPDX-License-Identifier: MIT
"""The index benchmark's measurements; see index.sh, which makes the
bundles and the PostgreSQL server.

usage: index.py NR_BIN TMPDIR CORPUS PG_URI RUNS
"""
import json
import os
import resource
import statistics
import subprocess
import sys
import time


def run(argv):
    """(wall s, CPU s of the child: user + sys, stdout) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    dt = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        sys.exit("failed (%d): %s\n%s" % (p.returncode, " ".join(argv), p.stderr.decode()[-2000:]))
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return dt, cpu, p.stdout


def median(argv, runs):
    samples = [run(argv) for _ in range(runs)]
    return (statistics.median(s[0] for s in samples) * 1000, statistics.median(s[1] for s in samples) * 1000)


def main():
    nr, tmp, corpus, pg, runs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
    sqlite = os.path.join(tmp, "bench.sqlite")
    files = [os.path.join(corpus, f) for f in os.listdir(corpus)]
    subprocess.run(["cat"] + files, stdout=subprocess.DEVNULL)   # the same page cache for every pass

    anchor, anchor_cpu, out = run([nr, "index", "add", "--dry-run", "--json", "-q", corpus])
    n = json.loads(out)["added"]
    print("index: ingest of %d bundles (median %.1f KiB), %d CPUs, load average %.1f"
          % (n, statistics.median(os.path.getsize(f) for f in files) / 1024, os.cpu_count(),
             os.getloadavg()[0]))
    print("  %-30s %8s %10s %11s %7s" % ("", "wall", "bundles/s", "CPU (ours)", "ratio"))
    print("  %-30s %7.1fs %10.0f %10.1fs %7s" % ("anchor: add --dry-run", anchor, n / anchor, anchor_cpu, "1.00"))
    for name, db in (("sqlite", sqlite), ("postgresql", pg)):
        t, cpu, out = run([nr, "index", "add", "--db", db, "--json", "-q", corpus])
        added = json.loads(out)["added"]
        if added != n:
            sys.exit("%s: added %d of %d" % (name, added, n))
        print("  %-30s %7.1fs %10.0f %10.1fs %6.2fx" % ("index add, " + name, t, n / t, cpu, t / anchor))
    print("  (ratio: wall time against the anchor; the PostgreSQL server's CPU is not in 'ours')")
    print("  sqlite file: %.0f MiB" % (os.path.getsize(sqlite) / 2**20))

    sha = json.loads(run([nr, "index", "query", "--db", sqlite, "--json", "--limit", "1"])[2])["bundles"][0]["sha256"]
    queries = [
        ("query --fact kernel.release>=6.8", ["query", "--fact", "kernel.release>=6.8"]),
        ("query kvm_amd, nested on, since", ["query", "--fact", "kvm.module=kvm_amd", "--fact", "kvm.nested=true",
                                             "--since", "2025-06"]),
        ("query --finding X --level l0", ["query", "--finding", "nested-disabled-l0", "--level", "l0"]),
        ("query --fact cpu.flags=avx512f", ["query", "--fact", "cpu.flags=avx512f"]),
        ("query cpu.model~EPYC --level l1", ["query", "--fact", "cpu.model~EPYC", "--level", "l1"]),
        ("similar SHA", ["similar", sha[:12]]),
        ("stats", ["stats"]),
        ("stats --fact cpu.vendor=...", ["stats", "--fact", "cpu.vendor=AuthenticAMD"]),
    ]
    floor = median([nr, "version"], runs)
    print("\nindex: query latency at %d bundles, the whole command: median wall ms (CPU ms, ours) of %d runs"
          % (n, runs))
    print("  %-32s %18s" % ("floor: nest-report version", "%.1f (%.1f)" % floor))
    print("  %-32s %18s %18s" % ("", "sqlite", "postgresql"))
    worst = 0
    for title, args in queries:
        ms = [median([nr, "index"] + args + ["--db", db, "--json"], runs) for db in (sqlite, pg)]
        worst = max(worst, ms[0][0], ms[1][0])
        print("  %-32s %18s %18s" % (title, "%.1f (%.1f)" % ms[0], "%.1f (%.1f)" % ms[1]))
    for name, db in (("sqlite", sqlite), ("postgresql", pg)):
        t, cpu, _ = run([nr, "index", "refresh", "--all", "--db", db, "--json"])
        print("  %-32s %18s" % ("refresh --all, " + name, "%.1f s (%.1f)" % (t, cpu)))
    print("index: slowest query %.1f ms wall (goal: under 50 ms)" % worst)


if __name__ == "__main__":
    main()
