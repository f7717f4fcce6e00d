#!/bin/sh
# SPDX-License-Identifier: MIT
# Text from outside never drives the terminal.  A bundle whose strings
# carry an OSC title change, BEL, ESC sequences, CSI as the C1 character
# U+009B, a right-to-left override, an isolate and DEL
# (tests/hostile/make-corpus.py, terminal-escapes) goes through show,
# show --json, verify (text and --json), diff and diff --json; an artifact
# full of them through show --probe on a real pty (and byte for byte when
# stdout is a file); a local command's output through collect's report; a
# remote shell's message through collect's warnings (real sshd); a server's
# error text through upload's messages (the test portal).  No output holds
# a C0 control but newline and tab, DEL, a C1 control (as UTF-8 or as a raw
# byte), a bidi control, or bytes that are not UTF-8; the escapes are shown
# as \xHH and \uHHHH instead.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../upload-lib.sh"
need_cmd zstd tar

# clean FILE WHAT [ALLOW_CR]: FILE holds nothing a terminal would obey.
clean() {
	"$PY" - "$1" "${3:-}" <<'EOF' || { show "$1" 60; fail "$2: terminal controls in the output"; }
import sys
data = open(sys.argv[1], "rb").read()
text = data.decode("utf-8", errors="surrogateescape")
allow = "\n\t" + ("\r" if sys.argv[2] else "")
bad = []
for i, ch in enumerate(text):
    o = ord(ch)
    if 0xDC80 <= o <= 0xDCFF:
        bad.append("byte 0x%02x (not UTF-8)" % (o - 0xDC00))
    elif (o < 0x20 and ch not in allow) or 0x7F <= o <= 0x9F or 0x202A <= o <= 0x202E \
            or 0x2066 <= o <= 0x2069 or o in (0x200E, 0x200F, 0x61C):
        bad.append("U+%04X at %d" % (o, i))
if bad:
    print("; ".join(bad[:10]), file=sys.stderr)
    sys.exit(1)
EOF
}

# shown FILE WHAT: the escapes are there, visibly.
shown() {
	grep -qF '\x1b]0;pwned\x07' "$1" && grep -qF '\u009b31m' "$1" && grep -qF '\u202e' "$1" ||
		{ show "$1" 60; fail "$2: the escapes are not shown as \\xHH / \\uHHHH"; }
}

mkdir -p "$T/good"
collect_into "$T/good" --only kernel,cpu --no-sign
GOOD=$BUNDLE
C="$T/corpus"
"$PY" "$TESTS_DIR/hostile/make-corpus.py" "$GOOD" "$C" >/dev/null || fail "make-corpus.py failed"
E="$C/terminal-escapes.tar.zst"

run_nr show "$E"
expect_rc 0 "show"
clean "$T/out" "show (stdout)"
clean "$T/err" "show (stderr)"
shown "$T/out" "show"
run_nr show "$E" --json
expect_rc 0 "show --json"
clean "$T/out" "show --json"
is_valid_json "$T/out" || fail "show --json is not JSON"
# The same strings, as JSON escapes: a parser gets them back exactly.
assert_eq "$(jget "$T/out" "m['host'] == 'host\x1b]0;pwned\x07\x1b[2J\u009b31m\u202egnp.exe\u2066x\u2069\x7f'")" true \
	"show --json host, parsed"
run_nr verify "$E"
clean "$T/out" "verify"
clean "$T/err" "verify (stderr)"
grep -q "^schema *fail" "$T/out" || { show "$T/out"; fail "verify: the created field should fail the schema"; }
run_nr verify "$E" --json
clean "$T/out" "verify --json"
is_valid_json "$T/out" || fail "verify --json is not JSON"
for args in "" --json; do
	# shellcheck disable=SC2086
	run_nr diff "$GOOD" "$E" $args
	expect_rc 0 "diff $args"
	clean "$T/out" "diff $args"
	clean "$T/err" "diff $args (stderr)"
done
run_nr diff "$GOOD" "$E"
grep -qF 'kernel.release' "$T/out" && shown "$T/out" "diff"

# An artifact that is all escapes, from a local command (first in PATH).
fake_cmd uname 'printf "Linux\033]0;pwned\007 \302\23331m \342\200\256evil\342\200\254 \233raw \377\n"'
mkdir -p "$T/esc"
run_nr collect -o "$T/esc" --only kernel --no-sign
expect_rc 0 "collect with a uname that prints escapes"
clean "$T/out" "collect report"
clean "$T/err" "collect messages"
one_bundle "$T/esc"
# Not a terminal: the artifact byte for byte.
run_nr show "$BUNDLE" --probe kernel/uname-a
expect_rc 0 "show --probe to a file"
printf 'Linux\033]0;pwned\007 \302\23331m \342\200\256evil\342\200\254 \233raw \377\n' >"$T/expected"
cmp -s "$T/out" "$T/expected" || { show "$T/out"; fail "show --probe to a file changed the bytes"; }
# A terminal (a real pty): escaped.
NO_COLOR=1 "$PY" - "$NR_BIN" "$BUNDLE" "$T/pty.out" <<'EOF' || fail "show --probe on a pty did not run"
import os, pty, sys
out = bytearray()
def read(fd):
    data = os.read(fd, 65536)
    out.extend(data)
    return data
status = pty.spawn([sys.argv[1], "show", sys.argv[2], "--probe", "kernel/uname-a"], read)
open(sys.argv[3], "wb").write(bytes(out))
sys.exit(0 if os.waitstatus_to_exitcode(status) == 0 else 1)
EOF
no_sanitizer_report "$T/pty.out" "show --probe on a pty"
clean "$T/pty.out" "show --probe on a pty" allow-cr
shown "$T/pty.out" "show --probe on a pty"
grep -qF '\x9braw \xff' "$T/pty.out" || { show "$T/pty.out"; fail "raw C1 and non-UTF-8 bytes not shown as \\xHH"; }

# A remote shell's message, through collect's warnings and report.
if [ "$(id -u)" -eq 0 ] && [ -x /usr/sbin/sshd ]; then
	need_sshd
	remote_fake_cmd sudo 'printf "sudo:\033]0;pwned\007 \302\23331m \342\200\256password\n" >&2; exit 1'
	port=$(free_port)
	sshd_start l1 127.0.0.1 "$port"
	sshd_trust l1
	mkdir -p "$T/ssh"
	# shellcheck disable=SC2086
	run_nr collect -o "$T/ssh" $SSH_ARGS --only kernel --no-sign --connect-timeout 5 --timeout 5 \
		--level "l1=root@127.0.0.1:$port,sudo"
	expect_rc 0 "collect with a remote sudo that prints escapes"
	grep -q "pwned" "$T/err" "$T/out" || { show "$T/err"; fail "the remote message was not reported"; }
	clean "$T/out" "collect report (remote)"
	clean "$T/err" "collect messages (remote)"
else
	note "no root or sshd: the remote-message case is skipped"
fi

# A server's error text, through upload's messages.
if command -v openssl >/dev/null 2>&1 && "$PY" -c 'import jsonschema' 2>/dev/null; then
	make_pki
	make_bundle
	portal_start esc --fault-always "$(printf 'x\033]0;pwned\007 \302\23331m \342\200\256y')"
	up "$BUNDLE" --to "$PORTAL_URL" --method post --cacert "$PKI/ca.pem" --retries 0
	grep -q "pwned" "$T/err" || { show "$T/err"; fail "the server's error text was not reported"; }
	clean "$T/out" "upload report"
	clean "$T/err" "upload messages"
else
	note "no openssl or python3-jsonschema: the upload case is skipped"
fi
exit 0
