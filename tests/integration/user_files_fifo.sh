#!/bin/sh
# SPDX-License-Identifier: MIT
# Every file read from a name the user (or the config) gave is opened
# O_NONBLOCK and must be a regular file: a FIFO in its place (nobody ever
# writes to it) is refused at once, naming the file, instead of blocking
# the command forever.  The bundle, BUNDLE.sig, --allowed-signers,
# --sign-key, --topology, the config file, --token-file, --cacert and the
# bundle given to upload; --ssh-config, --known-hosts and --identity are
# checked before libssh opens them.  Each run has 10 s before the test's
# watchdog calls it a hang.
. "$(dirname "$0")/../lib.sh"
need_cmd ssh-keygen mkfifo zstd tar
NR_RUN_TIMEOUT=10

K="$T/keys"
mkdir -p "$K" "$T/b"
ssh-keygen -q -t ed25519 -N '' -C alice@example -f "$K/ed" || fail "ssh-keygen"
printf 'alice@example namespaces="nest-report" %s\n' "$(cut -d' ' -f1,2 "$K/ed.pub")" >"$K/allowed"
run_nr collect -o "$T/b/good.tar.zst" --only kernel --sign-key "$K/ed"
expect_rc 0 "collect of the good bundle"
GOOD="$T/b/good.tar.zst"
[ -f "$GOOD.sig" ] || fail "the good bundle was not signed"
mkfifo "$T/fifo" || fail "mkfifo"
FIFO="$T/fifo"

# refused RC WHAT ARGS...: exit RC, and stderr or stdout says FIFO.
refused() {
	_rc=$1 _what=$2
	shift 2
	run_nr "$@"
	expect_rc "$_rc" "$_what"
	grep -q "is a FIFO, not a regular file\|not a regular file" "$T/err" "$T/out" ||
		{ show "$T/out"; show "$T/err"; fail "$_what: the message does not say it is not a regular file"; }
	note "ok $_what"
}

# The signature: verify runs its other checks, the signature one fails.
cp "$GOOD" "$T/b/fifo-sig.tar.zst"
mkfifo "$T/b/fifo-sig.tar.zst.sig"
refused 3 "verify, BUNDLE.sig a FIFO" verify "$T/b/fifo-sig.tar.zst" --allowed-signers "$K/allowed"
grep -q "^archive *pass" "$T/out" || { show "$T/out"; fail "verify did not run the archive check"; }
refused 0 "show, BUNDLE.sig a FIFO" show "$T/b/fifo-sig.tar.zst"
refused 1 "verify, the bundle a FIFO" verify "$FIFO"
refused 1 "show, the bundle a FIFO" show "$FIFO"
refused 1 "diff, a bundle a FIFO" diff "$GOOD" "$FIFO"
refused 1 "verify --allowed-signers FIFO" verify "$GOOD" --allowed-signers "$FIFO"
refused 2 "collect --sign-key FIFO" collect -o "$T/b" --only kernel --sign-key "$FIFO"
refused 2 "collect --topology FIFO" collect -o "$T/b" --topology "$FIFO"
refused 1 "upload of a FIFO" upload "$FIFO" --to https://127.0.0.1:9/x/
refused 1 "upload --token-file FIFO" upload "$GOOD" --to https://127.0.0.1:9/x/ --token-file "$FIFO"
refused 1 "upload --cacert FIFO" upload "$GOOD" --to https://127.0.0.1:9/x/ --cacert "$FIFO"
refused 1 "sign a FIFO" sign "$FIFO" --sign-key "$K/ed"

# The config file: its problem is a warning, the run goes on.
mkdir -p "$T/xdg/nest-report"
mkfifo "$T/xdg/nest-report/config"
_xdg=$XDG_CONFIG_HOME
XDG_CONFIG_HOME="$T/xdg"
refused 0 "show with a FIFO as the config file" show "$GOOD"
XDG_CONFIG_HOME=$_xdg

# SSH files: the level is not reached (the reason says why), the run ends.
for opt in --ssh-config --known-hosts --identity; do
	run_nr collect -o "$T/b/ssh$opt.tar.zst" --only kernel --connect-timeout 2 "$opt" "$FIFO" \
		--level "l1=root@127.0.0.1:9"
	expect_rc 0 "collect with $opt FIFO"
	grep -q "not a regular file" "$T/err" || { show "$T/err"; fail "collect $opt FIFO: no reason given"; }
	note "ok collect $opt FIFO"
done
exit 0
