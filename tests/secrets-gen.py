#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Planted secrets for the scrubber's integration tests (secrets_*.sh).

Generates, for every class of secret issue 19 lists, the variants real
setups produce (quoting, case, escapes, position), each with its own
unique secret value, rendered the ways nest-report meets them:

  gen DIR      writes DIR/argv/N      NUL-separated argv of fake QEMU process N
                      DIR/log         a libvirt domain log (both layouts: one
                                      argument a line, and all on one line),
                                      environment lines included
                      DIR/domain.xml  domain XML: <qemu:commandline> args
                                      (XML-escaped), <qemu:env>, <secret>, ...
                      DIR/secrets     every planted value, one a line
                      DIR/counts      "argv N", "log N", "xml N": values planted
                                      in each; "argv_units N": how many secrets
                                      they make in argv (a/b is one)
  scan SECRETS PATH...
               exits 1 and names the place when a planted value, or any
               6 bytes of one, is in a file under PATH (a scrubber that
               stops one byte short, or starts one byte late, still leaks)

Values alternate letters of QXZJKVW with digits, so 6 bytes of one never
occur by chance in what nest-report writes (hashes are lowercase hex).
"""
import os
import random
import sys

FRAG = 6
LETTERS = "QXZJKVW"
DIGITS = "23456789"


class Plant:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.values = []
        self.units = 0          # values a scrubber replaces: one marker each

    def secret(self, n=14):
        """A new unique value."""
        while True:
            v = "".join(self.rng.choice(LETTERS) + self.rng.choice(DIGITS)
                        for _ in range(n // 2))
            if v not in self.values:
                self.values.append(v)
                self.units += 1
                return v

    def two(self):
        """Two new values that make one secret ("a b", "a/b", "a\\nb")."""
        a, b = self.secret(), self.secret()
        self.units -= 1
        return a, b


# ---- renderings -------------------------------------------------------------

SHELL_SPECIAL = set("|&;()<>\"'$`\\*?[]#~ \t\n")


def shell_quote(s):
    """libvirt's virBufferEscapeShell: whole-argument '...' when needed."""
    if s and not any(c in SHELL_SPECIAL for c in s):
        return s
    return "'" + s.replace("'", "'\\''") + "'"


def xml_attr(s, quote="'", all_entities=False):
    """An attribute value as libvirt writes it, or with every quote as an
    entity (as a hand-written file may)."""
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if quote == "'" or all_entities:
        s = s.replace("'", "&apos;")
    if quote == '"' or all_entities:
        s = s.replace('"', "&quot;")
    return quote + s + quote


