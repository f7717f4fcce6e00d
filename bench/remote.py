# SPDX-License-Identifier: MIT
"""Benchmark of remote collection over SSH; see remote.sh.

Every remote level is a real sshd (/usr/sbin/sshd) on 127.0.0.1 that this
script starts with its own host key, authorized client key and known_hosts,
and stops at the end.  The baseline's work list is not hard-coded: it is
read from a manifest nest-report itself produced (the commands and files of
the remote level), so the ssh loop runs exactly what nest-report ran there,
the same argv and the same files, with one `ssh` invocation each.
"""
import ctypes
import json
import os
import resource
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

RUNS = int(os.environ.get("RUNS", "3"))
SSH_RUNS = int(os.environ.get("SSH_RUNS", "2"))
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
    """root and all its descendants (from ps), to stop a server completely."""
    out = subprocess.run(["ps", "-e", "-o", "pid=", "-o", "ppid="], capture_output=True,
                         text=True).stdout
    pairs = [tuple(int(x) for x in line.split()) for line in out.splitlines() if line.strip()]
    parent = dict(pairs)
    keep = {root} if root in parent else set()
    grew = True
    while grew:
        grew = False
        for pid, ppid in parent.items():
            if pid not in keep and ppid in keep:
                keep.add(pid)
                grew = True
    return keep


