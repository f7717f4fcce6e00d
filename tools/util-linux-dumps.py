#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Extract every lscpu dump util-linux ever had, with lscpu's expected output.

usage: util-linux-dumps.py [--git DIR] [--cache DIR]

DIR is a util-linux git directory (a clone, bare or not; default
$NR_UTIL_LINUX_GIT).  The cache (default
$XDG_CACHE_HOME/nest-report/util-linux-dumps, ~/.cache/... without it) gets:

  index.tsv          one row per distinct dump: id, source (current|history),
                     name, commit, content, dump path, expected path
  dumps/ID/tree/     the dump's root (proc/, sys/), ready for --sysroot
  dumps/ID/expected  what lscpu printed on it, from the same commit
  stamp              the HEAD commit and format the cache was made from

A dump is one version of one machine's /proc + /sys: the same content under
another layout (util-linux moved the dumps from tests/input/ts-lscpu-NAME to
tests/ts/lscpu/proc-dumps/NAME, tests/ts/lscpu/dumps/NAME and then
tests/ts/lscpu/dumps/NAME.tar.gz) is one dump; a changed content is another
(ID = NAME@COMMIT).  "current" dumps are those in HEAD's tree, with HEAD's
expected output; a "history" dump is one no longer in HEAD, taken from the
newest commit (of any branch) that has it, so its expected output is
lscpu's last word on it.  A dump with no expected output in its commit (a
stray file) is left out and named on stderr.

Idempotent: when the stamp matches the git directory's HEAD, nothing is
done.  Otherwise the cache is built beside the old one and swapped in, so an
interrupted run leaves the old cache or none, never half of one.  The
repository is untrusted input: tarballs and trees are unpacked by this
script, member by member (regular files, directories and symlinks only, no
absolute or `..` names, nothing written through a symlink), under caps.
"""

import hashlib
import io
import os
import shutil
import stat
import subprocess
import sys
import tarfile
import tempfile

FORMAT = "util-linux-dumps 1"
MAX_BLOB = 64 << 20          # one dump tarball or expected file
MAX_TREE_BYTES = 256 << 20   # one dump, unpacked
MAX_MEMBERS = 200000         # one dump's files
MAX_EXPECTED = 1 << 20

# Where each layout keeps its dumps and expected outputs; %s is the name.
DUMP_DIRS = ("tests/input/", "tests/ts/lscpu/proc-dumps/", "tests/ts/lscpu/dumps/")
EXPECTED = ("tests/expected/lscpu/lscpu-%s", "tests/expected/ts-lscpu-%s", "tests/expected/lscpu-%s")


class Refused(Exception):
    pass


def git(gitdir, *args, data=False, where="--git-dir"):
    r = subprocess.run(["git", where, gitdir, *args], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, check=False)
    if r.returncode != 0:
        raise Refused("git %s: %s" % (" ".join(args[:2]), r.stderr.decode(errors="replace").strip()))
    return r.stdout if data else r.stdout.decode("utf-8", errors="replace")


def ls_tree(gitdir, commit, paths):
    """{path: (type, oid)} of the entries directly under each of paths."""
    out = {}
    text = git(gitdir, "ls-tree", "-z", commit, "--", *paths)
    for ent in text.split("\0"):
        if not ent:
            continue
        meta, path = ent.split("\t", 1)
        _mode, typ, oid = meta.split()
        out[path] = (typ, oid)
    return out


def dumps_in(entries):
    """[(name, dump path, kind, oid)] of the dumps among ls-tree entries."""
    found = []
    for path, (typ, oid) in entries.items():
        base = path.rsplit("/", 1)[-1]
        if path.startswith("tests/input/"):
            if typ == "tree" and base.startswith("ts-lscpu-"):
                found.append((base[len("ts-lscpu-"):], path, "tree", oid))
        elif typ == "tree":
            found.append((base, path, "tree", oid))
        elif typ == "blob" and base.endswith(".tar.gz"):
            found.append((base[:-len(".tar.gz")], path, "tar", oid))
    return found


def expected_of(entries, name):
    for pat in EXPECTED:
        path = pat % name
        ent = entries.get(path)
        if ent and ent[0] == "blob":
            return path, ent[1]
    return None, None


def safe_name(name):
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if name.startswith("/") or ".." in parts or not parts:
        raise Refused("member %r: absolute or climbing name" % name)
    return parts


def unpack(tar_bytes, dest):
    """Unpack a tar stream into dest by hand; return the dump's root."""
    total = 0
    links = set()
    with tarfile.open(fileobj=io.BytesIO(tar_bytes), mode="r:*") as tf:
        for n, m in enumerate(tf):
            if n >= MAX_MEMBERS:
                raise Refused("more than %d members" % MAX_MEMBERS)
            parts = safe_name(m.name)
            for i in range(1, len(parts)):
                if "/".join(parts[:i]) in links:
                    raise Refused("member %r lies under a symlink" % m.name)
            path = os.path.join(dest, *parts)
            parent = os.path.dirname(path)
            os.makedirs(parent, exist_ok=True)
            if not stat.S_ISDIR(os.lstat(parent).st_mode):
                raise Refused("member %r: parent is not a directory" % m.name)
            if (m.isreg() or m.issym()) and os.path.lexists(path):
                # tar lets a later member replace an earlier one (util-linux's
                # ppc64-POWER7-64cpu.tar.gz holds one file twice).
                if stat.S_ISDIR(os.lstat(path).st_mode):
                    raise Refused("member %r replaces a directory" % m.name)
                os.unlink(path)
            if m.isdir():
                os.makedirs(path, exist_ok=True)
            elif m.isreg():
                total += m.size
                if total > MAX_TREE_BYTES:
                    raise Refused("more than %d bytes unpacked" % MAX_TREE_BYTES)
                src = tf.extractfile(m)
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
                with os.fdopen(fd, "wb") as f:
                    shutil.copyfileobj(src, f)
            elif m.issym():
                # Only data: nest-report's replay resolves it inside the root.
                os.symlink(m.linkname, path)
                links.add("/".join(parts))
            # Hard links, devices and FIFOs carry nothing a dump needs.
    return find_root(dest)


