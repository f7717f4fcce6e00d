#!/bin/sh
# SPDX-License-Identifier: MIT
# The bearer token never shows: not in argv (ps, /proc/PID/cmdline) while an
# upload runs, whether it came from --token-file or NEST_REPORT_TOKEN; not on
# stderr or stdout, even when a server quotes the Authorization header back
# (it is replaced by ***); not in anything stored: the portal's store and
# request log, and the bundle (manifest argv) of `collect --upload`, whose
# URL is recorded as scheme://host:port only.  A token file that is not one
# printable line is refused without quoting it.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../upload-lib.sh"
need_upload_tools
make_pki
make_bundle
tok="tOkEn-$$-$(date +%s)-s3cr3t"
echo "$tok" >"$T/token"
chmod 600 "$T/token"
: >"$T/all-output"
keep_output() {
	cat "$T/out" "$T/err" >>"$T/all-output"
}

# no_token_in_argv PID WHAT: while PID runs, its argv and everyone's lack the token.
no_token_in_argv() {
	tr '\0' ' ' <"/proc/$1/cmdline" >"$T/cmdline" 2>/dev/null || :
	ps -eo args >"$T/ps" 2>/dev/null
	! grep -q "$tok" "$T/cmdline" "$T/ps" || fail "$2: the token is in argv"
	grep -q "upload" "$T/cmdline" || fail "$2: could not see the running upload's argv"
}

# upload_stalled_once WHAT ARGS...: an upload whose first attempt stalls for
# 2 s, so that its argv can be read meanwhile; must then succeed.
upload_stalled_once() {
	_what=$1
	shift
	portal_start "$_what" --token-file "$T/token" --fault stall --stall-seconds 30
	NR_UPLOAD_STALL_S=2 NR_UPLOAD_BACKOFF_MS=100 "$NR_BIN" upload "$BUNDLE" --to "$PORTAL_URL" \
		--method post --cacert "$PKI/ca.pem" "$@" >"$T/out" 2>"$T/err" &
	_pid=$!
	_i=0
	while [ "$(line_count "$PORTAL_LOG")" -lt 1 ] && [ $_i -lt 100 ]; do
		sleep 0.05
		_i=$((_i + 1))
	done
	no_token_in_argv "$_pid" "$_what"
	wait_pid_exit "$_pid" 20
	no_sanitizer_report "$T/err" "$_what"
	expect_rc 0 "$_what"
	keep_output
}

upload_stalled_once from-file --token-file "$T/token"
NEST_REPORT_TOKEN=$tok
export NEST_REPORT_TOKEN
upload_stalled_once from-env
portal_log_files="$PORTAL_LOG"

# A server that quotes the header back: we print *** instead.
portal_start echo --fault echo
up "$BUNDLE" --to "$PORTAL_URL" --method post --cacert "$PKI/ca.pem" --json
expect_rc 4 "server quoting the Authorization header"
keep_output
grep -q 'you sent Authorization: Bearer \*\*\*' "$T/out" || { show "$T/out"; fail "the echoed token was not replaced"; }

# collect --upload, token from the environment, a URL with a secret query;
# the method and the CA from the config file (collect has no --cacert).
mkdir -p "$T/xdg/nest-report" "$T/collected"
printf 'upload.method = post\nupload.cacert = %s\n' "$PKI/ca.pem" >"$T/xdg/nest-report/config"
export XDG_CONFIG_HOME="$T/xdg"
portal_start collect --token-file "$T/token"
run_nr collect --only kernel -o "$T/collected" --sign-key "$T/signer/key" \
	--upload "$PORTAL_URL?ticket=qs-secret-$$"
keep_output
unset XDG_CONFIG_HOME
expect_rc 0 "collect --upload with NEST_REPORT_TOKEN"
one_bundle_like() {
	ls "$T/collected"/*.tar.zst | head -n 1
}
cb=$(one_bundle_like)
[ -f "$cb" ] || fail "collect --upload left no bundle"
decompress "$cb" >"$T/collected.tar"
! grep -q "$tok" "$T/collected.tar" || fail "the token is in the bundle"
! grep -q "qs-secret" "$T/collected.tar" || fail "the URL's query is in the bundle"
tar -xOf "$T/collected.tar" manifest.json >"$T/cm.json"
jget "$T/cm.json" "m['argv']" | grep -q "https://127.0.0.1:[0-9]*\"" ||
	{ jget "$T/cm.json" "m['argv']" >&2; fail "the manifest's argv does not hold the redacted URL"; }
assert_eq "$(stored_bundles)" 1 "bundles the portal stored from collect --upload"
unset NEST_REPORT_TOKEN

# Everything printed and everything the portals stored or logged: no token.
! grep -q "$tok" "$T/all-output" || { grep -n "$tok" "$T/all-output" >&2; fail "the token was printed"; }
! grep -rq "$tok" "$T"/portal-*/ || { grep -rl "$tok" "$T"/portal-*/ >&2; fail "the token is stored by a portal"; }

# A token file that is not one printable line: refused, not quoted.
printf 'two words-%s\n' "$$" >"$T/bad-token"
chmod 600 "$T/bad-token"
up "$BUNDLE" --to "$PORTAL_URL" --method post --cacert "$PKI/ca.pem" --token-file "$T/bad-token"
expect_rc 1 "a token file with a space"
! grep -q "words-$$" "$T/err" || { show "$T/err"; fail "the bad token was quoted"; }
grep -q "token file $T/bad-token: the token must be one line" "$T/err" || { show "$T/err"; fail "message"; }
# A token file others can read: a warning, and it still works.
chmod 644 "$T/token"
up "$BUNDLE" --to "$PORTAL_URL" --method post --cacert "$PKI/ca.pem" --token-file "$T/token"
expect_rc 0 "a token file readable by others"
grep -q "can be read by other users" "$T/err" || { show "$T/err"; fail "no warning about the token file's mode"; }
verdict
