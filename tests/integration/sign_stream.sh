#!/bin/sh
# SPDX-License-Identifier: MIT
# collect signs the bundle as it writes it, without reading it back:
# ssh-keygen -Y sign gets the bytes on a pipe (a wrapper records what its
# stdin is, then runs the real one), and the signature checks with stock
# `ssh-keygen -Y verify < BUNDLE`.  When the bundle takes another name
# than planned ("-2", an earlier bundle has the name), the signature
# follows it.  A signer that dies half-way through a large bundle costs the
# signature, never the bundle: exit 0, the bundle whole, no .sig, no
# temporary file, and the reason said.  verify and sign read a bundle once
# too: ssh-keygen gets the bytes the reader reads, on a pipe, and still
# sees a change in the bytes the reader does not need (the end).
. "$(dirname "$0")/../lib.sh"
need_cmd ssh-keygen zstd tar head od
REAL=$(command -v ssh-keygen)

K="$T/keys"
mkdir -p "$K"
ssh-keygen -q -t ed25519 -N '' -C alice@example -f "$K/ed" || fail "ssh-keygen ed25519"
printf 'alice@example namespaces="nest-report" %s\n' "$(cut -d' ' -f1,2 "$K/ed.pub")" >"$K/allowed"
CFG="$T/cfg"
mkdir -p "$CFG/nest-report"
: >"$CFG/nest-report/config"

# 8 MiB of incompressible output, so that the bundle is many pipe-fulls.
fake_cmd lscpu 'head -c 8388608 /dev/urandom | od -An -tx1 -v'

