#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Broken (and a few tricky but valid) variants of real manifests, each
judged by python3-jsonschema, for tests/integration/verify_schema_agree.sh
to compare with nest-report's own validator (collector/jschema.c).

usage: schema-mutants.py SCHEMA.json OUTDIR MANIFEST.json...
Writes OUTDIR/<n>-<mutant>/manifest.json and prints one line per variant:
"<dir> valid|invalid".
"""
import copy
import json
import os
import sys

import jsonschema


def lv0(m):
    return m["levels"][0]


def first_probe_with_artifacts(m):
    return next(p for p in lv0(m)["probes"] if p["artifacts"])


def art0(m):
    return first_probe_with_artifacts(m)["artifacts"][0]


def setp(path, value):
    def f(m):
        obj = m
        for k in path[:-1]:
            obj = obj[k]
        obj[path[-1]] = value
    return f


def delp(path):
    def f(m):
        obj = m
        for k in path[:-1]:
            obj = obj[k]
        del obj[path[-1]]
    return f


def art_set(key, value):
    def f(m):
        art0(m)[key] = value
    return f


def add_finding(severity):
    def f(m):
        m["findings"].append({"id": "made-up", "severity": severity, "level": "l0",
                              "message": "x", "evidence": [], "hint": None, "source": "test"})
    return f


MUTANTS = [
    ("original", lambda m: None),
    ("no-schema-key", delp(["schema"])),
    ("tool-version-pattern", setp(["tool", "version"], "abc")),
    ("created-pattern", setp(["created"], "2024-01-01 10:00:00")),
    ("host-empty", setp(["host"], "")),
    ("host-unicode", setp(["host"], "h\u00fcgel")),
    ("extra-top-level", setp(["evil"], 1)),
    ("levels-empty", setp(["levels"], [])),
    ("level-id-upper", lambda m: lv0(m).__setitem__("id", "L0")),
    ("level-depth-negative", lambda m: lv0(m).__setitem__("depth", -1)),
    ("level-depth-fraction", lambda m: lv0(m).__setitem__("depth", 1.5)),
    ("level-depth-float-integral", lambda m: lv0(m).__setitem__("depth", 2.0)),
    ("level-transport-enum", lambda m: lv0(m).__setitem__("transport", "telnet")),
    ("level-root-type", lambda m: lv0(m).__setitem__("root", "yes")),
    ("level-match-empty-object", lambda m: lv0(m).__setitem__("match", {})),
    ("level-extra-key", lambda m: lv0(m).__setitem__("x", None)),
    ("level-facts-null", lambda m: lv0(m).__setitem__("facts", None)),
    ("kernel-release-number", lambda m: lv0(m)["facts"]["kernel"].__setitem__("release", 5)),
    ("virt-ext-enum", lambda m: lv0(m)["facts"]["cpu"].__setitem__("virt_ext", "foo")),
    ("cpu-count-zero", lambda m: lv0(m)["facts"]["cpu"].__setitem__("count", 0)),
    ("kvm-param-not-string", lambda m: lv0(m)["facts"]["kvm"].__setitem__("params", {"kvm": {"x": 1}})),
    ("evidence-artifact-number", lambda m: lv0(m)["facts"]["evidence"].__setitem__(
        "virt.role", [{"artifact": 3, "detail": "x"}])),
    ("evidence-artifact-null", lambda m: lv0(m)["facts"]["evidence"].__setitem__(
        "virt.role", [{"artifact": None, "detail": "x"}])),
    ("probe-status-enum", lambda m: lv0(m)["probes"][0].__setitem__("status", "maybe")),
    ("probe-name-pattern", lambda m: lv0(m)["probes"][0].__setitem__("name", "Kernel")),
    ("artifact-sha-upper", art_set("sha256", "A" * 64)),
    ("artifact-sha-short", art_set("sha256", "a" * 63)),
    ("artifact-path-absolute", art_set("path", "/etc/passwd")),
    ("artifact-path-dotdot", art_set("path", "levels/../x")),
    ("artifact-path-trailing-dotdot", art_set("path", "a/b/..")),
    ("artifact-path-space", art_set("path", "levels/l0/x y")),
    ("artifact-path-dotdot-prefix-ok", art_set("path", "..hidden")),
    ("artifact-path-dots-inside-ok", art_set("path", "a/..b/c..")),
    ("artifact-size-string", art_set("size", "12")),
    ("artifact-size-bool", art_set("size", True)),
    ("artifact-truncated-int", art_set("truncated", 0)),
    ("totals-missing-ok", delp(["totals", "ok"])),
    ("compression-enum", setp(["options", "compression"], "lz4")),
    ("timeout-zero", setp(["options", "timeout_s"], 0)),
    ("files-extra-key", lambda m: m["files"][0].__setitem__("mode", "0600")),
    ("argv-not-strings", setp(["argv"], ["nest-report", 1])),
    ("finding-severity-enum", add_finding("critical")),
    ("finding-valid", add_finding("warn")),
    ("signer-null", setp(["signer"], None)),
    ("signer-bad-fingerprint", setp(["signer"], {"identity": "a@b", "key_type": "ssh-ed25519",
                                                  "fingerprint": "MD5:aa"})),
    ("signer-ok", setp(["signer"], {"identity": "a@b", "key_type": "ssh-ed25519",
                                     "fingerprint": "SHA256:" + "A" * 43})),
    ("signer-missing-identity", setp(["signer"], {"key_type": None, "fingerprint": None})),
]


def main():
    schema = json.load(open(sys.argv[1]))
    outdir = sys.argv[2]
    v = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    for n, path in enumerate(sys.argv[3:]):
        base = json.load(open(path))
        for name, mutate in MUTANTS:
            m = copy.deepcopy(base)
            try:
                mutate(m)
            except (KeyError, IndexError, StopIteration):
                continue   # this manifest lacks what the mutant changes
            d = os.path.join(outdir, "%d-%s" % (n, name))
            os.makedirs(d, exist_ok=True)
            with open(os.path.join(d, "manifest.json"), "w") as f:
                json.dump(m, f, indent=1, ensure_ascii=False)
            print(d, "valid" if v.is_valid(m) else "invalid")


if __name__ == "__main__":
    main()
