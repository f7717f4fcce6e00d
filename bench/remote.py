# SPDX-License-Identifier: MIT
"""Benchmark of remote collection over SSH; see remote.sh.

Every remote level is a real sshd (/usr/sbin/sshd) on 127.0.0.1 that this
script starts with its own host key, authorized client key and known_hosts,
and stops at the end.  Each sshd runs in a mount namespace of its own where
root's home is an empty directory: the login shell reads no rc file, for
nest-report's workers and for the ssh loop alike (root's rc files on this
machine start pyenv, and would otherwise be most of what both sides cost).

The same work on both sides: the ssh loop runs, one `ssh host CMD` each,
every operation nest-report's probes make on a level: the commands (argv
from the manifest of a collection), the files read (the manifest's, and
those a capture of this machine records), the command lookups, directory
listings and device checks (from the capture), and the root check.

Rounds are interleaved (benchlib.py); the far side's CPU time and program
launches are counted by `perf stat` over the sshd's whole process tree
(its counters are inherited by every process the server starts), minus
what an idle server costs, and set against the commands' own, each run
alone under perf stat on this machine (which is the far side here).
"""
import ctypes
import json
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import benchlib as B

# RUNS below 5 is for a quick look while working, not a measurement;
# PART=far measures the far side alone (the timed scenarios take minutes).
RUNS = max(1, int(os.environ.get("RUNS", "5")))
PART = os.environ.get("PART", "all")
LEVELS = 8
SSHD = "/usr/sbin/sshd"
PR_SET_CHILD_SUBREAPER = 36


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def keygen(path, comment):
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", path],
                   check=True, stdout=subprocess.DEVNULL)


def proc_tree(root):
    """root and all its descendants (from ps)."""
    out = subprocess.run(["ps", "-e", "-o", "pid=", "-o", "ppid="], capture_output=True,
                         text=True).stdout
    parent = dict(tuple(int(x) for x in line.split()) for line in out.splitlines() if line.strip())
    keep = {root} if root in parent else set()
    grew = True
    while grew:
        grew = False
        for pid, ppid in parent.items():
            if pid not in keep and ppid in keep:
                keep.add(pid)
                grew = True
    return keep


# The servers running: what reap_orphans() must leave alone.
LIVE = set()


