#!/bin/sh
# SPDX-License-Identifier: MIT
# One byte changed in a member, in the manifest or in the signature: verify
# fails (exit 3) on the check that covers it, and says so; stock
# ssh-keygen -Y verify agrees.  verify --json validates against
# schemas/verify.schema.json.
. "$(dirname "$0")/../lib.sh"
need_cmd ssh-keygen zstd tar

K="$T/keys"
mkdir -p "$K" "$T/b"
ssh-keygen -q -t ed25519 -N '' -C alice@example -f "$K/ed" || fail "ssh-keygen"
printf 'alice@example namespaces="nest-report" %s\n' "$(cut -d' ' -f1,2 "$K/ed.pub")" >"$K/allowed"
run_nr collect -o "$T/b/good.tar" --compress none --only kernel,cpu --sign-key "$K/ed"
expect_rc 0 "collect"
GOOD="$T/b/good.tar"

# verify_json BUNDLE: run verify --json (allowed signers given); output in $T/v.json.
verify_json() {
	run_nr verify "$1" --allowed-signers "$K/allowed" --json
	cp "$T/out" "$T/v.json"
	is_valid_json "$T/v.json" || { show "$T/v.json"; fail "verify --json output is not JSON"; }
	validate_schema "$T/v.json" verify.schema.json
}

# expect_checks SIG ARCHIVE MEMBERS SCHEMA: the statuses in $T/v.json.
expect_checks() {
	got=$(jget "$T/v.json" "' '.join(m['checks'][c]['status'] for c in ('signature', 'archive', 'members', 'schema'))")
	[ "$got" = "$*" ] || { show "$T/v.json" 60; fail "check statuses: expected '$*', got '$got'"; }
}

expect_message() { # CHECK SUBSTRING
	jget "$T/v.json" "m['checks']['$1']['message']" | grep -qF -- "$2" ||
		{ show "$T/v.json" 60; fail "$1 message lacks '$2'"; }
}

stock_rejects() {
	if ssh-keygen -Y verify -f "$K/allowed" -I alice@example -n nest-report -s "$2" <"$1" >/dev/null 2>&1; then
		fail "stock ssh-keygen accepts tampered $1"
	fi
}

# copy_and_flip SRC DST OFFSET: copy SRC to DST with the byte at OFFSET changed.
copy_and_flip() {
	cp "$1" "$2"
	"$PY" - "$2" "$3" <<'PYEOF'
import sys
path, off = sys.argv[1], int(sys.argv[2])
with open(path, "r+b") as f:
    f.seek(off)
    b = f.read(1)
    f.seek(off)
    # a different character of the same class keeps hex hex and text text
    f.write(bytes([b[0] ^ 0x01]))
PYEOF
}

# data_offset TAR MEMBER [NEEDLE]: where MEMBER's data starts (plus where
# NEEDLE starts in it).
data_offset() {
	"$PY" - "$1" "$2" "${3:-}" <<'PYEOF'
import sys, tarfile
with tarfile.open(sys.argv[1]) as t:
    m = t.getmember(sys.argv[2])
    data = t.extractfile(m).read()
needle = sys.argv[3].encode()
print(m.offset_data + (data.index(needle) if needle else len(data) // 2))
PYEOF
}

verify_json "$GOOD"
expect_rc 0 "verify of the untouched bundle"
expect_checks pass pass pass pass
assert_eq "$(jget "$T/v.json" "m['verified']")" true "verified"
assert_eq "$(jget "$T/v.json" "m['signer']['principal']")" alice@example "signer.principal"

# 1. One byte of a member.
copy_and_flip "$GOOD" "$T/b/member.tar" "$(data_offset "$GOOD" levels/l0/kernel/uname-a)"
cp "$GOOD.sig" "$T/b/member.tar.sig"
verify_json "$T/b/member.tar"
expect_rc 3 "verify after changing a member"
expect_checks fail pass fail pass
expect_message members "member 'levels/l0/kernel/uname-a': sha256 differs from the manifest"
expect_message signature "bad signature"
stock_rejects "$T/b/member.tar" "$T/b/member.tar.sig"
run_nr verify "$T/b/member.tar" --allowed-signers "$K/allowed"
grep -q "NOT verified: failed signature, members" "$T/out" || { show "$T/out"; fail "text verdict (member)"; }

# 2. One byte of the manifest: the first letter of the host name (the
# members still match) ...
copy_and_flip "$GOOD" "$T/b/manifest.tar" "$(($(data_offset "$GOOD" manifest.json '"host": "') + 9))"
cp "$GOOD.sig" "$T/b/manifest.tar.sig"
verify_json "$T/b/manifest.tar"
expect_rc 3 "verify after changing the manifest's host"
expect_checks fail pass pass pass
stock_rejects "$T/b/manifest.tar" "$T/b/manifest.tar.sig"

# ... and a digit of a listed sha256: the members check catches it too.
tar -xOf "$GOOD" manifest.json >"$T/m.json"
M="$T/m.json"
sha=$(mget "probe('kernel')['artifacts'][0]['sha256']")
path=$(mget "probe('kernel')['artifacts'][0]['path']")
copy_and_flip "$GOOD" "$T/b/sha.tar" "$(data_offset "$GOOD" manifest.json "$sha")"
cp "$GOOD.sig" "$T/b/sha.tar.sig"
verify_json "$T/b/sha.tar"
expect_rc 3 "verify after changing a listed sha256"
expect_checks fail pass fail pass
expect_message members "member '$path': sha256 differs from the manifest"

# 3. One byte of the signature (inside the signature blob).
cp "$GOOD" "$T/b/sig.tar"
"$PY" - "$GOOD.sig" "$T/b/sig.tar.sig" <<'PYEOF'
import sys
lines = open(sys.argv[1]).read().split("\n")
i = len(lines) - 3          # the last base64 line, before the END line
s = lines[i]
j = len(s) // 2
lines[i] = s[:j] + ("A" if s[j] != "A" else "B") + s[j + 1:]
open(sys.argv[2], "w").write("\n".join(lines))
PYEOF
verify_json "$T/b/sig.tar"
expect_rc 3 "verify after changing the signature"
expect_checks fail pass pass pass
stock_rejects "$T/b/sig.tar" "$T/b/sig.tar.sig"

# 4. A byte of a compressed bundle: the archive no longer reads.
mkdir -p "$T/z"
run_nr collect -o "$T/z/good.tar.zst" --only kernel,cpu --sign-key "$K/ed"
expect_rc 0 "collect (zstd)"
size=$(file_size "$T/z/good.tar.zst")
copy_and_flip "$T/z/good.tar.zst" "$T/z/bad.tar.zst" $((size / 2))
cp "$T/z/good.tar.zst.sig" "$T/z/bad.tar.zst.sig"
verify_json "$T/z/bad.tar.zst"
expect_rc 3 "verify after changing a compressed byte"
assert_eq "$(jget "$T/v.json" "m['checks']['signature']['status']")" fail "signature of the corrupt zstd bundle"
assert_eq "$(jget "$T/v.json" "m['verified']")" false "verified (corrupt zstd)"

# Could not run: exit 1, nothing on stdout.
run_nr verify "$T/nope.tar.zst"
expect_rc 1 "verify of a missing file"
[ -s "$T/out" ] && fail "verify of a missing file printed on stdout"
run_nr verify "$GOOD" --allowed-signers "$T/no-such-file"
expect_rc 1 "verify with a missing allowed_signers"
run_nr verify
expect_rc 2 "verify without a bundle"
exit 0
