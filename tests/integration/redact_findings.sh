#!/bin/sh
# SPDX-License-Identifier: MIT
# Redaction keeps the report useful: for the captured machine in
# tests/fixtures/captured, every real machine of
# $NR_SHARED_DIR/fixtures/real-machines (collect --sysroot) and this
# machine, the findings of a bundle collected with --redact, and of the
# plain bundle redacted afterwards, are those of the plain bundle (same
# rule ids, severities and levels; the same messages and hints once the
# map's identities are replaced by their placeholders), and `show`
# evaluates them again to the same list.  Both redacted bundles verify (archive, members, schema), diff
# against the plain one, and sign and verify with a key like any bundle.
# (The real machines are redacted after collection only: collect --redact
# is the same pipeline, exercised on the other trees.)
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../replay-lib.sh"
need_cmd tar zstd ssh-keygen

# compare NAME PLAIN_MANIFEST REDACTED_BUNDLE: the findings agree.
compare() {
	_cn=$1 _plain=$2 _b=$3
	X="$T/x-red"
	rm -rf "$X"
	unpack "$_b" "$X"
	validate_schema "$M" manifest.schema.json
	_map="$_b.redact-map.json"
	"$PY" - "$_plain" "$M" "$_map" >"$T/cmp" 2>&1 <<'EOF' || { cat "$T/cmp" >&2; fail "$_cn: findings differ after redaction"; }
import json, re, sys
plain = json.load(open(sys.argv[1]))
red = json.load(open(sys.argv[2]))
originals = [e["original"] for e in json.load(open(sys.argv[3]))["entries"]]
entries = sorted(json.load(open(sys.argv[3]))["entries"], key=lambda e: -len(e["original"]))
key = lambda f: (f["id"], f["severity"], f["level"])
a = sorted(map(key, plain["findings"]))
b = sorted(map(key, red["findings"]))
if a != b:
    sys.exit("plain %s\nredacted %s" % (a, b))
# The plain text with every identity of the map replaced by its placeholder
# must be the redacted text: the rules said the same about the same facts.
def mapped(text):
    for e in entries:
        text = re.sub(r"(?<![A-Za-z0-9])" + re.escape(e["original"]) + r"(?![A-Za-z0-9])",
                      e["placeholder"], text, flags=re.I)
    return text
for fa, fb in zip(sorted(plain["findings"], key=key), sorted(red["findings"], key=key)):
    for field in ("message", "hint"):
        if mapped(fa[field]) != fb[field]:
            sys.exit("%s %s: %r became %r" % (fa["id"], field, fa[field], fb[field]))
EOF
	run_nr verify "$_b"
	expect_rc 0 "$_cn: verify of the redacted bundle"
	run_nr show "$_b" --json
	expect_rc 0 "$_cn: show of the redacted bundle"
	assert_eq "$(jget "$T/out" "sorted((f['id'], f['severity'], f['level']) for f in m['findings'])")" \
		"$(mget "sorted((f['id'], f['severity'], f['level']) for f in m['findings'])")" \
		"$_cn: show's findings vs the redacted manifest's"
	assert_eq "$(jget "$T/out" "m['redaction']['applied']")" true "$_cn: show --json says it is redacted"
}

