#!/bin/sh
# SPDX-License-Identifier: MIT
# `upload --method post` to the reference portal (tests/portal/, Python's
# standard library over TLS on loopback): the portal parses the multipart
# body, checks the manifest part against the bundle's own manifest.json,
# verifies the signature with ssh-keygen -Y verify against the test's
# allowed_signers, validates the manifest against the schema and stores
# the bundle under its sha256, which is the id nest-report prints.  Also:
# a second upload of the same bundle is stored once; field names are
# configurable and a part can be left out; the bearer token comes from a
# file, the environment or the config file; a wrong token is exit 4 after
# one request; an unsigned or tampered bundle is refused by the portal.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../upload-lib.sh"
need_upload_tools
make_pki
make_bundle
sha=$(sha256_of "$BUNDLE")
echo "portal-token-$$-$(date +%s)" >"$T/token"
chmod 600 "$T/token"
portal_start main --token-file "$T/token"

up "$BUNDLE" --to "$PORTAL_URL" --method post --cacert "$PKI/ca.pem" --token-file "$T/token"
expect_rc 0 "POST to the portal"
grep -qx "Server id: $sha" "$T/out" || { show "$T/out"; show "$PORTAL_LOG"; fail "no 'Server id: <sha256>' line"; }
grep -q "^Server URL: https://127.0.0.1:.*/v1/bundles/$sha\$" "$T/out" || { show "$T/out"; fail "no server URL"; }
cmp -s "$BUNDLE" "$PORTAL_STORE/$sha/bundle" || fail "the stored bundle differs from $BUNDLE"
cmp -s "$BUNDLE.sig" "$PORTAL_STORE/$sha/bundle.sig" || fail "the stored signature differs"
decompress "$BUNDLE" | tar -xOf - manifest.json >"$T/manifest.json"
cmp -s "$T/manifest.json" "$PORTAL_STORE/$sha/manifest.json" || fail "the stored manifest differs"
assert_eq "$(jget "$PORTAL_STORE/$sha/meta.json" "m['signer']")" nr-test@example.org "signer the portal found"

# The same bundle again: stored once, same id (200, not 201), JSON result valid.
up "$BUNDLE" --to "$PORTAL_URL" --method post --cacert "$PKI/ca.pem" --token-file "$T/token" --json
expect_rc 0 "POST of the same bundle again"
validate_schema "$T/out" upload-result.schema.json
assert_eq "$(result_get "(m['server']['id'], m['http_status'], m['method'], m['files'])")" \
	"[\"$sha\", 200, \"post\", 3]" "second upload's result"
assert_eq "$(stored_bundles)" 1 "bundles stored after two uploads of one bundle"

# The token from the environment, then from the config file.
NEST_REPORT_TOKEN=$(cat "$T/token")
export NEST_REPORT_TOKEN
up "$BUNDLE" --to "$PORTAL_URL" --method post --cacert "$PKI/ca.pem"
expect_rc 0 "token from NEST_REPORT_TOKEN"
unset NEST_REPORT_TOKEN
mkdir -p "$T/xdg/nest-report"
printf 'upload.url = %s\nupload.method = post\nupload.token_file = %s\n' "$PORTAL_URL" "$T/token" \
	>"$T/xdg/nest-report/config"
export XDG_CONFIG_HOME="$T/xdg"
up "$BUNDLE" --cacert "$PKI/ca.pem" --json
expect_rc 0 "URL, method and token file from the config"
assert_eq "$(result_get "m['method']")" post "method from the config"
unset XDG_CONFIG_HOME

# A wrong token: 401, final after one request, exit 4, the server's text shown.
echo "not-the-token" >"$T/wrong"
chmod 600 "$T/wrong"
n_before=$(line_count "$PORTAL_LOG")
up "$BUNDLE" --to "$PORTAL_URL" --method post --cacert "$PKI/ca.pem" --token-file "$T/wrong" --json
expect_rc 4 "wrong token"
assert_eq "$(result_get "(m['status'], m['http_status'], m['attempts'], m['server_error'])")" \
	'["rejected", 401, 1, "missing or invalid token"]' "401 result"
assert_eq "$(($(line_count "$PORTAL_LOG") - n_before))" 1 "requests made for a 401"
grep -q "server answered 401 Unauthorized: missing or invalid token" "$T/err" || { show "$T/err"; fail "401 message"; }
grep -q "hint: check the token" "$T/err" || { show "$T/err"; fail "no hint about the token"; }

# Field names: a portal that wants attachment/sig and no manifest part.
portal_start fields --field bundle=attachment --field signature=sig --field manifest=meta
up "$BUNDLE" --to "$PORTAL_URL" --method post --cacert "$PKI/ca.pem"
expect_rc 4 "default field names at a portal that wants others"
grep -q "no file part named 'attachment'" "$T/err" || { show "$T/err"; fail "portal's 400 not shown"; }
up "$BUNDLE" --to "$PORTAL_URL" --method post --cacert "$PKI/ca.pem" --field attachment \
	--field signature=sig --field manifest= --json
expect_rc 0 "renamed fields, manifest part left out"
assert_eq "$(result_get "m['files']")" 2 "parts sent without the manifest"
assert_eq "$(stored_bundles)" 1 "bundles stored by the second portal"

# Unsigned: nest-report says so, the portal (which requires signatures) refuses.
cp "$BUNDLE" "$T/unsigned.tar.zst"
up "$T/unsigned.tar.zst" --to "$PORTAL_URL" --method post --cacert "$PKI/ca.pem" --field attachment \
	--field signature=sig
expect_rc 4 "unsigned bundle at a portal that wants signatures"
grep -q "no signature beside it" "$T/err" || { show "$T/err"; fail "no 'unsigned' warning"; }
grep -q "not signed" "$T/err" || { show "$T/err"; fail "the portal's reason is not shown"; }

# Signed by a key the portal does not trust: refused with the portal's reason.
cp "$BUNDLE" "$T/stranger.tar.zst"
ssh-keygen -q -t ed25519 -N '' -f "$T/stranger-key" </dev/null >/dev/null
ssh-keygen -q -Y sign -f "$T/stranger-key" -n nest-report "$T/stranger.tar.zst" </dev/null 2>/dev/null
up "$T/stranger.tar.zst" --to "$PORTAL_URL" --method post --cacert "$PKI/ca.pem" --field attachment \
	--field signature=sig
expect_rc 4 "bundle signed by an untrusted key"
grep -q "not by a key in allowed_signers" "$T/err" || { show "$T/err"; fail "signature refusal not shown"; }
assert_eq "$(stored_bundles)" 1 "bundles stored after the refusals"
verdict
