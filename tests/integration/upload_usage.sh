#!/bin/sh
# SPDX-License-Identifier: MIT
# `upload` usage errors exit 2 with one "nest-report: ..." line and a hint,
# and send nothing; --help exits 0; an Authorization header on the command
# line is refused (argv is public); local problems (a missing bundle or CA
# file, a URL scheme we do not speak, an sftp:// URL with a password) exit 1.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../upload-lib.sh"
need_upload_tools
make_bundle

usage_error() { # WHAT ARGS...
	_what=$1
	shift
	run_nr upload "$@"
	expect_rc 2 "$_what (upload $*)"
	[ ! -s "$T/out" ] || { show "$T/out"; fail "$_what: printed on stdout"; }
	assert_eq "$(line_count "$T/err")" 2 "$_what: lines on stderr ($(cat "$T/err"))"
	grep -q "^nest-report: " "$T/err" || { show "$T/err"; fail "$_what: no 'nest-report: ' line"; }
	grep -q "^hint: see 'nest-report upload --help'" "$T/err" || { show "$T/err"; fail "$_what: no hint"; }
}

u="https://127.0.0.1:9/x/"
soft usage_error "no bundle" --to "$u"
soft usage_error "no URL" "$BUNDLE"
soft usage_error "two bundles" "$BUNDLE" "$BUNDLE" --to "$u"
soft usage_error "bad method" "$BUNDLE" --to "$u" --method get
soft usage_error "retries not a number" "$BUNDLE" --to "$u" --retries x
soft usage_error "retries too many" "$BUNDLE" --to "$u" --retries 101
soft usage_error "retries negative" "$BUNDLE" --to "$u" --retries -1
soft usage_error "field of an unknown part" "$BUNDLE" --to "$u" --field readme=x
soft usage_error "field name with a quote" "$BUNDLE" --to "$u" --field 'a"b'
soft usage_error "bundle part left out" "$BUNDLE" --to "$u" --field bundle=
soft usage_error "header without a colon" "$BUNDLE" --to "$u" --header 'X-Case 42'
soft usage_error "header with a newline" "$BUNDLE" --to "$u" --header "X-A: 1
X-B: 2"
soft usage_error "Authorization on the command line" "$BUNDLE" --to "$u" --header 'authorization: Bearer abc'
soft usage_error "unknown option" "$BUNDLE" --to "$u" --frobnicate
soft usage_error "option without its value" "$BUNDLE" --to
soft usage_error "connect timeout zero" "$BUNDLE" --to "$u" --connect-timeout 0

run_nr upload --help
expect_rc 0 "upload --help"
grep -q "^usage: nest-report upload BUNDLE --to URL" "$T/out" || { show "$T/out"; fail "no usage"; }
grep -q "exit status: 0 uploaded" "$T/out" || { show "$T/out"; fail "--help does not list the exit codes"; }
run_nr --help
grep -q "^  upload " "$T/out" || { show "$T/out"; fail "'upload' missing from the command list"; }

local_error() { # WHAT PATTERN ARGS...
	_what=$1 _pat=$2
	shift 2
	run_nr upload "$@"
	expect_rc 1 "$_what"
	grep -q "$_pat" "$T/err" || { show "$T/err"; fail "$_what: no '$_pat' in the message"; }
}
soft local_error "missing bundle" "cannot upload $T/nope.tar.zst" "$T/nope.tar.zst" --to "$u"
soft local_error "missing CA file" "cannot read the CA file" "$BUNDLE" --to "$u" --cacert "$T/nope.pem"
soft local_error "ftp://" "cannot upload to a ftp:// URL" "$BUNDLE" --to "ftp://127.0.0.1/x"
soft local_error "no scheme" "must start with https:// or sftp://" "$BUNDLE" --to "127.0.0.1:/x"
soft local_error "sftp password" "sftp:// URLs take no password" "$BUNDLE" --to "sftp://u:pw@127.0.0.1/x/"
soft local_error "--sig-to with POST" "a separate signature URL is for PUT only" "$BUNDLE" --to "$u" \
	--method post --sig-to "$u/s"
soft local_error "missing token file" "cannot read token file" "$BUNDLE" --to "$u" --token-file "$T/nope"
NEST_REPORT_TOKEN="has space" soft local_error "token with a space in the environment" \
	"NEST_REPORT_TOKEN: the token must be one line" "$BUNDLE" --to "$u"
verdict
