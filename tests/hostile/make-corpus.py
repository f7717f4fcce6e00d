#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Build the hostile-bundle corpus from one good bundle.

usage: make-corpus.py GOOD_BUNDLE.tar.zst OUTDIR

Each case is OUTDIR/<case>.tar.zst (.tar.gz for the gzip ones): the good
bundle's members, re-packed with one thing wrong.  OUTDIR/fields/ holds one
bundle per manifest field that readers use, removed or given each wrong
type.  The bundles are generated at test time, never checked in;
tests/integration/verify_hostile.sh and hostile_manifest.sh say what each
must produce.  Needs python3 and the zstd and gzip CLIs.
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


def tar_bytes(entries):
    """A plain tar stream (with its end-of-archive blocks) in memory."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for ti, data in entries:
            t.addfile(ti, io.BytesIO(data))
    return buf.getvalue()


def squeeze(tool, data):
    return subprocess.run([tool, "-q", "-c"] if tool == "zstd" else [tool, "-c"],
                          input=data, check=True, stdout=subprocess.PIPE).stdout


def with_manifest(ms, manifest):
    """The good members with this manifest instead (its listing unchanged)."""
    text = json.dumps(manifest).encode()
    return [(reg("manifest.json", len(text)), text)] + files(ms[1:])


# Text a terminal obeys, as a bundle's strings might carry it: an OSC title
# change, BEL, a CSI as the C1 character U+009B, a right-to-left override
# and an isolate, and DEL.
ESCAPES = "\x1b]0;pwned\x07\x1b[2J\u009b31m\u202egnp.exe\u2066x\u2069\x7f"


def escape_manifest(manifest):
    m = json.loads(json.dumps(manifest))
    lv = m["levels"][0]
    m["host"] = "host" + ESCAPES
    m["created"] = "2024-01-01T00:00:00Z" + ESCAPES   # fails the schema: quoted by verify
    m["argv"].append("--evil" + ESCAPES)
    m["signer"] = {"identity": "who" + ESCAPES, "key_type": None, "fingerprint": None}
    lv["target"] = "root@" + ESCAPES
    lv["errors"] = ["error" + ESCAPES]
    lv["facts"]["hostname"] = "name" + ESCAPES
    lv["facts"]["kernel"]["release"] = "6.1" + ESCAPES
    lv["probes"][0]["status"] = "failed"
    lv["probes"][0]["error"] = "probe error" + ESCAPES
    return m


# Every field show, diff and the findings read, and the wrong values each
# is given (None: the field removed).
WRONG = {"absent": None, "null": "null", "int": 7, "float": 1.5, "string": "x", "array": [],
         "object": {}, "bool": True}
FIELDS = [("levels",), ("tool",), ("created",), ("host",), ("argv",),
          ("levels", 0), ("levels", 0, "id"), ("levels", 0, "depth"), ("levels", 0, "parent"),
          ("levels", 0, "transport"), ("levels", 0, "target"), ("levels", 0, "status"),
          ("levels", 0, "errors"), ("levels", 0, "facts"), ("levels", 0, "probes"),
          ("levels", 0, "probes", 0), ("levels", 0, "probes", 0, "name"),
          ("levels", 0, "probes", 0, "status"), ("levels", 0, "probes", 0, "artifacts"),
          ("levels", 0, "facts", "arch_family"), ("levels", 0, "facts", "kernel")]


# Arrays and objects whose members are all of the wrong kind, where the
# rules and show read members: kind "junk".
JUNK_GUEST = {"name": 5, "pid": "12", "accel": "kvm", "argv": {"a": 1}, "level": ["l1"],
              "virt_ext_exposed": 3, "cpu_model": [], "cmdline_artifact": 7}
JUNK = {("levels",): [1, "x", None, []],
        ("levels", 0, "errors"): [1, None, {}, []],
        ("levels", 0, "probes"): [1, "x", None, {"name": 1, "status": [], "artifacts": "x"}],
        ("levels", 0, "probes", 0, "artifacts"): [1, None, {"name": 3, "path": [], "sha256": 5}],
        ("levels", 0, "facts", "guests"): [1, "x", None, JUNK_GUEST, {"accel": [1, None]}],
        ("levels", 0, "facts", "kvm"): {"params": [1], "module": 3, "available": "yes",
                                        "device": {"x": 1}},
        ("levels", 0, "facts", "qemu"): {"versions": ["x", 1, {"binary": 2, "version": []}]},
        ("levels", 0, "facts", "evidence"): {"cpu.virt_ext": "x", "kvm.module": [1, {"artifact": 5}]},
        ("levels", 0, "facts", "virt"): {"role": 1, "hypervisor": ["kvm"]},
        ("argv",): [1, None, {}, "x"]}


def mutate(manifest, path, value):
    m = json.loads(json.dumps(manifest))
    obj = m
    for k in path[:-1]:
        obj = obj[k]
    if value is None:
        del obj[path[-1]]
    else:
        obj[path[-1]] = None if value == "null" else value
    return m


def levels_manifest(manifest, n, full):
    """manifest with n levels: a chain l0 <- l1 <- ..., each a copy of
    level 0 (full) or only its required fields, like a stranger's."""
    m = json.loads(json.dumps(manifest))
    base = m["levels"][0]
    levels = []
    for i in range(n):
        lv = json.loads(json.dumps(base)) if full else {
            "id": "", "depth": 0, "parent": None, "transport": "ssh", "target": None,
            "status": "ok", "errors": [], "root": None, "match": None, "facts": {}, "probes": []}
        lv["id"] = "l%d" % i
        lv["depth"] = i
        lv["parent"] = "l%d" % (i - 1) if i else None
        if i and full:
            lv["transport"] = "ssh"
            lv["target"] = "root@10.0.%d.%d" % (i // 250, i % 250 + 1)
            for p in lv["probes"]:
                p["artifacts"] = []
        levels.append((lv))
    m["levels"] = levels
    return m


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
    write(out("name-c1"), files(ms) + [(reg("levels/l0/kernel/a\u009bb", 1), b"x")])
    write(out("name-bidi"), files(ms) + [(reg("levels/l0/kernel/gnp\u202e.exe", 1), b"x")])

    # A listed path with an embedded NUL: as a C string it is
    # "summary.txt" and would vouch for that member.
    nul = json.loads(json.dumps(manifest))
    nul["files"][0]["path"] = nul["files"][0]["path"] + "\u0000../../x"
    write(out("member-path-nul"), with_manifest(ms, nul))

    # Data after the tar end, which `tar -i` would extract.
    plain = tar_bytes(files(ms))
    second = tar_bytes([(reg("levels/l0/kernel/evil", 5), b"evil\n")])
    def raw(name, data):
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(data)
    raw("after-end-garbage.tar.zst", squeeze("zstd", plain + b"this is not padding\n"))
    raw("after-end-archive.tar.zst", squeeze("zstd", plain + second))
    raw("second-zstd-frame.tar.zst", squeeze("zstd", plain) + squeeze("zstd", second))
    raw("zstd-trailing-garbage.tar.zst", squeeze("zstd", plain) + b"garbage after the frame\n")
    raw("gzip-trailing-garbage.tar.gz", squeeze("gzip", plain) + b"garbage after the member\n")
    raw("padding-bomb.tar.zst", squeeze("zstd", plain + bytes(4 << 20)))
    raw("padding-ok.tar.zst", squeeze("zstd", plain + bytes(64 << 10)))

    # Levels: more than the reader's cap (as the reviewer's 23 KB bundles),
    # and exactly the cap (every level complete, for show's speed).
    write(out("levels-over-cap"), with_manifest(ms, levels_manifest(manifest, 10000, False)))
    write(out("levels-at-cap"), with_manifest(ms, levels_manifest(manifest, 256, True)))
    write(out("terminal-escapes"), with_manifest(ms, escape_manifest(manifest)))

    os.makedirs(os.path.join(outdir, "fields"), exist_ok=True)
    for path in FIELDS:
        for kind, value in WRONG.items():
            name = "fields/%s-%s" % (".".join(str(k) for k in path), kind)
            write(out(name), with_manifest(ms, mutate(manifest, path, value)))
    for path, value in JUNK.items():
        name = "fields/%s-junk" % ".".join(str(k) for k in path)
        write(out(name), with_manifest(ms, mutate(manifest, path, value)))
    print(artifact)


if __name__ == "__main__":
    main()
