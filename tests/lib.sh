# SPDX-License-Identifier: MIT
# Shared functions for tests/integration/*.sh (POSIX sh).  Source it first:
#   . "$(dirname "$0")/../lib.sh"
# It checks the environment run-integration.sh provides, makes a private
# temporary directory $T that is removed on exit, and runs every cleanup
# registered with at_exit (in reverse order) before that.
#
# Conventions: fail() exits 1, skip() exits 77 with its reason as the last
# line on stderr (run-integration.sh shows that line).

set -u

: "${NR_BIN:?NR_BIN must name the nest-report binary under test}"
: "${NR_HELPERS:=}"
PY=/usr/bin/python3
TESTS_DIR=$(cd "$(dirname "$0")/.." && pwd)
SRC_DIR=$(cd "$TESTS_DIR/.." && pwd)
TEST_NAME=$(basename "$0" .sh)

# ---- reporting ------------------------------------------------------------

fail() {
	echo "FAIL [$TEST_NAME]: $*" >&2
	exit 1
}

skip() {
	echo "$*" >&2
	exit 77
}

note() {
	echo "# $*"
}

# Show a file on stderr (indented), for failure context.
show() {
	echo "---- $1:" >&2
	if [ -f "$1" ]; then sed 's/^/    /' "$1" | head -n "${2:-40}" >&2; else echo "    (missing)" >&2; fi
}

need_cmd() {
	for _c in "$@"; do
		command -v "$_c" >/dev/null 2>&1 || skip "needs '$_c', which is not installed"
	done
}

need_root() {
	[ "$(id -u)" -eq 0 ] || skip "needs root ($*)"
}

[ -x "$NR_BIN" ] || fail "NR_BIN=$NR_BIN is not executable"
[ -x "$PY" ] || skip "needs $PY (python3) to read JSON"

# ---- temporary directory and cleanups -------------------------------------

_cleanups=""
# at_exit CMD: run CMD (a string for eval) at exit, last registered first.
at_exit() {
	_cleanups="$1
$_cleanups"
}

_run_cleanups() {
	_rc=$?
	trap - EXIT HUP INT TERM
	# Run each registered line; a failing cleanup must not hide the verdict.
	_old_ifs=$IFS
	IFS='
'
	for _c in $_cleanups; do
		IFS=$_old_ifs
		eval "$_c" >/dev/null 2>&1 || :
	done
	IFS=$_old_ifs
	if [ -n "${T:-}" ] && [ -d "$T" ]; then
		chmod -R u+rwx "$T" 2>/dev/null || :
		rm -rf "$T"
	fi
	exit "$_rc"
}
trap _run_cleanups EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

T=$(mktemp -d "${TMPDIR:-/tmp}/nr-it-$TEST_NAME.XXXXXX") || fail "mktemp -d failed"
# Fake commands live here; it is put first in PATH by with_fakes.
FAKEBIN="$T/bin"
mkdir -p "$FAKEBIN"
# collect signs a bundle when it finds an SSH key (ssh-agent, ~/.ssh/id_*):
# tests see neither the developer's keys nor their nest-report settings, so
# a bundle directory holds the bundle alone unless a test signs on purpose
# (with --sign-key, or its own XDG_CONFIG_HOME).
unset SSH_AUTH_SOCK SSH_AGENT_PID
XDG_CONFIG_HOME="$T/xdg-config"
export XDG_CONFIG_HOME
mkdir -p "$XDG_CONFIG_HOME/nest-report"
echo "sign.enabled = no" >"$XDG_CONFIG_HOME/nest-report/config"

# ---- small assertions -----------------------------------------------------

assert_eq() { # ACTUAL EXPECTED WHAT
	[ "$1" = "$2" ] || fail "$3: expected '$2', got '$1'"
}

assert_lt() { # A B WHAT  (integers)
	[ "$1" -lt "$2" ] || fail "$3: expected < $2, got $1"
}

assert_gt() { # A B WHAT  (integers)
	[ "$1" -gt "$2" ] || fail "$3: expected > $2, got $1"
}

assert_empty_dir() { # DIR WHAT
	_left=$(ls -A "$1" 2>/dev/null)
	[ -z "$_left" ] || fail "$2: $1 should be empty but holds: $(echo $_left)"
}