def xml_text(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def u_escape(name, how):
    """A JSON member name: plain, one letter as \\u, all letters as \\u,
    or in upper case."""
    if how == "plain":
        return name
    if how == "one":
        return "\\u%04x" % ord(name[0]) + name[1:]
    if how == "all":
        return "".join("\\u%04X" % ord(c) for c in name)
    return name.upper()


def json_str(s, q):
    """A string of QEMU's JSON dialect quoted with q."""
    s = s.replace("\\", "\\\\").replace(q, "\\" + q).replace("\n", "\\n")
    return q + s + q


def json_name(name, q):
    """A member name; one already \\u-escaped is written as it is."""
    return q + name + q if "\\u" in name else json_str(name, q)


# ---- the classes ------------------------------------------------------------

def json_dialect(p):
    """QEMU's JSON: single-quoted strings, \\u-escaped names, blanks, tabs
    and newlines inside, json:{...} pseudo-filenames with dotted keys."""
    args = []
    spaces = ["", " ", "\t", "\n", " \n\t"]
    objects = [
        # (option, members before, secret member name, members after)
        ("-object", [("qom-type", "secret"), ("id", "sec%d")], "data", [("format", "raw")]),
        ("-object", [("qom-type", "secret"), ("id", "luks%d")], "data", [("format", "base64")]),
        ("-blockdev", [("driver", "https"), ("url", "https://images.example.com/x.qcow2")],
         "cookie", [("node-name", "web%d")]),
        ("-blockdev", [("driver", "luks"), ("key-secret", "sec0")], "passphrase",
         [("node-name", "enc%d")]),
        ("-blockdev", [("driver", "iscsi"), ("transport", "tcp")], "password",
         [("portal", "10.0.0.2"), ("target", "iqn.2016-04.com.example:t"), ("lun", "0")]),
    ]
    k = 0
    for opt, before, name, after in objects:
        for q in ['"', "'"]:
            for how in ["plain", "one", "all", "upper"]:
                for pos in ["first", "middle", "last"]:
                    ws = spaces[k % len(spaces)]
                    k += 1
                    members = [(a, b % k if "%d" in b else b) for a, b in before + after]
                    secret = (u_escape(name, how), p.secret())
                    if pos == "first":
                        members.insert(0, secret)
                    elif pos == "middle":
                        members.insert(len(members) // 2, secret)
                    else:
                        members.append(secret)
                    body = ("," + ws).join(json_name(a, q) + ws + ":" + ws + json_str(b, q)
                                           for a, b in members)
                    args += [opt, "{" + ws + body + ws + "}"]
    # nested and dotted: json:{...} with QEMU's doubled commas in a -drive list
    for q in ['"', "'"]:
        for dotted in ["file.password", "file.cookie", "file.key"]:
            obj = "{Qfile.driverQ:QhttpsQ,Qfile.urlQ:Qhttps://h.example/d.imgQ,QNQ:QVQ}".replace(
                "N", dotted).replace("Q", q).replace("V", p.secret())
            args += ["-drive", "file=json:" + obj.replace(",", ",,") + ",format=raw,if=none"]
        nested = "{Qdriver:Qqcow2Q,QfileQ:{QdriverQ:QsshQ,QpasswordQ:QVQ}}".replace(
            "driver:", "driverQ:").replace("Q", q).replace("V", p.secret())
        args += ["-blockdev", nested]
    return args


def properties(p):
    """Secret-bearing properties in keyval and JSON: cookie, file.cookie,
    passphrase, key, psk, token, credential, private-key..."""
    args = []
    names = ["cookie", "file.cookie", "passphrase", "key", "psk", "token", "credential",
             "private-key", "password", "passwd", "secret", "x-api-token", "auth",
             "file.proxy-password"]
    cases = [str.lower, str.upper, lambda s: s[:1].upper() + s[1:]]
    for i, name in enumerate(names):
        for j, case in enumerate(cases):
            nm = case(name)
            value = p.secret()
            if j == 1:
                value = value[:7] + ",," + value[7:]      # QEMU's escaped comma
            items = ["driver=https", "url=https://h.example/x.img", "if=none",
                     "id=d%d%d" % (i, j)]
            items.insert((i + j) % (len(items) + 1), nm + "=" + value)
            args += ["-drive", ",".join(items)]
        args += ["-blockdev", '{"driver":"https","url":"https://h.example/y","%s":"%s"}'
                 % (name, p.secret())]
    # blanks belong to an argv element's value
    args += ["-spice", "port=5900,password=%s %s,addr=127.0.0.1" % p.two()]
    args += ["-global", "driver=cfi.pflash01,property=password,value=%s" % p.secret()]
    args += ["-global", "value=%s,property=secret,driver=x" % p.secret()]
    args += ["-set", "drive.d0.file.password=%s" % p.secret()]
    args += ["-object", "secret,id=s9,data=%s,format=raw" % p.secret()]
    args += ["-object", "id=s8,data=%s,qom-type=secret" % p.secret()]
    args += ["-drive", "file=rbd:pool/img:id=admin:key=%s==:auth_supported=cephx:"
             "mon_host=10.0.0.1\\:6789,format=raw,if=none" % p.secret()]
    return args


def urls(p):
    """URL userinfo whose password holds '/', '#', '?' or '@', raw or
    percent-encoded, in a keyval list, a JSON string and a bare argument."""
    args = []
    seps = ["/", "#", "?", "@", "%2F", "%23", "%3F", "%40", "/#?"]
    schemes = ["http", "https", "ftp", "ssh", "gluster"]
    for i, sep in enumerate(seps):
        scheme = schemes[i % len(schemes)]
        for ctx in range(3):
            a, b = p.two()
            url = "%s://user%d:%s%s%s@host.example:8080/path/img%d.qcow2" % (
                scheme, i, a, sep, b, ctx)
            if ctx == 0:
                args += ["-drive", "file=%s,format=raw,if=none" % url.replace(",", ",,")]
            elif ctx == 1:
                args += ["-blockdev", '{"driver":"%s","url":"%s"}' % (scheme, url)]
            else:
                args += ["-cdrom", url]
    args += ["-drive", "file=iscsi://bob%%%s@10.0.0.2/iqn.2016-04.com.example:t/0,if=none"
             % p.secret()]
    args += ["-cdrom", "https://h.example/x.iso?token=%s&sig=%s#access_token=%s"
             % (p.secret(), p.secret(), p.secret())]
    return args


def newlines(p):
    """An argument holding a newline: the record break inside it must not
    end the secret's span."""
    a = [*p.two(), *p.two(), *p.two(), p.secret(), p.secret()]
    return [
        "-spice", "port=5901,password=%s\n%s,addr=::1" % (a[0], a[1]),
        "-object", "secret,id=n1,data=%s\n%s,format=raw" % (a[2], a[3]),
        "-object", '{"qom-type":"secret",\n"id":"n2",\n"data":"%s\n%s"}' % (a[4], a[5]),
        "-append", "console=ttyS0\nsystemd.set_credential=nl:%s\nquiet" % a[6],
        "-iscsi", "user=bob,\npassword=%s" % a[7],
    ]


def credentials(p):
    """systemd credentials handed to a guest."""
    args = []
    for binary in ["", ".binary"]:
        args += ["-smbios", "type=11,value=io.systemd.credential%s:cred%s=%s"
                 % (binary, binary.replace(".", "_"), p.secret())]
    args += ["-fw_cfg", "name=opt/io.systemd.credentials/mycred,string=%s" % p.secret()]
    args += ["-fw_cfg", "string=%s,name=opt/io.systemd.credentials/other" % p.secret()]
    for pos in range(3):
        params = ["console=ttyS0", "root=/dev/vda1", "quiet"]
        params.insert(pos, "systemd.set_credential=c%d:%s" % (pos, p.secret()))
        args += ["-append", " ".join(params)]
    args += ["-append", "console=ttyS0 systemd.set_credential_binary=b:%s" % p.secret()]
    args += ["-append", 'console=ttyS0 "systemd.set_credential=q:%s" ro' % p.secret()]
    return args


CLASSES = [json_dialect, properties, urls, newlines, credentials]


def env_lines(p):
    """Environment libvirt logs before the command line."""
    env = [("LC_ALL", "C"), ("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin"),
           ("HOME", "/var/lib/libvirt/qemu/domain-1-vm1")]
    for name in ["DB_PASSWORD", "API_TOKEN", "AWS_SECRET_ACCESS_KEY", "SSH_KEY", "MY_SECRET",
                 "db_password", "Ceph_Key", "GITHUB_TOKEN", "VAULT_PASSPHRASE",
                 "CLIENT_CREDENTIAL"]:
        env.append((name, p.secret()))
    env.append(("SPACED_PASSWORD", "%s %s" % p.two()))
    env.append(("COMMA_TOKEN", "%s,x=%s" % p.two()))
    for name, url in [("http_proxy", "http://proxyuser:%s@proxy.example:3128"),
                      ("HTTPS_PROXY", "https://proxyuser:%s@proxy.example:8443/"),
                      ("ftp_proxy", "ftp://u:%s@proxy.example/"),
                      ("all_proxy", "u:%s@proxy.example:1080")]:
        env.append((name, url % p.secret()))
    return env


def render_log(env, procs):
    """A libvirt domain log: both of its layouts."""
    head = ("%s: starting up libvirt version: 9.0.0, package: 9.0.0-4 (Debian), qemu version: "
            "7.2.0Debian 1:7.2+dfsg-7+deb12u5, kernel: 6.1.0-21-amd64, hostname: host1\n")
    out = []
    for i, argv in enumerate(procs):
        out.append(head % ("2024-05-0%d 10:00:00.000+0000" % (i + 1)))
        envs = ["%s=%s" % (k, shell_quote(v)) for k, v in env]
        if i % 2 == 0:      # one argument a line (libvirt >= 4)
            lines = envs + [shell_quote(argv[0])]
            j = 1
            while j < len(argv):
                if argv[j].startswith("-") and j + 1 < len(argv) and not argv[j + 1].startswith("-"):
                    lines.append(shell_quote(argv[j]) + " " + shell_quote(argv[j + 1]))
                    j += 2
                else:
                    lines.append(shell_quote(argv[j]))
                    j += 1
            out.append(" \\\n".join(lines) + "\n")
        else:               # all on one line (older libvirt)
            out.append(" ".join(envs + [shell_quote(a) for a in argv]) + "\n")
        out.append("char device redirected to /dev/pts/%d (label charserial0)\n" % i)
        out.append("2024-05-0%dT10:00:05.000000Z qemu-system-x86_64: terminating on signal 15 "
                   "from pid 1 (/usr/sbin/libvirtd)\n" % (i + 1))
        out.append("2024-05-0%d 10:00:05.000+0000: shutting down, reason=destroyed\n" % (i + 1))
    return "".join(out)


def render_xml(p, argv, env):
    """A domain's XML with QEMU passthrough, a graphics password, a cookie,
    a kernel command line and <secret> text."""
    x = ["<domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>",
         "  <name>vm1</name>",
         "  <uuid>2b4e1c3e-5d8a-4c8e-9d8c-0a1b2c3d4e5f</uuid>",
         "  <description>a test domain</description>",
         "  <os>",
         "    <type arch='x86_64' machine='pc-q35-7.2'>hvm</type>",
         "    <kernel>/boot/vmlinuz</kernel>",
         "    <cmdline>console=ttyS0 systemd.set_credential=x:%s quiet</cmdline>" % p.secret(),
         "  </os>",
         "  <devices>",
         "    <graphics type='vnc' port='5900' autoport='no' passwd='%s'/>" % p.secret(),
         '    <graphics type="spice" autoport="yes" passwd="%s"/>' % p.secret(),
         "    <disk type='network' device='disk'>",
         "      <source protocol='https' name='/x.img' query='sig=%s&amp;se=2030'>" % p.secret(),
         "        <host name='h.example' port='443'/>",
         "        <cookies>",
         "          <cookie name='session'>%s</cookie>" % p.secret(),
         "        </cookies>",
         "      </source>",
         "      <auth username='libvirt'>",
         "        <secret type='ceph' uuid='2ec115d7-3a88-3ceb-bc12-0ac909a6fd87'/>",
         "      </auth>",
         "    </disk>",
         "  </devices>",
         "  <secret type='passphrase'>%s</secret>" % p.secret(),
         "  <secret>",
         "    %s" % p.secret(),
         "    %s" % p.secret(),
         "  </secret>",
         "  <qemu:commandline>"]
    for i, a in enumerate(argv):
        q = "'" if i % 2 == 0 else '"'
        x.append("    <qemu:arg value=%s/>" % xml_attr(a, q, all_entities=i % 3 == 0))
    for i, (k, v) in enumerate(env):
        if i % 2 == 0:
            x.append("    <qemu:env name='%s' value=%s/>" % (k, xml_attr(v)))
        else:
            x.append('    <qemu:env value=%s name="%s"/>' % (xml_attr(v, '"'), k))
    x += ["  </qemu:commandline>", "</domain>", ""]
    return "\n".join(x)


def gen(outdir):
    p = Plant(19)
    procs = []
    for k, cls in enumerate(CLASSES):
        procs.append(["/usr/bin/qemu-system-x86_64", "-name", "guest=sec%d,debug-threads=on" % k,
                      "-machine", "q35,accel=kvm:tcg", "-cpu", "host,vmx=on"] + cls(p))
    n_argv = len(p.values)
    units_argv = p.units
    env = env_lines(p)
    log = render_log(env, procs)
    n_log = len(p.values)
    xml_argv = [a for argv in procs for a in argv[1:]]
    xml = render_xml(p, xml_argv, env)
    os.makedirs(os.path.join(outdir, "argv"), exist_ok=True)
    for k, argv in enumerate(procs):
        with open(os.path.join(outdir, "argv", str(k)), "wb") as f:
            f.write(b"\0".join(a.encode() for a in argv) + b"\0")
    with open(os.path.join(outdir, "log"), "w") as f:
        f.write(log)
    with open(os.path.join(outdir, "domain.xml"), "w") as f:
        f.write(xml)
    with open(os.path.join(outdir, "secrets"), "w") as f:
        f.write("\n".join(p.values) + "\n")
    with open(os.path.join(outdir, "counts"), "w") as f:
        f.write("argv %d\nargv_units %d\nlog %d\nxml %d\n" % (n_argv, units_argv, n_log,
                                                             len(p.values)))


def scan(secrets_file, paths):
    with open(secrets_file) as f:
        secrets = [s for s in f.read().split() if s]
    frags = {}
    for s in secrets:
        for i in range(len(s) - FRAG + 1):
            frags[s[i:i + FRAG].encode()] = s
    leaks = 0
    files = []
    for path in paths:
        if os.path.isdir(path):
            for root, _, names in os.walk(path):
                files += [os.path.join(root, n) for n in names]
        else:
            files.append(path)
    for name in sorted(files):
        if os.path.islink(name) or not os.path.isfile(name):
            continue
        with open(name, "rb") as f:
            data = f.read()
        seen = set()
        for i in range(len(data) - FRAG + 1):
            s = frags.get(data[i:i + FRAG])
            if s and (s, name) not in seen:
                seen.add((s, name))
                leaks += 1
                ctx = data[max(0, i - 50):i + 30].decode("utf-8", "replace")
                print("LEAK %s: %s... of %s in ...%r" % (name, data[i:i + FRAG].decode(), s, ctx))
    print("scanned %d files for %d planted secrets: %d leaks" % (len(files), len(secrets), leaks))
    return 1 if leaks else 0


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "gen":
        gen(sys.argv[2])
        return 0
    if len(sys.argv) >= 4 and sys.argv[1] == "scan":
        return scan(sys.argv[2], sys.argv[3:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
