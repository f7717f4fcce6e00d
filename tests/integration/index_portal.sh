#!/bin/sh
# SPDX-License-Identifier: MIT
# A portal that indexes what it receives (schemas/upload-api.md, "Indexing
# what arrives"): the reference portal with --index-db runs `nest-report
# index add` on each stored bundle.  An upload is indexed where the portal
# stored it, with the signer its allowed_signers names; the same upload
# again is stored and indexed once; a bundle that passes the portal's own
# checks but not the index's caps is refused (422) and not kept.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../upload-lib.sh"
. "$TESTS_DIR/index-lib.sh"
need_upload_tools
make_pki
make_bundle
sha=$(sha256_of "$BUNDLE")
DB="$T/portal-index.sqlite"
portal_start main --index-db "$DB" --nest-report "$NR_BIN"

up "$BUNDLE" --to "$PORTAL_URL" --method post --cacert "$PKI/ca.pem" --json
expect_rc 0 "POST to an indexing portal"
assert_eq "$(result_get "m['server']['id']")" "$sha" "the portal's id"
ix_ok "$DB" query --json
assert_eq "$(jget "$T/out" "[(b['sha256'], b['path'], b['signature']['status'], b['signature']['principal']) for b in m['bundles']]")" \
	"[[\"$sha\", \"$PORTAL_STORE/$sha/bundle\", \"good\", \"nr-test@example.org\"]]" \
	"indexed where it is stored, signed by whom allowed_signers says"

up "$BUNDLE" --to "$PORTAL_URL" --method post --cacert "$PKI/ca.pem" --json
expect_rc 0 "the same bundle again"
ix_ok "$DB" query --json
assert_eq "$(jget "$T/out" "m['total']")" 1 "indexed once"

# Over the index's caps (65 levels), yet valid against the schema and
# signed: the portal's own checks pass, the index refuses it.
"$PY" "$SYNTH" hostile "$BUNDLE" "$T/caps" || fail "synth hostile"
HOSTILE="$T/caps/too-many-levels.tar.zst"
ssh-keygen -q -Y sign -f "$T/signer/key" -n nest-report "$HOSTILE" </dev/null 2>/dev/null || fail "sign"
up "$HOSTILE" --to "$PORTAL_URL" --method post --cacert "$PKI/ca.pem" --json
expect_rc 4 "a bundle the index refuses"
assert_eq "$(result_get "m['http_status']")" 422 "refused with 422"
result_get "m['server_error']" | grep -q "the index refused the bundle: the manifest has 65 levels" ||
	{ show "$T/out"; fail "the refusal does not say why"; }
[ ! -e "$PORTAL_STORE/$(sha256_of "$HOSTILE")" ] || fail "the refused bundle was kept"
assert_eq "$(stored_bundles)" 1 "bundles the portal keeps"
exit 0
