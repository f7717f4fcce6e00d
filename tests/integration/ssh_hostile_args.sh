#!/bin/sh
# SPDX-License-Identifier: MIT
# Hostile arguments cannot inject over the real remote shell.  The remote
# level's PATH (a real sshd on loopback) has a fake `virsh` whose
# `list --all --name` prints domain names made to break shell quoting:
# command substitutions, backquotes, ; | && > redirections, single and
# double quotes in every arrangement, backslashes, globs, leading dashes,
# tabs, carriage returns, leading/trailing spaces, ${VAR} and ~ expansions,
# non-ASCII, and a long run of quotes.  The libvirt probe then runs
# `virsh -r dumpxml --domain NAME` remotely for each.  No marker file any
# of them would create exists afterwards; the fake virsh received every
# name byte for byte; the manifest's command argv holds each name verbatim;
# and each domain's XML arrived.  (tests/unit/test_shell_quote.c covers the
# quoting function itself.)
. "$(dirname "$0")/../lib.sh"
need_sshd
need_cmd tar zstd

mkdir -p "$T/pwn"
# The names, one per line (virsh prints one per line), and as JSON.
"$PY" - "$T/pwn" "$T/names" "$T/names.json" <<'PYEOF' || fail "cannot generate the names"
import json, sys
d = sys.argv[1]
t = lambda i: "touch %s/%d" % (d, i)
names = [
    "$(%s)" % t(1),
    "`%s`" % t(2),
    ";%s;" % t(3),
    "x'; %s; echo '" % t(4),
    'x"; %s; echo "' % t(5),
    "|%s" % t(6),
    "&& %s &&" % t(7),
    "$(touch${IFS}%s/8)" % d,
    "'$(%s)'" % t(9),
    "\\'; %s #" % t(10),
    "\"'\"$(%s)\"'\"" % t(11),
    "> %s/12" % d,
    "$((%s))" % t(13),
    "x\\\n%s" % t(14) if False else "x\\\\'\\\"; %s" % t(14),
    ";id",
    "-rf",
    "--help",
    "*",
    "..",
    "a\tb",
    "cr\rhere",
    "  spaced  ",
    "$HOME ${PATH} ~root $0 $$ !!",
    "$'\\x41' %s%n %%",
    "a\\nb\\tc\\\\",
    "\u00fcn\u00efc\u00f8d\u00e9-\u2603",
    "'" * 200,
    "\"" * 100 + "'" * 50,
]
assert all("\n" not in n and 0 < len(n.encode()) < 256 for n in names)
assert len(set(names)) == len(names)
with open(sys.argv[2], "w", encoding="utf-8", newline="") as f:
    f.write("".join(n + "\n" for n in names))
with open(sys.argv[3], "w", encoding="utf-8") as f:
    json.dump(names, f)
PYEOF

# The remote fake virsh: the domain it is asked for is recorded
# NUL-terminated, byte for byte, and echoed in its XML.
remote_fake_cmd virsh "case \"\$1 \$2\" in
'-r version') echo 'Compiled against library: libvirt 9.0.0'; echo 'Using library: libvirt 9.0.0' ;;
'-r list') if [ \"\$3 \$4\" = '--all --name' ]; then cat '$T/names'; echo; else printf ' Id   Name   State\n'; fi ;;
'-r dumpxml')
	[ \"\$3\" = --domain ] && [ \$# -eq 4 ] || { echo \"fake virsh: bad dumpxml call (\$#): \$*\" >&2; exit 1; }
	printf '%s\\0' \"\$4\" >>'$T/received'
	printf '<domain><name>%s</name></domain>\\n' \"\$4\" ;;
# The rest of what the libvirt probe asks (a refused call fails it).
'-r capabilities') echo '<capabilities/>' ;;
'-r domcapabilities' | 'domcapabilities ') echo '<domainCapabilities/>' ;;
'-r nodeinfo') echo 'CPU model:           x86_64' ;;
*) echo \"fake virsh: unexpected: \$*\" >&2; exit 1 ;;
esac"
port=$(free_port)
sshd_start l1 127.0.0.1 "$port"
sshd_trust l1

# shellcheck disable=SC2086
collect_into "$T/out-dir" $SSH_ARGS --only libvirt --level "l1=root@127.0.0.1:$port"
soft bundle_valid
expect_level l1 ok
soft assert_eq "$(lget l1 "[p['status'] for p in lv['probes'] if p['name'] == 'libvirt']")" '["ok"]' "l1 libvirt probe"
soft assert_eq "$(lget l1 "sorted(set(c['path'] for p in lv['probes'] for c in p['commands'] if c['name'] == 'virsh'))")" \
	"[\"$FAKEBIN/remote/virsh\"]" "virsh found on l1 (the remote fake)"

# No injection: nothing was created by any name.
left=$(ls -A "$T/pwn")
[ -z "$left" ] || soft fail "injection: marker files were created: $left"

# Every name arrived verbatim, as one argument, at the remote command; is
# recorded verbatim in the manifest; and its XML is in the bundle.
"$PY" - "$T/names.json" "$T/received" "$M" "$X" <<'PYEOF' || soft fail "names did not arrive verbatim, or their XML is not all in the bundle (see above)"
import json, os, sys
names = json.load(open(sys.argv[1], encoding="utf-8"))
bad = 0
try:
    got = open(sys.argv[2], "rb").read().split(b"\0")[:-1]
except FileNotFoundError:
    got = []
got = [g.decode("utf-8", "surrogateescape") for g in got]
if sorted(got) != sorted(names):
    print("names received by the remote virsh differ:\n  missing %r\n  unexpected %r"
          % (sorted(set(names) - set(got)), sorted(set(got) - set(names))), file=sys.stderr)
    bad += 1
m = json.load(open(sys.argv[3], encoding="utf-8"))
l1 = [l for l in m["levels"] if l["id"] == "l1"][0]
arts = [a for p in l1["probes"] for a in p["artifacts"] if a["command"] and "dumpxml" in a["command"]]
argv_names = [a["command"][4] for a in arts]
prefixes = {tuple(a["command"][1:4]) for a in arts}
if prefixes != {("-r", "dumpxml", "--domain")} or any(len(a["command"]) != 5 for a in arts):
    print("unexpected dumpxml argv in the manifest: %r" % [a["command"] for a in arts], file=sys.stderr)
    bad += 1
if sorted(argv_names) != sorted(names):
    print("manifest argv names differ:\n  missing %r\n  unexpected %r"
          % (sorted(set(names) - set(argv_names)), sorted(set(argv_names) - set(names))), file=sys.stderr)
    bad += 1
paths = [a["path"] for a in arts]
for dup in sorted({p for p in paths if paths.count(p) > 1}):
    print("%d domains share the artifact path %s: all but one XML are lost"
          % (paths.count(dup), dup), file=sys.stderr)
    bad += 1
for a in arts:
    if paths.count(a["path"]) > 1:
        continue
    data = open(os.path.join(sys.argv[4], a["path"]), "rb").read().decode("utf-8", "surrogateescape")
    want = "<domain><name>%s</name></domain>\n" % a["command"][4]
    if data != want or a["exit_code"] != 0:
        print("artifact %s: exit %r, content %r, expected %r" % (a["path"], a["exit_code"], data, want),
              file=sys.stderr)
        bad += 1
sys.exit(1 if bad else 0)
PYEOF
verdict
