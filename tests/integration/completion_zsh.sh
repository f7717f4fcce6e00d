#!/bin/sh
# SPDX-License-Identifier: MIT
# The zsh completion (docs/completion/_nest-report), in a real interactive zsh
# on a pseudo-terminal (tests/zsh-complete.zsh: compinit, then TAB):
# commands, every option each command's --help prints and no other, probe
# names from `nest-report probes` (comma lists too), fixed values, and the
# files each argument wants.
. "$(dirname "$0")/../lib.sh"

command -v zsh >/dev/null 2>&1 || skip "needs zsh (apt-get install zsh)"
zsh -f -c 'zmodload zsh/zpty' 2>/dev/null || skip "zsh has no zsh/zpty module"
zsh -n "$SRC_DIR/docs/completion/_nest-report" || fail "docs/completion/_nest-report: syntax error"

# The completion is found by its name in $fpath: give it a directory of
# its own, as an installed one has.
mkdir -p "$T/fpath"
cp "$SRC_DIR/docs/completion/_nest-report" "$T/fpath/"

# expect "WANT..." LINE: the candidates for LINE (then TAB) are exactly WANT.
expect() {
	_got=$(cd "$T" && timeout -k 5 30 zsh -f "$TESTS_DIR/zsh-complete.zsh" "$T/fpath" "$2" 2>"$T/zsh.err" |
		tr '\n' ' ' | sed 's/ $//')
	_want=$(printf '%s\n' $1 | LC_ALL=C sort -u | tr '\n' ' ' | sed 's/ $//')
	[ "$_got" = "$_want" ] || { show "$T/zsh.err"; fail "'$2': got '$_got', expected '$_want'"; }
}

mkdir -p "$T/files/sub" "$T/files/capture"
: >"$T/files/a.tar.zst"
: >"$T/files/b.tar.gz"
: >"$T/files/notes.txt"
: >"$T/files/page.html"

run_nr --help
commands=$("$PY" "$TESTS_DIR/help-options.py" commands <"$T/out")
run_nr probes
probes=$(awk 'NR > 1 { print $1 }' "$T/out")
[ -n "$commands" ] && [ -n "$probes" ] || fail "no commands or probes"

soft expect "$commands" "$NR_BIN "
for c in $commands; do
	run_nr "$c" --help
	want=$("$PY" "$TESTS_DIR/help-options.py" options <"$T/out")
	want=$(printf '%s\n' $want -h --help | LC_ALL=C sort -u)
	case $c in
	sign | verify | show | diff | upload) soft expect "$want" "$NR_BIN $c x.tar.zst -" ;;
	*) soft expect "$want" "$NR_BIN $c -" ;;
	esac
done
run_nr collect --help
soft expect "$("$PY" "$TESTS_DIR/help-options.py" options <"$T/out")" "$NR_BIN -"
soft expect "zstd gzip xz none" "$NR_BIN --compress "
soft expect "put post" "$NR_BIN upload x.tar.zst --method "
soft expect "$probes" "$NR_BIN --only "
soft expect "kernel kvm" "$NR_BIN --only cpu,k"
soft expect "$(printf '%s\n' $probes | grep '^d')" "$NR_BIN show x.tar.zst --probe d"
soft expect "a.tar.zst b.tar.gz capture sub" "$NR_BIN show files/"
soft expect "capture sub" "$NR_BIN capture files/"
soft expect "capture page.html sub" "$NR_BIN show x.tar.zst --html files/"
verdict
