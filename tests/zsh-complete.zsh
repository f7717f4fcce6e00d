#!/bin/zsh -f
# SPDX-License-Identifier: MIT
# What zsh's completion offers for a command line, as a user pressing TAB
# would get it: a real interactive zsh on a pseudo-terminal (zsh/zpty),
# compinit with the completion under test first in $fpath, and compadd
# wrapped so that every candidate it is given is also printed between
# markers.  For tests/integration/completion_zsh.sh.
#
# usage: zsh-complete.zsh DIR 'LINE'   DIR holds _nest-report; LINE is
#                                      typed, then TAB.  Prints the
#                                      candidates, sorted, one per line.
emulate -L zsh
zmodload zsh/zpty || { print -u2 "zsh-complete: no zsh/zpty module"; exit 3 }
[[ $# -eq 2 ]] || { print -u2 "usage: zsh-complete.zsh DIR LINE"; exit 2 }
zpty z zsh -f -i || exit 3
{
	zpty -w z "PS1=''; PS2=''; LISTMAX=100000; setopt NO_BEEP; fpath=(${(q)1} \$fpath); autoload -Uz compinit; compinit -u -D"
	zpty -w z '_nr_capture() { compadd() {
		local -a __hits __dscr
		if (( $@[(I)-(O|A|D)] )); then builtin compadd "$@"; return; fi
		builtin compadd -A __hits -D __dscr "$@"
		local h; for h in $__hits; do print -r -- "<HI""T>$h</HI""T>"; done
		builtin compadd "$@"; } }; compprefuncs=(_nr_capture)
		_nr_done() { print -r -- "<COMP""DONE>" }; comppostfuncs=(_nr_done)'
	zpty -w z "bindkey '^I' complete-word; zstyle ':completion:*' menu no"
	zpty -w z "print -r -- '<REA''DY>'"
	zpty -r z line '*<READY>*'
	zpty -w -n z "$2"$'\t'
	# Every marker is typed split by quotes ("<HI""T>") so that the
	# terminal's echo of the typed lines can never be taken for output:
	# the echo of the compadd wrapper once leaked a literal "$h" hit.
	# LISTMAX: a list taller than the pty made zsh ask "do you wish to
	# see all N possibilities?", which swallowed the ^U below.
	# Wait for the completion to end (comppostfuncs) before typing on:
	# keys typed ahead can cut a completion short.  Then ^U drops the line
	# and a marker ends the output.
	out=
	read_until() {
		local tries=0
		while (( tries++ < 1000 )); do
			if zpty -r -t z line; then
				out+=$line
				[[ $out == *"$1"* ]] && return 0
			else
				sleep 0.02
			fi
		done
		print -u2 "zsh-complete: no $1 for: $2"
		exit 4
	}
	read_until '<COMPDONE>' "$2"
	zpty -w z $'\x15print -r -- "<DO""NE>"'
	read_until '<DONE>' "$2"
	print -r -- "$out" | grep -ao '<HIT>[^<]*</HIT>' | sed 's/^<HIT>//; s/<\/HIT>$//' | LC_ALL=C sort -u
} always {
	zpty -d z
}
