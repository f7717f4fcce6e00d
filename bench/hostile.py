# SPDX-License-Identifier: MIT
"""Benchmark of reading hostile bundles; see hostile.sh."""
import os
import statistics
import subprocess
import sys
import tempfile
import time

RUNS = int(os.environ.get("RUNS", "5"))
HERE = os.path.dirname(os.path.abspath(__file__))


def timed(argv):
    t0 = time.monotonic()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.monotonic() - t0


def median(argv):
    return statistics.median(timed(argv) for _ in range(RUNS))


def main():
    nr = sys.argv[1]
    with tempfile.TemporaryDirectory(prefix="nr-bench-hostile.") as tmp:
        good = os.path.join(tmp, "good.tar.zst")
        subprocess.run([nr, "-q", "--no-sign", "--only", "kernel,cpu", "-o", good], check=True,
                       stdout=subprocess.DEVNULL)
        corpus = os.path.join(tmp, "corpus")
        subprocess.run([sys.executable, os.path.join(HERE, "..", "tests", "hostile", "make-corpus.py"),
                        good, corpus], check=True, stdout=subprocess.DEVNULL)
        cap = os.path.join(corpus, "levels-at-cap.tar.zst")
        over = os.path.join(corpus, "levels-over-cap.tar.zst")
        print("hostile bundles (median of %d runs; one level = the same command on the "
              "one-level bundle)" % RUNS)
        worst = 0.0
        for name, argv_of in (("show", lambda b: [nr, "show", b]),
                              ("show --json", lambda b: [nr, "show", "--json", b]),
                              ("diff", lambda b: [nr, "diff", b, b])):
            one, at_cap, refused = median(argv_of(good)), median(argv_of(cap)), median(argv_of(over))
            worst = max(worst, at_cap) if name == "show" else worst
            print("  %-12s 256 levels (the cap): %.3f s = %.1fx one level (%.3f s); "
                  "10000 levels (refused): %.3f s = %.1fx"
                  % (name, at_cap, at_cap / one, one, refused, refused / one))
        print("  show at the level cap: %.3f s (target: under 1 s) %s"
              % (worst, "ok" if worst < 1.0 else "OVER"))


if __name__ == "__main__":
    main()
