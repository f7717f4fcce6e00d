#!/bin/sh
# SPDX-License-Identifier: MIT
# A bearer token is never sent to a URL that carries its own signature
# (S3's X-Amz-Signature, GCS's X-Goog-Signature...): the real nginx test
# server sees no Authorization header on those requests, while a plain URL
# does get the token (so the log can show one); upload says so once on
# stderr.  A presigned bundle URL with a plain signature URL: the token goes
# with the signature only.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../upload-lib.sh"
need_upload_tools
make_pki
nginx_start
make_bundle
name=$(basename "$BUNDLE")
tok="presigned-tok-$$-s3cr3t"
echo "$tok" >"$T/token"
chmod 600 "$T/token"
base="https://127.0.0.1:$NGINX_PORT/dav"
s3q="X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE%2F20260101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
gcsq="X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Signature=0a1b2c3d"

# auth_of URI: the Authorization nginx logged for the PUT of URI ("" none;
# nginx writes an empty variable as "-").
auth_of() {
	grep "^PUT $1 " "$NGINX_LOG" | tail -n 1 | sed -n 's/.* auth=\[\(.*\)\]$/\1/p' | sed 's/^-$//'
}
logged() {
	grep -q "^PUT $1 201 " "$NGINX_LOG" || { show "$NGINX_LOG"; fail "nginx logged no stored PUT of $1"; }
}

# Both URLs presigned: no Authorization at all, and one line saying so.
up "$BUNDLE" --to "$base/pre/$name?$s3q" --sig-to "$base/pre/$name.sig?$gcsq" \
	--cacert "$PKI/ca.pem" --token-file "$T/token"
expect_rc 0 "PUT to presigned URLs with a token"
cmp -s "$BUNDLE" "$NGINX_WWW/pre/$name" || fail "the bundle was not stored"
logged "/dav/pre/$name"
logged "/dav/pre/$name.sig"
assert_eq "$(auth_of "/dav/pre/$name")" "" "Authorization sent with the presigned bundle URL"
assert_eq "$(auth_of "/dav/pre/$name.sig")" "" "Authorization sent with the presigned signature URL"
assert_eq "$(grep -c 'carry its own signature (X-Amz-Signature): the token is not sent' "$T/err")" 1 \
	"lines saying the token is not sent"
! grep -q "$tok" "$T/err" "$T/out" || fail "the token was printed"

# A plain URL gets the token: the log does show the header when there is one.
up "$BUNDLE" --to "$base/plain/" --cacert "$PKI/ca.pem" --token-file "$T/token"
expect_rc 0 "PUT to a plain URL with a token"
logged "/dav/plain/$name"
assert_eq "$(auth_of "/dav/plain/$name")" "Bearer $tok" "Authorization with a plain URL"
! grep -q "own signature" "$T/err" || { show "$T/err"; fail "a plain URL was taken for a presigned one"; }

# Presigned bundle URL, plain signature URL: the token goes with the signature only.
up "$BUNDLE" --to "$base/mixed/$name?$s3q" --sig-to "$base/mixed/$name.sig" \
	--cacert "$PKI/ca.pem" --token-file "$T/token"
expect_rc 0 "PUT to a presigned bundle URL and a plain signature URL"
assert_eq "$(auth_of "/dav/mixed/$name")" "" "Authorization with the presigned bundle URL"
assert_eq "$(auth_of "/dav/mixed/$name.sig")" "Bearer $tok" "Authorization with the plain signature URL"
grep -q "the bundle's URL carries its own signature (X-Amz-Signature): the token goes only with the signature" \
	"$T/err" || { show "$T/err"; fail "no line saying where the token goes"; }

# No token configured: nothing to say.
up "$BUNDLE" --to "$base/notoken/$name?$s3q" --sig-to "$base/notoken/$name.sig?$s3q" --cacert "$PKI/ca.pem"
expect_rc 0 "PUT to presigned URLs without a token"
! grep -q "own signature" "$T/err" || { show "$T/err"; fail "spoke of a token there is none of"; }
exit 0
