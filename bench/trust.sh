#!/bin/sh
# SPDX-License-Identifier: MIT
# Reading a signed bundle: `verify` (signature, archive, members, schema)
# and `sign` against the anchor, decompressing and hashing it once
# (`zstd -dc BUNDLE | openssl dgst -sha256`, sha256sum without openssl):
# what any single pass over the bundle costs (issue 22: "verify in one
# pass").
# usage: bench/trust.sh   (NR_BIN=path/to/nest-report; RUNS=N, default 5;
# SIZE_MB, default 500)
#
# The bundle is a real one (collect --sysroot over a capture of this
# machine) with one more member of SIZE_MB random (incompressible) bytes,
# listed in its manifest with its size and sha256, signed with a key made
# here.  Runs are interleaved; prints medians with their range and the
# ratios to the anchor.  Needs ssh-keygen, zstd, sha256sum, python3.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
for c in ssh-keygen zstd sha256sum; do
	command -v "$c" >/dev/null 2>&1 || { echo "bench/trust.sh: needs $c"; exit 0; }
done
exec /usr/bin/python3 - "${NR_BIN:-$here/../build/nest-report}" "${RUNS:-5}" "${SIZE_MB:-500}" \
	"$here" <<'PY'
import hashlib, io, json, os, shutil, subprocess, sys, tarfile, tempfile
nr, runs, size_mb, here = os.path.abspath(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
sys.path.insert(0, here)
import benchlib as B

# The fastest SHA-256 at hand: OpenSSL's is what nest-report uses too.
HASH = "openssl dgst -sha256" if shutil.which("openssl") else "sha256sum"
tmp = tempfile.mkdtemp(prefix="nr-bench-trust.")
try:
    cap, out = os.path.join(tmp, "cap"), os.path.join(tmp, "out")
    os.mkdir(out)
    subprocess.run([nr, "capture", "-q", "--skip", "x86info", cap], check=True,
                   stdout=subprocess.DEVNULL)
    small = subprocess.run([nr, "collect", "-q", "--no-sign", "--sysroot", cap, "-o", out],
                           check=True, capture_output=True, text=True).stdout.strip()
    plain = os.path.join(tmp, "small.tar")
    with open(plain, "wb") as f:
        subprocess.run(["zstd", "-dc", small], stdout=f, check=True)
    with tarfile.open(plain) as t:
        members = [(m, t.extractfile(m).read()) for m in t.getmembers()]
    os.unlink(plain)
    manifest = json.loads(members[0][1])
    blob = os.path.join(tmp, "blob")
    h = hashlib.sha256()
    with open(blob, "wb") as f, open("/dev/urandom", "rb") as r:
        for _ in range(size_mb):
            chunk = r.read(1 << 20)
            h.update(chunk)
            f.write(chunk)
    probe = manifest["levels"][0]["probes"][0]
    art = dict(probe["artifacts"][0])
    art.update(name="bench-blob", path="levels/l0/%s/bench-blob" % probe["name"],
               size=size_mb << 20, sha256=h.hexdigest(), truncated=False, scrubbed=0,
               source="/bench/blob", command=None, exit_code=None, stderr=None)
    probe["artifacts"].append(art)
    if "totals" in manifest and "artifacts" in manifest["totals"]:
        manifest["totals"]["artifacts"] += 1
    mtext = json.dumps(manifest, indent=2).encode()
    bundle = os.path.join(tmp, "bench.tar.zst")
    tar = os.path.join(tmp, "bench.tar")
    with tarfile.open(tar, "w", format=tarfile.PAX_FORMAT) as t:
        def add(info, data=None, path=None):
            info.mode, info.uname, info.gname = 0o600, "root", "root"
            if path:
                with open(path, "rb") as f:
                    t.addfile(info, f)
            else:
                t.addfile(info, io.BytesIO(data))
        i = tarfile.TarInfo("manifest.json"); i.size = len(mtext); add(i, mtext)
        for m, data in members[1:]:
            add(m, data)
        i = tarfile.TarInfo(art["path"]); i.size = art["size"]; add(i, path=blob)
    os.unlink(blob)
    subprocess.run(["zstd", "-q", "-3", "--rm", tar, "-o", bundle], check=True)
    key = os.path.join(tmp, "key")
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "bench@example", "-f", key],
                   check=True, stdout=subprocess.DEVNULL)
    allowed = os.path.join(tmp, "allowed")
    with open(allowed, "w") as f:
        f.write('bench@example namespaces="nest-report" %s\n'
                % " ".join(open(key + ".pub").read().split()[:2]))
    with open(bundle, "rb") as i, open(bundle + ".sig", "wb") as o:
        subprocess.run(["ssh-keygen", "-Y", "sign", "-f", key, "-n", "nest-report"], stdin=i,
                       stdout=o, check=True, stderr=subprocess.DEVNULL)
    check = subprocess.run([nr, "verify", bundle, "--allowed-signers", allowed],
                           capture_output=True, text=True)
    if check.returncode != 0:
        sys.exit("bench/trust.sh: the bench bundle does not verify:\n" + check.stdout + check.stderr)
    subprocess.run(["cat", bundle], stdout=subprocess.DEVNULL)   # warm the page cache
    sig_copy = os.path.join(tmp, "copy.tar.zst")
    shutil.copy(bundle, sig_copy)

    s = B.rounds([
        ("anchor", lambda: B.timed(["sh", "-c", 'zstd -dc "$1" | %s' % HASH, "sh", bundle])),
        # The same single pass with the signature checked beside it: what
        # a one-pass signed verify cannot go below (ssh-keygen hashes the
        # compressed bytes with SHA-512 in its own process).
        ("floor", lambda: B.timed(["bash", "-c",
            'tee >(ssh-keygen -Y verify -f "$2" -I bench@example -n nest-report -s "$1.sig" '
            '>/dev/null 2>&1) <"$1" | zstd -dc | %s' % HASH, "sh", bundle, allowed])),
        ("verify", lambda: B.timed([nr, "verify", bundle, "--allowed-signers", allowed])),
        ("nosig", lambda: B.timed([nr, "verify", bundle])),
        ("sign", lambda: B.timed([nr, "sign", sig_copy, "--force", "--sign-key", key])),
    ], runs)
    mb = os.path.getsize(bundle) / (1 << 20)
    print("trust: a signed %.0f MiB bundle (a %d MiB member), median of %d interleaved rounds "
          "(min-max)" % (mb, size_mb, runs))
    print("  decompress and hash once (zstd -dc | %s)  %s" % (HASH, B.fmt_time(s["anchor"])))
    print("  the same pass, signature checked beside it (tee to ssh-keygen -Y verify)  %s"
          % B.fmt_time(s["floor"]))
    print("  verify, signature checked                        %s" % B.fmt_time(s["verify"]))
    print("  verify, no allowed_signers (no signature check)  %s" % B.fmt_time(s["nosig"]))
    print("  sign (checks the bundle, then signs)              %s" % B.fmt_time(s["sign"]))
    print("  ratio verify / anchor               %s" % B.fmt_ratio(B.ratios(s["verify"], s["anchor"]),
                                                                  "close to 1x (one pass)"))
    print("  ratio verify / one pass with signature  %s" % B.fmt_ratio(
        B.ratios(s["verify"], s["floor"]), "close to 1x"))
    print("  ratio verify without signature / anchor %s" % B.fmt_ratio(
        B.ratios(s["nosig"], s["anchor"])))
    print("  ratio sign / anchor                 %s" % B.fmt_ratio(B.ratios(s["sign"], s["anchor"]),
                                                                  "close to 1x (one pass)"))
finally:
    shutil.rmtree(tmp, ignore_errors=True)
PY
