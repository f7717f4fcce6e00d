#!/bin/sh
# SPDX-License-Identifier: MIT
# tools/install-deps.sh: `make deps` lists what building and running need
# (every pkg-config module the Makefile asks for comes from a listed
# package; no test peer such as nginx or QEMU), `--test` adds the tests'
# needs; and policy-rc.d, which keeps apt from starting services, never
# outlives the script: not after Ctrl-C (SIGINT to the process group), not
# after SIGTERM to the script alone (then it stays until apt-get returns,
# never removed under a running install), not after a failed install.  A
# policy-rc.d that was there before is left alone.  The runs happen in a
# private mount namespace with a tmpfs on /usr/sbin and a fake apt-get, so
# this machine's own /usr/sbin and packages are never touched.
. "$(dirname "$0")/../lib.sh"
need_cmd dpkg pkg-config
SCRIPT="$SRC_DIR/tools/install-deps.sh"

# ---- the lists --------------------------------------------------------------
sh "$SCRIPT" --list >"$T/deps" || fail "install-deps.sh --list failed"
sh "$SCRIPT" --list --test >"$T/test-deps" || fail "install-deps.sh --list --test failed"
sh "$SCRIPT" --bogus >/dev/null 2>"$T/err" && fail "an unknown option was accepted"
grep -q "usage: install-deps.sh" "$T/err" || fail "no usage line for an unknown option"
in_list() { grep -qx "$1" "$2"; }
pkgs=$(sed -n 's/^PKGS *:= *//p' "$SRC_DIR/Makefile")
[ -n "$pkgs" ] || fail "cannot read PKGS from the Makefile"
for m in $pkgs; do
	pc="$(pkg-config --variable=pcfiledir "$m" 2>/dev/null)/$m.pc"
	[ -f "$pc" ] || skip "pkg-config module $m is not installed here, so its package is unknown"
	owner=$(dpkg -S "$pc" 2>/dev/null | head -n 1 | cut -d: -f1)
	[ -n "$owner" ] || fail "no Debian package owns $pc"
	in_list "$owner" "$T/deps" || fail "make deps does not install $owner (pkg-config $m, which the build needs)"
done
for p in build-essential openssh-client; do
	in_list "$p" "$T/deps" || fail "make deps does not install $p"
done
for p in libcmocka-dev nginx qemu-system-x86 openssh-server dropbear-bin python3-jsonschema; do
	in_list "$p" "$T/deps" && fail "make deps installs $p, which only the tests need"
	in_list "$p" "$T/test-deps" || fail "make test-deps does not install $p"
done
while read -r p; do
	in_list "$p" "$T/test-deps" || fail "make test-deps lacks $p, which make deps installs"
done <"$T/deps"

# ---- the signals -----------------------------------------------------------
need_root "a mount namespace with a tmpfs on /usr/sbin"
need_cmd unshare mount
# A fake apt-get: `update` returns at once; `install` records what
# policy-rc.d answers (101: services are not started), then takes a while,
# or fails when FAKE_APT_FAIL is set.
mkdir -p "$T/fake"
cat >"$T/fake/apt-get" <<EOF
#!/bin/sh
[ "\$1" = update ] && exit 0
rc=none
[ -x /usr/sbin/policy-rc.d ] && { /usr/sbin/policy-rc.d; rc=\$?; }
echo "\$rc" >"$T/policy-answer.tmp" && mv "$T/policy-answer.tmp" "$T/policy-answer"
[ -n "\${FAKE_APT_FAIL:-}" ] && exit 100
sleep "\${FAKE_APT_SECONDS:-2}"
EOF
chmod 755 "$T/fake/apt-get"

# The driver runs inside the namespace; it writes one line per case to
# $T/results: "NAME ok" or "NAME FAIL why".
cat >"$T/driver.sh" <<'EOF'
set -u
T=$1 SCRIPT=$2 PY=$3
P=/usr/sbin/policy-rc.d
mount --make-rprivate / && mount -t tmpfs nr-test /usr/sbin || { echo "setup FAIL mount"; exit 0; }
result() { echo "$1 $2" >>"$T/results"; }
# start: the script in its own process group with SIGINT at its default
# (a background job of a non-interactive shell would ignore it, as it does
# not with a user at a terminal); its pid (= its group) in $pid.
start() {
	rm -f "$T/policy-answer"
	PATH="$T/fake:$PATH" "$PY" -c 'import os, signal, sys
os.setsid()
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.execvp("sh", ["sh"] + sys.argv[1:])' "$SCRIPT" --test >"$T/script.out" 2>&1 &
	pid=$!
}
# wait_answer: until the fake apt-get install has run (5 s).
wait_answer() {
	i=0
	while [ ! -f "$T/policy-answer" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	[ -f "$T/policy-answer" ]
}
check() { # NAME RC EXPECTED_RC
	if ! [ "$(cat "$T/policy-answer" 2>/dev/null)" = 101 ]; then
		result "$1" "FAIL apt-get ran without policy-rc.d refusing services ($(cat "$T/policy-answer" 2>/dev/null))"
	elif [ -e "$P" ]; then
		result "$1" "FAIL policy-rc.d left behind (exit $2)"
	elif [ "$2" -ne "$3" ]; then
		result "$1" "FAIL exit $2, expected $3: $(tail -n 2 "$T/script.out" | tr '\n' ' ')"
	else
		result "$1" ok
	fi
}

start
if wait_answer; then kill -INT "-$pid"; fi
rc=0; wait "$pid" || rc=$?
check ctrl-c "$rc" 130

FAKE_APT_SECONDS=3
export FAKE_APT_SECONDS
start
if wait_answer; then
	kill -TERM "$pid"
	sleep 1
	# apt-get is still running: the file must still be there.
	[ -e "$P" ] || result sigterm-during "FAIL policy-rc.d removed while apt-get still runs"
fi
rc=0; wait "$pid" || rc=$?
check sigterm "$rc" 143
unset FAKE_APT_SECONDS

# uninterrupted NAME EXPECTED_RC: a run nobody signals.
uninterrupted() {
	start
	wait_answer || :
	rc=0; wait "$pid" || rc=$?
	check "$1" "$rc" "$2"
}
export FAKE_APT_FAIL=1
uninterrupted apt-fails 100
unset FAKE_APT_FAIL
export FAKE_APT_SECONDS=0
uninterrupted completes 0

# Someone else's policy-rc.d: used, and left exactly as it was.
printf '#!/bin/sh\nexit 101\n' >"$P"
chmod 755 "$P"
cp "$P" "$T/theirs"
start
if wait_answer; then kill -INT "-$pid"; fi
rc=0; wait "$pid" || rc=$?
if cmp -s "$P" "$T/theirs"; then result theirs ok; else result theirs "FAIL an existing policy-rc.d was changed or removed"; fi
EOF

: >"$T/results"
unshare --mount sh "$T/driver.sh" "$T" "$SCRIPT" "$PY" >"$T/driver.out" 2>&1 ||
	{ show "$T/driver.out"; fail "the namespace driver failed"; }
bad=$(grep -v ' ok$' "$T/results" || :)
[ -z "$bad" ] || { show "$T/driver.out"; fail "$bad"; }
assert_eq "$(grep -c ' ok$' "$T/results")" 5 "cases that ran ($(tr '\n' ';' <"$T/results"))"
exit 0
