#!/bin/sh
# SPDX-License-Identifier: MIT
# docs/detection.md's util-linux table cannot drift: every lscpu dump we have
# is replayed with `collect --sysroot`, and the table's rows (lscpu's answer,
# ours, agree/disagree/lscpu silent) and agreement count must be what the
# docs say.  NR_UPDATE_GOLDEN=1 rewrites the table instead (review the diff).
#
# Sources: the real machines of $NR_SHARED_DIR/fixtures/real-machines, and
# util-linux's current and historical dumps from the cache
# tools/util-linux-dumps.py makes ($NR_UTIL_LINUX_CACHE, default
# ~/.cache/nest-report/util-linux-dumps; refreshed first from the util-linux
# git directory $NR_UTIL_LINUX_GIT when that is set).  Nothing fetched is
# committed and CI has no network, so a source that is absent is said, and
# its rows in the docs are kept as they are, neither checked nor deleted.
. "$(dirname "$0")/../lib.sh"
need_cmd tar zstd xargs

DOCS="$SRC_DIR/docs/detection.md"
RM=${NR_SHARED_DIR:-}/fixtures/real-machines
CACHE=${NR_UTIL_LINUX_CACHE:-${XDG_CACHE_HOME:-${HOME:-/nonexistent}/.cache}/nest-report/util-linux-dumps}

kinds=
set -- list --out "$T"
if [ -n "${NR_SHARED_DIR:-}" ] && [ -d "$RM" ]; then
	set -- "$@" --shared "$RM"
	kinds="shared"
else
	note "shared fixtures absent (NR_SHARED_DIR=${NR_SHARED_DIR:-unset}): their rows are kept, not checked"
fi
if [ -n "${NR_UTIL_LINUX_GIT:-}" ]; then
	"$PY" "$SRC_DIR/tools/util-linux-dumps.py" --git "$NR_UTIL_LINUX_GIT" --cache "$CACHE" >"$T/tool.out" 2>&1 || {
		show "$T/tool.out"
		fail "tools/util-linux-dumps.py could not extract the dumps from $NR_UTIL_LINUX_GIT"
	}
	note "$(tail -n 1 "$T/tool.out")"
fi
if [ -f "$CACHE/index.tsv" ]; then
	set -- "$@" --cache "$CACHE"
	kinds="$kinds util-linux"
else
	note "no util-linux dumps (set NR_UTIL_LINUX_GIT to a util-linux git directory, see tools/util-linux-dumps.py): their rows are kept, not checked"
fi
[ -n "$kinds" ] || skip "neither the shared fixtures nor util-linux's dumps are here: nothing to replay"

"$PY" "$TESTS_DIR/detection_table.py" "$@" >"$T/list.out" 2>&1 || {
	show "$T/list.out"
	fail "cannot list or unpack the dumps"
}
n=$(line_count "$T/jobs.tsv")
[ "$n" -gt 0 ] || fail "no dumps listed"

# One replay per dump, two at a time (the suite shares the machine): the
# manifest lands in $T/res/ID/, the exit status in ID/rc.
cat >"$T/replay.sh" <<'EOF'
id=$1 tree=$2 out=$RES/$1
mkdir -p "$out/b"
rc=0
timeout -k 5 90 "$NR_BIN" collect --sysroot "$tree" -o "$out/b" --timeout 20 >"$out/out" 2>"$out/err" || rc=$?
echo "$rc" >"$out/rc"
[ "$rc" -eq 0 ] && tar -x --zstd -f "$out/b"/*.tar.zst -C "$out" manifest.json 2>>"$out/err"
rm -rf "$out/b"
exit 0
EOF
RES="$T/res"
export RES NR_BIN
cut -f1,4 "$T/jobs.tsv" | tr '\t' '\n' | xargs -d '\n' -n 2 -P 2 sh "$T/replay.sh" ||
	fail "the replays could not be run"

while IFS='	' read -r id _rest; do
	no_sanitizer_report "$RES/$id/err" "$id"
	rc=$(cat "$RES/$id/rc" 2>/dev/null || echo none)
	[ "$rc" = 0 ] || { show "$RES/$id/err"; fail "$id: collect --sysroot exited $rc"; }
	[ -f "$RES/$id/manifest.json" ] || { show "$RES/$id/err"; fail "$id: no manifest in the bundle"; }
done <"$T/jobs.tsv"
note "$n dumps replayed ($kinds)"

set -- table --jobs "$T/jobs.tsv" --results "$RES" --docs "$DOCS" --kinds "$kinds"
[ "${NR_UPDATE_GOLDEN:-0}" = 1 ] && set -- "$@" --update
"$PY" "$TESTS_DIR/detection_table.py" "$@" >"$T/table.out" 2>&1 || {
	show "$T/table.out" 200
	fail "docs/detection.md's util-linux table is not what the replays give"
}
note "$(tail -n 1 "$T/table.out")"
exit 0
