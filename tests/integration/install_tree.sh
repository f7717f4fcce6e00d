#!/bin/sh
# SPDX-License-Identifier: MIT
# `make install` as a packager runs it: PREFIX=/opt/nr, DESTDIR a staging
# tree, then the tree moved elsewhere.  The installed binary finds its own
# schemas relative to itself (RUNTIME_PREFIX, util/datadir.c), so `verify`
# checks the schema and `sign` signs; the baked path follows PREFIX (the
# Makefile rebuilds util/datadir.o, and only it, when it changes).  The
# build is from a clean copy of the sources, at -O0.  With the schemas gone,
# `verify` says the schema check was skipped and why (exit 0, the last line
# naming it) and `sign` still signs.  `uninstall` removes only what install
# wrote, even when DATADIR is a directory others share.
. "$(dirname "$0")/../lib.sh"
need_cmd make cc ssh-keygen zstd tar
[ -f "$SRC_DIR/Makefile" ] || skip "needs the source tree's Makefile"

# A clean copy of the sources, as a user unpacking a release has, built from
# nothing (the developer's own build is never touched).  -O0: quick, and it
# links what -O2 would inline (it found a missing -lm).
S="$T/src"
mkdir -p "$S"
for f in Makefile LICENSE README.md collector probes uploader schemas docs; do
	cp -a "$SRC_DIR/$f" "$S/" || fail "cannot copy $f"
done
MK="make -C $S -j2 SAN=0 CFLAGS=-O0"

$MK install PREFIX=/opt/nr DESTDIR="$T/stage" >"$T/make.out" 2>&1 ||
	{ show "$T/make.out" 60; fail "make install PREFIX=/opt/nr DESTDIR=... failed"; }
ST="$T/stage/opt/nr"
for f in bin/nest-report share/nest-report/schemas/manifest.schema.json \
	share/nest-report/schemas/verify.schema.json share/doc/nest-report/LICENSE \
	share/doc/nest-report/README.md; do
	[ -f "$ST/$f" ] || { find "$T/stage" >&2; fail "make install did not install $f"; }
done
[ -x "$ST/bin/nest-report" ] || fail "the installed binary is not executable"
grep -q -a "/opt/nr/share/nest-report" "$ST/bin/nest-report" ||
	fail "the binary was not rebuilt for PREFIX=/opt/nr (its baked DATADIR is another)"

# Another PREFIX on the same build: only what bakes the path is rebuilt.
$MK install PREFIX=/opt/other DESTDIR="$T/stage3" >"$T/make.out" 2>&1 ||
	{ show "$T/make.out" 60; fail "make install PREFIX=/opt/other failed"; }
grep -q "datadir\.c" "$T/make.out" || { show "$T/make.out"; fail "a new PREFIX did not rebuild util/datadir.c"; }
! grep -q "manifest\.c" "$T/make.out" || fail "a new PREFIX rebuilt everything, not just what bakes the path"
grep -q -a "/opt/other/share/nest-report" "$T/stage3/opt/other/bin/nest-report" ||
	fail "the binary installed with PREFIX=/opt/other bakes another DATADIR"

# Moved: nothing under /opt/nr exists, the tree is found relative to the binary.
mkdir -p "$T/elsewhere"
mv "$ST" "$T/elsewhere/nr"
NB="$T/elsewhere/nr/bin/nest-report"

# A bundle to work on, and a key.
mkdir -p "$T/b"
run_nr collect --sysroot "$SRC_DIR/tests/fixtures/sysroots/intel-host-before" --no-sign -o "$T/b"
expect_rc 0 "collect --sysroot (a bundle for the installed binary)"
one_bundle "$T/b"
ssh-keygen -q -t ed25519 -N '' -C installed@example -f "$T/key" || fail "ssh-keygen"
printf 'installed@example namespaces="nest-report" %s\n' "$(cut -d' ' -f1,2 "$T/key.pub")" >"$T/allowed"

# run_installed ARGS...: the installed binary, out of any source tree, with
# no schema directory from the environment.
run_installed() {
	RC=0
	(cd "$T" && env -u NR_SCHEMA_DIR "$NB" "$@") >"$T/out" 2>"$T/err" || RC=$?
}

run_installed verify "$BUNDLE"
expect_rc 0 "installed verify"
grep -q '^schema .*pass.*valid against urn:nest-report:schema:manifest:1' "$T/out" ||
	{ show "$T/out"; fail "installed verify did not check the schema"; }
run_installed sign "$BUNDLE" --sign-key "$T/key"
expect_rc 0 "installed sign"
[ -f "$BUNDLE.sig" ] || fail "installed sign wrote no signature"
run_installed verify "$BUNDLE" --allowed-signers "$T/allowed"
expect_rc 0 "installed verify --allowed-signers"
grep -q '^signature .*pass' "$T/out" || { show "$T/out"; fail "the signature did not check"; }
grep -q ': verified$' "$T/out" || { show "$T/out"; fail "every check ran and passed: the last line says so plainly"; }

# The schemas gone: skipped with the reason, never a pass; sign unaffected.
rm -rf "$T/elsewhere/nr/share/nest-report/schemas"
run_installed verify "$BUNDLE"
expect_rc 0 "verify without schemas"
grep -q '^schema .*skip.*not checked: no schemas directory (looked in .*elsewhere/nr/share/nest-report/schemas, /opt/nr/share/nest-report/schemas)' "$T/out" ||
	{ show "$T/out"; fail "verify did not say why the schema was not checked"; }
tail -n 1 "$T/out" | grep -q 'verified (not checked: signature, schema)$' ||
	{ show "$T/out"; fail "the last line hides that the schema was not checked"; }
run_installed verify "$BUNDLE" --json
expect_rc 0 "verify --json without schemas"
assert_eq "$(jget "$T/out" "m['checks']['schema']['status']")" skip "verify --json: schema status"
run_installed sign "$BUNDLE" --sign-key "$T/key" --force
expect_rc 0 "sign without schemas"
grep -q 'schema not checked: no schemas directory' "$T/err" || { show "$T/err"; fail "sign did not warn"; }
ssh-keygen -Y verify -f "$T/allowed" -I installed@example -n nest-report -s "$BUNDLE.sig" \
	<"$BUNDLE" >/dev/null 2>&1 || fail "the signature made without schemas does not verify"

# uninstall removes what install wrote and nothing else, in a shared DATADIR.
SH="$T/shared/share"
mkdir -p "$SH/schemas"
echo keep >"$SH/someone-elses-file"
echo keep >"$SH/schemas/someone-elses.json"
$MK install PREFIX="$T/stage2" DATADIR="$SH" >"$T/make.out" 2>&1 ||
	{ show "$T/make.out" 60; fail "make install DATADIR=shared failed"; }
[ -f "$SH/schemas/manifest.schema.json" ] || fail "install did not write into DATADIR"
$MK uninstall PREFIX="$T/stage2" DATADIR="$SH" >"$T/make.out" 2>&1 ||
	{ show "$T/make.out" 60; fail "make uninstall failed"; }
[ -f "$SH/someone-elses-file" ] && [ -f "$SH/schemas/someone-elses.json" ] ||
	fail "make uninstall removed files it did not install"
[ ! -e "$SH/schemas/manifest.schema.json" ] || fail "make uninstall left the schemas"
[ ! -e "$T/stage2/bin/nest-report" ] || fail "make uninstall left the binary"
[ ! -e "$T/stage2/share/doc/nest-report" ] || fail "make uninstall left the documentation"
exit 0