# soft CMD ARGS...: run a check in a subshell, so that a failure is reported
# and counted but the test goes on to its other checks; finish with verdict.
_soft_failed=0
soft() {
	("$@") || _soft_failed=$((_soft_failed + 1))
}

# verdict: exit 1 if any soft check failed, else 0.
verdict() {
	[ "$_soft_failed" -eq 0 ] || fail "$_soft_failed check(s) failed (see above)"
	exit 0
}

now_s() {
	date +%s
}

sha256_of() {
	sha256sum "$1" | cut -d' ' -f1
}

file_size() {
	wc -c <"$1" | tr -d ' '
}

line_count() {
	wc -l <"$1" | tr -d ' '
}

# ---- running nest-report --------------------------------------------------

# run_nr ARGS...: run the binary with the fake commands first in PATH;
# stdout to $T/out, stderr to $T/err, exit status in $RC.  Never fails.
# A watchdog (coreutils timeout) so that a regression that hangs fails the
# test instead of stalling the suite; NR_RUN_TIMEOUT seconds per run.
if command -v timeout >/dev/null 2>&1; then
	_watchdog="timeout -k 5 ${NR_RUN_TIMEOUT:-90}"
else
	_watchdog=
fi
run_nr() {
	RC=0
	PATH="$FAKEBIN:$PATH" $_watchdog "$NR_BIN" "$@" >"$T/out" 2>"$T/err" || RC=$?
	if [ -n "$_watchdog" ] && { [ "$RC" -eq 124 ] || [ "$RC" -eq 137 ]; }; then
		show "$T/err"
		fail "nest-report $* did not finish within ${NR_RUN_TIMEOUT:-90} s (killed by the test's watchdog)"
	fi
	no_sanitizer_report "$T/err" "nest-report $*"
	return 0
}

# no_sanitizer_report FILE WHAT: fail if an ASan/UBSan/LSan report is in
# FILE (the stderr of a run of the sanitizer build).
no_sanitizer_report() {
	if grep -q -E 'ERROR: (Address|Leak|Thread|Memory)Sanitizer|runtime error: |SUMMARY: [A-Za-z]+Sanitizer' "$1" 2>/dev/null; then
		show "$1" 80
		fail "$2: sanitizer report on stderr"
	fi
}

# expect_rc N WHAT: fail, showing the run's output, unless $RC is N.
expect_rc() {
	if [ "$RC" -ne "$1" ]; then
		show "$T/out"
		show "$T/err"
		fail "$2: exit status $RC, expected $1"
	fi
}

# one_bundle DIR: exactly one regular file in DIR; its path in $BUNDLE.
one_bundle() {
	_n=$(ls -A "$1" | wc -l | tr -d ' ')
	[ "$_n" -eq 1 ] || fail "expected exactly one file in $1, found $_n: $(ls -A "$1" | tr '\n' ' ')"
	BUNDLE="$1/$(ls -A "$1")"
	[ -f "$BUNDLE" ] || fail "$BUNDLE is not a regular file"
}

# tar_flag BUNDLE: the tar decompression option for its suffix.
tar_flag() {
	case "$1" in
	*.tar.zst) echo --zstd ;;
	*.tar.gz) echo --gzip ;;
	*.tar.xz) echo --xz ;;
	*.tar) echo "" ;;
	*) fail "$1: unknown bundle suffix" ;;
	esac
}

# decompress BUNDLE: the plain tar stream on stdout.
decompress() {
	case "$1" in
	*.tar.zst) zstd -dc -- "$1" ;;
	*.tar.gz) gzip -dc -- "$1" ;;
	*.tar.xz) xz -dc -- "$1" ;;
	*.tar) cat -- "$1" ;;
	esac
}

# unpack BUNDLE DIR: extract into DIR (created); $M is DIR/manifest.json.
unpack() {
	mkdir -p "$2"
	# shellcheck disable=SC2046
	tar -x $(tar_flag "$1") -f "$1" -C "$2" 2>"$T/tar.err" || {
		show "$T/tar.err"
		fail "cannot unpack $1"
	}
	M="$2/manifest.json"
	[ -f "$M" ] || fail "$1 holds no manifest.json"
}

