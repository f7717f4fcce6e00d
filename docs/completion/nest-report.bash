# SPDX-License-Identifier: MIT
# bash completion for nest-report(1)
#
# Installed as /usr/share/bash-completion/completions/nest-report, where
# bash-completion loads it on first use.  It uses bash-completion's helpers
# when they are there (_init_completion, _filedir) and plain compgen when
# not, so sourcing it from ~/.bashrc works too.  Probe names come from
# 'nest-report probes', so a site's drop-in probes are offered as well.
# tests/integration/completion_bash.sh holds the option lists to --help.

_nest_report_commands="collect probes capture rules sign verify show diff redact upload index version"
_nest_report_index_commands="add query similar stats refresh"

# Options of each command; those that take a value are listed again in
# _nest_report_complete_value.
_nest_report_opts_collect="-o --output --only --skip --timeout --max-artifact-size --compress
	--json --sysroot --level --topology --sudo --accept-new-host-keys --connect-timeout
	--ssh-config --known-hosts --identity --sign-key --signer-id --no-sign --upload
	--case-id --label --probe-dir --redact --no-redact --redact-word --redact-words --redact-map
	-q --quiet -v --verbose -h --help"
_nest_report_opts_probes="--json --probe-dir -h --help"
_nest_report_opts_capture="--only --skip --timeout --probe-dir --redact-word -q --quiet -v --verbose
	-h --help"
_nest_report_opts_rules="--json --markdown -h --help"
_nest_report_opts_sign="--sign-key -f --force --max-member-size --max-total-size -h --help"
_nest_report_opts_verify="--allowed-signers --identity --json --max-member-size --max-total-size
	-h --help"
_nest_report_opts_show="--level --probe --extract --html --allowed-signers --identity --json
	--max-member-size --max-total-size -h --help"
_nest_report_opts_diff="--json --max-member-size --max-total-size -h --help"
_nest_report_opts_upload="--to --method --sig-to --field --header --token-file --cacert --retries
	--json --known-hosts --accept-new-host-keys --identity --ssh-config --connect-timeout
	-q --quiet -v --verbose -h --help"
_nest_report_opts_redact="-o --output --redact-word --redact-words --redact-map --sign-key --signer-id
	--no-sign --json --max-member-size --max-total-size -q --quiet -h --help"
_nest_report_opts_version="-h --help"
# index: its own options, then each of its commands' ('index add --help'...).
_nest_report_opts_index="-h --help"
_nest_report_index_filters="--fact --finding --level --since --until"
_nest_report_opts_index_add="--allowed-signers --identity --max-member-size --max-total-size --dry-run
	-q --quiet --db --json -h --help"
_nest_report_opts_index_query="$_nest_report_index_filters --limit --db --json -h --help"
_nest_report_opts_index_similar="$_nest_report_index_filters --limit --allowed-signers --identity
	--max-member-size --max-total-size --db --json -h --help"
_nest_report_opts_index_stats="$_nest_report_index_filters --by --db --json -h --help"
_nest_report_opts_index_refresh="--all --db --json -h --help"

# Files (with an extended glob of names to offer, besides directories).
_nest_report_files()
{
	if declare -F _filedir >/dev/null; then
		_filedir "$1"
		return
	fi
	local IFS=$'\n'
	compopt -o filenames 2>/dev/null
	if [[ -n $1 ]]; then
		COMPREPLY=($(shopt -s extglob; compgen -f -X "!*.$1" -- "$cur"; compgen -d -- "$cur"))
	else
		COMPREPLY=($(compgen -f -- "$cur"))
	fi
}

_nest_report_dirs()
{
	if declare -F _filedir >/dev/null; then
		_filedir -d
		return
	fi
	local IFS=$'\n'
	compopt -o filenames 2>/dev/null
	COMPREPLY=($(compgen -d -- "$cur"))
}

