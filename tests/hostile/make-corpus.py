#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Build the hostile-bundle corpus from one good bundle.

usage: make-corpus.py GOOD_BUNDLE.tar.zst OUTDIR

Each case is OUTDIR/<case>.tar.zst (or .tar for the uncompressed ones): the
good bundle's members, re-packed with one thing wrong.  The bundles are
generated at test time, never checked in; tests/integration/verify_hostile.sh
says which error each must produce.  Needs python3 and the zstd CLI.
"""
import io
import json
import os
import subprocess
import sys
import tarfile

GIB = 1 << 30


def read_members(path):
    raw = subprocess.run(["zstd", "-dc", path], check=True, stdout=subprocess.PIPE).stdout
    with tarfile.open(fileobj=io.BytesIO(raw)) as t:
        return [(m.name, t.extractfile(m).read()) for m in t.getmembers()]


class Zeros:
    """A file of n zero bytes that is never held in memory."""

    def __init__(self, n):
        self.left = n

    def read(self, size=-1):
        if size < 0 or size > self.left:
            size = self.left
        self.left -= size
        return bytes(size)


def reg(name, size):
    ti = tarfile.TarInfo(name)
    ti.size = size
    ti.mode = 0o600
    ti.mtime = 1700000000
    return ti


def special(name, kind, target=""):
    ti = tarfile.TarInfo(name)
    ti.type = kind
    ti.linkname = target
    ti.mode = 0o600
    ti.mtime = 1700000000
    return ti


def write(out, entries, compress=True):
    """entries: (TarInfo, bytes or file-like or None)."""
    proc = None
    if compress:
        f = open(out, "wb")
        proc = subprocess.Popen(["zstd", "-q", "-1", "-c"], stdin=subprocess.PIPE, stdout=f)
        sink = proc.stdin
    else:
        sink = open(out, "wb")
    with tarfile.open(fileobj=sink, mode="w|", format=tarfile.PAX_FORMAT) as t:
        for ti, data in entries:
            if isinstance(data, bytes):
                data = io.BytesIO(data)
            t.addfile(ti, data)
    sink.close()
    if proc:
        proc.wait()
        f.close()


def files(members):
    return [(reg(n, len(d)), d) for n, d in members]


def main():
    good, outdir = sys.argv[1], sys.argv[2]
    os.makedirs(outdir, exist_ok=True)
    ms = read_members(good)
    assert ms[0][0] == "manifest.json", "the good bundle must start with its manifest"
    manifest = json.loads(ms[0][1])
    artifact = next(p["artifacts"][0]["path"] for p in manifest["levels"][0]["probes"] if p["artifacts"])
    out = lambda name: os.path.join(outdir, name + ".tar.zst")

    write(out("abs-path"), files(ms) + [(reg("/etc/evil", 4), b"evil")])
    write(out("dotdot"), files(ms) + [(reg("levels/../../evil", 4), b"evil")])
    write(out("noncanonical"), files(ms) + [(reg("levels//l0/x", 1), b"x")])
    write(out("symlink"), files(ms) + [(special("levels/l0/link", tarfile.SYMTYPE, "/etc/passwd"), None)])
    write(out("hardlink"), files(ms) + [(special("levels/l0/hard", tarfile.LNKTYPE, "summary.txt"), None)])
    write(out("device"), files(ms) + [(special("levels/l0/dev", tarfile.CHRTYPE), None)])
    write(out("fifo"), files(ms) + [(special("levels/l0/fifo", tarfile.FIFOTYPE), None)])
    write(out("directory"), files(ms) + [(special("levels/l0/dir", tarfile.DIRTYPE), None)])
    write(out("duplicate"), files(ms) + [(reg("summary.txt", 5), b"again")])
    write(out("file-as-dir"), files(ms) + [(reg("summary.txt/inner", 1), b"x")])
    # Decompression bombs: zeros compress to almost nothing.
    write(out("member-over-cap"), files(ms) + [(reg("levels/l0/bomb", GIB + 1), Zeros(GIB + 1))])
    write(out("total-over-cap"), files(ms) + [(reg("levels/l0/bomb%d" % i, 40 << 20), Zeros(40 << 20))
                                               for i in range(3)])
    # Cut in the middle of the compressed stream.
    with open(good, "rb") as f:
        data = f.read()
    with open(out("truncated"), "wb") as f:
        f.write(data[: len(data) // 2])
    with open(out("not-a-tar"), "wb") as f:
        f.write(b"this is not an archive\n" * 100)
    rest = files(ms[1:])
    write(out("manifest-not-json"), [(reg("manifest.json", 12), b"not json {]\n")] + rest)
    deep = b"[" * 10000 + b"]" * 10000
    write(out("manifest-deep"), [(reg("manifest.json", len(deep)), deep)] + rest)
    write(out("manifest-over-cap"), [(reg("manifest.json", (64 << 20) + 1), Zeros((64 << 20) + 1))] + rest)
    write(out("manifest-not-first"), rest + files(ms[:1]))
    write(out("unlisted"), files(ms) + [(reg("levels/l0/kernel/extra", 5), b"extra")])
    write(out("missing"), [e for e in files(ms) if e[0].name != artifact])
    print(artifact)


if __name__ == "__main__":
    main()
