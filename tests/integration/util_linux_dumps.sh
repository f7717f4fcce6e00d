#!/bin/sh
# SPDX-License-Identifier: MIT
# tools/util-linux-dumps.py on a small git repository shaped like
# util-linux's history: a dump under the 2009 directory layout moved to a
# tarball (one dump, not two), a tarball whose content changed (two rows),
# a dump deleted from HEAD (a history row with its own commit's expected
# output), a dump with no expected file (left out, said), and hostile
# tarballs (a climbing name, a file written through a symlink): refused,
# and nothing lands outside the cache.  A second run is a no-op.
. "$(dirname "$0")/../lib.sh"
need_cmd git tar gzip

TOOL="$SRC_DIR/tools/util-linux-dumps.py"
R="$T/ul"
CACHE="$T/cache"
git init -q "$R"
g() { git -C "$R" -c user.name=t -c user.email=t@t "$@"; }
commit() { g add -A && g commit -qm "$1" && g rev-parse HEAD; }

# tree DIR CPUINFO: a minimal dump root.
tree() {
	mkdir -p "$1/proc" "$1/sys/devices/system/cpu"
	printf '%s\n' "$2" >"$1/proc/cpuinfo"
	echo 0 >"$1/sys/devices/system/cpu/online"
}
tarball() { # NAME CPUINFO -> tests/ts/lscpu/dumps/NAME.tar.gz
	rm -rf "$T/mk" && tree "$T/mk/$1" "$2"
	mkdir -p "$R/tests/ts/lscpu/dumps"
	tar -czf "$R/tests/ts/lscpu/dumps/$1.tar.gz" -C "$T/mk" "$1"
}
expect() { # NAME TEXT
	mkdir -p "$R/tests/expected/lscpu"
	printf '%s\n' "$2" >"$R/tests/expected/lscpu/lscpu-$1"
}

# 2009: the directory layout, expected under tests/expected/ts-lscpu-NAME.
tree "$R/tests/input/ts-lscpu-old-x86" "flags : fpu vmx"
mkdir -p "$R/tests/expected"
echo "Virtualization: VT-x" >"$R/tests/expected/ts-lscpu-old-x86"
tree "$R/tests/input/ts-lscpu-gone" "flags : fpu"
echo "Hypervisor vendor: Xen" >"$R/tests/expected/ts-lscpu-gone"
c1=$(commit layout-2009)
# The same content as a tarball: still one dump.
rm -rf "$R/tests/input" "$R/tests/expected/ts-lscpu-old-x86"
tarball old-x86 "flags : fpu vmx"
expect old-x86 "Virtualization: VT-x"
tree "$R/tests/input/ts-lscpu-gone" "flags : fpu"
commit tarballs >/dev/null
# A changed content, and the deleted dump's last expected output.
echo "Hypervisor vendor: Xen" >"$R/tests/expected/ts-lscpu-gone"
echo "Virtualization type: para" >>"$R/tests/expected/ts-lscpu-gone"
c_gone=$(commit gone-last-word)
rm -rf "$R/tests/input" "$R/tests/expected/ts-lscpu-gone"
tarball old-x86 "flags : fpu vmx lm"
expect old-x86 "Virtualization: VT-x (new)"
tarball stray "flags : fpu"
head=$(commit now)

"$PY" "$TOOL" --git "$R" --cache "$CACHE" >"$T/out" 2>"$T/err" || { show "$T/err"; fail "tool failed"; }
grep -q "left out tests/ts/lscpu/dumps/stray.tar.gz@${head%"${head#??????????}"}: no expected output" "$T/err" ||
	{ show "$T/err"; fail "the stray dump is not said to be left out"; }
idx="$CACHE/index.tsv"
rows=$(grep -vc '^#' "$idx")
assert_eq "$rows" 3 "rows (old-x86 now, old-x86 before, gone)"
h10=$(echo "$head" | cut -c1-10)
g10=$(echo "$c_gone" | cut -c1-10)
grep -q "^old-x86@$h10	current	" "$idx" || { show "$idx"; fail "no current row for old-x86"; }
grep -q "^gone@$g10	history	gone	$c_gone	.*	tests/input/ts-lscpu-gone	tests/expected/ts-lscpu-gone\$" "$idx" ||
	{ show "$idx"; fail "the deleted dump is not a history row of its last commit"; }
old=$(awk -F'\t' '$3 == "old-x86" && $2 == "history" { print $1 }' "$idx")
[ -n "$old" ] || { show "$idx"; fail "the changed dump's first content has no row"; }
assert_eq "$(cat "$CACHE/dumps/$old/tree/proc/cpuinfo")" "flags : fpu vmx" "old content"
assert_eq "$(cat "$CACHE/dumps/old-x86@$h10/expected")" "Virtualization: VT-x (new)" "current expected"
assert_eq "$(tail -n 1 "$CACHE/dumps/gone@$g10/expected")" "Virtualization type: para" "the deleted dump's last expected output"
[ -d "$CACHE/dumps/gone@$g10/tree/sys" ] || fail "the directory-layout dump has no sys/"
# The 2009 directory and the later tarball of the same files are one dump.
c1_seen=$(grep -c "$(echo "$c1" | cut -c1-10)" "$idx" || :)
assert_eq "$c1_seen" 0 "rows named after the 2009 layout commit"

# A second run with the same HEAD does nothing.
"$PY" "$TOOL" --git "$R" --cache "$CACHE" >"$T/out2" 2>&1 || fail "second run failed"
grep -q "is up to date" "$T/out2" || { show "$T/out2"; fail "second run rebuilt the cache"; }

# Hostile tarballs: refused one by one, the others still land, nothing escapes.
mkdir -p "$T/evil/x/proc" "$T/evil2/y/proc"
echo owned >"$T/evil/x/proc/cpuinfo"
tar -czf "$R/tests/ts/lscpu/dumps/climb.tar.gz" -C "$T/evil" --transform 's|^x|../../../escaped|' x
ln -s /tmp "$T/evil2/y/proc/link"
tar -cf "$T/evil2.tar" -C "$T/evil2" y
mkdir -p "$T/evil3/y/proc/link" && echo owned >"$T/evil3/y/proc/link/planted-$$"
tar -rf "$T/evil2.tar" -C "$T/evil3" y/proc/link/planted-$$
gzip -c "$T/evil2.tar" >"$R/tests/ts/lscpu/dumps/throughlink.tar.gz"
expect climb x
expect throughlink x
commit hostile >/dev/null
"$PY" "$TOOL" --git "$R" --cache "$CACHE" >"$T/out3" 2>"$T/err3" || { show "$T/err3"; fail "a hostile tarball failed the run"; }
grep -q "climb.tar.gz.*climbing name" "$T/err3" || { show "$T/err3"; fail "climbing name not refused"; }
grep -q "throughlink.tar.gz.*under a symlink" "$T/err3" || { show "$T/err3"; fail "write through a symlink not refused"; }
[ ! -e "/tmp/planted-$$" ] || { rm -f "/tmp/planted-$$"; fail "a file was written through a symlink"; }
[ -z "$(find "$T" -name escaped -not -path "$R/*")" ] || fail "a climbing member landed"
grep -q "^old-x86@" "$CACHE/index.tsv" || fail "the good dumps were lost"
exit 0