# collect_into DIR ARGS...: run `collect -o DIR ARGS`, expect exit 0 and one
# bundle, unpack it into $T/x (replacing an earlier one).  Sets BUNDLE, M, X.
collect_into() {
	_dir=$1
	shift
	mkdir -p "$_dir"
	run_nr collect -o "$_dir" "$@"
	expect_rc 0 "nest-report collect -o $_dir $*"
	one_bundle "$_dir"
	X="$T/x"
	rm -rf "$X"
	unpack "$BUNDLE" "$X"
}

# ---- reading JSON (python3, no jq needed) ---------------------------------

# jget FILE EXPR: evaluate the Python expression EXPR with `m` the parsed
# JSON document (`lv0` = m["levels"][0] when present, `probe(name)` its
# probe entry, `art(probe, name)` an artifact).  Prints strings raw, true/
# false/null for booleans and None, other values as JSON.  Exits 1 with the
# Python error on stderr if the expression fails.
jget() {
	"$PY" - "$1" "$2" <<'EOF'
import json, sys
with open(sys.argv[1], encoding="utf-8") as f:
    m = json.load(f)
lv0 = m["levels"][0] if isinstance(m, dict) and m.get("levels") else None
def probe(name, lv=None):
    for p in (lv or lv0)["probes"]:
        if p["name"] == name:
            return p
    raise KeyError("no probe %r" % name)
def art(pname, aname, lv=None):
    for a in probe(pname, lv)["artifacts"]:
        if a["name"] == aname:
            return a
    raise KeyError("probe %r has no artifact %r" % (pname, aname))
v = eval(sys.argv[2])
if v is True: print("true")
elif v is False: print("false")
elif v is None: print("null")
elif isinstance(v, str): print(v)
else: print(json.dumps(v, sort_keys=True))
EOF
}

# mget EXPR: jget on the current manifest $M; fails the test on error.  As
# it is mostly called inside $(...), where fail() ends only the command
# substitution, it also prints a marker that no expected value equals and
# that no "nothing wrong" check (an empty result) accepts.
mget() {
	jget "$M" "$1" 2>"$T/jget.err" || {
		echo "MGET-ERROR($1)"
		show "$T/jget.err"
		fail "cannot evaluate $1 on $M"
	}
}

# probe_status NAME: status of probe NAME on level 0 of $M.
probe_status() {
	mget "probe('$1')['status']"
}

# expect_probe NAME STATUS
expect_probe() {
	_st=$(probe_status "$1")
	[ "$_st" = "$2" ] || fail "probe $1 is '$_st' (error: $(mget "probe('$1')['error']")), expected '$2'"
}

# The libvirt probe fails, rightly, where libvirt is installed and its daemon
# is not running, as on a test machine after `make deps` (which starts no
# service): the tests that collect this machine accept that one failure
# (a Python condition on probe entry p).
if [ -S /run/libvirt/libvirt-sock-ro ] || [ -S /run/libvirt/virtqemud-sock-ro ]; then
	_LIBVIRTD_DOWN_HERE=False
else
	_LIBVIRTD_DOWN_HERE="(p['name'] == 'libvirt' and str(p['error']).startswith('virsh cannot connect to libvirtd'))"
fi

# The dmi probe fails, rightly, where dmidecode finds no DMI table (a VM
# or container without SMBIOS, or without /sys/firmware/dmi and /dev/mem,
# as the development machine): a command's non-zero exit is a failure
# (issue 21), and the tests that collect this machine accept that one.
if [ "$(id -u)" = 0 ] && _dmi=$(PATH="$PATH:/usr/sbin:/sbin" command -v dmidecode) &&
	! "$_dmi" >/dev/null 2>&1; then
	_DMI_NONE_HERE="(p['name'] == 'dmi' and 'dmidecode exited with status' in str(p['error']))"
else
	_DMI_NONE_HERE=False
fi

# no_probe_failed [EXCEPT...]: no probe on level 0 is failed or timeout,
# except those named (and libvirt where this machine's libvirtd is down,
# dmi where it has no DMI table).
no_probe_failed() {
	_bad=$(mget "' '.join(p['name'] + '=' + p['status'] + '(' + str(p['error']) + ')' for p in lv0['probes'] if p['status'] in ('failed', 'timeout') and p['name'] not in '$*'.split() and not $_LIBVIRTD_DOWN_HERE and not $_DMI_NONE_HERE)")
	[ -z "$_bad" ] || fail "probes failed or timed out: $_bad"
}

