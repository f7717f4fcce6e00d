#!/bin/sh
# SPDX-License-Identifier: MIT
# The licence is stated where a packager and a license scanner look: LICENSE
# is the MIT licence, and every .c/.h/.sh/.py source (tracked by git, or
# every such file when the tree is not a git checkout) says
# "SPDX-License-Identifier: MIT" in its first three lines.  The fix for a
# failure is tools/spdx-sweep.sh.
. "$(dirname "$0")/../lib.sh"
[ -f "$SRC_DIR/LICENSE" ] || fail "no LICENSE file"
head -n 1 "$SRC_DIR/LICENSE" | grep -qx "MIT License" || fail "LICENSE is not the MIT licence"
cd "$SRC_DIR" || fail "cannot enter $SRC_DIR"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git ls-files -- '*.c' '*.h' '*.sh' '*.py' >"$T/files"
else
	find . \( -path ./build -o -path ./build-san -o -path ./.git \) -prune -o -type f \
		\( -name '*.c' -o -name '*.h' -o -name '*.sh' -o -name '*.py' \) -print >"$T/files"
fi
assert_gt "$(line_count "$T/files")" 100 "source files found"
: >"$T/missing"
while read -r f; do
	[ -f "$f" ] || continue
	head -n 3 "$f" | grep -q "SPDX-License-Identifier: MIT" || echo "$f" >>"$T/missing"
done <"$T/files"
[ ! -s "$T/missing" ] || { show "$T/missing" 20; fail "$(line_count "$T/missing") source file(s) lack 'SPDX-License-Identifier: MIT' (run tools/spdx-sweep.sh)"; }
# The sweep script agrees, and finds nothing left to do.
sh tools/spdx-sweep.sh --check >"$T/check" 2>&1 || { show "$T/check"; fail "spdx-sweep.sh --check disagrees"; }
exit 0
