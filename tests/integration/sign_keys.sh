#!/bin/sh
# SPDX-License-Identifier: MIT
# Signing: keys made here (ed25519 and rsa) sign at collect time; the
# signature checks with `nest-report verify` and with stock
# `ssh-keygen -Y verify`; key selection (--sign-key, config, ssh-agent,
# ~/.ssh/id_ed25519); no key: the bundle is written, unsigned, and says how
# to sign it later; `nest-report sign` does; the manifest names the signer.
. "$(dirname "$0")/../lib.sh"
need_cmd ssh-keygen ssh-agent ssh-add zstd tar

K="$T/keys"
mkdir -p "$K"
ssh-keygen -q -t ed25519 -N '' -C alice@example -f "$K/ed" || fail "ssh-keygen ed25519"
ssh-keygen -q -t rsa -b 3072 -N '' -C bob@example -f "$K/rsa" || fail "ssh-keygen rsa"
{
	printf 'alice@example namespaces="nest-report" %s\n' "$(cut -d' ' -f1,2 "$K/ed.pub")"
	printf 'bob@example namespaces="nest-report" %s\n' "$(cut -d' ' -f1,2 "$K/rsa.pub")"
} >"$K/allowed"

# fpr KEYFILE: the SHA256 fingerprint ssh-keygen prints.
fpr() {
	ssh-keygen -l -E sha256 -f "$1" | cut -d' ' -f2
}

# A config of our own: signing is on (lib.sh turns it off for other tests).
CFG="$T/cfg"
mkdir -p "$CFG/nest-report"
: >"$CFG/nest-report/config"