is_valid_json() { # FILE
	"$PY" -c 'import json,sys; json.load(open(sys.argv[1], encoding="utf-8"))' "$1" 2>"$T/json.err"
}

# ---- fake commands and processes ------------------------------------------

# fake_cmd NAME BODY: an executable sh script $FAKEBIN/NAME running BODY.
fake_cmd() {
	printf '#!/bin/sh\n%s\n' "$2" >"$FAKEBIN/$1"
	chmod 0755 "$FAKEBIN/$1"
}

# A `sleep` reachable under a unique path, so that its processes can be
# found with pgrep -f "$FAKEBIN/" and told apart from anyone else's.
make_sleeper() {
	ln -sf "$(command -v sleep)" "$FAKEBIN/nr-test-sleep"
}

# fakes_running: PIDs of processes whose command line mentions $FAKEBIN/.
fakes_running() {
	pgrep -f "$FAKEBIN/" || :
}

# no_fakes_left WHAT: wait up to 2 s for every fake process to be gone.
no_fakes_left() {
	_i=0
	while [ -n "$(fakes_running)" ] && [ $_i -lt 20 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	_left=$(fakes_running)
	if [ -n "$_left" ]; then
		ps -o pid,pgid,stat,args -p "$(echo $_left | tr ' ' ',')" >&2 || :
		fail "$1: fake processes left behind: $_left"
	fi
}
# Whatever a test does, kill what it left, by PID.
at_exit 'for p in $(fakes_running); do kill -9 "$p"; done'

# helper NAME: path of a compiled tests/helpers/NAME.c program.
helper() {
	[ -n "$NR_HELPERS" ] && [ -x "$NR_HELPERS/$1" ] ||
		fail "helper $1 not built (NR_HELPERS=$NR_HELPERS); run via 'make check-integration'"
	echo "$NR_HELPERS/$1"
}

# wait_pid_exit PID SECONDS: wait for PID (a child of this shell) to exit;
# its exit status in $RC.  Fails (after killing it) if it is still running.
wait_pid_exit() {
	_i=0
	while kill -0 "$1" 2>/dev/null && [ $_i -lt $(($2 * 10)) ]; do
		# A zombie still answers kill -0; ps shows it as Z.
		case $(ps -o stat= -p "$1" 2>/dev/null) in Z*) break ;; esac
		sleep 0.1
		_i=$((_i + 1))
	done
	case $(ps -o stat= -p "$1" 2>/dev/null) in
	'' | Z*) ;;
	*)
		kill -9 "$1" 2>/dev/null
		wait "$1" 2>/dev/null
		fail "process $1 still running after $2 s"
		;;
	esac
	RC=0
	wait "$1" || RC=$?
}

# as_nobody CMD...: run CMD as uid/gid 65534 with no supplementary groups.
as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"
}

need_nobody() {
	need_root "switching to uid 65534 needs root"
	need_cmd setpriv
	# The binary (and this tree) must be reachable by that user.
	as_nobody test -x "$NR_BIN" || skip "uid 65534 cannot execute $NR_BIN"
	chmod 0755 "$T" "$FAKEBIN"
}

# ---- bundle checks ----------------------------------------------------------

