#!/bin/sh
# SPDX-License-Identifier: MIT
# `upload` by HTTPS PUT to a real nginx (Debian's, with its dav module) on
# loopback, with a CA and server certificate made here: the bytes that land
# are the bundle's and the signature's; a collection URL ending in '/' gets
# the bundle's name; --sig-to gives the signature its own URL on the same
# server; an unrelated CA (or the system's) is refused at once,
# with no retry and nothing stored; plain http:// is refused unless typed
# on the command line (then it works, with a warning) and never carries a
# token; a refusal (405) is exit 4 after one attempt; progress is drawn
# only on a terminal and not with -q; the --json result
# validates against schemas/upload-result.schema.json; a URL's password
# and path never appear in what is printed.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../upload-lib.sh"
need_upload_tools
make_pki
nginx_start
make_bundle
name=$(basename "$BUNDLE")
base="https://127.0.0.1:$NGINX_PORT"

# into a WebDAV collection: the bundle's own name, and .sig beside it
up "$BUNDLE" --to "$base/dav/in/" --cacert "$PKI/ca.pem" --json
expect_rc 0 "PUT to a collection"
cmp -s "$BUNDLE" "$NGINX_WWW/in/$name" || fail "the uploaded bundle differs from $BUNDLE"
cmp -s "$BUNDLE.sig" "$NGINX_WWW/in/$name.sig" || fail "the uploaded signature differs"
validate_schema "$T/out" upload-result.schema.json
assert_eq "$(result_get "(m['ok'], m['status'], m['method'], m['files'], m['http_status'], m['signed'])")" \
	'[true, "uploaded", "put", 2, 201, true]' "--json result"
assert_eq "$(result_get "m['destination']")" "$base" "destination: scheme://host:port only"
assert_eq "$(result_get "m['bytes']")" "$(($(file_size "$BUNDLE") + $(file_size "$BUNDLE.sig")))" \
	"bytes delivered"
[ ! -s "$T/err" ] || { show "$T/err"; fail "a clean upload printed on stderr"; }

# on a terminal (script(1) gives it one): a progress line with bytes, rate and ETA
if command -v script >/dev/null 2>&1; then
	script -qec "'$NR_BIN' upload '$BUNDLE' --to '$base/dav/tty/' --cacert '$PKI/ca.pem'" /dev/null \
		>"$T/tty.out" 2>&1 </dev/null || { show "$T/tty.out"; fail "upload on a terminal failed"; }
	no_sanitizer_report "$T/tty.out" "upload on a terminal"
	grep -q "bundle .*\] 100%  [0-9.]* [KMGi]*B / [0-9.]* [KMGi]*B  [-0-9.]* [KMGi]*B/s  ETA 0:00" "$T/tty.out" ||
		{ show "$T/tty.out"; fail "no progress line (bytes, rate, ETA) on a terminal"; }
	script -qec "'$NR_BIN' upload '$BUNDLE' --to '$base/dav/tty-q/' --cacert '$PKI/ca.pem' -q" /dev/null \
		>"$T/tty.out" 2>&1 </dev/null || { show "$T/tty.out"; fail "upload -q on a terminal failed"; }
	! grep -q "ETA" "$T/tty.out" || { show "$T/tty.out"; fail "-q still drew progress"; }
else
	note "script(1) missing: progress-on-a-terminal check skipped"
fi

# to a file name: NAME and NAME.sig; the text result says where it went
up "$BUNDLE" --to "$base/dav/named/case-1234.tar.zst" --cacert "$PKI/ca.pem"
expect_rc 0 "PUT to a file URL"
cmp -s "$BUNDLE" "$NGINX_WWW/named/case-1234.tar.zst" || fail "bundle at the named URL differs"
cmp -s "$BUNDLE.sig" "$NGINX_WWW/named/case-1234.tar.zst.sig" || fail "signature at NAME.sig differs"
grep -q "^Uploaded .* and its signature to $base (PUT, HTTP 201" "$T/out" ||
	{ show "$T/out"; fail "no 'Uploaded ... to $base (PUT, HTTP 201' line"; }

# a query string stays at the end: the signature goes to PATH.sig?QUERY
up "$BUNDLE" --to "$base/dav/q/b.tar.zst?X-Sig=abc" --cacert "$PKI/ca.pem"
expect_rc 0 "PUT to a URL with a query"
[ -f "$NGINX_WWW/q/b.tar.zst.sig" ] || fail "the signature did not go to PATH.sig?QUERY"

