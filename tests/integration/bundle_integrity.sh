#!/bin/sh
# SPDX-License-Identifier: MIT
# The bundle is exactly what the manifest says: every member listed with its
# size and sha256, nothing unlisted, nothing missing; the file is 0600 (even
# under umask 0); the manifest validates against its schema; every
# --compress choice writes the suffix and the format it names; --json
# prints valid JSON naming the bundle.
. "$(dirname "$0")/../lib.sh"
need_cmd tar zstd gzip xz sha256sum

# Default run (zstd), under a permissive umask: the bundle must still be 0600.
umask 000
collect_into "$T/zstd"
umask 022
case $BUNDLE in
"$T/zstd/nest-report-"*"-"[0-9]*T[0-9]*Z.tar.zst) ;;
*) fail "unexpected bundle name $BUNDLE" ;;
esac
assert_eq "$(stat -c %a "$BUNDLE")" 600 "mode of $BUNDLE"
check_integrity
validate_schema "$M" manifest.schema.json
assert_eq "$(mget "m['levels'][0]['id']")" l0 "first level id"
assert_eq "$(mget "m['options']['compression']")" zstd "options.compression"
assert_eq "$(mget "m['totals']['artifacts'] == sum(len(p['artifacts']) for l in m['levels'] for p in l['probes'])")" true \
	"totals.artifacts counts the artifacts"
assert_eq "$(mget "all(n in [p['name'] for p in lv0['probes']] for n in ['kernel','cpu','dmesg','kvm','qemu','libvirt'])")" true \
	"the manifest has an entry for every probe"
grep -q "$(mget "m['host']")" "$X/summary.txt" || fail "summary.txt does not name the host"
# Nothing else left behind next to it (temp file, spool files).
one_bundle "$T/zstd"

# Every other compression: its suffix, its magic, readable, consistent.
for c in gzip xz none; do
	case $c in
	gzip) suf=.tar.gz magic=1f8b ;;
	xz) suf=.tar.xz magic=fd377a585a00 ;;
	none) suf=.tar magic= ;;
	esac
	collect_into "$T/$c" --compress "$c" --only kernel,cpu
	case $BUNDLE in *"$suf") ;; *) fail "--compress $c wrote $BUNDLE, expected a $suf name" ;; esac
	assert_eq "$(stat -c %a "$BUNDLE")" 600 "mode of $BUNDLE"
	if [ -n "$magic" ]; then
		got=$(od -An -tx1 -N $((${#magic} / 2)) "$BUNDLE" | tr -d ' \n')
		assert_eq "$got" "$magic" "--compress $c magic bytes"
	else
		got=$(od -An -c -j 257 -N 5 "$BUNDLE" | tr -d ' \n')
		assert_eq "$got" ustar "--compress none: a plain tar (ustar magic at 257)"
	fi
	check_integrity
	assert_eq "$(mget "m['options']['compression']")" "$c" "options.compression"
	validate_schema "$M" manifest.schema.json
done

# -o FILE writes exactly that file.
mkdir -p "$T/named"
run_nr collect -o "$T/named/evidence.tar.zst" --only kernel
expect_rc 0 "-o FILE"
one_bundle "$T/named"
assert_eq "$BUNDLE" "$T/named/evidence.tar.zst" "-o FILE bundle path"

# --json: stdout is one JSON document naming the bundle, which exists.
mkdir -p "$T/json"
run_nr collect -o "$T/json" --json --only kernel,cpu
expect_rc 0 "--json"
is_valid_json "$T/out" || { show "$T/out"; show "$T/json.err"; fail "--json stdout is not valid JSON"; }
one_bundle "$T/json"
b=$(jget "$T/out" "m['bundle']")
assert_eq "$b" "$BUNDLE" "--json .bundle"
[ -f "$b" ] || fail "--json names $b, which does not exist"
assert_eq "$(jget "$T/out" "m['size']")" "$(file_size "$b")" "--json .size"
unpack "$b" "$T/json-x"
assert_eq "$(jget "$T/out" "m['artifacts']")" "$(mget "m['totals']['artifacts']")" "--json .artifacts vs manifest totals"
exit 0