def find_root(top):
    """The shallowest directory holding proc/ or sys/ (tarballs wrap it in NAME/)."""
    level = [top]
    for _depth in range(4):
        nxt = []
        for d in level:
            kids = sorted(os.listdir(d))
            if "proc" in kids or "sys" in kids:
                return d
            nxt += [os.path.join(d, k) for k in kids
                    if stat.S_ISDIR(os.lstat(os.path.join(d, k)).st_mode)]
        level = nxt
    raise Refused("no proc/ or sys/ inside")


def content_hash(root):
    """One hash over names, kinds and bytes: equal for equal dumps in any layout."""
    h = hashlib.sha256()
    for d, dirs, files in os.walk(root):
        dirs.sort()
        for f in sorted(files + [x for x in dirs if os.path.islink(os.path.join(d, x))]):
            p = os.path.join(d, f)
            rel = os.path.relpath(p, root)
            if os.path.islink(p):
                h.update(b"l %s %s\n" % (rel.encode(), os.readlink(p).encode()))
            else:
                with open(p, "rb") as fh:
                    h.update(b"f %s %s\n" % (rel.encode(), hashlib.sha256(fh.read()).hexdigest().encode()))
    return h.hexdigest()[:16]


def materialise(gitdir, kind, oid, work):
    """Unpack one dump object into a fresh directory under work; (root, content)."""
    if kind == "tar":
        size = int(git(gitdir, "cat-file", "-s", oid))
        if size > MAX_BLOB:
            raise Refused("tarball of %d bytes" % size)
        data = git(gitdir, "cat-file", "blob", oid, data=True)
    else:
        data = git(gitdir, "archive", "--format=tar", oid, data=True)
    dest = tempfile.mkdtemp(dir=work)
    root = unpack(data, dest)
    return root, content_hash(root)