# check_integrity: the bundle $BUNDLE, unpacked in $X with manifest $M, holds
# exactly what the manifest lists (levels[].probes[].artifacts[] and files[]),
# each with the listed size and sha256, plus manifest.json itself; members are
# unique, regular, mode 0600, with safe relative paths.
check_integrity() {
	decompress "$BUNDLE" >"$T/stream.tar" || fail "cannot decompress $BUNDLE"
	tar -tf "$T/stream.tar" >"$T/members" || fail "cannot list $BUNDLE"
	LC_ALL=C tar -tvf "$T/stream.tar" >"$T/members.v"
	_dups=$(LC_ALL=C sort "$T/members" | uniq -d)
	[ -z "$_dups" ] || fail "duplicate members in the bundle: $_dups"
	_bad=$(awk '$1 != "-rw-------" { print }' "$T/members.v")
	[ -z "$_bad" ] || fail "members that are not regular 0600 files: $_bad"
	_bad=$(grep -Ev '^(manifest\.json|summary\.txt|levels/[a-z0-9]+/[a-z0-9-]+/[A-Za-z0-9_][A-Za-z0-9._-]*)$' "$T/members" || :)
	[ -z "$_bad" ] || fail "members with unexpected paths: $_bad"
	grep -qx manifest.json "$T/members" || fail "no manifest.json member"
	[ "$(head -n 1 "$T/members")" = manifest.json ] || fail "manifest.json is not the first member"
	is_valid_json "$M" || { show "$T/json.err"; fail "manifest.json is not valid UTF-8 JSON"; }
	mget "'\n'.join([a['path'] + ' ' + str(a['size']) + ' ' + a['sha256'] for l in m['levels'] for p in l['probes'] for a in p['artifacts']] + [f['path'] + ' ' + str(f['size']) + ' ' + f['sha256'] for f in m['files']])" |
		LC_ALL=C sort >"$T/listed"
	_dups=$(cut -d' ' -f1 "$T/listed" | uniq -d)
	[ -z "$_dups" ] || fail "paths listed twice in the manifest: $_dups"
	grep -vx manifest.json "$T/members" | while IFS= read -r _p; do
		echo "$_p $(file_size "$X/$_p") $(sha256_of "$X/$_p")"
	done | LC_ALL=C sort >"$T/actual"
	if ! diff "$T/listed" "$T/actual" >"$T/listed.diff"; then
		show "$T/listed.diff" 60
		fail "bundle members and manifest disagree ('<' listed, '>' in the bundle)"
	fi
	# Each artifact's path is levels/<level>/<probe>/<name>.
	_bad=$(mget "' '.join(a['path'] for l in m['levels'] for p in l['probes'] for a in p['artifacts'] if a['path'] != 'levels/%s/%s/%s' % (l['id'], p['name'], a['name']))")
	[ -z "$_bad" ] || fail "artifact paths not levels/<level>/<probe>/<name>: $_bad"
	rm -f "$T/stream.tar"
}

# validate_schema FILE SCHEMA_NAME: validate against schemas/SCHEMA_NAME, or
# say why not (the schema may not exist yet).
validate_schema() {
	_schema="$SRC_DIR/schemas/$2"
	if [ ! -f "$_schema" ]; then
		note "schemas/$2 not there (yet): schema validation step skipped"
		return 0
	fi
	"$PY" -c 'import jsonschema' 2>/dev/null || {
		note "python3-jsonschema missing: schema validation step skipped"
		return 0
	}
	"$PY" "$TESTS_DIR/validate-json.py" "$_schema" "$1" 2>"$T/schema.err" || {
		show "$T/schema.err" 60
		fail "$1 does not validate against schemas/$2"
	}
}

# ---- real OpenSSH servers (tests/integration/ssh_*.sh) ----------------------
#
# Each test starts its own /usr/sbin/sshd instances (Debian's openssh-server),
# never a mock: generated host keys, one authorized client key, a private
# known_hosts and an empty ssh config, all under $T/ssh.  Servers listen on
# loopback (random free ports) or inside network namespaces the test creates.
# Everything is stopped by PID at exit: each listener with every process under
# it, each namespace by the unique name it was given.
#
#   need_sshd                  skip unless root, sshd and ssh-keygen are there
#   sshd_start NAME ADDR PORT [NETNS]   start server NAME; $SSHD_EXTRA adds
#                              config lines (winning over the defaults);
#                              remote fakes (remote_fake_cmd) come first in
#                              its sessions' PATH
#   sshd_trust NAME [ADDR PORT]  add NAME's host key to the known_hosts
#   sshd_stop NAME             stop NAME and its sessions
#   sshd_sessions NAME         PIDs of NAME's per-connection processes
#   free_port                  a free TCP port on 127.0.0.1
#   netns_add NAME             a fresh network namespace (lo up); its real
#                              name in $NETNS (unique to this run)
#   veth_link NS1 ADDR1 NS2 ADDR2   a veth pair between two namespaces with
#                              ADDR/prefix on each end, both up
#   in_ns NS CMD...            run CMD in namespace NS ("" : this one)
#   run_nr_in NS ARGS...       run_nr inside namespace NS
#   $SSH_ARGS                  --ssh-config/--known-hosts/--identity for runs

SSHD=/usr/sbin/sshd
SSHT="$T/ssh"

