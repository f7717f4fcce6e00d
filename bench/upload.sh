#!/bin/sh
# SPDX-License-Identifier: MIT
# Upload benchmark (issue: "Upload: bundles reach support portals reliably
# and safely").  usage: bench/upload.sh   (NR_BIN=path/to/nest-report;
# RUNS=N, default 5; SIZE_MB, default 200)
#
# Starts the tests' loopback nginx (HTTPS, dav module, a CA made here), makes
# a bundle-shaped file of SIZE_MB (manifest.json first, then random, i.e.
# incompressible, data), and times `curl -T` and `nest-report upload` PUTting
# it, alternating, RUNS times each.  Prints the medians with their range,
# the median of the per-round ratios (nest-report / curl; 1.00 is curl's
# speed) with its range, and each tool's peak RSS.
# Needs root (nginx's `user root`), nginx, openssl, curl and python3.
set -u
here=$(cd "$(dirname "$0")" && pwd)
NR_BIN=${NR_BIN:-$here/../build/nest-report}
NR_BIN=$(cd "$(dirname "$NR_BIN")" && pwd)/$(basename "$NR_BIN")
export NR_BIN
. "$here/../tests/lib.sh"
. "$here/../tests/upload-lib.sh"
need_root "nginx runs as root here"
need_cmd openssl curl
make_pki
nginx_start
SIZE_MB=${SIZE_MB:-200}
RUNS=${RUNS:-5}

"$PY" - "$T/bundle.tar" "$SIZE_MB" <<'EOF' || fail "cannot make the test bundle"
import io, json, sys, tarfile
path, mb = sys.argv[1], int(sys.argv[2])
manifest = json.dumps({"schema": "urn:nest-report:schema:manifest:1", "bench": True}).encode()
with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as t:
    i = tarfile.TarInfo("manifest.json"); i.size = len(manifest); i.mode = 0o600
    t.addfile(i, io.BytesIO(manifest))
    i = tarfile.TarInfo("levels/l0/bench/blob"); i.size = mb << 20; i.mode = 0o600
    with open("/dev/urandom", "rb") as r:
        t.addfile(i, r)
EOF

"$PY" - "$NR_BIN" "$T/bundle.tar" "https://127.0.0.1:$NGINX_PORT/dav" "$PKI/ca.pem" "$NGINX_WWW" "$RUNS" <<'EOF'
import os, shutil, statistics, subprocess, sys, time
nr, bundle, base, ca, www, runs = sys.argv[1:7]
size = os.path.getsize(bundle)

def run(argv):
    """Wall time and peak RSS (KiB) of one run, from wait4()."""
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, ru = os.wait4(p.pid, 0)
    dt = time.monotonic() - t0
    err = p.stderr.read().decode(errors="replace")
    p.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit("failed: %s\n%s" % (" ".join(argv), err))
    return dt, ru.ru_maxrss

def clean():
    for d in os.listdir(www):
        shutil.rmtree(os.path.join(www, d), ignore_errors=True)

curl_t, nr_t, curl_rss, nr_rss = [], [], [], []
for i in range(int(runs)):
    t, rss = run(["curl", "-sS", "-f", "--cacert", ca, "-T", bundle, "-o", "/dev/null",
                  "%s/curl-%d/b.tar" % (base, i), "--create-dirs"])
    curl_t.append(t); curl_rss.append(rss); clean()
    t, rss = run([nr, "upload", bundle, "--to", "%s/nr-%d/" % (base, i), "--cacert", ca, "-q"])
    nr_t.append(t); nr_rss.append(rss); clean()

c, n = statistics.median(curl_t), statistics.median(nr_t)
mib = size / (1 << 20)
r = sorted(x / y for x, y in zip(nr_t, curl_t))
print("upload of %.0f MiB to loopback nginx over HTTPS (PUT), median of %s alternating runs "
      "(min-max):" % (mib, runs))
print("  curl -T          %6.2f s (%.2f-%.2f)  %7.1f MiB/s  peak RSS %5.1f MiB"
      % (c, min(curl_t), max(curl_t), mib / c, max(curl_rss) / 1024))
print("  nest-report      %6.2f s (%.2f-%.2f)  %7.1f MiB/s  peak RSS %5.1f MiB"
      % (n, min(nr_t), max(nr_t), mib / n, max(nr_rss) / 1024))
print("  ratio nest-report/curl: %.2fx (%.2f-%.2f)   (target: close to 1; RSS < 32 MiB: %s)"
      % (statistics.median(r), r[0], r[-1], "yes" if max(nr_rss) < 32 * 1024 else "NO"))
EOF