class Servers:
    def __init__(self, tmp, n):
        self.tmp = tmp
        self.pids = []
        self.procs = []
        self.ports = []
        self.key = os.path.join(tmp, "id")
        self.known_hosts = os.path.join(tmp, "known_hosts")
        self.ssh_config = os.path.join(tmp, "ssh_config")
        keygen(self.key, "nr-bench-client")
        shutil.copy(self.key + ".pub", os.path.join(tmp, "authorized_keys"))
        open(self.ssh_config, "w").close()
        os.makedirs("/run/sshd", mode=0o755, exist_ok=True)
        try:
            with open(self.known_hosts, "w") as kh:
                for i in range(n):
                    kh.write(self.start(i))
        except BaseException:
            self.stop()
            raise

    def start(self, i):
        d = os.path.join(self.tmp, "sshd%d" % i)
        os.mkdir(d)
        keygen(os.path.join(d, "host_key"), "nr-bench-host-%d" % i)
        port = free_port()
        conf = os.path.join(d, "sshd_config")
        with open(conf, "w") as f:
            f.write("\n".join([
                "ListenAddress 127.0.0.1:%d" % port,
                "HostKey %s/host_key" % d,
                "PidFile %s/sshd.pid" % d,
                "AuthorizedKeysFile %s/authorized_keys" % self.tmp,
                "StrictModes no", "UsePAM no", "PermitRootLogin prohibit-password",
                "PasswordAuthentication no", "KbdInteractiveAuthentication no",
                "AllowTcpForwarding yes", "MaxStartups 100", "MaxSessions 20",
                "LogLevel ERROR", ""]))
        # -D: a child of ours, so that the CPU time of everything it serves
        # (sessions, shells, the probes' commands) comes back to us when it
        # is reaped (RUSAGE_CHILDREN).
        proc = subprocess.Popen([SSHD, "-D", "-f", conf, "-E", os.path.join(d, "sshd.log")])
        pidfile = os.path.join(d, "sshd.pid")
        for _ in range(100):
            if os.path.exists(pidfile) and os.path.getsize(pidfile) > 0:
                break
            time.sleep(0.05)
        self.procs.append(proc)
        self.pids.append(proc.pid)
        self.ports.append(port)
        with open(os.path.join(d, "host_key.pub")) as f:
            kind, blob = f.read().split()[:2]
        return "[127.0.0.1]:%d %s %s\n" % (port, kind, blob)

    def stop(self):
        """Stop the servers and reap them (their sessions are over by now)."""
        for proc in self.procs:
            for p in sorted(proc_tree(proc.pid) - {proc.pid}):
                try:
                    os.kill(p, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.procs = []

    def nr_args(self, n):
        args = ["--ssh-config", self.ssh_config, "--known-hosts", self.known_hosts,
                "--identity", self.key]
        for i in range(n):
            args += ["--level", "l%d=root@127.0.0.1:%d" % (i + 1, self.ports[i])]
        return args

    def ssh_argv(self, i):
        return ["ssh", "-F", "/dev/null", "-i", self.key, "-p", str(self.ports[i]),
                "-o", "UserKnownHostsFile=" + self.known_hosts, "-o", "StrictHostKeyChecking=yes",
                "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", "LogLevel=ERROR",
                "root@127.0.0.1"]


def timed(argv, **kw):
    t0 = time.monotonic()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
    return time.monotonic() - t0


def median(f, n):
    return statistics.median(f() for _ in range(n))


def collect(nr, outdir, args):
    out = subprocess.run([nr, "-q", "-o", outdir] + args, check=True, capture_output=True,
                         text=True)
    bundle = out.stdout.strip()
    m = json.loads(subprocess.run(["tar", "--zstd", "-xOf", bundle, "manifest.json"], check=True,
                                  capture_output=True).stdout)
    os.unlink(bundle)
    return m


def work_of(level):
    cmds, files = [], []
    for probe in level["probes"]:
        for a in probe["artifacts"]:
            if a["command"]:
                cmds.append(a["command"])
            elif a["source"]:
                files.append(a["source"])
    return cmds, files


def reap_descendants(keep, limit_s=10.0):
    """Reap every descendant of ours but the trees of the pids in keep:
    shells a server left behind were reparented to us (we are a child
    subreaper), and reaping them brings their CPU time into
    RUSAGE_CHILDREN."""
    me = os.getpid()
    deadline = time.monotonic() + limit_s
    while True:
        kept = set()
        for k in keep:
            kept |= proc_tree(k)
        left = proc_tree(me) - kept - {me}
        # ps itself is a child of ours while it runs.
        left = {p for p in left if os.path.exists("/proc/%d" % p)}
        try:
            while True:
                pid, _ = os.waitpid(-1, os.WNOHANG)
                if pid == 0:
                    break
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
        time.sleep(0.05)


def cpu_of_run(nr, tmp, n, extra, keep):
    """CPU seconds of one collection of n levels: (nest-report, the remote
    side), the remote side being everything under fresh sshd servers
    (sessions, login shells, worker shells, the probes' commands)."""
    # Orphans of earlier runs are reaped first: their time is not this run's.
    reap_descendants(keep)
    sub = tempfile.mkdtemp(dir=tmp)
    srv = Servers(sub, n)
    out = os.path.join(sub, "out")
    os.mkdir(out)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        p = subprocess.Popen([nr, "-q", "-o", out] + srv.nr_args(n) + extra,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, _, ru = os.wait4(p.pid, 0)
        p.returncode = 0
        # Let the listeners see their sessions end and reap them.
        for _ in range(100):
            if all(len(proc_tree(q.pid)) <= 1 for q in srv.procs):
                break
            time.sleep(0.05)
    finally:
        srv.stop()
        reap_descendants(keep)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    mine = ru.ru_utime + ru.ru_stime
    return mine, total - mine


def scenario(nr, tmp, srv, extra, title):
    outdir = os.path.join(tmp, "out")
    os.makedirs(outdir, exist_ok=True)
    m = collect(nr, outdir, srv.nr_args(LEVELS) + extra)
    bad = [(l["id"], l["status"]) for l in m["levels"] if l["status"] != "ok"]
    if bad:
        sys.exit("levels not collected: %r" % bad)
    l1 = [l for l in m["levels"] if l["id"] == "l1"][0]
    cmds, files = work_of(l1)

    def run_nr(n):
        def once():
            t = timed([nr, "-q", "-o", outdir] + srv.nr_args(n) + extra)
            for f in os.listdir(outdir):
                os.unlink(os.path.join(outdir, f))
            return t
        return once

    t0 = median(run_nr(0), RUNS)
    t1 = median(run_nr(1), RUNS)
    t8 = median(run_nr(LEVELS), RUNS)
    ssh = srv.ssh_argv(0)
    loop = [ssh + ["--", shlex.join(argv)] for argv in cmds]
    loop += [ssh + ["--", "cat " + shlex.quote(f)] for f in files]

    def run_loop():
        t = time.monotonic()
        for argv in loop:
            subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           stdin=subprocess.DEVNULL)
        return time.monotonic() - t

    tl = median(run_loop, SSH_RUNS)
    cpu1 = cpu_of_run(nr, tmp, 1, extra, srv.pids)
    cpu8 = cpu_of_run(nr, tmp, LEVELS, extra, srv.pids)
    cores = os.cpu_count() or 1
    # The "remote" levels all run on this machine: its cores are shared by
    # nest-report and every level's remote work, which bounds the 8-level
    # time from below however well nest-report overlaps the levels.
    floor8 = max(t1, (cpu8[0] + cpu8[1]) / cores)
    print("%s: median of %d runs (%d for the ssh loop); per level %d commands, %d files"
          % (title, RUNS, SSH_RUNS, len(cmds), len(files)))
    print("  nest-report, l0 only            %8.0f ms" % (t0 * 1000))
    print("  nest-report, l0 + 1 level       %8.0f ms" % (t1 * 1000))
    print("  nest-report, l0 + %d levels      %8.0f ms" % (LEVELS, t8 * 1000))
    print("  ssh loop, 1 level               %8.0f ms  (OpenSSH client, one `ssh host CMD` per "
          "command or file)" % (tl * 1000))
    print("  CPU, 1 level:  nest-report %6.2f s, remote side %6.2f s" % cpu1)
    print("  CPU, %d levels: nest-report %6.2f s, remote side %6.2f s" % ((LEVELS,) + cpu8))
    print("  ratio %d levels / 1 level               %6.2fx   (target: well under 2x)"
          % (LEVELS, t8 / t1))
    print("    floor on this machine: every level's remote work shares its %d cores: "
          "%.0f ms, %.2fx of 1 level; measured / floor %.2fx" % (cores, floor8 * 1000,
                                                                 floor8 / t1, t8 / floor8))
    print("  ratio ssh loop / nest-report 1 level    %6.2fx   (target >= 5x)" % (tl / t1))


def main():
    if os.geteuid() != 0:
        sys.exit("bench/remote.sh needs root (it starts sshd servers on loopback)")
    for tool in (SSHD, "ssh", "ssh-keygen"):
        if not shutil.which(tool):
            sys.exit("bench/remote.sh needs %s (openssh-server, openssh-client)" % tool)
    nr = os.path.abspath(sys.argv[1])
    tmp = tempfile.mkdtemp(prefix="nr-bench-remote-")
    srv = None
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    # Orphans of the servers' sessions come to us, so their CPU is counted.
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    try:
        srv = Servers(tmp, LEVELS)
        print("%d sshd servers on 127.0.0.1 (root logins; the remote shell reads root's rc "
              "files, as a real one would); %d cores, load average %s"
              % (LEVELS, os.cpu_count() or 1, " ".join(open("/proc/loadavg").read().split()[:3])))
        scenario(nr, tmp, srv, [], "all probes")
        scenario(nr, tmp, srv, ["--skip", "x86info"], "without x86info")
    finally:
        if srv:
            srv.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
