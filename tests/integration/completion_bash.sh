#!/bin/sh
# SPDX-License-Identifier: MIT
# The bash completion (docs/completion/nest-report.bash), sourced into a real
# bash and asked as bash asks it (COMP_WORDS, COMP_CWORD, COMP_LINE,
# COMP_POINT, then the function `complete -F` names): commands, every
# option each command's --help prints and no other, probe names from
# `nest-report probes` (comma lists too), fixed values, and the files each
# argument wants.  Run twice: with Debian's bash-completion loaded, as
# users have it, and with plain bash.
. "$(dirname "$0")/../lib.sh"

need_cmd bash
COMP="$SRC_DIR/docs/completion/nest-report.bash"
BC=/usr/share/bash-completion/bash_completion
[ -f "$BC" ] || skip "needs $BC (apt-get install bash-completion)"

# ask MODE WORD...: the candidates for the last WORD, sorted, one a line.
# MODE bc: with bash-completion loaded; plain: without.
ask() {
	_mode=$1
	shift
	bash --norc --noprofile -c '
		mode=$1 bc=$2 comp=$3; shift 3
		[ "$mode" = bc ] && . "$bc"
		. "$comp"
		[ "$(complete -p nest-report)" = "complete -F _nest_report nest-report" ] || exit 9
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		_nest_report
		printf "%s\n" "${COMPREPLY[@]}"' ask "$_mode" "$BC" "$COMP" "$@" | LC_ALL=C sort
}

# expect MODE "WANT..." WORD...: the candidates are exactly WANT.
expect() {
	_mode=$1 _want=$2
	shift 2
	_got=$(ask "$_mode" "$@" | tr '\n' ' ' | sed 's/ $//')
	_want=$(printf '%s\n' $_want | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')
	[ "$_got" = "$_want" ] || fail "[$_mode] '$*': got '$_got', expected '$_want'"
}

cd "$T" || fail "cd $T"
mkdir -p files/sub files/capture
: >files/a.tar.zst
: >files/b.tar.gz
: >files/notes.txt
: >files/topo.json

run_nr --help
commands=$("$PY" "$TESTS_DIR/help-options.py" commands <"$T/out")
[ -n "$commands" ] || fail "no commands in --help"
run_nr probes
probes=$(awk 'NR > 1 { print $1 }' "$T/out")
[ -n "$probes" ] || fail "no probes listed"

for mode in bc plain; do
	soft expect $mode "$commands" "$NR_BIN" ""
	soft expect $mode "show sign" "$NR_BIN" s
	# Every option of every command, as --help prints them.
	for c in $commands; do
		run_nr "$c" --help
		want=$("$PY" "$TESTS_DIR/help-options.py" options <"$T/out")
		# Every command takes -h and --help, whether its help says so.
		want=$(printf '%s\n' $want -h --help | LC_ALL=C sort -u)
		soft expect $mode "$want" "$NR_BIN" "$c" -
	done
	# No command: collect's options.
	run_nr collect --help
	soft expect $mode "$("$PY" "$TESTS_DIR/help-options.py" options <"$T/out")" "$NR_BIN" -
	soft expect $mode "--sign-key --signer-id" "$NR_BIN" -q --sign
	# Values.
	soft expect $mode "zstd gzip xz none" "$NR_BIN" --compress ""
	soft expect $mode "put post" "$NR_BIN" upload x.tar.zst --method ""
	soft expect $mode "$probes" "$NR_BIN" --only ""
	soft expect $mode "$(printf '%s\n' $probes | grep '^k')" "$NR_BIN" capture --skip k
	soft expect $mode "cpu,kernel cpu,kvm" "$NR_BIN" --only cpu,k
	soft expect $mode "cpu,kvm,kernel" "$NR_BIN" collect --only cpu,kvm,k
	soft expect $mode "$(printf '%s\n' $probes | grep '^c')" "$NR_BIN" --only=c
	soft expect $mode "$(printf '%s\n' $probes | grep '^d')" "$NR_BIN" show a.tar.zst --probe d
	# Files: bundles (and directories) where a bundle goes; directories
	# where one goes; any file where any goes; nothing for free text.
	soft expect $mode "files/a.tar.zst files/b.tar.gz files/capture files/sub" "$NR_BIN" show files/
	soft expect $mode "files/a.tar.zst files/b.tar.gz files/capture files/sub" "$NR_BIN" diff files/a.tar.zst files/
	soft expect $mode "files/capture files/sub" "$NR_BIN" capture files/
	soft expect $mode "files/capture files/sub" "$NR_BIN" --sysroot files/
	soft expect $mode "files/capture files/sub files/topo.json" "$NR_BIN" --topology files/
	soft expect $mode "files/a.tar.zst files/b.tar.gz files/capture files/notes.txt files/sub files/topo.json" \
		"$NR_BIN" upload x --token-file files/
	soft expect $mode "" "$NR_BIN" --timeout ""
	soft expect $mode "" "$NR_BIN" verify x --identity ""
done
verdict
