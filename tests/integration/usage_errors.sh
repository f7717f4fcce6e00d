#!/bin/sh
# SPDX-License-Identifier: MIT
# Usage errors exit 2 with exactly one "nest-report: ..." line and a hint
# line on stderr, and create nothing; --help of every command exits 0;
# `probes --json` is valid JSON naming every probe.
. "$(dirname "$0")/../lib.sh"

mkdir -p "$T/cwd" "$T/out-dir"
cd "$T/cwd" || fail "cd"

# usage_error WHAT ARGS...: expect exit 2, "nest-report: " + hint, no files.
usage_error() {
	_what=$1
	shift
	run_nr "$@"
	expect_rc 2 "$_what (nest-report $*)"
	[ ! -s "$T/out" ] || { show "$T/out"; fail "$_what: usage error printed on stdout"; }
	assert_eq "$(line_count "$T/err")" 2 "$_what: lines on stderr ($(cat "$T/err"))"
	case $(sed -n 1p "$T/err") in
	"nest-report: "?*) ;;
	*) show "$T/err"; fail "$_what: first stderr line does not start with 'nest-report: '" ;;
	esac
	case $(sed -n 2p "$T/err") in
	*hint*--help*) ;;
	*) show "$T/err"; fail "$_what: second stderr line is not a hint pointing at --help" ;;
	esac
	assert_empty_dir "$T/cwd" "$_what: current directory"
	assert_empty_dir "$T/out-dir" "$_what: -o directory"
}
usage_error_case() {
	soft usage_error "$@"
	rm -f "$T/out-dir"/* "$T/cwd"/*
}

o="-o $T/out-dir"
usage_error_case "unknown option" $o --frobnicate
usage_error_case "unknown option after collect" collect $o --frobnicate
usage_error_case "unknown short option" $o -Z
usage_error_case "unknown probe in --only" $o --only cpu,nosuchprobe
usage_error_case "unknown probe in --skip" $o --skip nosuchprobe
usage_error_case "empty --only" $o --only ,
usage_error_case "--timeout 0" $o --timeout 0
usage_error_case "--timeout negative" $o --timeout -5
usage_error_case "--timeout not a number" $o --timeout abc
usage_error_case "--timeout with junk" $o --timeout 5x
usage_error_case "--timeout empty" $o --timeout ''
usage_error_case "--timeout too large" $o --timeout 86401
usage_error_case "--timeout that wraps a 32-bit int (2^32+1)" $o --timeout 4294967297
usage_error_case "--timeout missing its value" $o --timeout
usage_error_case "--compress unknown" $o --compress lz4
usage_error_case "--compress empty" $o --compress ''
usage_error_case "--max-artifact-size 0" $o --max-artifact-size 0
usage_error_case "--max-artifact-size bad suffix" $o --max-artifact-size 10Q
usage_error_case "--max-artifact-size that overflows 64 bits" $o --max-artifact-size 17179869185G
usage_error_case "unexpected argument" collect $o extra
usage_error_case "unknown command" frobnicate
usage_error_case "probes: unknown option" probes --frobnicate

# `version` with an argument is a usage error too.
run_nr version extra
expect_rc 2 "nest-report version extra"
case $(sed -n 1p "$T/err") in "nest-report: "?*) ;; *) show "$T/err"; fail "version extra: no 'nest-report: ' error line" ;; esac

# --help, for the tool and each command: exit 0, usage on stdout, quiet stderr.
for args in "--help" "-h" "help" "collect --help" "collect -h" "probes --help" "version --help"; do
	# shellcheck disable=SC2086
	run_nr $args
	expect_rc 0 "nest-report $args"
	grep -q "usage: nest-report" "$T/out" || { show "$T/out"; fail "nest-report $args: no usage on stdout"; }
	[ ! -s "$T/err" ] || { show "$T/err"; fail "nest-report $args: wrote to stderr"; }
	assert_empty_dir "$T/cwd" "nest-report $args: current directory"
done
# Options after --help are not run: no bundle.
run_nr collect --help $o
expect_rc 0 "collect --help -o DIR"
assert_empty_dir "$T/out-dir" "collect --help -o DIR"

run_nr version
expect_rc 0 "nest-report version"
grep -q "^nest-report [0-9]" "$T/out" || { show "$T/out"; fail "version: no 'nest-report X.Y.Z' line"; }

# probes --json: valid JSON, an array naming every probe.
run_nr probes --json
expect_rc 0 "nest-report probes --json"
is_valid_json "$T/out" || { show "$T/out"; show "$T/json.err"; fail "probes --json is not valid JSON"; }
names=$(jget "$T/out" "' '.join(p['name'] for p in m)")
for p in kernel cpu dmesg kvm qemu libvirt; do
	case " $names " in *" $p "*) ;; *) fail "probes --json does not list '$p' (got: $names)" ;; esac
done
assert_eq "$(jget "$T/out" "all(isinstance(p['applies'], bool) and p['summary'] for p in m)")" true \
	"every probe in probes --json has applies and a summary"
run_nr probes
expect_rc 0 "nest-report probes"
for p in kernel cpu dmesg kvm qemu libvirt; do
	grep -q "^$p " "$T/out" || { show "$T/out"; fail "nest-report probes does not list $p"; }
done
assert_empty_dir "$T/cwd" "after probes/version"
verdict