# --sig-to: the signature's own URL (as with two presigned URLs), same server only
up "$BUNDLE" --to "$base/dav/ps/obj-1?sig=a" --sig-to "$base/dav/ps/obj-2?sig=b" --cacert "$PKI/ca.pem"
expect_rc 0 "PUT with --sig-to"
cmp -s "$BUNDLE.sig" "$NGINX_WWW/ps/obj-2" || fail "the signature did not go to --sig-to"
[ ! -e "$NGINX_WWW/ps/obj-1.sig" ] || fail "the signature also went to URL.sig"
up "$BUNDLE" --to "$base/dav/ps2/" --sig-to "http://127.0.0.1:$NGINX_HTTP_PORT/dav/ps2/s" --cacert "$PKI/ca.pem"
expect_rc 1 "--sig-to on another server"
grep -q "signature URL must be on the same server" "$T/err" || { show "$T/err"; fail "--sig-to message"; }
[ ! -e "$NGINX_WWW/ps2" ] || fail "uploaded although --sig-to named another server"

# the wrong CA, and the system's CAs: refused, one attempt, exit 1, nothing stored
for ca in "$PKI/other-ca.pem" ""; do
	rm -rf "$NGINX_WWW/bad"
	up "$BUNDLE" --to "$base/dav/bad/" ${ca:+--cacert "$ca"} --json --retries 3
	expect_rc 1 "untrusted certificate (${ca:-system CAs})"
	grep -q "certificate of $base is not trusted" "$T/err" || { show "$T/err"; fail "no clear TLS message"; }
	assert_eq "$(result_get "(m['attempts'], m['status'])")" '[1, "error"]' "TLS failure: not retried"
	! grep -q "retry" "$T/err" || { show "$T/err"; fail "a TLS verification failure was retried"; }
	[ ! -e "$NGINX_WWW/bad" ] || fail "something was stored despite the TLS failure"
done

# the right CA but another name (the certificate names only 127.0.0.1): refused too
up "$BUNDLE" --to "https://localhost:$NGINX_PORT/dav/bad/" --cacert "$PKI/ca.pem"
expect_rc 1 "certificate for another name"
grep -q "is not trusted" "$T/err" || { show "$T/err"; fail "no clear message for a name mismatch"; }
[ ! -e "$NGINX_WWW/bad" ] || fail "something was stored despite the name mismatch"

# plain http: refused when it comes from the config, allowed when typed, never with a token
mkdir -p "$T/xdg/nest-report"
echo "upload.url = http://127.0.0.1:$NGINX_HTTP_PORT/dav/plain-cfg/" >"$T/xdg/nest-report/config"
export XDG_CONFIG_HOME="$T/xdg"
up "$BUNDLE"
unset XDG_CONFIG_HOME
expect_rc 1 "http:// from the config"
grep -q "refusing plain http://" "$T/err" || { show "$T/err"; fail "no refusal message for http://"; }
[ ! -e "$NGINX_WWW/plain-cfg" ] || fail "uploaded over http from the config"
up "$BUNDLE" --to "http://127.0.0.1:$NGINX_HTTP_PORT/dav/plain/"
expect_rc 0 "http:// typed by the user"
grep -q "warning: uploading over plain http://" "$T/err" || { show "$T/err"; fail "no warning for http://"; }
cmp -s "$BUNDLE" "$NGINX_WWW/plain/$name" || fail "bundle over http differs"
echo "tok-$$-never-in-clear" >"$T/tok"
chmod 600 "$T/tok"
up "$BUNDLE" --to "http://127.0.0.1:$NGINX_HTTP_PORT/dav/plain-tok/" --token-file "$T/tok"
expect_rc 1 "http:// with a token"
grep -q "refusing to send the token over plain http://" "$T/err" || { show "$T/err"; fail "no token refusal"; }
[ ! -e "$NGINX_WWW/plain-tok" ] || fail "uploaded over http with a token"

# a refusal (PUT outside the dav location: 405) is final: exit 4, one request
up "$BUNDLE" --to "$base/elsewhere/x.tar.zst" --cacert "$PKI/ca.pem" --json
expect_rc 4 "PUT where the server does not allow it"
assert_eq "$(result_get "(m['status'], m['http_status'], m['attempts'])")" '["rejected", 405, 1]' \
	"405 result"
grep -q "refused the bundle: server answered 405" "$T/err" || { show "$T/err"; fail "no 405 message"; }
validate_schema "$T/out" upload-result.schema.json

# credentials in the URL are used but never printed: only scheme://host:port
up "$BUNDLE" --to "https://bob:hunter2pw@127.0.0.1:$NGINX_PORT/dav/secret-path/x?sig=zzzsecret" \
	--cacert "$PKI/other-ca.pem" --json
expect_rc 1 "credentials in the URL, wrong CA"
for s in hunter2pw bob secret-path zzzsecret; do
	! grep -q "$s" "$T/err" "$T/out" || { show "$T/err"; show "$T/out"; fail "'$s' from the URL was printed"; }
done

# not a bundle: refused before anything is sent
head -c 5000 /dev/urandom >"$T/random.tar.zst"
up "$T/random.tar.zst" --to "$base/dav/junk/" --cacert "$PKI/ca.pem"
expect_rc 1 "a file that is not a bundle"
[ ! -e "$NGINX_WWW/junk" ] || fail "a non-bundle was uploaded"
verdict