need_sshd() {
	need_root "sshd and network namespaces need root"
	[ -x "$SSHD" ] || skip "needs $SSHD (apt-get install openssh-server)"
	need_cmd ssh-keygen ps awk
	mkdir -p /run/sshd
	chmod 0755 /run/sshd
	mkdir -p "$SSHT" "$FAKEBIN/remote"
	if [ ! -f "$SSHT/id" ]; then
		ssh-keygen -q -t ed25519 -N '' -C nr-test-client -f "$SSHT/id" >/dev/null ||
			fail "ssh-keygen (client key) failed"
		cp "$SSHT/id.pub" "$SSHT/authorized_keys"
		: >"$SSHT/known_hosts"
		: >"$SSHT/config"
	fi
	# No agent, no ~/.ssh: only what the test made is used.
	unset SSH_AUTH_SOCK SSH_AGENT_PID
	SSH_ARGS="--ssh-config $SSHT/config --known-hosts $SSHT/known_hosts --identity $SSHT/id"
}

need_netns() {
	need_cmd ip
	_probe="nrt$$probe"
	ip netns add "$_probe" 2>"$T/netns.err" || { cat "$T/netns.err" >&2; skip "cannot create network namespaces (ip netns add)"; }
	ip netns del "$_probe" 2>/dev/null
}

free_port() {
	"$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# proc_tree PID: PID and every descendant, one per line (none if PID is gone).
proc_tree() {
	ps -e -o pid= -o ppid= | awk -v root="$1" '
		{ pp[$1] = $2 }
		END {
			if (!(root in pp)) exit
			keep[root] = 1
			do {
				more = 0
				for (p in pp) if (!(p in keep) && (pp[p] in keep)) { keep[p] = 1; more = 1 }
			} while (more)
			for (p in keep) print p
		}'
}

# kill_tree PID: SIGKILL PID and everything under it.
kill_tree() {
	_pids=$(proc_tree "$1")
	# shellcheck disable=SC2086
	[ -z "$_pids" ] || kill -9 $_pids 2>/dev/null || :
}

# in_ns NS CMD...: run CMD in network namespace NS, or here when NS is "".
in_ns() {
	_ns=$1
	shift
	if [ -n "$_ns" ]; then ip netns exec "$_ns" "$@"; else "$@"; fi
}

sshd_start() { # NAME ADDR PORT [NETNS]
	_n=$1 _addr=$2 _port=$3 _ns=${4:-}
	_d="$SSHT/sshd-$_n"
	mkdir -p "$_d"
	[ -f "$_d/host_ed25519_key" ] ||
		ssh-keygen -q -t ed25519 -N '' -C "nr-test-host-$_n" -f "$_d/host_ed25519_key" >/dev/null ||
		fail "ssh-keygen (host key of $_n) failed"
	case $_addr in *:*) _la="[$_addr]:$_port" ;; *) _la="$_addr:$_port" ;; esac
	# $SSHD_EXTRA comes first: sshd keeps the first value of a keyword.
	cat >"$_d/sshd_config" <<EOC
${SSHD_EXTRA:-}
ListenAddress $_la
HostKey $_d/host_ed25519_key
PidFile $_d/sshd.pid
AuthorizedKeysFile $SSHT/authorized_keys
StrictModes no
UsePAM no
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
AllowTcpForwarding yes
PermitTunnel no
X11Forwarding no
PrintMotd no
MaxStartups 100
MaxSessions 20
LogLevel VERBOSE
SetEnv PATH=$FAKEBIN/remote-$_n:$FAKEBIN/remote:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
EOC
	rm -f "$_d/sshd.pid"
	echo "$_addr $_port $_ns" >"$_d/where"
	in_ns "$_ns" "$SSHD" -f "$_d/sshd_config" -E "$_d/sshd.log" 2>"$_d/start.err" || {
		show "$_d/start.err"
		show "$_d/sshd.log"
		fail "sshd $_n did not start"
	}
	# sshd writes its PidFile once it listens.
	_i=0
	while [ ! -s "$_d/sshd.pid" ] && [ $_i -lt 100 ]; do
		sleep 0.05
		_i=$((_i + 1))
	done
	[ -s "$_d/sshd.pid" ] || { show "$_d/sshd.log"; fail "sshd $_n wrote no PidFile"; }
	SSHD_PID=$(cat "$_d/sshd.pid")
	echo "$SSHD_PID" >"$_d/pid"
	at_exit "kill_tree $SSHD_PID"
}

