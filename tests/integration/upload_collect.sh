#!/bin/sh
# SPDX-License-Identifier: MIT
# `collect --upload URL` collects, signs and uploads in one run: the bundle
# and its signature arrive at a real nginx (PUT) byte for byte, after the
# signature exists; with --json the collect report carries the upload
# result (valid against schemas/upload-result.schema.json); when the upload
# fails the exit status is the upload's (5) and the bundle is kept, with a
# line saying how to send it later.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../upload-lib.sh"
need_upload_tools
make_pki
nginx_start
make_bundle   # for its signing key
mkdir -p "$T/xdg/nest-report" "$T/c1" "$T/c2" "$T/c3"
echo "upload.cacert = $PKI/ca.pem" >"$T/xdg/nest-report/config"
export XDG_CONFIG_HOME="$T/xdg"
base="https://127.0.0.1:$NGINX_PORT"

run_nr collect --only kernel -o "$T/c1" --sign-key "$T/signer/key" --upload "$base/dav/c1/"
expect_rc 0 "collect --upload"
b=$(ls "$T/c1"/*.tar.zst)
[ -f "$b.sig" ] || fail "collect --upload left no signature"
cmp -s "$b" "$NGINX_WWW/c1/$(basename "$b")" || fail "the uploaded bundle differs"
cmp -s "$b.sig" "$NGINX_WWW/c1/$(basename "$b").sig" || fail "the uploaded signature differs"
grep -q "^Wrote $b" "$T/out" || { show "$T/out"; fail "no 'Wrote' line"; }
grep -q "^Uploaded $b and its signature to $base (PUT, HTTP 201" "$T/out" || { show "$T/out"; fail "no 'Uploaded' line"; }

run_nr collect --only kernel -o "$T/c2" --sign-key "$T/signer/key" --upload "$base/dav/c2/" --json
expect_rc 0 "collect --upload --json"
is_valid_json "$T/out" || { show "$T/out"; fail "collect --upload --json is not one JSON document"; }
jget "$T/out" "m['upload']" >"$T/upload.json"
validate_schema "$T/upload.json" upload-result.schema.json
assert_eq "$(jget "$T/out" "(m['upload']['status'], m['upload']['signed'], m['upload']['bundle'] == m['bundle'])")" \
	'["uploaded", true, true]' "the upload member of collect --json"

port=$(free_port)
NR_UPLOAD_BACKOFF_MS=50 run_nr collect --only kernel -o "$T/c3" --sign-key "$T/signer/key" \
	--upload "https://127.0.0.1:$port/nothing/"
expect_rc 5 "collect --upload to nothing"
b=$(ls "$T/c3"/*.tar.zst)
[ -f "$b" ] && [ -f "$b.sig" ] || fail "the bundle was not kept after a failed upload"
grep -q "the bundle is kept in $b; send it later with 'nest-report upload" "$T/err" ||
	{ show "$T/err"; fail "no line saying where the bundle is kept"; }
verdict
