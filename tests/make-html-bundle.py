#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Make the bundles tests/integration/show_html.sh renders, from a real one.

usage: make-html-bundle.py tree BUNDLE_DIR OUT.tar
    BUNDLE_DIR is a real bundle unpacked (one level, l0, running a guest).
    OUT.tar gets three levels: l0 as captured; l1, the guest l0 runs (its
    QEMU process is linked to it), a KVM guest hypervisor; l2, a guest of
    l1 that l1 runs under TCG.  Every string a bundle can carry is hostile
    (markup, script, event handlers, terminal escapes, C1 controls, bidi
    overrides, bytes that are not UTF-8), and so are the contents of the
    members added for l1 and l2.
usage: make-html-bundle.py guest BUNDLE_DIR OUT.tar
    l0 itself a KVM guest whose host was not collected.

The markers the test looks for: PWNED (would be set by any script or
handler that ran), HOSTILE-TEXT (shown as text).
"""
import copy
import hashlib
import io
import json
import sys
import tarfile

SCRIPT = "<script>document.documentElement.setAttribute('data-pwned','PWNED')</script>"
IMG = "<img src=x onerror=\"document.documentElement.setAttribute('data-pwned','PWNED')\">"
SVG = "<svg onload=alert('PWNED')><a href=\"javascript:alert('PWNED')\">x</a></svg>"
TERM = "\x1b[2J\x1b]0;PWNED\x07\u009b31m\u202eTXET\u2066"
HOSTILE = "HOSTILE-TEXT " + SCRIPT + IMG + '"\'><b>' + SVG + TERM
RAW_BYTES = (b"HOSTILE-TEXT </pre></details>" + SCRIPT.encode() + IMG.encode() +
             b"\x1b[31mred\x1b[0m \xc2\x9b2J \xe2\x80\xae reversed \xff\xfe not utf-8\r\nend\n")


def member(tar, path, data):
    info = tarfile.TarInfo(path)
    info.size = len(data)
    info.mode = 0o600
    info.uid = info.gid = 0
    info.uname = info.gname = "root"
    tar.addfile(info, io.BytesIO(data))


def artifact(level, probe, name, data, **extra):
    a = {"name": name, "path": "levels/%s/%s/%s" % (level, probe, name), "size": len(data),
         "sha256": hashlib.sha256(data).hexdigest(), "truncated": False, "scrubbed": 0,
         "source": None, "command": None, "exit_code": None, "stderr": None}
    a.update(extra)
    return a


def tree(m, contents):
    l0 = m["levels"][0]
    l0["facts"]["hostname"] = "hv1 " + HOSTILE
    l0["target"] = None
    guest = l0["facts"]["guests"][0]
    guest["level"] = "l1"
    guest["name"] = "l1vm " + HOSTILE
    l1 = copy.deepcopy(l0)
    l1.update(id="l1", depth=1, parent="l0", transport="ssh", target="root@" + HOSTILE,
              status="ok")
    f = l1["facts"]
    f["hostname"] = "l1-host " + HOSTILE
    f["kernel"]["release"] = "6.1.0-l1 " + HOSTILE
    f["virt"].update(role="guest", hypervisor="kvm")
    f["cpu"]["hypervisor_flag"] = True
    f["guests"][0].update(level="l2", name="l2vm " + HOSTILE, accel=["tcg"],
                          pid=4343, binary="qemu-system-x86_64")
    l1["probes"] = [
        {"name": "kernel", "status": "ok", "duration_ms": 3, "error": None, "commands": [],
         "notes": [], "artifacts": [artifact("l1", "kernel", "uname-a", RAW_BYTES,
                                             command=["uname", "-a", HOSTILE], exit_code=0,
                                             stderr=HOSTILE)]},
        {"name": "dmesg", "status": "failed", "duration_ms": 1, "error": "dmesg: " + HOSTILE,
         "commands": [], "notes": [], "artifacts": []},
    ]
    contents["levels/l1/kernel/uname-a"] = RAW_BYTES
    l2 = copy.deepcopy(l1)
    l2.update(id="l2", depth=2, parent="l1", target="root@l2", status="unreachable",
              errors=["connect: " + HOSTILE], probes=[])
    l2["facts"]["virt"].update(hypervisor="qemu-tcg")
    l2["facts"]["guests"] = []
    m["levels"] = [l0, l1, l2]
    m["host"] = "hv1 " + HOSTILE
    m["argv"] = ["collect", "--level", "l1=" + HOSTILE]


def guest(m, contents):
    f = m["levels"][0]["facts"]
    f["virt"].update(role="guest", hypervisor="kvm")


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("tree", "guest"):
        print(__doc__, file=sys.stderr)
        return 2
    src, out = sys.argv[2], sys.argv[3]
    with open(src + "/manifest.json", encoding="utf-8") as f:
        m = json.load(f)
    contents = {}
    for lv in m["levels"]:
        for p in lv["probes"]:
            for a in p["artifacts"]:
                with open(src + "/" + a["path"], "rb") as f:
                    contents[a["path"]] = f.read()
    with open(src + "/summary.txt", "rb") as f:
        summary = f.read()
    (tree if sys.argv[1] == "tree" else guest)(m, contents)
    with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as tar:
        member(tar, "manifest.json", json.dumps(m, ensure_ascii=False).encode())
        member(tar, "summary.txt", summary)
        for lv in m["levels"]:
            for p in lv["probes"]:
                for a in p["artifacts"]:
                    member(tar, a["path"], contents[a["path"]])
    return 0


if __name__ == "__main__":
    sys.exit(main())
