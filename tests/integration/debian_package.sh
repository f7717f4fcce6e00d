#!/bin/sh
# SPDX-License-Identifier: MIT
# The Debian package, as a user meets it: debian/ builds a .deb with
# `dpkg-buildpackage -us -uc -b` from a clean copy of the sources, lintian
# finds no error in it, and it installs for real (dpkg -i, its dependencies
# checked against this machine's package database, its triggers run) into
# an overlay of this machine's root in a private mount namespace, so the
# machine itself is never changed.  There the installed nest-report runs,
# collects this machine, verifies the bundle against its installed schema,
# writes the HTML page, and its man pages and completion are where man and
# bash-completion look; purging it leaves none of its files.
. "$(dirname "$0")/../lib.sh"

need_cmd dpkg-buildpackage dpkg-deb dpkg
command -v dh >/dev/null 2>&1 || skip "needs debhelper (apt-get install debhelper)"
command -v lintian >/dev/null 2>&1 || skip "needs lintian (apt-get install lintian)"
need_cmd unshare chroot mount tar

# ---- versions agree: the changelog, the Makefile, the binary --------------
run_nr version
deb_version=$(dpkg-parsechangelog -l "$SRC_DIR/debian/changelog" -S Version)
mk_version=$(sed -n 's/^VERSION *:= *//p' "$SRC_DIR/Makefile")
assert_eq "$deb_version" "$(sed -n '1s/^nest-report //p' "$T/out")" "debian/changelog's version vs nest-report version"
assert_eq "$deb_version" "$mk_version" "debian/changelog's version vs the Makefile's VERSION"
# The licence in debian/copyright is the one at the top of the tree.
if [ -f "$SRC_DIR/LICENSE" ]; then
	"$PY" - "$SRC_DIR/LICENSE" "$SRC_DIR/debian/copyright" <<'PYEOF' || fail "debian/copyright's licence text differs from LICENSE"
import re, sys
words = lambda s: re.sub(r"\s+", " ", s).strip()
lic = open(sys.argv[1]).read()
body = lic[lic.index("Permission is hereby granted"):]
cr = open(sys.argv[2]).read()
cr = "\n".join(l[1:] for l in cr.splitlines() if l.startswith(" ") and l.strip() != ".")
sys.exit(0 if words(body) in words(cr) else 1)
PYEOF
fi

# ---- build from a clean copy ---------------------------------------------
S="$T/src/nest-report-$deb_version"
mkdir -p "$S"
(cd "$SRC_DIR" && tar --exclude=./build --exclude=./build-san --exclude=./.git \
	--exclude=./nest-report --exclude='./nest-report-*.tar.*' -cf - .) | tar -xf - -C "$S" ||
	fail "cannot copy the sources"
(cd "$S" && DEB_BUILD_OPTIONS="parallel=2" dpkg-buildpackage -us -uc -b) >"$T/build.log" 2>&1 ||
	{ tail -n 60 "$T/build.log" >&2; fail "dpkg-buildpackage -us -uc -b failed"; }
DEB="$T/src/nest-report_${deb_version}_$(dpkg --print-architecture).deb"
[ -f "$DEB" ] || { ls "$T/src" >&2; fail "no $DEB"; }
grep -q 'check-unit' "$T/build.log" || fail "the build did not run the unit tests"
# make's own "jobserver unavailable" note (under `make -j check`) is no compiler's.
! grep 'warning:' "$T/build.log" | grep -qv 'jobserver unavailable' ||
	{ grep 'warning:' "$T/build.log" >&2; fail "compiler warnings with Debian's build flags"; }

# ---- lintian: no error (warnings are shown, and counted) -----------------
lintian --fail-on error --pedantic "$T/src/"*.changes >"$T/lintian.out" 2>&1 ||
	{ show "$T/lintian.out" 60; fail "lintian reports errors"; }
note "lintian: $(grep -c '^E:' "$T/lintian.out") errors, $(grep -c '^W:' "$T/lintian.out") warnings, $(grep -c '^[IPN]:' "$T/lintian.out") notes"
! grep -q '^W:' "$T/lintian.out" || { show "$T/lintian.out"; fail "lintian warns"; }

# ---- what the package holds -----------------------------------------------
dpkg-deb -c "$DEB" | awk '{ print $6 }' | sed 's|^\./|/|' >"$T/contents"
for f in /usr/bin/nest-report /usr/share/nest-report/schemas/manifest.schema.json \
	/usr/share/man/man1/nest-report.1.gz /usr/share/man/man1/nest-report-show.1.gz \
	/usr/share/man/man5/nest-report.conf.5.gz /usr/share/man/man5/nest-report-probes.5.gz \
	/usr/share/bash-completion/completions/nest-report /usr/share/zsh/vendor-completions/_nest-report \
	/usr/share/doc/nest-report/copyright; do
	grep -qx "$f" "$T/contents" || { show "$T/contents" 80; fail "the package lacks $f"; }