def build(gitdir, head, out):
    work = os.path.join(out, ".work")
    os.makedirs(work)
    seen = {}      # oid -> (root, content) or None (refused)
    dumps = {}     # content -> row dict
    skipped = []

    def visit(commit, source):
        ents = ls_tree(gitdir, commit, list(DUMP_DIRS))
        ents.update(ls_tree(gitdir, commit, ["tests/expected/", "tests/expected/lscpu/"]))
        for name, dpath, kind, oid in dumps_in({p: e for p, e in ents.items()
                                                if p.startswith(DUMP_DIRS)}):
            epath, eoid = expected_of(ents, name)
            if oid not in seen:
                try:
                    seen[oid] = materialise(gitdir, kind, oid, work)
                except (Refused, tarfile.TarError, OSError) as e:
                    seen[oid] = None
                    skipped.append("%s@%s: %s" % (dpath, commit[:10], e))
            if seen[oid] is None or seen[oid][1] in dumps:
                continue
            if epath is None:
                skipped.append("%s@%s: no expected output in that commit" % (dpath, commit[:10]))
                continue
            root, content = seen[oid]
            dumps[content] = dict(id="%s@%s" % (name, commit[:10]), source=source, name=name,
                                  commit=commit, content=content, dump=dpath, expected=epath,
                                  eoid=eoid, root=root)

    visit(head, "current")
    ncommits = 1
    # Newest first, over every branch: a dump no longer in HEAD is taken from
    # the last commit that still had it.
    paths = list(DUMP_DIRS) + ["tests/expected/lscpu/", ":(glob)tests/expected/*lscpu-*"]
    for commit in git(gitdir, "rev-list", "--all", "--date-order", "--", *paths).split():
        visit(commit, "history")
        ncommits += 1

    os.makedirs(os.path.join(out, "dumps"))
    rows = []
    for d in sorted(dumps.values(), key=lambda d: (d["source"] != "current", d["name"], d["id"])):
        ddir = os.path.join(out, "dumps", d["id"])
        os.makedirs(ddir)
        os.rename(d["root"], os.path.join(ddir, "tree"))
        size = int(git(gitdir, "cat-file", "-s", d["eoid"]))
        if size > MAX_EXPECTED:
            skipped.append("%s: expected output of %d bytes" % (d["expected"], size))
            shutil.rmtree(ddir)
            continue
        with open(os.path.join(ddir, "expected"), "wb") as f:
            f.write(git(gitdir, "cat-file", "blob", d["eoid"], data=True))
        rows.append("\t".join((d["id"], d["source"], d["name"], d["commit"], d["content"],
                               d["dump"], d["expected"])))
    shutil.rmtree(work)
    with open(os.path.join(out, "index.tsv"), "w", encoding="utf-8") as f:
        f.write("# id\tsource\tname\tcommit\tcontent\tdump\texpected\n")
        f.write("".join(r + "\n" for r in rows))
    with open(os.path.join(out, "stamp"), "w", encoding="utf-8") as f:
        f.write("%s\n%s\n" % (FORMAT, head))
    stats = "%d dump objects in %d commits" % (len(seen), ncommits)
    return rows, skipped, stats


def main(argv):
    gitdir = os.environ.get("NR_UTIL_LINUX_GIT", "")
    cache = os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"),
                         "nest-report", "util-linux-dumps")
    args = list(argv)
    while args:
        opt = args.pop(0)
        if opt in ("--git", "--cache") and args:
            val = args.pop(0)
            if opt == "--git":
                gitdir = val
            else:
                cache = val
        elif opt in ("-h", "--help"):
            print(__doc__.strip())
            return 0
        else:
            print("util-linux-dumps: unknown argument %r (see --help)" % opt, file=sys.stderr)
            return 2
    if not gitdir:
        print("util-linux-dumps: no util-linux git directory (--git DIR or NR_UTIL_LINUX_GIT)",
              file=sys.stderr)
        return 2
    try:
        # A work tree's .git or a bare repository alike.
        gitdir = git(gitdir, "rev-parse", "--absolute-git-dir", where="-C").strip()
        head = git(gitdir, "rev-parse", "HEAD^{commit}").strip()
    except Refused as e:
        print("util-linux-dumps: %s is not a git directory: %s" % (gitdir, e), file=sys.stderr)
        return 1
    cache = os.path.abspath(cache)
    try:
        with open(os.path.join(cache, "stamp"), encoding="utf-8") as f:
            if f.read() == "%s\n%s\n" % (FORMAT, head):
                print("util-linux-dumps: %s is up to date (HEAD %s)" % (cache, head[:10]))
                return 0
    except OSError:
        pass
    parent = os.path.dirname(cache)
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=".util-linux-dumps.tmp-", dir=parent)
    try:
        rows, skipped, stats = build(gitdir, head, tmp)
        old = None
        if os.path.lexists(cache):
            old = tempfile.mkdtemp(prefix=".util-linux-dumps.old-", dir=parent)
            os.rename(cache, os.path.join(old, "x"))
        os.rename(tmp, cache)
        if old:
            shutil.rmtree(old)
    except (Refused, OSError) as e:
        shutil.rmtree(tmp, ignore_errors=True)
        print("util-linux-dumps: %s" % e, file=sys.stderr)
        return 1
    for s in skipped:
        print("util-linux-dumps: left out %s" % s, file=sys.stderr)
    ncur = sum(r.split("\t")[1] == "current" for r in rows)
    print("util-linux-dumps: %d distinct dumps (%d current, %d historical; from %s) in %s (HEAD %s)"
          % (len(rows), ncur, len(rows) - ncur, stats, cache, head[:10]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