sshd_pid() { # NAME
	cat "$SSHT/sshd-$1/pid" 2>/dev/null
}

sshd_stop() { # NAME
	_p=$(sshd_pid "$1")
	[ -z "$_p" ] || kill_tree "$_p"
	_i=0
	while kill -0 "$_p" 2>/dev/null && [ $_i -lt 50 ]; do
		sleep 0.05
		_i=$((_i + 1))
	done
}

# sshd_sessions NAME: the per-connection processes (the listener's children).
sshd_sessions() {
	_p=$(sshd_pid "$1")
	[ -z "$_p" ] || ps -e -o pid= -o ppid= | awk -v p="$_p" '$2 == p { print $1 }'
}

# sshd_trust NAME [ADDR PORT]: NAME's host key in $SSHT/known_hosts, under the
# name the tool looks up ("[addr]:port", or addr for port 22).
sshd_trust() {
	read -r _a _p _ns <"$SSHT/sshd-$1/where"
	_a=${2:-$_a}
	_p=${3:-$_p}
	if [ "$_p" = 22 ]; then _h=$_a; else _h="[$_a]:$_p"; fi
	echo "$_h $(cut -d' ' -f1,2 "$SSHT/sshd-$1/host_ed25519_key.pub")" >>"$SSHT/known_hosts"
}

# remote_fake_cmd NAME BODY [SERVER]: like fake_cmd, but first in the PATH
# of the remote sessions of every sshd_start server (or only of SERVER), not
# in the local one.  Its processes count for fakes_running/no_fakes_left.
remote_fake_cmd() {
	_rd="$FAKEBIN/remote${3:+-$3}"
	mkdir -p "$_rd"
	printf '#!/bin/sh\n%s\n' "$2" >"$_rd/$1"
	chmod 0755 "$_rd/$1"
}

# netns_add NAME: a new network namespace with lo up, deleted at exit (after
# the servers in it are stopped: cleanups run last registered first, so
# create namespaces before starting servers in them).  Sets NETNS.
netns_add() {
	NETNS="nrt$$-$1"
	ip netns add "$NETNS" || fail "ip netns add $NETNS failed"
	at_exit "ip netns del $NETNS"
	ip -n "$NETNS" link set lo up || fail "cannot bring lo up in $NETNS"
}

_veth_n=0
veth_link() { # NS1 ADDR1/PREFIX NS2 ADDR2/PREFIX (NS "" : this namespace)
	_veth_n=$((_veth_n + 1))
	_va="nv$$x${_veth_n}a" _vb="nv$$x${_veth_n}b"
	ip link add "$_va" type veth peer name "$_vb" || fail "cannot create veth $_va"
	at_exit "ip link del $_va"
	[ -z "$1" ] || ip link set "$_va" netns "$1" || fail "cannot move $_va to $1"
	[ -z "$3" ] || ip link set "$_vb" netns "$3" || fail "cannot move $_vb to $3"
	in_ns "$1" ip addr add "$2" dev "$_va" || fail "cannot address $_va"
	in_ns "$3" ip addr add "$4" dev "$_vb" || fail "cannot address $_vb"
	in_ns "$1" ip link set "$_va" up || fail "cannot bring $_va up"
	in_ns "$3" ip link set "$_vb" up || fail "cannot bring $_vb up"
	VETH_A=$_va VETH_B=$_vb
}

# run_nr_in NS ARGS...: run_nr inside network namespace NS.
run_nr_in() {
	_ns=$1
	shift
	RC=0
	# shellcheck disable=SC2086
	PATH="$FAKEBIN:$PATH" ${_watchdog:-} ip netns exec "$_ns" "$NR_BIN" "$@" >"$T/out" 2>"$T/err" || RC=$?
	if [ -n "${_watchdog:-}" ] && { [ "$RC" -eq 124 ] || [ "$RC" -eq 137 ]; }; then
		show "$T/err"
		fail "nest-report $* (in $_ns) did not finish within ${NR_RUN_TIMEOUT:-90} s (killed by the test's watchdog)"
	fi
	no_sanitizer_report "$T/err" "nest-report $*"
	return 0
}

