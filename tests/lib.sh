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
run_nr() {
	RC=0
	PATH="$FAKEBIN:$PATH" "$NR_BIN" "$@" >"$T/out" 2>"$T/err" || RC=$?
	return 0
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

# mget EXPR: jget on the current manifest $M; fails the test on error.
mget() {
	jget "$M" "$1" 2>"$T/jget.err" || {
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

# no_probe_failed [EXCEPT...]: no probe on level 0 is failed or timeout,
# except those named.
no_probe_failed() {
	_bad=$(mget "' '.join(p['name'] + '=' + p['status'] + '(' + str(p['error']) + ')' for p in lv0['probes'] if p['status'] in ('failed', 'timeout') and p['name'] not in '$*'.split())")
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
