#!/bin/sh
# SPDX-License-Identifier: MIT
# show --html benchmark.  usage: bench/html.sh   (NR_BIN=path/to/nest-report;
# RUNS=N, default 3; SIZE_MB, default 256)
#
# A real bundle (the replayed Intel host of the tests) with one more
# artifact of SIZE_MB of text (dmesg-like lines), zstd-compressed.  Times
# `tar -xOf` reading every member (the floor: decompressing the bundle)
# and `nest-report show --html` writing its page, RUNS times each,
# alternating; prints the medians, their ratio, the page's size (capped:
# 1 MiB of text per artifact, 32 MiB in all) and nest-report's peak RSS,
# which must not grow with the bundle (it streams).
set -u
here=$(cd "$(dirname "$0")" && pwd)
NR_BIN=${NR_BIN:-$here/../build/nest-report}
NR_BIN=$(cd "$(dirname "$NR_BIN")" && pwd)/$(basename "$NR_BIN")
export NR_BIN
. "$here/../tests/lib.sh"
need_cmd tar zstd
SIZE_MB=${SIZE_MB:-256}
RUNS=${RUNS:-3}

mkdir -p "$T/b" "$T/x"
run_nr collect --sysroot "$here/../tests/fixtures/sysroots/intel-host-before" -o "$T/b" -q
expect_rc 0 "collect --sysroot"
one_bundle "$T/b"
unpack "$BUNDLE" "$T/x"
"$PY" - "$T/x" "$T/big.tar" "$SIZE_MB" <<'PYEOF' || fail "cannot make the bench bundle"
import hashlib, io, json, os, sys, tarfile
src, out, mb = sys.argv[1], sys.argv[2], int(sys.argv[3])
m = json.load(open(os.path.join(src, "manifest.json")))
line = b"[%12.6f] kvm: vcpu%d: guest exit reason 0x%x at rip 0xffffffff81%06x\n"
chunk = b"".join(line % (i / 1000.0, i % 64, i % 77, i * 4099 % 0xffffff) for i in range(20000))
size = (mb << 20) // len(chunk) * len(chunk)
h = hashlib.sha256()
for _ in range(size // len(chunk)):
    h.update(chunk)
lv = m["levels"][0]
probe = [p for p in lv["probes"] if p["name"] == "dmesg"][0]
probe["artifacts"].append({"name": "big", "path": "levels/l0/dmesg/big", "size": size,
                           "sha256": h.hexdigest(), "truncated": False, "scrubbed": 0,
                           "source": None, "command": ["dmesg"], "exit_code": 0, "stderr": None})
class Repeat:
    """size bytes of chunk repeated, read as a file."""
    def __init__(self):
        self.pos = 0
    def read(self, n=-1):
        n = size - self.pos if n < 0 else min(n, size - self.pos)
        off = self.pos % len(chunk)
        reps = (off + n) // len(chunk) + 1
        self.pos += n
        return (chunk * reps)[off:off + n]
def add(t, path, data=None, fileobj=None, n=None):
    i = tarfile.TarInfo(path); i.mode = 0o600
    i.size = len(data) if data is not None else n
    t.addfile(i, io.BytesIO(data) if data is not None else fileobj)
with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as t:
    add(t, "manifest.json", json.dumps(m).encode())
    add(t, "summary.txt", open(os.path.join(src, "summary.txt"), "rb").read())
    for l in m["levels"]:
        for p in l["probes"]:
            for a in p["artifacts"]:
                if a["path"] == "levels/l0/dmesg/big":
                    add(t, a["path"], fileobj=Repeat(), n=size)
                else:
                    add(t, a["path"], open(os.path.join(src, a["path"]), "rb").read())
PYEOF
zstd -q -3 -T0 --rm "$T/big.tar" -o "$T/big.tar.zst" || fail "zstd"

"$PY" - "$NR_BIN" "$T/big.tar.zst" "$T/page.html" "$RUNS" <<'PYEOF'
import os, statistics, subprocess, sys, time
nr, bundle, page, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])

def run(argv):
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, ru = os.wait4(p.pid, 0)
    dt = time.monotonic() - t0
    err = p.stderr.read().decode(errors="replace")
    p.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit("failed: %s\n%s" % (" ".join(argv), err))
    return dt, ru.ru_maxrss

tar_t, nr_t, nr_rss = [], [], []
for _ in range(runs):
    t, _ = run(["tar", "--zstd", "-xOf", bundle])
    tar_t.append(t)
    t, rss = run([nr, "show", bundle, "--html", page])
    nr_t.append(t); nr_rss.append(rss)
a, b = statistics.median(tar_t), statistics.median(nr_t)
print("show --html of a bundle with a %s MiB text artifact (%.1f MiB compressed), median of %d runs:"
      % (os.environ.get("SIZE_MB", "256"), os.path.getsize(bundle) / 2**20, runs))
print("  tar --zstd -xOf (floor)   %6.2f s" % a)
print("  nest-report show --html   %6.2f s   peak RSS %5.1f MiB   page %.1f MiB"
      % (b, max(nr_rss) / 1024, os.path.getsize(page) / 2**20))
print("  ratio show --html / tar: %.2f   (target: <= 1.5; RSS < 64 MiB: %s)"
      % (b / a, "yes" if max(nr_rss) < 64 * 1024 else "NO"))
PYEOF
