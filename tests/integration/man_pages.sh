#!/bin/sh
# SPDX-License-Identifier: MIT
# The man pages (docs/man/) render without a warning, and cannot drift from
# the program: every command has its page, every option a command's --help
# prints has an entry (a .TP paragraph) in that command's page and every
# entry is an option --help prints, every configuration key the
# code reads is in nest-report.conf(5), every property of the drop-in probe
# schema is in nest-report-probes(5), and every page carries this version.
. "$(dirname "$0")/../lib.sh"

need_cmd groff
MAN="$SRC_DIR/docs/man"
[ -d "$MAN" ] || fail "no docs/man directory"

# ---- rendering: groff with every warning on, and man-db as lintian runs it
pages=$(ls "$MAN"/*.[1-9])
for p in $pages; do
	groff -man -Tutf8 -ww -z "$p" 2>"$T/groff.err" || fail "groff failed on $(basename "$p")"
	[ ! -s "$T/groff.err" ] || { show "$T/groff.err"; fail "groff warns on $(basename "$p")"; }
	if command -v man >/dev/null 2>&1; then
		LC_ALL=C.UTF-8 MANROFFSEQ='' man --warnings -E UTF-8 -l -Tutf8 -Z "$p" >/dev/null 2>"$T/man.err" ||
			fail "man -l failed on $(basename "$p")"
		[ ! -s "$T/man.err" ] || { show "$T/man.err"; fail "man --warnings complains about $(basename "$p")"; }
	fi
	# The rendered page has its NAME section and a title line.
	groff -man -Tutf8 "$p" 2>/dev/null | sed 's/.\x08//g' >"$T/rendered"
	grep -q '^NAME' "$T/rendered" || fail "$(basename "$p") renders without a NAME section"
done

# ---- version: the one the binary reports
run_nr version
expect_rc 0 "nest-report version"
version=$(sed -n '1s/^nest-report //p' "$T/out")
[ -n "$version" ] || fail "cannot read the version from: $(cat "$T/out")"
for p in $pages; do
	grep -q "^\.TH .* \"nest-report $version\" " "$p" ||
		fail "$(basename "$p"): .TH does not say \"nest-report $version\""
done

# text PAGE: the page's source with comments dropped and roff escapes
# undone (\- is a dash, font changes vanish), for matching option names.
text() {
	sed -e '/^\.\\"/d' -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\f(..//g' \
	    -e 's/\\c$//' -e 's/\\&//g' -e 's/\\e/\\/g' "$1"
}

# documented PAGE OPTION: OPTION stands as a word of its own in PAGE.
documented() {
	text "$1" | grep -q -E -e "(^|[^A-Za-z0-9_-])$2([^A-Za-z0-9_-]|\$)"
}

# ---- commands and their options
run_nr --help
expect_rc 0 "nest-report --help"
commands=$("$PY" "$TESTS_DIR/help-options.py" commands <"$T/out") || fail "no commands in nest-report --help"
for o in --help -h --version; do
	documented "$MAN/nest-report.1" "$o" || fail "nest-report(1) does not document $o"
done
for c in $commands; do
	page="$MAN/nest-report-$c.1"
	[ -f "$page" ] || fail "command '$c' has no man page (docs/man/nest-report-$c.1)"
	documented "$MAN/nest-report.1" "nest-report-$c" || fail "nest-report(1) does not point at nest-report-$c(1)"
	run_nr "$c" --help
	expect_rc 0 "nest-report $c --help"
	"$PY" "$TESTS_DIR/help-options.py" options <"$T/out" >"$T/help.opts"
	"$PY" "$TESTS_DIR/help-options.py" mantags "$page" >"$T/man.opts"
	for o in $(cat "$T/help.opts"); do
		grep -qx -e "$o" "$T/man.opts" ||
			soft fail "nest-report-$c(1) has no entry for $o, which '$c --help' prints"
	done
	# and no entry for an option the command does not have
	for o in $(cat "$T/man.opts"); do
		case $o in -h | --help) continue ;; esac
		grep -qx -e "$o" "$T/help.opts" ||
			soft fail "nest-report-$c(1) documents $o, which '$c --help' does not know"
	done
done
# Every page is reachable from nest-report(1), and none is for a command
# that is gone.
for p in $pages; do
	n=$(basename "$p")
	case $n in nest-report.1) continue ;; esac
	documented "$MAN/nest-report.1" "${n%.*}" || soft fail "nest-report(1) does not point at ${n%.*}(${n##*.})"
	case $n in
	nest-report-*.1)
		c=${n#nest-report-}
		c=${c%.1}
		echo " $commands " | tr '\n' ' ' | grep -q " $c " || soft fail "$n documents '$c', which is not a command"
		;;
	esac
done

# ---- configuration keys: every key the code asks for, and every key of
# the known-keys table where there is one
keys=$( (grep -rhoE 'nr_config_[a-z]+\("[a-z0-9_]+\.[a-z0-9_]+"' "$SRC_DIR/collector" "$SRC_DIR/uploader" |
	sed 's/.*("//; s/"$//'
	[ ! -f "$SRC_DIR/collector/util/config_keys.c" ] ||
		grep -oE '\{ *"[a-z0-9_]+\.[a-z0-9_]+"' "$SRC_DIR/collector/util/config_keys.c" | sed 's/.*"\(.*\)"/\1/') |
	sort -u)
[ -n "$keys" ] || fail "found no configuration keys in the sources"
for k in $keys; do
	documented "$MAN/nest-report.conf.5" "$(echo "$k" | sed 's/\./\\./g')" ||
		soft fail "nest-report.conf(5) does not document the key $k"
done

# ---- the drop-in probe format: every property of its schema
schema="$SRC_DIR/schemas/probe.schema.json"
if [ -f "$schema" ]; then
	props=$("$PY" - "$schema" <<'PYEOF'
import json, sys
names = set()
def walk(node):
    if isinstance(node, dict):
        for k, v in node.get("properties", {}).items():
            names.add(k)
        for v in node.values():
            walk(v)
    elif isinstance(node, list):
        for v in node:
            walk(v)
walk(json.load(open(sys.argv[1])))
print("\n".join(sorted(names)))
PYEOF
	) || fail "cannot read $schema"
	for k in $props; do
		documented "$MAN/nest-report-probes.5" "$k" ||
			soft fail "nest-report-probes(5) does not document '$k' of schemas/probe.schema.json"
	done
else
	note "schemas/probe.schema.json not there (yet): the drop-in page is not checked against it"
fi
verdict
