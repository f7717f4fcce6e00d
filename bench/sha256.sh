#!/bin/sh
# SPDX-License-Identifier: MIT
# SHA-256 throughput: nr_sha256 (OpenSSL EVP) against `openssl dgst -sha256`
# and `sha256sum` on the same file, warm in the page cache.
# usage: bench/sha256.sh   (NR_SHA_BENCH=build/bench/sha256; SIZE_MB, default
# 256; RUNS, default 3).  Prints each tool's best MB/s and nest-report's
# ratio to each (1.00: as fast as that tool).  All three digests must agree.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
BIN=${NR_SHA_BENCH:-$here/../build/bench/sha256}
SIZE_MB=${SIZE_MB:-256}
RUNS=${RUNS:-3}
exec /usr/bin/python3 - "$BIN" "$SIZE_MB" "$RUNS" <<'PY'
import os, shutil, subprocess, sys, tempfile, time
binary, mb, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
d = tempfile.mkdtemp(prefix="nr-bench-sha256.")
try:
    path = os.path.join(d, "data")
    with open(path, "wb") as f, open("/dev/urandom", "rb") as r:
        for _ in range(mb):
            f.write(r.read(1 << 20))
    def timed(argv):
        t = time.monotonic()
        out = subprocess.run(argv, check=True, capture_output=True, text=True).stdout
        return time.monotonic() - t, out.split()[0].split("=")[-1].strip()
    # Wall time of each process, start-up included, the same for all three.
    tools = {"nest-report": lambda: timed([binary, path])}
    if shutil.which("openssl"):
        tools["openssl dgst"] = lambda: timed(["openssl", "dgst", "-sha256", "-r", path])
    if shutil.which("sha256sum"):
        tools["sha256sum"] = lambda: timed(["sha256sum", path])
    best, digests = {}, set()
    with open(path, "rb") as f:  # warm the page cache
        while f.read(1 << 20):
            pass
    for _ in range(runs):
        for name, run in tools.items():
            secs, digest = run()
            digests.add(digest)
            best[name] = min(best.get(name, secs), secs)
    if len(digests) != 1:
        sys.exit("sha256 bench: the tools disagree: %s" % sorted(digests))
    print("sha256 over %d MiB (best of %d):" % (mb, runs))
    for name, secs in best.items():
        print("  %-12s %7.0f MB/s" % (name, mb * 1.048576 / secs))
    for name, secs in best.items():
        if name != "nest-report":
            print("  nest-report / %-12s %.2f (throughput ratio)" % (name, secs / best["nest-report"]))
finally:
    shutil.rmtree(d)
PY
