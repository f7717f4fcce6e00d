#!/bin/sh
# SPDX-License-Identifier: MIT
# The redaction map never leaves the machine: it is written beside the
# bundle (mode 0600, its own JSON), never into the bundle, and never sent:
# not by `upload` (PUT to a real nginx), not by `collect --redact --upload`,
# and the identities it holds are in nothing that was sent.
#
# And what redaction refuses, with nothing left behind: a bundle already
# redacted, a bundle whose members do not match its manifest (redaction
# must not launder a tampered bundle into one that verifies), a map file
# that is already there, a word that would break the bundle, a map file
# that is not one.  --redact-map gives the same identities the same
# placeholders in a new bundle; redact.enabled and redact.words in the
# config work as the options do, and --no-redact wins over the config.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../replay-lib.sh"
. "$(dirname "$0")/../upload-lib.sh"
need_upload_tools
make_pki
nginx_start
base="https://127.0.0.1:$NGINX_PORT"
mkdir -p "$T/xdg/nest-report"
printf 'sign.enabled = no\nupload.cacert = %s\n' "$PKI/ca.pem" >"$T/xdg/nest-report/config"
export XDG_CONFIG_HOME="$T/xdg"

# A replayed machine with identities: its node name, a guest named after a
# host of its domain, addresses, a MAC, a home.
tree="$T/tree"
make_tree "$tree"
echo "Linux acme-hv7 6.1.0-test #1 SMP x86_64 GNU/Linux" >"$tree/.nest-report/commands/kernel/uname-a.out"
mkdir -p "$tree/proc/4242" "$tree/.nest-report/lists"
printf '%s\0' qemu-system-x86_64 -name guest=acme-db1.corp.acmeco.example -accel kvm -cpu host \
	-netdev user,id=n0,hostfwd=tcp:10.44.0.9:2222-:22 -device virtio-net-pci,netdev=n0,mac=52:54:00:44:00:09 \
	-drive file=/home/wile/acme-db1.qcow2 >"$tree/proc/4242/cmdline"
printf '1\n4242\n' >"$tree/.nest-report/lists/proc.list"
SECRETS="acme-hv7 acme-db1 acmeco 10.44.0.9 44:00:09 wile"

# no_secrets WHAT FILE...: none of the identities in the files.
no_secrets() {
	_what=$1
	shift
	for _s in $SECRETS; do
		if grep -a -i -l -F -e "$_s" "$@" >"$T/hits" 2>/dev/null; then
			fail "$_what: '$_s' found in $(tr '\n' ' ' <"$T/hits")"
		fi
	done
}

# ---- the map beside the bundle, never in it ---------------------------------------
mkdir -p "$T/plain" "$T/red"
run_nr collect --sysroot "$tree" -o "$T/plain" -q
expect_rc 0 "plain collect"
PLAIN=$(cat "$T/out")
decompress "$PLAIN" >"$T/plain.tar"
for _s in $SECRETS; do
	grep -a -q -F -e "$_s" "$T/plain.tar" || fail "'$_s' is not in the plain bundle: the test proves nothing"
done