fake_cmd ssh-keygen "readlink /proc/\$\$/fd/0 >>'$T/stdin-of-signer'; exec '$REAL' \"\$@\""
mkdir -p "$T/ok"
XDG_CONFIG_HOME=$CFG run_nr collect -o "$T/ok" --only cpu --sign-key "$K/ed"
expect_rc 0 "collect --sign-key"
one_bundle_and_sig() { # DIR: BUNDLE and its .sig, nothing else
	BUNDLE=$(ls "$1"/*.tar.zst 2>/dev/null | tail -n 1)
	[ -f "$BUNDLE.sig" ] || { show "$T/err"; fail "no signature beside $BUNDLE"; }
}
one_bundle_and_sig "$T/ok"
assert_eq "$(ls -A "$T/ok" | wc -l)" 2 "files in the output directory (bundle and .sig)"
case $(cat "$T/stdin-of-signer") in
pipe:*) ;;
*) fail "ssh-keygen -Y sign read $(cat "$T/stdin-of-signer"), not a pipe from the writer" ;;
esac
assert_eq "$(line_count "$T/stdin-of-signer")" 1 "ssh-keygen runs"
assert_gt "$(file_size "$BUNDLE")" 8000000 "bundle size (many pipe-fulls)"
ssh-keygen -Y verify -f "$K/allowed" -I alice@example -n nest-report -s "$BUNDLE.sig" <"$BUNDLE" \
	>"$T/stock" 2>&1 || { show "$T/stock"; fail "stock ssh-keygen -Y verify rejects the signature"; }
run_nr verify "$BUNDLE" --allowed-signers "$K/allowed"
expect_rc 0 "nest-report verify"

# The planned name is taken: the bundle becomes NAME-2, and so does the
# signature.  (Names have a one-second clock: hold the next few.)
first=$(basename "$BUNDLE")
host=${first#nest-report-}
host=${host%-*T*Z.tar.zst}
mkdir -p "$T/clash"
for s in 0 1 2 3 4 5 6 7 8 9; do
	: >"$T/clash/nest-report-$host-$(date -u -d "+$s sec" +%Y%m%dT%H%M%SZ).tar.zst"
done
XDG_CONFIG_HOME=$CFG run_nr collect -o "$T/clash" --only kernel --sign-key "$K/ed"
expect_rc 0 "collect into a directory holding the planned name"
B2=$(ls "$T/clash"/*-2.tar.zst 2>/dev/null) || { ls -A "$T/clash" >&2; fail "no -2 bundle"; }
[ -f "$B2.sig" ] || { ls -A "$T/clash" >&2; fail "the signature did not follow the bundle to $B2"; }
ssh-keygen -Y verify -f "$K/allowed" -I alice@example -n nest-report -s "$B2.sig" <"$B2" \
	>/dev/null 2>&1 || fail "the -2 bundle's signature does not verify"
ls -A "$T/clash" | grep -q 'tmp' && fail "temporary file left: $(ls -A "$T/clash")"

# verify checks the signature over the bytes it reads for the archive:
# ssh-keygen -Y verify gets them on a pipe, once, and its verdict holds.
fake_cmd ssh-keygen "case \"\$2\" in verify|sign) readlink /proc/\$\$/fd/0 >>\"$T/stdin-of-\$2\";; esac; exec '$REAL' \"\$@\""
: >"$T/stdin-of-verify"
run_nr verify "$BUNDLE" --allowed-signers "$K/allowed"
expect_rc 0 "verify, streamed"
grep -q "^signature  pass  good signature by alice@example" "$T/out" || { show "$T/out"; fail "streamed verify: signature line"; }
case $(cat "$T/stdin-of-verify") in
pipe:*) ;;
*) fail "ssh-keygen -Y verify read $(cat "$T/stdin-of-verify"), not the reader's pipe" ;;
esac
assert_eq "$(line_count "$T/stdin-of-verify")" 1 "ssh-keygen -Y verify runs"
# A byte changed at the end of the file (zstd padding the reader stops
# before): the signature check, fed the rest of the file, still sees it.
cp "$BUNDLE" "$T/tampered.tar.zst"
cp "$BUNDLE.sig" "$T/tampered.tar.zst.sig"
printf 'X' | dd of="$T/tampered.tar.zst" bs=1 seek=$(($(file_size "$BUNDLE") - 1)) conv=notrunc 2>/dev/null
run_nr verify "$T/tampered.tar.zst" --allowed-signers "$K/allowed"
expect_rc 3 "verify of a bundle whose last byte changed"
grep -q "^signature  fail  bad signature" "$T/out" || { show "$T/out"; fail "the last byte's change was not seen by the signature check"; }

# sign checks and signs in one pass too: ssh-keygen -Y sign reads the
# checker's pipe; a bundle that fails a check gets no signature at all.
rm -f "$BUNDLE.sig"
: >"$T/stdin-of-sign"
XDG_CONFIG_HOME=$CFG run_nr sign "$BUNDLE" --sign-key "$K/ed"
expect_rc 0 "sign, streamed"
case $(cat "$T/stdin-of-sign") in
pipe:*) ;;
*) fail "ssh-keygen -Y sign read $(cat "$T/stdin-of-sign"), not the checker's pipe" ;;
esac
ssh-keygen -Y verify -f "$K/allowed" -I alice@example -n nest-report -s "$BUNDLE.sig" <"$BUNDLE" \
	>/dev/null 2>&1 || fail "the signature sign made does not verify with stock ssh-keygen"
rm -f "$T/tampered.tar.zst.sig"
XDG_CONFIG_HOME=$CFG run_nr sign "$T/tampered.tar.zst" --sign-key "$K/ed"
expect_rc 1 "sign of a bundle that fails a check"
grep -q "not signing" "$T/err" || { show "$T/err"; fail "sign of a bad bundle: message"; }
ls -A "$T" | grep -q "tampered.tar.zst.sig" && fail "a signature was left for a bundle that fails a check"
rm -f "$FAKEBIN/ssh-keygen"

# The signer reads 100 kB and dies: the bundle is written anyway, whole.
fake_cmd ssh-keygen "head -c 100000 >/dev/null; echo 'signer died' >&2; exit 1"
mkdir -p "$T/died"
XDG_CONFIG_HOME=$CFG run_nr collect -o "$T/died" --only cpu --sign-key "$K/ed"
expect_rc 0 "collect when the signer dies half-way"
one_bundle "$T/died"
grep -q "written but unsigned: ssh-keygen -Y sign failed: signer died" "$T/err" ||
	{ show "$T/err"; fail "the signer's failure is not reported"; }
rm -f "$FAKEBIN/ssh-keygen"
run_nr verify "$BUNDLE"
expect_rc 0 "the bundle left by a dead signer verifies"
exit 0