# lget ID EXPR: evaluate EXPR on the manifest with `lv` bound to level ID.
lget() {
	mget "(lambda lv: $2)([l for l in m['levels'] if l['id'] == '$1'][0])"
}

# level_status ID / expect_level ID STATUS: a level's status in $M.
level_status() {
	lget "$1" "lv['status']"
}

expect_level() {
	_st=$(level_status "$1")
	[ "$_st" = "$2" ] || {
		show "$T/err"
		fail "level $1 is '$_st' (errors: $(lget "$1" "lv['errors']")), expected '$2'"
	}
}

# level_complete ID: ID is ok, none of its probes failed or timed out, and
# it has artifacts.
level_complete() {
	expect_level "$1" ok
	_bad=$(lget "$1" "' '.join(p['name'] + '=' + p['status'] + '(' + str(p['error']) + ')' for p in lv['probes'] if p['status'] in ('failed', 'timeout') and not $_LIBVIRTD_DOWN_HERE and not $_DMI_NONE_HERE)")
	[ -z "$_bad" ] || fail "level $1: probes failed or timed out: $_bad"
	_n=$(lget "$1" "sum(len(p['artifacts']) for p in lv['probes'])")
	assert_gt "$_n" 0 "artifacts of level $1"
}

# bundle_valid: schema and member integrity of $BUNDLE / $M.
bundle_valid() {
	validate_schema "$M" manifest.schema.json
	check_integrity
}

# ---- guests booted under QEMU (e2e_qemu.sh, libvirt_real*.sh) ---------------

# ssh_banner PORT: true once something on 127.0.0.1:PORT speaks SSH.  With
# user networking QEMU accepts every connection itself and drops it when the
# guest does not answer, so only the banner tells that sshd is up.
ssh_banner() {
	"$PY" - "$1" <<'PYEOF' 2>/dev/null
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=2)
s.settimeout(2)
sys.exit(0 if s.recv(64).startswith(b"SSH-") else 1)
PYEOF
}

# console_tail FILE [N]: a guest's serial console log without terminal
# escapes or blank lines, its last N (120) lines, on stderr.
console_tail() {
	echo "---- guest console ($1), last ${2:-120} lines:" >&2
	if [ -s "$1" ]; then
		sed 's/\x1b\[[0-9;?]*[A-Za-z]//g; s/\x1bc//g; s/\r$//' "$1" | grep -v '^[[:space:]]*$' |
			tail -n "${2:-120}" | sed 's/^/    /' >&2
	else
		echo "    (empty)" >&2
	fi
}

ms_now() {
	date +%s%3N
}

# expect_probe_on LEVEL PROBE STATUS
expect_probe_on() {
	_st=$(lget "$1" "probe('$2', lv)['status']")
	[ "$_st" = "$3" ] || fail "$1: probe $2 is '$_st' ($(lget "$1" "probe('$2', lv)['error']")), expected '$3'"
}

# stop_pid PID [SECS]: SIGTERM, then SIGKILL after SECS (3) seconds; reaps
# PID when it is a child of this shell.  Use it only on a PID this test
# started.
stop_pid() {
	kill "$1" 2>/dev/null
	_i=0
	while kill -0 "$1" 2>/dev/null && [ $_i -lt $((${2:-3} * 10)) ]; do
		# A zombie still answers kill -0; ps shows it as Z.
		case $(ps -o stat= -p "$1" 2>/dev/null) in Z*) break ;; esac
		sleep 0.1
		_i=$((_i + 1))
	done
	kill -9 "$1" 2>/dev/null
	wait "$1" 2>/dev/null || :
}

# dropbear_host_key FILE: a new ed25519 dropbear host key in FILE; prints
# its public half ("ssh-ed25519 AAAA..."), nothing when that failed (the
# reason on stderr): HOST_PUB=$(dropbear_host_key F) || fail ...
dropbear_host_key() {
	dropbearkey -t ed25519 -f "$1" >"$1.out" 2>&1 || {
		show "$1.out"
		echo "dropbearkey -t ed25519 -f $1 failed" >&2
		return 1
	}
	dropbearkey -y -f "$1" 2>/dev/null | grep '^ssh-ed25519 ' | cut -d' ' -f1,2 | grep . ||
		{ echo "cannot read the public half of $1 with dropbearkey -y" >&2; return 1; }
}