run_nr collect --sysroot "$tree" -o "$T/red" --redact
expect_rc 0 "collect --redact"
RED=$(ls "$T"/red/*.tar.zst)
MAP="$RED.redact-map.json"
assert_eq "$(ls "$T/red" | wc -l | tr -d ' ')" 2 "files beside each other: $(ls "$T/red" | tr '\n' ' ')"
assert_eq "$(stat -c '%a %u' "$MAP")" "600 $(id -u)" "the map's mode and owner"
grep -q "map is $MAP (keep it private" "$T/out" || { show "$T/out"; fail "collect does not say where the map is"; }
assert_eq "$(jget "$MAP" "m['format']")" "nest-report redaction map" "the map's format"
assert_eq "$(jget "$MAP" "sorted(set(e['original'] for e in m['entries']) & set('$SECRETS'.split()))")" \
	'["10.44.0.9", "acme-db1", "acme-hv7", "wile"]' "identities in the map"
decompress "$RED" >"$T/red.tar"
tar -tf "$T/red.tar" >"$T/members"
! grep -q -i "map" "$T/members" || fail "a map in the bundle: $(grep -i map "$T/members")"
no_secrets "the redacted bundle" "$T/red.tar"
grep -a -q -F '"redaction"' "$T/red.tar" || fail "no redaction record in the manifest"
! grep -a -q -F '"entries"' "$T/red.tar" || fail "map entries in the bundle"

# ---- uploads carry the bundle and never the map ---------------------------------------
up "$RED" --to "$base/dav/in/"
expect_rc 0 "upload of the redacted bundle"
ls -A "$NGINX_WWW/in" >"$T/landed"
assert_eq "$(cat "$T/landed")" "$(basename "$RED")" "what landed on the server"
cmp -s "$RED" "$NGINX_WWW/in/$(basename "$RED")" || fail "the uploaded bundle differs"

mkdir -p "$T/red2"
run_nr collect --sysroot "$tree" -o "$T/red2" --redact --upload "$base/dav/in2/"
expect_rc 0 "collect --redact --upload"
RED2=$(ls "$T"/red2/*.tar.zst)
[ -f "$RED2.redact-map.json" ] || fail "collect --redact --upload wrote no map"
assert_eq "$(ls -A "$NGINX_WWW/in2")" "$(basename "$RED2")" "what collect --upload sent"
for f in "$NGINX_WWW"/*/*; do
	decompress "$f" >"$T/sent.tar" 2>/dev/null || cp "$f" "$T/sent.tar"
	no_secrets "uploaded $f" "$T/sent.tar" "$f"
	! cmp -s "$f" "$RED.redact-map.json" || fail "a map was uploaded"
done
grep -r -l -F '"entries"' "$NGINX_WWW" && fail "map entries on the server"
no_secrets "nginx's request log" "$T/nginx/logs/access.log"

# ---- refusals, and nothing left behind -----------------------------------------------------
ls -A "$T/red" >"$T/before"
run_nr redact "$RED" -o "$T/red"
expect_rc 1 "redact a redacted bundle"
grep -q "already redacted" "$T/err" || { show "$T/err"; fail "no 'already redacted' message"; }
ls -A "$T/red" | diff "$T/before" - || fail "redacting a redacted bundle left files"

# A tampered member: the manifest no longer matches.
mkdir -p "$T/tamper/x"
tar -x -f "$T/plain.tar" -C "$T/tamper/x"
echo "Linux evilhost 6.1.0 #1 SMP x86_64 GNU/Linux" >"$T/tamper/x/levels/l0/kernel/uname-a"
(cd "$T/tamper/x" && tar --format=pax -c -f - manifest.json $(tar -tf "$T/plain.tar" | grep -v '^manifest.json$')) |
	zstd -q >"$T/tamper/bad.tar.zst"
mkdir -p "$T/tamper/out"
run_nr redact "$T/tamper/bad.tar.zst" -o "$T/tamper/out"
expect_rc 1 "redact a tampered bundle"
grep -q "not redacting: the members check fails" "$T/err" || { show "$T/err"; fail "no refusal message"; }
assert_empty_dir "$T/tamper/out" "after a refused redaction"

# The map of -o FILE exists already: refused before anything is read.
mkdir -p "$T/clash"
echo keep >"$T/clash/b.tar.zst.redact-map.json"
run_nr redact "$PLAIN" -o "$T/clash/b.tar.zst"
expect_rc 1 "a map already there"
grep -q "already exists" "$T/err" || { show "$T/err"; fail "no 'already exists' message"; }
assert_eq "$(cat "$T/clash/b.tar.zst.redact-map.json")" keep "the existing map"
[ ! -e "$T/clash/b.tar.zst" ] || fail "a bundle was written although its map could not be"
run_nr collect --sysroot "$tree" --redact -o "$T/clash/b.tar.zst"
expect_rc 1 "collect --redact with a map already there"
[ ! -e "$T/clash/b.tar.zst" ] || fail "collect wrote a bundle although its map could not be"

# Words that would break the bundle or could not be matched: usage errors.
mkdir -p "$T/words"
for w in kvm ab "-x-"; do
	run_nr collect --sysroot "$tree" -o "$T/words" --redact-word "$w"
	expect_rc 2 "collect --redact-word '$w'"
	run_nr redact "$PLAIN" -o "$T/words" --redact-word "$w"
	expect_rc 2 "redact --redact-word '$w'"
done
grep -q "redact word '-x-'" "$T/err" || { show "$T/err"; fail "no message naming the word"; }
assert_empty_dir "$T/words" "after refused words"
run_nr redact
expect_rc 2 "redact without a bundle"
echo '{"format": "something else"}' >"$T/notamap.json"
run_nr redact "$PLAIN" -o "$T/words" --redact-map "$T/notamap.json"
expect_rc 1 "--redact-map with a file that is not a map"
grep -q "not a nest-report redaction map" "$T/err" || { show "$T/err"; fail "no message for a bad map"; }
assert_empty_dir "$T/words" "after a bad map"

# ---- --redact-map: the same placeholders again ------------------------------------------------
# The machine later: another gateway in /etc/hosts, learnt first, would
# shift the numbering; with the old map, known identities keep theirs.
tree2="$T/tree2"
cp -a "$tree" "$tree2"
mkdir -p "$tree2/etc"
echo "10.99.0.1 zeta-gw.corp.acmeco.example zeta-gw" >"$tree2/etc/hosts"
ph_of() { # MAP ORIGINAL
	jget "$1" "[e['placeholder'] for e in m['entries'] if e['original'] == '$2']"
}
mkdir -p "$T/nomap" "$T/again"
run_nr collect --sysroot "$tree2" -o "$T/nomap" --redact
expect_rc 0 "collect --redact of the changed machine"
NOMAP=$(ls "$T"/nomap/*.tar.zst)
[ "$(ph_of "$NOMAP.redact-map.json" acme-db1)" != "$(ph_of "$MAP" acme-db1)" ] ||
	fail "without --redact-map the numbering did not move: the check below proves nothing"
run_nr collect --sysroot "$tree2" -o "$T/again" --redact --redact-map "$MAP"
expect_rc 0 "collect --redact --redact-map"
AGAIN=$(ls "$T"/again/*.tar.zst)
for id in acme-hv7 acme-db1 corp.acmeco.example 10.44.0.9 52:54:00:44:00:09 wile; do
	assert_eq "$(ph_of "$AGAIN.redact-map.json" "$id")" "$(ph_of "$MAP" "$id")" "placeholder of $id with --redact-map"
done
case $(ph_of "$AGAIN.redact-map.json" zeta-gw) in '["host-'[0-9]*'"]') ;; *) fail "zeta-gw: $(ph_of "$AGAIN.redact-map.json" zeta-gw)" ;; esac
[ "$(ph_of "$AGAIN.redact-map.json" zeta-gw)" != "$(ph_of "$MAP" acme-db1)" ] || fail "a new host took an old placeholder"
run_nr diff "$RED" "$AGAIN" --json
expect_rc 0 "diff of two redacted bundles"
assert_eq "$(jget "$T/out" "[(l['id'], f['key']) for l in m['levels'] for f in l['facts']]")" "[]" \
	"facts that differ between the two redacted bundles of one setup"
run_nr redact "$PLAIN" -o "$T/again" --redact-map "$MAP"
expect_rc 0 "redact with --redact-map"

# ---- the config: redact.enabled, redact.words; --no-redact wins -------------------------------
printf 'acmeco\n' >"$T/words.txt"
printf 'sign.enabled = no\nredact.enabled = yes\nredact.words = %s\n' "$T/words.txt" >"$T/xdg/nest-report/config"
mkdir -p "$T/cfg" "$T/cfg-off"
run_nr collect --sysroot "$tree" -o "$T/cfg" -q
expect_rc 0 "collect with redact.enabled"
case $(cat "$T/out") in */nest-report-redacted-*) ;; *) fail "redact.enabled: not redacted: $(cat "$T/out")" ;; esac
assert_eq "$(jget "$(cat "$T/out").redact-map.json" "[e['kind'] for e in m['entries'] if e['original'] == 'acmeco']")" \
	'["word"]' "redact.words in the map"
run_nr collect --sysroot "$tree" -o "$T/cfg-off" -q --no-redact
expect_rc 0 "collect --no-redact"
case $(cat "$T/out") in */nest-report-redacted-*) fail "--no-redact still redacted" ;; esac
assert_eq "$(ls "$T/cfg-off" | wc -l | tr -d ' ')" 1 "files written with --no-redact"
exit 0
