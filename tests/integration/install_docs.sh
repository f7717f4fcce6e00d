#!/bin/sh
# SPDX-License-Identifier: MIT
# make install puts the man pages and the shell completions where man,
# bash-completion and zsh look for them, under PREFIX and DESTDIR, and
# make uninstall removes exactly those files.  (The binary and schemas
# half of install has its own test; the Debian package test installs all
# of it through dh_auto_install.)
. "$(dirname "$0")/../lib.sh"

need_cmd make
MK="make --no-print-directory -C $SRC_DIR"
R="$T/root"

# Wired into install and uninstall.
$MK -n install PREFIX=/usr DESTDIR="$R" >"$T/n.out" 2>&1 || { show "$T/n.out"; fail "make -n install"; }
grep -q 'docs/man/nest-report.1 ' "$T/n.out" || { show "$T/n.out"; fail "make install does not install the man pages"; }
grep -q 'docs/completion/_nest-report ' "$T/n.out" || fail "make install does not install the zsh completion"
$MK -n uninstall PREFIX=/usr DESTDIR="$R" >"$T/n.out" 2>&1 || fail "make -n uninstall"
grep -q 'man1/nest-report.1' "$T/n.out" || { show "$T/n.out"; fail "make uninstall does not remove the man pages"; }
grep -q 'completions/nest-report' "$T/n.out" || fail "make uninstall does not remove the bash completion"

$MK install-man install-completion PREFIX=/usr DESTDIR="$R" >"$T/make.out" 2>&1 ||
	{ show "$T/make.out"; fail "make install-man install-completion failed"; }
for f in man/man1/nest-report.1 man/man1/nest-report-collect.1 man/man1/nest-report-show.1 \
	man/man5/nest-report.conf.5 man/man5/nest-report-probes.5 \
	bash-completion/completions/nest-report zsh/site-functions/_nest-report; do
	[ -f "$R/usr/share/$f" ] || { find "$R" >&2; fail "not installed: /usr/share/$f"; }
	assert_eq "$(stat -c %a "$R/usr/share/$f")" 644 "mode of /usr/share/$f"
done
assert_eq "$(ls "$R/usr/share/man/man1" | wc -l)" "$(ls "$SRC_DIR"/docs/man/*.1 | wc -l)" "man1 pages installed"

# man finds and renders them from that tree.
if command -v man >/dev/null 2>&1; then
	MANPATH="$R/usr/share/man" man -w nest-report-show >"$T/w" 2>&1 || { show "$T/w"; fail "man -w nest-report-show"; }
	grep -q "$R/usr/share/man/man1/nest-report-show.1" "$T/w" || { show "$T/w"; fail "man found another page"; }
	MANPATH="$R/usr/share/man" MANPAGER=cat MANWIDTH=80 man 5 nest-report.conf >"$T/page" 2>&1 ||
		{ show "$T/page"; fail "man 5 nest-report.conf"; }
	grep -q "sign.signer_id" "$T/page" || { show "$T/page"; fail "man 5 nest-report.conf: not the page"; }
fi

# bash-completion loads it on demand from XDG_DATA_DIRS.
BC=/usr/share/bash-completion/bash_completion
if [ -f "$BC" ] && command -v bash >/dev/null 2>&1; then
	XDG_DATA_DIRS="$R/usr/share" bash --norc --noprofile -c ". $BC; __load_completion nest-report; complete -p nest-report" \
		>"$T/c" 2>&1 || { show "$T/c"; fail "bash-completion did not load the installed completion"; }
	grep -q -- "-F _nest_report nest-report" "$T/c" || { show "$T/c"; fail "bash-completion loaded something else"; }
fi

# zsh: the default ZSHCOMPDIR of a /usr/local install is in zsh's own
# $fpath, and the installed file autoloads from its directory.
if command -v zsh >/dev/null 2>&1; then
	zsh -f -c 'print -l $fpath' | grep -qx /usr/local/share/zsh/site-functions ||
		fail "zsh's \$fpath lacks /usr/local/share/zsh/site-functions, the default ZSHCOMPDIR"
	zsh -f -c "fpath=($R/usr/share/zsh/site-functions); autoload -Uz _nest-report; whence -w _nest-report" \
		>"$T/z" 2>&1 || { show "$T/z"; fail "zsh cannot autoload the installed _nest-report"; }
fi

# uninstall: every file gone, and nothing else touched.
mkdir -p "$R/usr/share/man/man1"
echo other >"$R/usr/share/man/man1/other.1"
$MK uninstall-man uninstall-completion PREFIX=/usr DESTDIR="$R" >"$T/make.out" 2>&1 ||
	{ show "$T/make.out"; fail "make uninstall-man uninstall-completion failed"; }
assert_eq "$(find "$R" -type f | sed "s|^$R||")" "/usr/share/man/man1/other.1" "files left after uninstall"
verdict