# Probe names; with $2 = list, the item after the last comma of a
# comma-separated list, leaving out the probes already in it.
_nest_report_probes()
{
	local prog=$1 list=$2 chosen= word probes
	probes=$("$prog" probes 2>/dev/null | awk 'NR > 1 && $1 ~ /^[a-z0-9][a-z0-9_-]*$/ { print $1 }')
	if [[ $list == list && $cur == *,* ]]; then
		chosen=${cur%,*},
		for word in ${chosen//,/ }; do
			probes=$(printf '%s\n' $probes | grep -vx -- "$word")
		done
	fi
	COMPREPLY=($(compgen -P "$chosen" -W "$probes" -- "${cur##*,}"))
}

# The value of option $prev: 0 when it completed (or takes free text), 1
# when $prev takes no value.
_nest_report_complete_value()
{
	local prog=$1 cmd=$2
	case $prev in
	-o | --output) _nest_report_files ;;
	--only | --skip) _nest_report_probes "$prog" list ;;
	--probe) _nest_report_probes "$prog" ;;
	--compress) COMPREPLY=($(compgen -W "zstd gzip xz none" -- "$cur")) ;;
	--method) COMPREPLY=($(compgen -W "put post" -- "$cur")) ;;
	--by) COMPREPLY=($(compgen -W "year month day" -- "$cur")) ;;
	--sysroot | --extract | --probe-dir) _nest_report_dirs ;;
	--topology) _nest_report_files json ;;
	--html) _nest_report_files '@(html|htm)' ;;
	--ssh-config | --known-hosts | --identity | --sign-key | --allowed-signers | --token-file | --cacert | \
	--redact-words | --redact-map | --db)
		_nest_report_files ;;
	--timeout | --connect-timeout | --max-artifact-size | --max-member-size | --max-total-size | \
	--retries | --level | --signer-id | --upload | --to | --sig-to | --field | --header | \
	--case-id | --label | --redact-word | --fact | --finding | --since | --until | --limit)
		;;   # free text: nothing to offer
	*) return 1 ;;
	esac
	# verify's, show's and index's --identity is a signer's name, not a key file.
	[[ $prev == --identity && ( $cmd == verify || $cmd == show || $cmd == index ) ]] && COMPREPLY=()
	return 0
}

_nest_report()
{
	local cur prev words cword split=false
	if declare -F _init_completion >/dev/null; then
		_init_completion -s || return
	else
		words=("${COMP_WORDS[@]}") cword=$COMP_CWORD
		cur=${words[cword]} prev=${words[cword - 1]}
		if [[ $cur == --*=* ]]; then
			prev=${cur%%=*} cur=${cur#*=} split=true
		fi
	fi
	local prog=${words[0]} cmd=collect sub= i
	# The command is the first word, as git's; options alone mean collect.
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		-*) break ;;
		*) [[ " $_nest_report_commands " == *" ${words[i]} "* ]] && cmd=${words[i]}
		   break ;;
		esac
	done
	# index's command is the word after 'index'.
	if [[ $cmd == index ]] && ((i + 1 < cword)); then
		[[ " $_nest_report_index_commands " == *" ${words[i + 1]} "* ]] && sub=${words[i + 1]}
	fi
	_nest_report_complete_value "$prog" "$cmd" && return
	if [[ $cword -eq 1 && $cur != -* ]]; then
		COMPREPLY=($(compgen -W "$_nest_report_commands" -- "$cur"))
		return
	fi
	if [[ $cmd == index && -z $sub && $cword -eq $((i + 1)) && $cur != -* ]]; then
		COMPREPLY=($(compgen -W "$_nest_report_index_commands" -- "$cur"))
		return
	fi
	$split && return
	if [[ $cur == -* ]]; then
		local opts=_nest_report_opts_$cmd${sub:+_$sub}
		COMPREPLY=($(compgen -W "${!opts}" -- "$cur"))
		return
	fi
	case $cmd${sub:+ $sub} in
	sign | verify | show | diff | redact | upload | "index add" | "index similar")
		_nest_report_files '@(tar.zst|tar.gz|tar.xz|tar)' ;;
	capture) _nest_report_dirs ;;
	esac
}

complete -F _nest_report nest-report
