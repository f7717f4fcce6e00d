#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""docs/detection.md's util-linux table: lscpu's answer and ours, per dump.

usage: detection_table.py list  --out DIR [--shared DIR] [--cache DIR]
       detection_table.py table --jobs FILE --results DIR --docs FILE
                                --kinds "shared util-linux" [--update]

`list` unpacks the shared real machines (NAME.tar.gz + NAME.lscpu) and
names the util-linux dumps of the cache tools/util-linux-dumps.py made; it
writes DIR/jobs.tsv: id, source, content, tree, lscpu file.

`table` reads each replay's manifest (RESULTS/ID/manifest.json), puts
lscpu's answer (tests/lscpu_truth.py) beside ours, and makes the section
between the BEGIN/END markers of the docs file.  Rows of a kind that was not
available (--kinds) are kept as the docs have them.  With --update the
section is rewritten; without, any difference is an error (exit 1) with a
diff.  Every disagreeing row must be explained in the docs outside the
table (its id in backquotes), or it is an error in both modes.
"""

import difflib
import importlib.util
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import lscpu_truth  # noqa: E402

BEGIN = "<!-- BEGIN util-linux table (tests/integration/detection_table.sh writes it) -->"
END = "<!-- END util-linux table -->"
HEADER = ("| dump | source | content | lscpu says | lscpu: role hypervisor virt_ext "
          "| ours: role hypervisor virt_ext | ours: arch family / arch | ours: virt type | verdict |")
RULE = "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
SOURCES = ("shared", "util-linux current", "util-linux history")
KIND = {"shared": "shared", "util-linux current": "util-linux", "util-linux history": "util-linux"}
SHORT = {"Hypervisor": "hypervisor", "Hypervisor vendor": "vendor",
         "Virtualization type": "type", "Virtualization": "virt"}


def load_tool():
    path = os.path.join(HERE, "..", "tools", "util-linux-dumps.py")
    spec = importlib.util.spec_from_file_location("util_linux_dumps", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def cmd_list(args):
    tool = load_tool()
    out = args["--out"]
    jobs = []
    shared = args.get("--shared")
    if shared:
        for f in sorted(os.listdir(shared)):
            if not f.endswith(".tar.gz"):
                continue
            name = f[:-len(".tar.gz")]
            lscpu = os.path.join(shared, name + ".lscpu")
            if not os.path.isfile(lscpu):
                raise SystemExit("detection_table: %s has no %s.lscpu beside it" % (f, name))
            dest = os.path.join(out, "shared", name)
            os.makedirs(dest)
            with open(os.path.join(shared, f), "rb") as fh:
                data = fh.read(tool.MAX_BLOB + 1)
            if len(data) > tool.MAX_BLOB:
                raise SystemExit("detection_table: %s is over %d bytes" % (f, tool.MAX_BLOB))
            try:
                root = tool.unpack(data, dest)
            except (tool.Refused, tool.tarfile.TarError, OSError) as e:
                raise SystemExit("detection_table: %s: %s" % (f, e))
            jobs.append((name, "shared", tool.content_hash(root), root, lscpu))
    cache = args.get("--cache")
    if cache:
        with open(os.path.join(cache, "index.tsv"), encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("#") or not line.strip():
                    continue
                ident, source, _name, _commit, content = line.rstrip("\n").split("\t")[:5]
                d = os.path.join(cache, "dumps", ident)
                jobs.append((ident, "util-linux " + source, content, os.path.join(d, "tree"),
                             os.path.join(d, "expected")))
    with open(os.path.join(out, "jobs.tsv"), "w", encoding="utf-8") as fh:
        for j in jobs:
            fh.write("\t".join(j) + "\n")
    return 0


def dash(v):
    return "—" if v is None else str(v)


def ours_of(manifest_path):
    with open(manifest_path, encoding="utf-8") as fh:
        m = json.load(fh)
    f = m["levels"][0]["facts"]
    return dict(role=f["virt"]["role"], hv=f["virt"]["hypervisor"], ext=f["cpu"]["virt_ext"],
                family=f.get("arch_family"), arch=f.get("arch"), vtype=f["cpu"].get("virt_type"))


def verdict(lt, ours):
    """agree / disagree (fields) / lscpu silent, over the fields lscpu speaks about."""
    got = (ours["role"] or "—", ours["hv"] or "—", ours["ext"] or "—")
    spoke = [i for i in range(3) if lt[i] != "?"]
    if not spoke:
        return "lscpu silent"
    bad = [("role", "hypervisor", "virt_ext")[i] for i in spoke if lt[i] != got[i]]
    return "**disagree** (%s)" % ", ".join(bad) if bad else "agree"


def make_row(job, results):
    ident, source, content, _tree, lscpu = job
    kv = lscpu_truth.read(lscpu)
    lt = lscpu_truth.truth(kv)
    ours = ours_of(os.path.join(results, ident, "manifest.json"))
    lt = tuple("—" if v == "-" else v for v in lt)
    says = ", ".join("%s `%s`" % (SHORT[k], v.replace("|", "\\|")) for k, v in lscpu_truth.lines(kv)) or "—"
    cells = ["`%s`" % ident, source, "`%s`" % content[:12], says,
             " ".join(lt),
             " ".join(dash(ours[k]) for k in ("role", "hv", "ext")),
             "%s / %s" % (dash(ours["family"]), dash(ours["arch"])), dash(ours["vtype"]),
             verdict(lt, ours)]
    return "| " + " | ".join(cells) + " |"


def cells_of(row):
    return [c.strip() for c in row.strip().strip("|").split(" | ")]


def key_of(row):
    c = cells_of(row)
    return (SOURCES.index(c[1]) if c[1] in SOURCES else len(SOURCES), c[0].strip("`"))


def count_line(rows):
    """The agreement count, over distinct dumps (equal content counted once)."""
    by_content = {}
    for r in rows:
        c = cells_of(r)
        by_content.setdefault(c[2], c[8])
    verdicts = list(by_content.values())
    agree = sum(v == "agree" for v in verdicts)
    silent = sum(v == "lscpu silent" for v in verdicts)
    spoke = len(verdicts) - silent
    return ("**Agreement: %d of the %d dumps where lscpu speaks** (%d disagree); lscpu is silent "
            "on %d more; %d distinct dumps in %d rows (a dump in several sources, such as a "
            "shared machine that is also a util-linux current dump, is counted once)."
            % (agree, spoke, spoke - agree, silent, len(verdicts), len(rows)))


def section(rows):
    rows = sorted(rows, key=key_of)
    return "\n".join([BEGIN, "", count_line(rows), "", HEADER, RULE] + rows + ["", END])


def cmd_table(args):
    docs = args["--docs"]
    kinds = set(args["--kinds"].split())
    with open(docs, encoding="utf-8") as fh:
        text = fh.read()
    a, b = text.find(BEGIN), text.find(END)
    if a < 0 or b < a:
        raise SystemExit("detection_table: %s has no BEGIN/END util-linux table markers" % docs)
    old = text[a:b + len(END)]
    kept = [r for r in old.splitlines()[1:-1]
            if r.startswith("| `") and KIND.get(cells_of(r)[1]) not in kinds]
    rows = []
    with open(args["--jobs"], encoding="utf-8") as fh:
        for line in fh:
            rows.append(make_row(line.rstrip("\n").split("\t"), args["--results"]))
    new = section(rows + kept)
    rest = text[:a] + text[b + len(END):]
    unexplained = [cells_of(r)[0] for r in rows + kept
                   if "disagree" in cells_of(r)[8] and cells_of(r)[0] not in rest]
    rc = 0
    if "--update" in args:
        if new != old:
            with open(docs + ".tmp", "w", encoding="utf-8") as fh:
                fh.write(text[:a] + new + text[b + len(END):])
            os.replace(docs + ".tmp", docs)
            print("detection_table: rewrote the table in %s" % docs)
    elif new != old:
        print("\n".join(difflib.unified_diff(old.splitlines(), new.splitlines(),
                                             "docs (now)", "computed", lineterm="")))
        print("\ndetection_table: %s's table differs from the replays "
              "(NR_UPDATE_GOLDEN=1 rewrites it; review the diff)" % docs)
        rc = 1
    if unexplained:
        print("detection_table: disagreements with no explanation in %s: %s"
              % (docs, " ".join(unexplained)))
        rc = 1
    print(count_line(rows + kept))
    return rc


def main(argv):
    if not argv or argv[0] not in ("list", "table"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    args = {}
    rest = argv[1:]
    while rest:
        opt = rest.pop(0)
        if opt == "--update":
            args[opt] = True
        elif opt.startswith("--") and rest:
            args[opt] = rest.pop(0)
        else:
            print("detection_table: bad argument %r" % opt, file=sys.stderr)
            return 2
    return cmd_list(args) if argv[0] == "list" else cmd_table(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