class Server:
    """One sshd on 127.0.0.1, root's home empty, optionally under perf."""

    def __init__(self, base, n, key_pub, perf_out=None):
        d = tempfile.mkdtemp(prefix="sshd%d-" % n, dir=base)
        self.dir = d
        keygen(os.path.join(d, "host_key"), "nr-bench-host-%d" % n)
        self.port = free_port()
        conf = os.path.join(d, "sshd_config")
        home = os.path.join(d, "home")
        os.mkdir(home, 0o700)
        with open(conf, "w") as f:
            f.write("\n".join([
                "ListenAddress 127.0.0.1:%d" % self.port,
                "HostKey %s/host_key" % d,
                "PidFile %s/sshd.pid" % d,
                "AuthorizedKeysFile %s" % key_pub,
                "StrictModes no", "UsePAM no", "PermitRootLogin prohibit-password",
                "PasswordAuthentication no", "KbdInteractiveAuthentication no",
                "AllowTcpForwarding yes", "MaxStartups 100", "MaxSessions 20",
                "LogLevel ERROR", ""]))
        # The bind mount lives in the namespace: root's real home is never
        # touched, and it goes when the server does.
        argv = ["unshare", "-m", "--propagation", "private", "sh", "-c",
                'mount --bind "$1" /root && shift && exec "$@"', "sh", home]
        if perf_out:
            argv += B.perf_prefix(perf_out)
        argv += [SSHD, "-D", "-f", conf, "-E", os.path.join(d, "sshd.log")]
        self.proc = subprocess.Popen(argv)
        LIVE.add(self.proc.pid)
        pidfile = os.path.join(d, "sshd.pid")
        for _ in range(200):
            if os.path.exists(pidfile) and os.path.getsize(pidfile) > 0:
                break
            if self.proc.poll() is not None:
                raise RuntimeError("sshd did not start: " + open(os.path.join(d, "sshd.log")).read())
            time.sleep(0.02)
        self.pid = int(open(pidfile).read())
        with open(os.path.join(d, "host_key.pub")) as f:
            kind, blob = f.read().split()[:2]
        self.known = "[127.0.0.1]:%d %s %s\n" % (self.port, kind, blob)

    def idle(self, limit_s=10.0):
        """Wait until every session has ended (the listener alone)."""
        deadline = time.monotonic() + limit_s
        while len(proc_tree(self.pid)) > 1 and time.monotonic() < deadline:
            time.sleep(0.02)

    def stop(self):
        for p in sorted(proc_tree(self.pid) - {self.pid}):
            try:
                os.kill(p, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            os.kill(self.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        LIVE.discard(self.proc.pid)


class Client:
    """The client key, known_hosts and the command lines for both sides."""

    def __init__(self, tmp):
        self.key = os.path.join(tmp, "id")
        keygen(self.key, "nr-bench-client")
        self.pub = self.key + ".pub"
        self.known_hosts = os.path.join(tmp, "known_hosts")
        self.ssh_config = os.path.join(tmp, "ssh_config")
        open(self.ssh_config, "w").close()
        open(self.known_hosts, "w").close()

    def trust(self, servers):
        with open(self.known_hosts, "a") as f:
            for s in servers:
                f.write(s.known)

    def nr_args(self, servers):
        args = ["--ssh-config", self.ssh_config, "--known-hosts", self.known_hosts,
                "--identity", self.key]
        for i, s in enumerate(servers):
            args += ["--level", "l%d=root@127.0.0.1:%d" % (i + 1, s.port)]
        return args

    def ssh_argv(self, server):
        return ["ssh", "-F", "/dev/null", "-i", self.key, "-p", str(server.port),
                "-o", "UserKnownHostsFile=" + self.known_hosts, "-o", "StrictHostKeyChecking=yes",
                "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", "LogLevel=ERROR",
                "root@127.0.0.1"]


def reap_orphans():
    """Reap what the servers' sessions left to us (we are a subreaper), so
    that nothing of a run is still running when its counters are read."""
    deadline = time.monotonic() + 10
    me = os.getpid()
    while True:
        kept = set()
        for k in LIVE:
            kept |= proc_tree(k)
        left = {p for p in proc_tree(me) - kept - {me} if os.path.exists("/proc/%d" % p)}
        try:
            while os.waitpid(-1, os.WNOHANG)[0] != 0:
                pass
        except ChildProcessError:
            pass
        if not left:
            return
        if time.monotonic() > deadline:
            for p in left:
                try:
                    os.kill(p, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        time.sleep(0.02)


# ---- the work of one level ---------------------------------------------------

def manifest_of(nr, outdir, args):
    out = subprocess.run([nr, "-q", "--no-sign", "-o", outdir] + args, check=True,
                         capture_output=True, text=True)
    bundle = out.stdout.strip()
    m = json.loads(subprocess.run(["tar", "--zstd", "-xOf", bundle, "manifest.json"], check=True,
                                  capture_output=True).stdout)
    os.unlink(bundle)
    return m


def register_reads(device, recording):
    """The loop's form of the register reads a capture recorded: one dd at
    the register's offset each (a device that failed as a whole: a check
    that it is there)."""
    ops = []
    for line in open(recording):
        key, _, value = line.strip().partition(" ")
        if key == "device":
            if value != "0":
                ops.append("test -c %s" % shlex.quote(device))
            continue
        width = max(1, len(value) // 2) if not value.startswith("-") else 8
        ops.append("dd if=%s bs=%d count=%d skip=%s iflag=skip_bytes,count_bytes 2>/dev/null | "
                   "od -An -v -tx1" % (shlex.quote(device), width, width, key))
    return ops


def register_dds(ops):
    """The dd of each register read alone: the floor of a far side that
    has only a shell and coreutils (one program per register)."""
    return [shlex.split(op.split(" 2>/dev/null")[0]) for op in ops if op.startswith("dd ")]


def level_work(nr, tmp, client, server, extra):
    """The operations nest-report makes on a level, as shell commands for
    the ssh loop, and the commands' argv (for their own cost)."""
    outdir = tempfile.mkdtemp(dir=tmp)
    m = manifest_of(nr, outdir, client.nr_args([server]) + extra)
    l1 = [lv for lv in m["levels"] if lv["id"] == "l1"][0]
    if l1["status"] != "ok":
        sys.exit("the remote level was not collected: %s %s" % (l1["status"], l1["errors"]))
    cmds, files, lookups = [["uname", "-m"]], set(), []
    for p in l1["probes"]:
        lookups += [c["name"] for c in p["commands"]]
        for a in p["artifacts"]:
            if a["command"]:
                cmds.append(a["command"])
            elif a["source"]:
                files.add(a["source"])
    cap = os.path.join(outdir, "capture")
    subprocess.run([nr, "capture", "-q", cap] + extra, check=True, stdout=subprocess.DEVNULL)
    meta = os.path.join(cap, ".nest-report")
    lists, infos, regs = [], [], []
    for root, _, names in os.walk(cap):
        for n in names:
            path = os.path.join(root, n)
            rel = "/" + os.path.relpath(path, cap)
            if root.startswith(os.path.join(meta, "lists")) and n.endswith(".list"):
                lists.append(rel[len("/.nest-report/lists"):-len(".list")])
            elif root.startswith(os.path.join(meta, "paths")) and n.endswith(".info"):
                infos.append(rel[len("/.nest-report/paths"):-len(".info")])
            elif root.startswith(os.path.join(meta, "regs")) and n.endswith(".regs"):
                regs += register_reads(rel[len("/.nest-report/regs"):-len(".regs")], path)
            elif not root.startswith(meta):
                files.add(rel)
    shutil.rmtree(outdir)
    ops = [shlex.join(argv) for argv in cmds]
    ops += ["cat " + shlex.quote(f) for f in sorted(files)]
    ops += ["command -v " + shlex.quote(c) for c in lookups]
    ops += ["ls -A " + shlex.quote(d) for d in lists]
    ops += ["test -c %s && echo chr" % shlex.quote(p) for p in infos]
    ops += regs
    ops += ["id -u"]
    counts = ("%d commands, %d files, %d lookups, %d listings, %d device checks, %d register "
              "reads, the root check" % (len(cmds), len(files), len(lookups), len(lists),
                                        len(infos), len(regs)))
    # The level's own work beyond its commands that a shell alone cannot
    # do: one dd per register read.
    reads = register_dds(regs)
    return ops, cmds, reads, counts


# ---- the measurements --------------------------------------------------------

def run_nr(nr, outdir, args):
    def once():
        t = B.timed([nr, "-q", "--no-sign", "-o", outdir] + args)
        for f in os.listdir(outdir):
            os.unlink(os.path.join(outdir, f))
        return t
    return once


def run_loop(ssh, ops):
    def once():
        t = time.monotonic()
        for op in ops:
            subprocess.run(ssh + ["--", op], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        return time.monotonic() - t
    return once


def far_side(tmp, client, work):
    """(CPU s, launches) of one fresh server under perf serving work(server)
    (None: no connection at all)."""
    out = os.path.join(tmp, "perf-%d.txt" % time.monotonic_ns())
    srv = Server(tmp, 0, client.pub, perf_out=out)
    try:
        client.trust([srv])
        if work:
            work(srv)
        srv.idle()
        reap_orphans()
    finally:
        srv.stop()
        reap_orphans()
    cpu, execs = B.perf_parse(out)
    os.unlink(out)
    shutil.rmtree(srv.dir, ignore_errors=True)
    return cpu, execs


def far_side_rounds(nr, tmp, client, ops, extra):
    """Per round: an idle server, a level collected by nest-report (the ssh
    loop once, for scale: it takes half a minute); each is then taken
    minus the idle server's own start and stop."""
    outdir = tempfile.mkdtemp(dir=tmp)
    samples = {"idle": [], "nr": [], "loop": []}

    def nr_work(srv):
        subprocess.run([nr, "-q", "--no-sign", "-o", outdir] + client.nr_args([srv]) + extra,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for f in os.listdir(outdir):
            os.unlink(os.path.join(outdir, f))

    def loop_work(srv):
        run_loop(client.ssh_argv(srv), ops)()

    for i in range(RUNS):
        samples["idle"].append(far_side(tmp, client, None))
        samples["nr"].append(far_side(tmp, client, nr_work))
        if i == 0 and PART != "far":
            samples["loop"].append(far_side(tmp, client, loop_work))
    return samples


def commands_own(cmds):
    """Per round: the sum over the commands of their own CPU and launches."""
    cpu, launches = [], []
    for _ in range(RUNS):
        c = n = 0
        for argv in cmds:
            one_cpu, one_n = B.perf_run(argv)
            c += one_cpu or 0
            n += one_n or 0
        cpu.append(c)
        launches.append(n)
    return cpu, launches


def scenario(nr, tmp, client, servers, extra, title, far):
    ops, cmds, reads, counts = level_work(nr, tmp, client, servers[0], extra)
    print("%s: median of %d interleaved rounds (min-max)" % (title, RUNS))
    print("  a level's work: %s; the ssh loop makes %d connections" % (counts, len(ops)))
    if PART != "far":
        outdir = tempfile.mkdtemp(dir=tmp)
        t = B.rounds([
            ("nr0", run_nr(nr, outdir, extra)),
            ("nr1", run_nr(nr, outdir, client.nr_args(servers[:1]) + extra)),
            ("nr8", run_nr(nr, outdir, client.nr_args(servers) + extra)),
            ("loop", run_loop(client.ssh_argv(servers[0]), ops)),
        ], RUNS)
        print("  nest-report, l0 only            %s" % B.fmt_time(t["nr0"]))
        print("  nest-report, l0 + 1 level       %s" % B.fmt_time(t["nr1"]))
        print("  nest-report, l0 + %d levels      %s" % (LEVELS, B.fmt_time(t["nr8"])))
        print("  ssh loop, 1 level               %s" % B.fmt_time(t["loop"]))
        print("  ratio %d levels / 1 level       %s" % (LEVELS, B.fmt_ratio(B.ratios(t["nr8"], t["nr1"]),
                                                                         "well under 2x")))
        print("  ratio ssh loop / 1 level       %s" % B.fmt_ratio(B.ratios(t["loop"], t["nr1"]), ">= 5x"))
    if not far:
        return
    why = B.perf_usable()
    if why:
        print("  far side: not measured: %s" % why)
        return
    s = far_side_rounds(nr, tmp, client, ops, extra)
    own_cpu, own_n = commands_own(cmds)
    rd_cpu, rd_n = commands_own(reads)
    work_cpu = [a + b for a, b in zip(own_cpu, rd_cpu)]
    work_n = [a + b for a, b in zip(own_n, rd_n)]
    idle = s["idle"]
    nr_cpu = [a[0] - b[0] for a, b in zip(s["nr"], idle)]
    nr_n = [a[1] - b[1] for a, b in zip(s["nr"], idle)]
    lp_cpu = [a[0] - b[0] for a, b in zip(s["loop"], idle)]
    lp_n = [a[1] - b[1] for a, b in zip(s["loop"], idle)]

    def cpu(x):
        m, lo, hi = B.spread(x)
        return "%6.0f ms (%.0f-%.0f)" % (m * 1000, lo * 1000, hi * 1000)

    def count(x):
        m, lo, hi = B.spread(x)
        return "%5.0f (%d-%d)" % (m, lo, hi)

    print("  far side, per level (perf stat over the sshd's process tree, minus an idle "
          "server's %.0f ms and %d launches):" % (B.spread([i[0] for i in idle])[0] * 1000,
                                                  B.spread([i[1] for i in idle])[0]))
    print("    its commands alone (%d)         CPU %s  launches %s" % (len(cmds), cpu(own_cpu),
                                                                       count(own_n)))
    print("    nest-report                    CPU %s  launches %s" % (cpu(nr_cpu), count(nr_n)))
    if lp_cpu:
        print("    ssh loop (one run)             CPU %s  launches %s" % (cpu(lp_cpu), count(lp_n)))
    print("    ratio nest-report / commands: CPU %s" % B.fmt_ratio(B.ratios(nr_cpu, own_cpu),
                                                                  "<= 2x"))
    print("                              launches %s" % B.fmt_ratio(B.ratios(nr_n, own_n),
                                                                  "<= 1.5x"))
    # Fair to count as the level's own work too: a register read needs a
    # program (dd) on a shell-only far side (the ssh loop makes them too).
    print("    its commands and register reads (%d + %d dd)" % (len(cmds), len(reads)))
    print("                                   CPU %s  launches %s" % (cpu(work_cpu), count(work_n)))
    print("    ratio nest-report / commands and register reads: CPU %s" % B.fmt_ratio(
        B.ratios(nr_cpu, work_cpu), "<= 2x"))
    print("                                   launches %s" % B.fmt_ratio(B.ratios(nr_n, work_n),
                                                                        "<= 1.5x"))


def main():
    if os.geteuid() != 0:
        sys.exit("bench/remote.sh needs root (it starts sshd servers on loopback)")
    for tool in (SSHD, "ssh", "ssh-keygen", "unshare"):
        if not shutil.which(tool):
            sys.exit("bench/remote.sh needs %s (openssh-server, openssh-client, util-linux)"
                     % tool)
    nr = os.path.abspath(sys.argv[1])
    tmp = tempfile.mkdtemp(prefix="nr-bench-remote-")
    servers = []
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    # Orphans of the servers' sessions come to us, to be waited for.
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    os.makedirs("/run/sshd", mode=0o755, exist_ok=True)
    try:
        client = Client(tmp)
        for i in range(LEVELS if PART != "far" else 1):
            servers.append(Server(tmp, i + 1, client.pub))
        client.trust(servers)
        print("remote: %d sshd servers on 127.0.0.1, root's home empty in their mount namespace "
              "(no rc files: the same shell start-up for nest-report's workers and the ssh loop); "
              "%d cores, load average %s" % (len(servers), os.cpu_count() or 1,
                                             " ".join(open("/proc/loadavg").read().split()[:3])))
        if RUNS < 5:
            print("remote: RUNS=%d, fewer than 5 rounds: a quick look, not a measurement" % RUNS)
        if PART != "far":
            scenario(nr, tmp, client, servers, [], "all probes", False)
        # The far side is measured without x86info: `x86info -a` spends a
        # second of CPU timing the clock, which would hide the rest.
        scenario(nr, tmp, client, servers, ["--skip", "x86info"], "without x86info", True)
    finally:
        for s in servers:
            s.stop()
        reap_orphans()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
