#!/bin/sh
# SPDX-License-Identifier: MIT
# The hostile-bundle corpus (tests/hostile/make-corpus.py, generated here
# from a good bundle): each bundle is refused with its own message, by the
# check that covers it, and never followed or written out: path and type
# tricks, bombs, a listed path with an embedded NUL, data after the tar end
# (garbage, a second archive, a second zstd frame, a padding bomb), names
# that would drive a terminal, more levels than the cap.  show --extract
# writes only under its directory, even with a symlink planted in it.
. "$(dirname "$0")/../lib.sh"
need_cmd zstd tar

mkdir -p "$T/good"
collect_into "$T/good" --only kernel,cpu --no-sign
C="$T/corpus"
missing=$("$PY" "$TESTS_DIR/hostile/make-corpus.py" "$BUNDLE" "$C") || fail "make-corpus.py failed"

# case CHECK MESSAGE [VERIFY OPTIONS...]
check_case() {
	_name=$1 _check=$2 _msg=$3
	shift 3
	_start=$(now_s)
	_file="$C/$_name.tar.zst"
	[ -f "$_file" ] || _file="$C/$_name.tar.gz"
	run_nr verify "$_file" --json "$@"
	if [ "$RC" -ne 3 ]; then
		show "$T/out" 40
		show "$T/err"
		fail "$_name: verify exit $RC, expected 3"
	fi
	_got=$(jget "$T/out" "m['checks']['$_check']['status'] + ' ' + m['checks']['$_check']['message'] + ' ' + ' '.join(m['checks']['$_check']['details'])")
	case $_got in
	"fail "*"$_msg"*) ;;
	*) fail "$_name: expected the $_check check to fail with '$_msg', got: $_got" ;;
	esac
	assert_lt $(($(now_s) - _start)) 20 "$_name: seconds to refuse"
	note "ok $_name: $_check: $_msg"
}

check_case abs-path archive "member '/etc/evil': absolute path"
check_case dotdot archive "member 'levels/../../evil': '..' in the path"
check_case noncanonical archive "member 'levels//l0/x': not a canonical path"
check_case symlink archive "member 'levels/l0/link': symlink, not a regular file"
check_case hardlink archive "member 'levels/l0/hard': hardlink, not a regular file"
check_case device archive "member 'levels/l0/dev': device file, not a regular file"
check_case fifo archive "member 'levels/l0/fifo': FIFO, not a regular file"
check_case directory archive "member 'levels/l0/dir/': directory, not a regular file"
check_case duplicate archive "member 'summary.txt': duplicate name"
check_case file-as-dir archive "member 'summary.txt/inner': inside 'summary.txt', which is a file member"
check_case member-over-cap archive "member 'levels/l0/bomb': 1073741825 bytes, over the cap of 1073741824 per member"
check_case total-over-cap archive "the members total more than 104857600 bytes, the cap" --max-total-size 100M
check_case truncated archive "truncated archive"
check_case not-a-tar archive "not a bundle: Unrecognized archive format"
check_case manifest-not-json archive "manifest.json is not JSON"
check_case manifest-deep archive "manifest.json is nested more than 64 levels deep"
check_case manifest-over-cap archive "manifest.json is 67108865 bytes, over its cap of 67108864"
check_case manifest-not-first archive "the first member is 'summary.txt', not manifest.json"
check_case unlisted members "member 'levels/l0/kernel/extra' is not listed in the manifest"
check_case missing members "'$missing' is listed in the manifest but not in the bundle"
check_case member-path-nul members "the manifest lists 'summary.txt\\u0000...': a path with a NUL character"
check_case member-path-nul schema "holds a NUL character"
check_case after-end-garbage archive "data after the end of the archive (which ends at byte"
check_case after-end-archive archive "data after the end of the archive (which ends at byte"
check_case second-zstd-frame archive "data after the end of the archive (which ends at byte"
check_case padding-bomb archive "more than 1048576 bytes of padding after the end of the archive"
check_case zstd-trailing-garbage archive "corrupt compressed data, or data after its end"
check_case gzip-trailing-garbage archive "bytes after the end of the compressed stream"
check_case name-c1 archive "control character or invalid UTF-8 in the name"
check_case name-bidi archive "control character or invalid UTF-8 in the name"
check_case levels-over-cap archive "manifest.json declares 10000 levels, over the cap of 256"

# tar's own record padding (zeros) after the end is fine.
run_nr verify "$C/padding-ok.tar.zst"
expect_rc 0 "verify of a bundle with 64 KiB of zero padding after the tar end"
# What tar -i would find after the end is never extracted.
for c in after-end-archive second-zstd-frame; do
	rm -rf "$T/ex"
	run_nr show "$C/$c.tar.zst" --extract "$T/ex"
	expect_rc 1 "show --extract of $c"
	grep -q "data after the end of the archive" "$T/err" || { show "$T/err"; fail "show --extract $c: no reason"; }
	[ -e "$T/ex/levels/l0/kernel/evil" ] && fail "show --extract $c wrote the hidden archive's member"
done

# The same rules stop show --extract, and nothing escapes its directory.
for c in abs-path dotdot symlink hardlink device fifo duplicate member-over-cap; do
	rm -rf "$T/ex"
	run_nr show "$C/$c.tar.zst" --extract "$T/ex"
	expect_rc 1 "show --extract of $c"
	grep -q "member '" "$T/err" || { show "$T/err"; fail "show --extract $c: no reason given"; }
done
[ -e /etc/evil ] && fail "/etc/evil was written"
[ -e "$T/evil" ] && fail "$T/evil was written (.. escaped)"

# show without --probe reads only the manifest: a bundle with a bomb after
# it is shown at once.
_start=$(now_s)
run_nr show "$C/member-over-cap.tar.zst"
expect_rc 0 "show of a bundle whose bomb comes after the manifest"
assert_lt $(($(now_s) - _start)) 5 "seconds for show to read the manifest only"

# A symlink planted in the extraction directory is not followed.
mkdir -p "$T/outside" "$T/planted"
ln -s "$T/outside" "$T/planted/levels"
run_nr show "$BUNDLE" --extract "$T/planted"
expect_rc 1 "show --extract into a directory with a planted symlink"
grep -q "not a plain directory" "$T/err" || { show "$T/err"; fail "planted symlink: message"; }
assert_empty_dir "$T/outside" "the symlink's target"

# A file already there is not overwritten.
mkdir -p "$T/exists"
echo precious >"$T/exists/summary.txt"
run_nr show "$BUNDLE" --extract "$T/exists"
expect_rc 1 "show --extract over an existing file"
assert_eq "$(cat "$T/exists/summary.txt")" precious "existing file after extract"

# A clean extract: every member, 0600, identical to tar's.
run_nr show "$BUNDLE" --extract "$T/clean"
expect_rc 0 "show --extract"
unpack "$BUNDLE" "$T/tar-x"
diff -r "$T/clean" "$T/tar-x" >"$T/diff.out" || { show "$T/diff.out"; fail "extract differs from tar's"; }
_bad=$(find "$T/clean" -type f ! -perm 0600)
[ -z "$_bad" ] || fail "extracted files not 0600: $_bad"
exit 0
