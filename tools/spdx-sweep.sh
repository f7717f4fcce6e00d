#!/bin/sh
# Adds "SPDX-License-Identifier: MIT" to every .c/.h/.sh/.py source that
# lacks it in its first lines: as the first line of C files, after the #!
# line (or first) of scripts.  Idempotent: run it again after a merge.
#   tools/spdx-sweep.sh            sweep the tree (tracked files, else all)
#   tools/spdx-sweep.sh --check    list the files that lack it; exit 1 if any
set -eu
cd "$(dirname "$0")/.."
TAG="SPDX-License-Identifier: MIT"
check=
case "${1:-}" in
--check) check=1 ;;
"") ;;
*) echo "usage: spdx-sweep.sh [--check]" >&2; exit 2 ;;
esac

files() {
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		git ls-files -- '*.c' '*.h' '*.sh' '*.py'
	else
		find . \( -path ./build -o -path ./build-san -o -path ./.git \) -prune -o \
			-type f \( -name '*.c' -o -name '*.h' -o -name '*.sh' -o -name '*.py' \) -print |
			sed 's|^\./||'
	fi
}

missing=0
for f in $(files); do
	[ -f "$f" ] || continue
	head -n 3 "$f" | grep -q "SPDX-License-Identifier:" && continue
	missing=$((missing + 1))
	if [ -n "$check" ]; then
		echo "$f"
		continue
	fi
	tmp="$f.spdx-tmp"
	case $f in
	*.c | *.h) { echo "/* $TAG */"; cat "$f"; } >"$tmp" ;;
	*)
		if head -n 1 "$f" | grep -q '^#!'; then
			{ head -n 1 "$f"; echo "# $TAG"; tail -n +2 "$f"; } >"$tmp"
		else
			{ echo "# $TAG"; cat "$f"; } >"$tmp"
		fi
		;;
	esac
	# Keep the file's mode (scripts stay executable).
	chmod --reference="$f" "$tmp"
	mv "$tmp" "$f"
done
if [ -n "$check" ] && [ "$missing" -gt 0 ]; then
	echo "spdx-sweep: $missing file(s) lack '$TAG'; run tools/spdx-sweep.sh" >&2
	exit 1
fi
[ -n "$check" ] || echo "spdx-sweep: added the identifier to $missing file(s)"
