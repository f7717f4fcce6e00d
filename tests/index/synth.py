#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Bundles for the index tests and benchmark, made from real ones.

usage:
  synth.py compose OUT L0 [L1 ...]        one bundle whose levels are the l0 of
                                          each input, chained l0 > l1 > l2 ...
  synth.py set OUT IN KEY=JSON...         IN with facts of its levels changed:
                                          KEY is LEVEL:dotted.path (l0:kvm.nested)
                                          or created / host
  synth.py hostile GOOD OUTDIR            bundles that pass verify but test the
                                          index's caps and storage (see below)
  synth.py vary OUTDIR COUNT SEED IN...   COUNT bundles from IN... with their
                                          facts varied (the benchmark's corpus)

The inputs are bundles `nest-report collect --sysroot` made from real
captured machines.  Only manifest.json is rewritten (and, for composition,
member names moved under their new level): every artifact stays byte for
byte as collected, listed with its sha256, so `nest-report verify` passes
on every output.  Needs python3 and the zstd CLI.
"""
import copy
import io
import json
import os
import random
import subprocess
import sys
import tarfile


def read_members(path):
    raw = subprocess.run(["zstd", "-dcq", "--", path], check=True, stdout=subprocess.PIPE).stdout
    with tarfile.open(fileobj=io.BytesIO(raw)) as t:
        members = [(m.name, t.extractfile(m).read()) for m in t.getmembers()]
    assert members[0][0] == "manifest.json", path + ": manifest.json is not first"
    return json.loads(members[0][1]), members[1:]


def tar_bytes(manifest, members, raw=None):
    """The tar of manifest.json (manifest as JSON, or the bytes raw) and members."""
    buf = io.BytesIO()
    data = raw if raw is not None else json.dumps(manifest, indent=1, ensure_ascii=False).encode()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for name, body in [("manifest.json", data)] + members:
            ti = tarfile.TarInfo(name)
            ti.size = len(body)
            ti.mode = 0o600
            ti.mtime = 1700000000
            t.addfile(ti, io.BytesIO(body))
    return buf.getvalue()


def write_zst(out, manifest, members):
    with open(out, "wb") as f:
        subprocess.run(["zstd", "-q", "-3", "-c"], input=tar_bytes(manifest, members), stdout=f, check=True)


def moved(obj, old, new):
    """obj with every string that starts with levels/OLD/ moved to levels/NEW/."""
    if isinstance(obj, dict):
        return {k: moved(v, old, new) for k, v in obj.items()}
    if isinstance(obj, list):
        return [moved(v, old, new) for v in obj]
    if isinstance(obj, str) and obj.startswith("levels/%s/" % old):
        return "levels/%s/%s" % (new, obj[len("levels/%s/" % old):])
    return obj


def as_level(src_manifest, src_members, i, parent):
    """src's first level as level i of a chain (id l<i>, depth i), and its members."""
    old = src_manifest["levels"][0]["id"]
    lv = moved(copy.deepcopy(src_manifest["levels"][0]), old, "l%d" % i)
    lv.update({"id": "l%d" % i, "depth": i, "parent": parent})
    if i > 0:
        lv.update({"transport": "ssh", "target": "guest%d" % i})
    prefix = "levels/%s/" % old
    members = [("levels/l%d/%s" % (i, n[len(prefix):]), d) for n, d in src_members if n.startswith(prefix)]
    return lv, members


def compose(sources):
    """sources: [(manifest, members)] -> one chained (manifest, members)."""
    m0, ms0 = sources[0]
    out = copy.deepcopy(m0)
    out["levels"], members = [], [(n, d) for n, d in ms0 if not n.startswith("levels/")]
    for i, (m, ms) in enumerate(sources):
        lv, lms = as_level(m, ms, i, "l%d" % (i - 1) if i else None)
        out["levels"].append(lv)
        members += lms
    out["findings"] = []
    return out, members


def set_path(obj, dotted, value):
    keys = dotted.split(".")
    for k in keys[:-1]:
        obj = obj[k]
    obj[keys[-1]] = value


def apply(manifest, key, value):
    if ":" not in key:
        manifest[key] = value
        return
    level, path = key.split(":", 1)
    lv = next(lv for lv in manifest["levels"] if lv["id"] == level)
    # a member of the level object itself (depth, facts.kvm ...), else a fact
    set_path(lv if path.split(".")[0] in lv else lv["facts"], path, value)


# ---- hostile ---------------------------------------------------------------

def hostile(good, outdir):
    """Bundles valid against the schema (so verify passes) that the index
    must refuse whole, or store without being fooled:
      too-many-levels    65 levels                          refused
      too-many-facts     5000 KVM parameters on one level    refused
      long-fact-name     a parameter name of 300 bytes      refused
      duplicate-level    two levels with id l0              refused
      strange-strings    quotes, SQL, ?, $1, NUL, a lone surrogate, 5000 bytes,
                         an impossible date                 stored as text, cut at 1 KiB
    """
    m, ms = read_members(good)
    os.makedirs(outdir, exist_ok=True)
    out = lambda name: os.path.join(outdir, name + ".tar.zst")
    bare = copy.deepcopy(m["levels"][0])
    bare["probes"] = []

    x = copy.deepcopy(m)
    for i in range(1, 65):
        lv = copy.deepcopy(bare)
        lv.update({"id": "l%d" % i, "depth": 1, "parent": "l0"})
        x["levels"].append(lv)
    write_zst(out("too-many-levels"), x, ms)

    x = copy.deepcopy(m)
    x["levels"][0]["facts"]["kvm"]["params"]["kvm"] = {"p%d" % i: "Y" for i in range(5000)}
    params = lambda x: x["levels"][0]["facts"]["kvm"]["params"].setdefault("kvm", {})
    write_zst(out("too-many-facts"), x, ms)

    x = copy.deepcopy(m)
    params(x)["n" * 300] = "Y"
    write_zst(out("long-fact-name"), x, ms)

    x = copy.deepcopy(m)
    x["levels"].append(copy.deepcopy(bare))
    write_zst(out("duplicate-level"), x, ms)

    x = copy.deepcopy(m)
    f = x["levels"][0]["facts"]
    f["hostname"] = "x'); DROP TABLE nr_bundles; --"
    params(x)["quoted"] = "it's \"quoted\" ? $1 %s \\"
    params(x)["nul"] = "before\u0000after"
    params(x)["surrogate"] = "\ud800"
    params(x)["unicode"] = "ünïcødé ✓"
    f["kernel"]["cmdline"] = "a" * 5000
    x["created"] = "2026-13-45T99:99:99Z"
    with open(out("strange-strings"), "wb") as fh:
        data = json.dumps(x, indent=1, ensure_ascii=True).encode()
        subprocess.run(["zstd", "-q", "-c"], input=tar_bytes(None, ms, raw=data), stdout=fh, check=True)


# ---- vary (the benchmark's corpus) -----------------------------------------

KERNELS = ["5.10.0-28-amd64", "5.15.0-91-generic", "6.1.0-18-amd64", "6.1.0-21-amd64", "6.5.0-35-generic",
           "6.8.0-31-generic", "6.8.0-45-generic", "6.10.11-200.fc40", "6.11.0-9-generic", "6.12.1"]
QEMUS = ["6.2.0", "7.2.9", "8.0.4", "8.2.2", "9.0.2", "9.1.0"]
LIBVIRTS = ["8.0.0", "9.0.0", "10.0.0", "10.6.0"]


def vary(outdir, count, seed, inputs):
    rnd = random.Random(seed)
    bases = [read_members(p) for p in inputs]
    os.makedirs(outdir, exist_ok=True)
    names = []
    for i in range(count):
        chain = [rnd.choice(bases)]
        if rnd.random() < 0.3:   # a nested setup: an L1 (and sometimes an L2) from other captures
            chain.append(rnd.choice(bases))
            if rnd.random() < 0.3:
                chain.append(rnd.choice(bases))
        m, ms = compose(chain) if len(chain) > 1 else (copy.deepcopy(chain[0][0]), chain[0][1])
        for lv in m["levels"]:
            f = lv["facts"]
            f["kernel"]["release"] = rnd.choice(KERNELS)
            f["libvirt"]["version"] = rnd.choice(LIBVIRTS + [None])
            for q in f["qemu"]["versions"]:
                q["version"] = rnd.choice(QEMUS)
            nested = rnd.choice([True, False, None])
            f["kvm"]["nested"] = nested
            for mod in ("kvm_intel", "kvm_amd"):
                if mod in f["kvm"]["params"] and nested is not None:
                    f["kvm"]["params"][mod]["nested"] = "Y" if nested else "N"
            f["hostname"] = "node-%04d" % rnd.randrange(2000)
        m["host"] = "maint-%02d" % rnd.randrange(20)
        m["created"] = "2025-%02d-%02dT%02d:%02d:00Z" % (rnd.randrange(1, 13), rnd.randrange(1, 29),
                                                         rnd.randrange(24), rnd.randrange(60))
        name = os.path.join(outdir, "b%05d.tar" % i)
        with open(name, "wb") as f:
            f.write(tar_bytes(m, ms))
        names.append(name)
    listing = os.path.join(outdir, ".list")
    with open(listing, "w") as f:
        f.write("\n".join(names) + "\n")
    subprocess.run(["zstd", "-q", "-3", "--rm", "-T2", "--filelist", listing], check=True)
    os.unlink(listing)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "compose" and len(args) >= 2:
        write_zst(args[0], *compose([read_members(p) for p in args[1:]]))
    elif cmd == "set" and len(args) >= 3:
        m, ms = read_members(args[1])
        for kv in args[2:]:
            k, v = kv.split("=", 1)
            apply(m, k, json.loads(v))
        write_zst(args[0], m, ms)
    elif cmd == "hostile" and len(args) == 2:
        hostile(*args)
    elif cmd == "vary" and len(args) >= 4:
        vary(args[0], int(args[1]), int(args[2]), args[3:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
