# SPDX-License-Identifier: MIT
"""Benchmark of redaction; see redact.sh.

1. The streaming redactor alone, on a generated kernel/libvirt-style log of
   SIZE_MB with identities on about one line in four: throughput and peak
   RSS of the redactor against two anchors run the same way, a plain copy
   and the secret scrubber (the stage every artifact already passes).
2. A collection of this machine with --redact against one without
   (--skip x86info, alternating runs): the ratio of the medians.
3. The same on a replayed machine whose dmesg is the SIZE_MB log: what
   redaction costs when an artifact is large.
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

RUNS = int(os.environ.get("RUNS", "5"))
SIZE_MB = int(os.environ.get("SIZE_MB", "256"))


def make_log(path, mb):
    """Lines as dmesg and libvirt logs print them; every fourth names
    something redaction replaces (addresses, MACs, a host, a user, UUIDs)."""
    plain = [
        "[%10.6f] kvm: vcpu %d: requested %d ns lapic timer period limited to 200000 ns\n",
        "[%10.6f] EXT4-fs (vda1): mounted filesystem %d with ordered data mode (%d).\n",
        "[%10.6f] systemd[1]: Started session-%d.scope - Session %d of User root.\n",
    ]
    ident = [
        "[%10.6f] IN=virbr0 OUT=eth0 MAC=52:54:00:%02x:%02x:%02x SRC=192.168.122.%d DST=10.20.30.40 LEN=60\n",
        "[%10.6f] nfs: server benchpeer.corp.example.org not responding, timed out (%d, %d)\n",
        "[%10.6f] qemu: -drive file=/home/benchuser/vm%d.qcow2 -uuid 5b2c1f3e-aaaa-4bbb-8ccc-%012x\n",
        "[%10.6f] bridge: fe80::5054:ff:fe%02x:%04x learnt on port %d of benchhost\n",
    ]
    target = mb << 20
    with open(path, "w") as f:
        size, i, block = 0, 0, []
        while size < target:
            t = i / 1000.0
            if i % 4 == 3:
                k = (i // 4) % 4
                if k == 0:
                    line = ident[0] % (t, i >> 16 & 255, i >> 8 & 255, i & 255, i % 250 + 1)
                elif k == 1:
                    line = ident[1] % (t, i, i)
                elif k == 2:
                    line = ident[2] % (t, i % 97, i)
                else:
                    line = ident[3] % (t, i % 255, i % 65535, i % 7)
            else:
                line = plain[i % 3] % (t, i % 64, i % 9) if i % 3 != 2 else plain[2] % (t, i, i)
            block.append(line)
            size += len(line)
            i += 1
            if len(block) == 4096:
                f.write("".join(block))
                block = []
        f.write("".join(block))
    return os.path.getsize(path)


def run_stream(helper, mode, log):
    with open(log, "rb") as inp:
        t0 = time.monotonic()
        p = subprocess.Popen([helper, mode], stdin=inp, stdout=subprocess.PIPE)
        out = p.stdout.read()
        _, status, usage = os.wait4(p.pid, 0)
        t = time.monotonic() - t0
    if status != 0:
        sys.exit("redact_stream %s failed" % mode)
    # CPU time: on a shared machine it is what the stage costs; wall time
    # also counts waiting for a core.
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss, out.decode().split()


def stream_bench(helper, log, size):
    res = {}
    for mode in ("copy", "scrub", "redact"):
        runs = [run_stream(helper, mode, log) for _ in range(max(1, RUNS // 2))]
        res[mode] = (statistics.median(r[0] for r in runs), max(r[1] for r in runs), runs[0][2])
    mb = size / 1048576
    print("streaming a %d MiB generated log, CPU time (median of %d runs):" % (mb, max(1, RUNS // 2)))
    for mode, (t, rss, out) in res.items():
        extra = "  %s replacements" % out[3] if mode == "redact" else ""
        print("  %-7s %7.0f ms  %7.0f MiB/s  peak RSS %6.1f MiB%s" % (mode, t * 1000, mb / max(t, 1e-3), rss / 1024, extra))
    print("  ratio redact/scrub    %6.2fx   (the scrubber is the stage beside it)" % (res["redact"][0] / res["scrub"][0]))
    print("  ratio redact/copy     %6.2fx" % (res["redact"][0] / max(res["copy"][0], 1e-3)))
    print("  redactor RSS over copy's: %.1f MiB for %d MiB of input (the window is 64 KiB; the rest is"
          " the map, capped at 262144 identities)" % ((res["redact"][1] - res["copy"][1]) / 1024, mb))


def timed(argv):
    t0 = time.monotonic()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.monotonic() - t0


def collect_ratio(nr, tmp, extra, title, runs):
    plain, red = [], []
    out = os.path.join(tmp, "out")
    for _ in range(runs):
        for redact, acc in ((False, plain), (True, red)):
            os.mkdir(out)
            acc.append(timed([nr, "collect", "-q", "--no-sign", "-o", out] + extra +
                             (["--redact"] if redact else [])))
            shutil.rmtree(out)
    p, r = statistics.median(plain), statistics.median(red)
    print("%s (median of %d alternating runs):" % (title, runs))
    print("  without --redact  %8.0f ms" % (p * 1000))
    print("  with --redact     %8.0f ms" % (r * 1000))
    print("  ratio with/without          %6.2fx" % (r / p))


def replay_tree(tmp, log):
    """A captured x86 KVM guest whose dmesg is the big log."""
    tree = os.path.join(tmp, "tree")
    meta = os.path.join(tree, ".nest-report")
    for d in ("which", "commands/detect", "commands/kernel", "commands/dmesg", "paths/dev"):
        os.makedirs(os.path.join(meta, d))
    os.makedirs(os.path.join(tree, "proc"))
    with open(os.path.join(tree, "proc", "version"), "w") as f:
        f.write("Linux version 6.1.0-bench (gcc) #1 SMP\n")
    with open(os.path.join(meta, "meta"), "w") as f:
        f.write("format: 1\nroot: yes\n")
    for c in ("uname", "dmesg"):
        with open(os.path.join(meta, "which", c), "w") as f:
            f.write("/usr/bin/%s\n" % c)
    for key, text in (("detect/uname-m", "x86_64\n"),
                      ("kernel/uname-a", "Linux benchhost 6.1.0-bench #1 SMP x86_64 GNU/Linux\n")):
        with open(os.path.join(meta, "commands", key + ".out"), "w") as f:
            f.write(text)
        with open(os.path.join(meta, "commands", key + ".exit"), "w") as f:
            f.write("0\n")
    shutil.copy(log, os.path.join(meta, "commands", "dmesg", "dmesg.out"))
    with open(os.path.join(meta, "commands", "dmesg", "dmesg.exit"), "w") as f:
        f.write("0\n")
    return tree


def main():
    nr, helper = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    tmp = tempfile.mkdtemp(prefix="nr-bench-redact-", dir=os.environ.get("TMPDIR", "/var/tmp"))
    try:
        log = os.path.join(tmp, "big.log")
        size = make_log(log, SIZE_MB)
        stream_bench(helper, log, size)
        collect_ratio(nr, tmp, ["--skip", "x86info"], "collect this machine", RUNS)
        tree = replay_tree(tmp, log)
        collect_ratio(nr, tmp, ["--sysroot", tree, "--only", "kernel,dmesg",
                                "--max-artifact-size", "%dM" % (SIZE_MB + 1)],
                      "collect a replayed machine with a %d MiB dmesg" % SIZE_MB, max(1, RUNS // 2))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
