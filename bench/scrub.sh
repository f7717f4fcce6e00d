#!/bin/sh
# SPDX-License-Identifier: MIT
# Scrubber throughput (issue 19): a generated libvirt-style domain log of
# 1 GiB (bench/scrub_log.py: command lines with secrets sprinkled, QEMU's
# and libvirt's messages) streamed through today's scrubber and through
# the one at commit 410afbd (the last before the syntax models), both built
# here with the same driver (bench/scrub_driver.c), in one run.
#
# usage: bench/scrub.sh [SIZE_MB]        (default 1024; NR_SCRUB_BENCH_MB too)
# Prints MB/s of each (CPU time, which other load on the machine does not
# inflate, and wall time), the ratio new/old, the floor (reading the file
# alone) and peak RSS, which must stay flat: the log is never held whole.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
OLD_REV=410afbd
size_mb=${1:-${NR_SCRUB_BENCH_MB:-1024}}
CC=${CC:-cc}
CFLAGS_BENCH="-O2 -g -std=c11 -D_GNU_SOURCE"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nr-bench-scrub.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

# shellcheck disable=SC2086
$CC $CFLAGS_BENCH -I"$root/collector/scrub" -I"$root/collector" -o "$tmp/new" \
	"$here/scrub_driver.c" "$root"/collector/scrub/*.c "$root/collector/util/error.c"
old=""
if git -C "$root" cat-file -e "$OLD_REV^{commit}" 2>/dev/null; then
	mkdir "$tmp/old-src"
	for f in $(git -C "$root" ls-tree --name-only "$OLD_REV" collector/scrub/); do
		git -C "$root" show "$OLD_REV:$f" >"$tmp/old-src/$(basename "$f")"
	done
	# shellcheck disable=SC2086
	$CC $CFLAGS_BENCH -I"$tmp/old-src" -o "$tmp/old" "$here/scrub_driver.c" "$tmp"/old-src/*.c
	old="$tmp/old"
else
	echo "scrub: commit $OLD_REV is not in this checkout: only today's scrubber is measured"
fi

/usr/bin/python3 "$here/scrub_log.py" "$tmp/log" $((size_mb * 1024 * 1024))
cat "$tmp/log" >/dev/null      # in the page cache for every run alike

"$tmp/new" "$tmp/log" --read-only >"$tmp/floor.txt"
"$tmp/new" "$tmp/log" >"$tmp/new.txt"
[ -z "$old" ] || "$old" "$tmp/log" >"$tmp/old.txt"

/usr/bin/python3 - "$size_mb" "$tmp" "$OLD_REV" <<'PY'
import os, sys
size_mb, tmp, rev = sys.argv[1], sys.argv[2], sys.argv[3]
def load(name):
    path = os.path.join(tmp, name + ".txt")
    if not os.path.exists(path):
        return None
    b, wall, cpu, count, rss = open(path).read().split()
    mb = int(b) / 1e6
    return dict(mb=mb, wall=float(wall), cpu=float(cpu), count=int(count), rss=int(rss),
                cpu_rate=mb / max(float(cpu), 1e-9), wall_rate=mb / max(float(wall), 1e-9))
floor, new, old = load("floor"), load("new"), load("old")
print("scrub: %s MiB libvirt-style log, 64 KiB writes" % size_mb)
def row(name, r):
    print("  %-22s %8.1f MB/s cpu  %8.1f MB/s wall  %7d values  peak RSS %6.1f MiB"
          % (name, r["cpu_rate"], r["wall_rate"], r["count"], r["rss"] / 1024))
row("floor (read only)", floor)
row("today's scrubber", new)
if old:
    row("scrubber at %s" % rev, old)
    print("  ratio today/%s: %.2fx (cpu), %.2fx (wall)"
          % (rev, new["cpu_rate"] / old["cpu_rate"], new["wall_rate"] / old["wall_rate"]))
print("  ratio today/floor: %.2fx of reading speed (cpu)" % (new["cpu_rate"] / floor["cpu_rate"]))
PY