# check_tree NAME both|later ARGS...: plain and `redact` runs of collect
# ARGS, and with both, a collect --redact run too (only where two runs see
# the same machine: other tests' QEMUs come and go on this one).
check_tree() {
	_name=$1 _runs=$2
	shift 2
	rm -rf "$T/plain" "$T/red" "$T/later"
	collect_into "$T/plain" "$@"
	PLAIN=$BUNDLE
	cp "$M" "$T/plain.json"
	plain_n=$(mget "len(m['findings'])")
	if [ "$_runs" = both ]; then
		mkdir -p "$T/red"
		run_nr collect -o "$T/red" "$@" --redact
		expect_rc 0 "$_name: collect --redact"
		compare "$_name (collect --redact)" "$T/plain.json" "$(ls "$T"/red/*.tar.zst)"
	fi
	mkdir -p "$T/later"
	run_nr redact "$PLAIN" -o "$T/later"
	expect_rc 0 "$_name: nest-report redact"
	LATER=$(ls "$T"/later/*.tar.zst)
	compare "$_name (redact)" "$T/plain.json" "$LATER"
	run_nr diff "$PLAIN" "$LATER"
	expect_rc 0 "$_name: diff plain redacted"
	note "$_name: $plain_n findings, the same after redaction"
}

check_tree captured-firecracker both --sysroot "$SRC_DIR/tests/fixtures/captured/x86_64-firecracker-pvm"

# A replayed KVM guest with identities where the rules look: its node
# name, and a QEMU process named after a host of its domain, on TCG
# although /dev/kvm works (a warning that names the guest).
tree="$T/acme/tree"
make_tree "$tree"
echo "Linux acme-hv7 6.1.0-test #1 SMP x86_64 GNU/Linux" >"$tree/.nest-report/commands/kernel/uname-a.out"
mkdir -p "$tree/proc/4242" "$tree/.nest-report/lists"
printf '%s\0' qemu-system-x86_64 -name guest=acme-db1.corp.acmeco.example -accel tcg -cpu host \
	-m 1024 -netdev user,id=n0,hostfwd=tcp:10.44.0.9:2222-:22 -device virtio-net-pci,netdev=n0,mac=52:54:00:44:00:09 \
	-uuid 6a0c2f1e-1111-4222-8333-944455556666 -drive file=/home/wile/acme-db1.qcow2 >"$tree/proc/4242/cmdline"
printf '1\n4242\nself\n' >"$tree/.nest-report/lists/proc.list"
check_tree acme-replay both --sysroot "$tree"
assert_eq "$(jget "$T/plain.json" "[f['severity'] for f in m['findings'] if f['id'] == 'guest-accel-tcg']")" '["warn"]' \
	"the TCG guest is found in the plain bundle"
assert_eq "$(mget "[f['message'].split(' on ')[0] for f in m['findings'] if f['id'] == 'guest-accel-tcg']")" \
	"[\"guest 'host-2.domain-1.example' (pid 4242)\"]" "the redacted warning names the guest by its placeholder"

# Signing a redacted bundle: a key, allowed_signers, verify.
K="$T/keys"
mkdir -p "$K"
ssh-keygen -q -t ed25519 -N '' -C alice@example -f "$K/ed" || fail "ssh-keygen"
printf 'alice@example namespaces="nest-report" %s\n' "$(cut -d' ' -f1,2 "$K/ed.pub")" >"$K/allowed"
run_nr sign "$LATER" --sign-key "$K/ed"
expect_rc 0 "sign a redacted bundle"
run_nr verify "$LATER" --allowed-signers "$K/allowed" --identity alice@example
expect_rc 0 "verify the signed redacted bundle"
# redact can sign the new bundle itself; the signer it records is redacted.
rm -rf "$T/signed"
mkdir -p "$T/signed"
run_nr redact "$PLAIN" -o "$T/signed" --sign-key "$K/ed" --signer-id alice@nrsigner-box
expect_rc 0 "redact --sign-key"
S=$(ls "$T"/signed/*.tar.zst)
[ -f "$S.sig" ] || fail "redact --sign-key wrote no signature"
run_nr verify "$S" --allowed-signers "$K/allowed" --identity alice@example
expect_rc 0 "verify a bundle signed by redact"
X="$T/x-signed"
unpack "$S" "$X"
assert_eq "$(mget "m['signer']['fingerprint']")" "$(ssh-keygen -l -E sha256 -f "$K/ed.pub" | cut -d' ' -f2)" \
	"the signer's fingerprint"
case $(mget "m['signer']['identity']") in
user-*@host-*) ;;
*) fail "the signer identity is not redacted: $(mget "m['signer']['identity']")" ;;
esac

RM=${NR_SHARED_DIR:-}/fixtures/real-machines
if [ -n "${NR_SHARED_DIR:-}" ] && [ -d "$RM" ]; then
	mkdir -p "$T/trees"
	for tgz in "$RM"/*.tar.gz; do
		machine=$(basename "$tgz" .tar.gz)
		tar -xzf "$tgz" -C "$T/trees" || fail "$machine: cannot unpack"
		check_tree "$machine" later --sysroot "$T/trees/$machine" --timeout 20
	done
else
	note "shared fixtures absent (NR_SHARED_DIR=${NR_SHARED_DIR:-unset}): real machines skipped"
fi

# This machine, as it is (x86info can take seconds and adds no finding here).
check_tree this-machine both --skip x86info,qemu,libvirt
check_tree this-machine-whole later --skip x86info
exit 0