done
dpkg-deb -f "$DEB" Recommends | grep -q dmidecode || fail "the package does not recommend dmidecode"
dpkg-deb -f "$DEB" Suggests | grep -q libvirt-clients || fail "the package does not suggest libvirt-clients"

# ---- install it, in an overlay of this machine ---------------------------
need_root "dpkg -i into an overlay mount of /"
for d in /usr /etc /var/lib/dpkg; do
	[ "$(findmnt -n -o TARGET --target "$d")" = / ] ||
		skip "$d is not on the root filesystem: the overlay of / would not hold it"
done
host_before=$(ls -l /usr/bin/nest-report 2>&1)
mkdir -p "$T/ov" "$T/ovprobe"
unshare -m --propagation private sh -c '
	mount -t tmpfs nr-ov "$1" && mkdir "$1/up" "$1/work" "$1/root" &&
	mount -t overlay nr-ov -o "lowerdir=/,upperdir=$1/up,workdir=$1/work" "$1/root"' \
	probe "$T/ovprobe" 2>"$T/ovprobe.err" ||
	skip "cannot mount an overlay of / in a private mount namespace: $(tr '\n' ' ' <"$T/ovprobe.err")"
cp "$DEB" "$T/pkg.deb"
cat >"$T/inside.sh" <<'INSIDE'
#!/bin/sh
# Runs in the chroot.  Each step says what it checks.
set -eu
export PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive HOME=/root LC_ALL=C.UTF-8
step() { echo "== $*"; }
step "dpkg -i"
dpkg -i /tmp/pkg.deb
step "nest-report version"
nest-report version
step "collect"
mkdir -p /tmp/out
nest-report collect --no-sign -q -o /tmp/out
bundle=$(ls /tmp/out/nest-report-*.tar.zst)
step "verify (the installed schema)"
nest-report verify "$bundle" >/tmp/verify.out
cat /tmp/verify.out
grep -q '^schema *pass' /tmp/verify.out
step "show --html"
nest-report show "$bundle" --html /tmp/out/page.html
test -s /tmp/out/page.html
step "man"
man -w nest-report-show
MANPAGER=cat MANWIDTH=80 man 5 nest-report.conf | grep -q sign.signer_id
step "bash-completion"
bash --norc -c '. /usr/share/bash-completion/bash_completion; __load_completion nest-report; complete -p nest-report' |
	grep -q -- '-F _nest_report'
step "purge"
dpkg -L nest-report >/tmp/files
dpkg -P nest-report
while read -r f; do
	[ -d "$f" ] || [ ! -e "$f" ] || { echo "left after purge: $f"; exit 1; }
done </tmp/files
step "done"
INSIDE
chmod +x "$T/inside.sh"
# The namespace's mounts vanish with it; nothing is unmounted by hand.
timeout -k 5 300 unshare -m --propagation private sh -c '
	set -e
	ov=$1
	mount -t tmpfs nr-ov "$ov"
	mkdir "$ov/up" "$ov/work" "$ov/root"
	mount -t overlay nr-ov -o "lowerdir=/,upperdir=$ov/up,workdir=$ov/work" "$ov/root"
	mount -t proc proc "$ov/root/proc"
	mount --rbind /sys "$ov/root/sys"
	mount --rbind /dev "$ov/root/dev"
	mount -t tmpfs nr-tmp "$ov/root/tmp"
	cp "$2" "$ov/root/tmp/pkg.deb"
	cp "$3" "$ov/root/tmp/inside.sh"
	chroot "$ov/root" /tmp/inside.sh
' ov "$T/ov" "$T/pkg.deb" "$T/inside.sh" >"$T/inside.out" 2>&1 || {
	show "$T/inside.out" 80
	fail "the installed package did not pass (last step: $(grep '^== ' "$T/inside.out" | tail -n 1))"
}
grep -q '^== done' "$T/inside.out" || { show "$T/inside.out" 80; fail "the chroot steps did not finish"; }
grep -q "^nest-report $deb_version" "$T/inside.out" || fail "the installed nest-report version is not $deb_version"
assert_eq "$(ls -l /usr/bin/nest-report 2>&1)" "$host_before" "/usr/bin/nest-report on this machine (must be untouched)"
verdict