for kind in ed rsa; do
	case $kind in ed) who=alice@example kt=ssh-ed25519 ;; rsa) who=bob@example kt=ssh-rsa ;; esac
	mkdir -p "$T/$kind"
	XDG_CONFIG_HOME=$CFG run_nr collect -o "$T/$kind" --only kernel --sign-key "$K/$kind" --signer-id "$who"
	expect_rc 0 "collect --sign-key ($kind)"
	B=$(ls "$T/$kind"/*.tar.zst)
	[ -f "$B.sig" ] || fail "$kind: no $B.sig"
	grep -q "signed: $B.sig" "$T/err" || { show "$T/err"; fail "$kind: collect did not say it signed"; }
	ls -A "$T/$kind" | grep -q 'tmp' && fail "$kind: temporary file left: $(ls -A "$T/$kind")"
	# Stock OpenSSH alone.
	ssh-keygen -Y verify -f "$K/allowed" -I "$who" -n nest-report -s "$B.sig" <"$B" >"$T/stock" 2>&1 ||
		{ show "$T/stock"; fail "$kind: stock ssh-keygen -Y verify rejects the signature"; }
	# Ours, found principal and explicit identity.
	run_nr verify "$B" --allowed-signers "$K/allowed"
	expect_rc 0 "verify ($kind)"
	grep -q "^signature  pass  good signature by $who" "$T/out" || { show "$T/out"; fail "$kind: verify output"; }
	run_nr verify "$B" --allowed-signers "$K/allowed" --identity "$who"
	expect_rc 0 "verify --identity $who ($kind)"
	run_nr verify "$B" --allowed-signers "$K/allowed" --identity mallory@example
	expect_rc 3 "verify --identity mallory ($kind)"
	# The manifest records the signer (informational).
	mkdir -p "$T/x-$kind"
	zstd -dc "$B" | tar -xO manifest.json >"$T/x-$kind/m.json"
	M="$T/x-$kind/m.json"
	assert_eq "$(mget "m['signer']['identity']")" "$who" "$kind: manifest signer.identity"
	assert_eq "$(mget "m['signer']['key_type']")" "$kt" "$kind: manifest signer.key_type"
	assert_eq "$(mget "m['signer']['fingerprint']")" "$(fpr "$K/$kind.pub")" "$kind: manifest signer.fingerprint"
	validate_schema "$M" manifest.schema.json
done

# No key anywhere: the bundle is still written, and the user is told.
mkdir -p "$T/nokey" "$T/home"
HOME=$T/home XDG_CONFIG_HOME=$CFG run_nr collect -o "$T/nokey" --only kernel
expect_rc 0 "collect without any key"
one_bundle "$T/nokey"
grep -q "unsigned.*nest-report sign $BUNDLE" "$T/err" || { show "$T/err"; fail "no-key collect does not say how to sign"; }
M="$T/nokey-m.json"
zstd -dc "$BUNDLE" | tar -xO manifest.json >"$M"
assert_eq "$(mget "m['signer']")" null "unsigned manifest signer"
run_nr verify "$BUNDLE"
expect_rc 0 "verify of an unsigned bundle without --allowed-signers"
grep -q '^signature  skip  unsigned' "$T/out" || { show "$T/out"; fail "unsigned verify line"; }
run_nr verify "$BUNDLE" --allowed-signers "$K/allowed"
expect_rc 3 "verify of an unsigned bundle with --allowed-signers"

# ... and `nest-report sign` signs it later; a second time needs --force.
HOME=$T/home XDG_CONFIG_HOME=$CFG run_nr sign "$BUNDLE" --sign-key "$K/ed"
expect_rc 0 "sign"
run_nr verify "$BUNDLE" --allowed-signers "$K/allowed"
expect_rc 0 "verify after sign"
HOME=$T/home XDG_CONFIG_HOME=$CFG run_nr sign "$BUNDLE" --sign-key "$K/rsa"
expect_rc 1 "sign over an existing signature"
grep -q -- '--force' "$T/err" || fail "sign does not mention --force"
HOME=$T/home XDG_CONFIG_HOME=$CFG run_nr sign "$BUNDLE" --sign-key "$K/rsa" --force
expect_rc 0 "sign --force"
run_nr verify "$BUNDLE" --allowed-signers "$K/allowed"
grep -q 'good signature by bob@example' "$T/out" || { show "$T/out"; fail "re-signed bundle"; }
HOME=$T/home XDG_CONFIG_HOME=$CFG run_nr sign "$BUNDLE" --force
expect_rc 1 "sign with no key available"
grep -q 'no SSH key found' "$T/err" || { show "$T/err"; fail "sign without a key: message"; }

# Key selection: config sign.key; then ssh-agent; then ~/.ssh/id_ed25519.
mkdir -p "$T/cfgkey"
printf '# ours\nsign.key = %s\nsign.signer_id = carol@example\n' "$K/rsa" >"$CFG/nest-report/config"
HOME=$T/home XDG_CONFIG_HOME=$CFG run_nr collect -o "$T/cfgkey" --only kernel
expect_rc 0 "collect with sign.key in the config"
grep -q "$(fpr "$K/rsa.pub").*config sign.key" "$T/err" || { show "$T/err"; fail "config sign.key not used"; }
: >"$CFG/nest-report/config"

eval "$(ssh-agent -s)" >/dev/null || fail "ssh-agent"
at_exit "kill $SSH_AGENT_PID"
ssh-add -q "$K/rsa" 2>/dev/null || fail "ssh-add"
mkdir -p "$T/agent"
HOME=$T/home XDG_CONFIG_HOME=$CFG run_nr collect -o "$T/agent" --only kernel
expect_rc 0 "collect with a key in ssh-agent"
grep -q "$(fpr "$K/rsa.pub").*ssh-agent" "$T/err" || { show "$T/err"; fail "agent key not used"; }
B=$(ls "$T/agent"/*.tar.zst)
ssh-keygen -Y verify -f "$K/allowed" -I bob@example -n nest-report -s "$B.sig" <"$B" >/dev/null 2>&1 ||
	fail "agent-signed bundle does not verify with ssh-keygen"
ls /tmp/nest-report-agent-* "${TMPDIR:-/tmp}"/nest-report-agent-* 2>/dev/null | grep -q . &&
	fail "the agent key's temporary public key file was left behind"
kill "$SSH_AGENT_PID"
unset SSH_AUTH_SOCK SSH_AGENT_PID

mkdir -p "$T/home/.ssh" "$T/default"
cp "$K/ed" "$K/ed.pub" "$T/home/.ssh/" && mv "$T/home/.ssh/ed" "$T/home/.ssh/id_ed25519" &&
	mv "$T/home/.ssh/ed.pub" "$T/home/.ssh/id_ed25519.pub"
HOME=$T/home XDG_CONFIG_HOME=$CFG run_nr collect -o "$T/default" --only kernel
expect_rc 0 "collect with ~/.ssh/id_ed25519"
grep -q "$(fpr "$K/ed.pub").*~/.ssh/id_ed25519" "$T/err" || { show "$T/err"; fail "default identity not used"; }

# --no-sign wins over every key.
mkdir -p "$T/nosign"
HOME=$T/home XDG_CONFIG_HOME=$CFG run_nr collect -o "$T/nosign" --only kernel --no-sign
expect_rc 0 "collect --no-sign"
one_bundle "$T/nosign"
grep -q unsigned "$T/err" && fail "--no-sign still warns about being unsigned"

# Signing fails half-way (ssh-keygen writes a partial signature, then
# fails): the good bundle stays, no .sig and no temporary file are left.
mkdir -p "$T/sigfail"
fake_cmd ssh-keygen 'echo "-----BEGIN SSH SIGNATURE-----"; echo U1NIU0lH; exit 1'
XDG_CONFIG_HOME=$CFG run_nr collect -o "$T/sigfail" --only kernel --sign-key "$K/ed"
expect_rc 0 "collect when signing fails"
one_bundle "$T/sigfail"
grep -q "written but unsigned.*nest-report sign" "$T/err" || { show "$T/err"; fail "signing failure not reported"; }
rm -f "$FAKEBIN/ssh-keygen"
run_nr verify "$BUNDLE"
expect_rc 0 "the bundle left by a failed signing verifies"

# An encrypted private key without its .pub: the manifest still names its
# fingerprint (from the key file's clear public half), and with no terminal
# to ask the passphrase on, signing fails cleanly: bundle kept, no .sig.
if command -v setsid >/dev/null 2>&1; then
	mkdir -p "$T/enc" "$T/encout"
	ssh-keygen -q -t ed25519 -N 'a passphrase' -C enc@example -f "$T/enc/key" || fail "ssh-keygen (encrypted)"
	mv "$T/enc/key.pub" "$T/enc/elsewhere.pub"
	RC=0
	XDG_CONFIG_HOME=$CFG setsid "$NR_BIN" collect -o "$T/encout" --only kernel --sign-key "$T/enc/key" \
		</dev/null >"$T/out" 2>"$T/err" || RC=$?
	no_sanitizer_report "$T/err" "collect with an encrypted key"
	expect_rc 0 "collect with an encrypted key and no terminal"
	one_bundle "$T/encout"
	grep -q "written but unsigned" "$T/err" || { show "$T/err"; fail "encrypted key: no unsigned warning"; }
	M="$T/enc-m.json"
	zstd -dc "$BUNDLE" | tar -xO manifest.json >"$M"
	assert_eq "$(mget "m['signer']['fingerprint']")" "$(fpr "$T/enc/elsewhere.pub")" "fingerprint of an encrypted key"
fi

# An explicit key that does not exist is a usage error, before any work.
mkdir -p "$T/badkey"
run_nr collect -o "$T/badkey" --only kernel --sign-key "$T/nope"
expect_rc 2 "collect --sign-key MISSING"
assert_empty_dir "$T/badkey" "--sign-key MISSING output dir"
exit 0
