#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs the Debian packages nest-report needs.  Idempotent; needs root.
#   tools/install-deps.sh                 building and running it (make deps)
#   tools/install-deps.sh --test          that, and what the tests need (make test-deps)
#   tools/install-deps.sh --list [--test] print the packages; install nothing
set -eu
# Building: the compiler and the libraries the Makefile finds with pkg-config.
BUILD="build-essential pkg-config libarchive-dev libcurl4-openssl-dev libjson-c-dev libssh-dev libssl-dev"
# The index's stores: SQLite (embedded) and PostgreSQL's client library.
BUILD="$BUILD libsqlite3-dev libpq-dev"
# Running: ssh-keygen signs bundles; the rest are the tools the probes run on
# a real machine (lscpu, ps, modinfo, dmidecode, lspci, x86info).
RUN="openssh-client util-linux procps kmod dmidecode pciutils"
case "$(uname -m)" in x86_64|i?86) RUN="$RUN x86info" ;; esac
# Testing: cmocka, the schema checker the tests compare with, the archivers
# they unpack bundles with, and real peers for the integration and
# end-to-end tests: sshd on loopback and in network namespaces, nginx (its
# dav module takes the upload tests' PUTs, over TLS with certificates
# openssl makes), a QEMU guest under TCG booted from a tiny initramfs.
TEST="libcmocka-dev clang python3 python3-jsonschema zstd xz-utils gzip openssh-server nginx openssl
iproute2 qemu-system-x86 busybox-static dropbear-bin cpio"
# Real sudo (Debian's use_pty relays the worker shells' pty): ssh_pty_sudo.sh.
TEST="$TEST sudo"
# The real libvirt stack (tests/integration/libvirt_real*.sh): Debian's
# libvirtd and virtlogd, started by the tests themselves (never as services),
# a Debian guest built with mmdebstrap into an ext4 image (e2fsprogs), and an
# iSCSI disk with CHAP from tgtd, which QEMU reaches with qemu-block-extra.
TEST="$TEST libvirt-daemon-system libvirt-clients mmdebstrap e2fsprogs tgt qemu-block-extra"
# What users meet besides the binary: man pages rendered by groff and man,
# completion run in bash (with bash-completion) and zsh, the HTML view in
# headless Chromium, the .deb built by debhelper, checked by lintian.
TEST="$TEST groff-base man-db bash-completion zsh chromium dpkg-dev debhelper lintian"
# util_linux_dumps.sh builds a small util-linux-shaped git history.
TEST="$TEST git"
# The index tests start their own PostgreSQL (initdb + pg_ctl on a socket in
# a temporary directory); the package's own cluster is never started (see
# policy-rc.d below).  sqlite3 and psql let the tests look inside.
TEST="$TEST postgresql sqlite3"
# make bench counts the far side's CPU and program launches with perf.
TEST="$TEST linux-perf"
# make bench times local collection against sos report, the incumbent.
TEST="$TEST sosreport"

want_test= list=
for arg in "$@"; do
	case $arg in
	--test) want_test=1 ;;
	--list) list=1 ;;
	*)
		echo "usage: install-deps.sh [--test] [--list]" >&2
		exit 2
		;;
	esac
done
packages="$BUILD $RUN${want_test:+ $TEST}"
if [ -n "$list" ]; then
	# shellcheck disable=SC2086
	printf '%s\n' $packages
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: needs root; try: sudo make ${want_test:+test-}deps" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive

# The tests start their own sshd and nginx; installing them must not start
# system-wide ones on the user's machine.  policy-rc.d is Debian's switch
# for "do not start services from maintainer scripts".  Ours must never
# outlive this script: dash runs no EXIT trap when a signal kills it, so
# INT, TERM and HUP are trapped too.  The traps are set before the file is
# made, and a signal that arrives while apt-get runs is acted on when
# apt-get returns (the shell waits for its foreground child), so the file
# is never removed under a running install.
policy=/usr/sbin/policy-rc.d
own_policy=
cleanup() {
	if [ -n "$own_policy" ]; then
		rm -f "$policy"
		own_policy=
	fi
}
trap cleanup EXIT
trap 'cleanup; trap - EXIT; exit 129' HUP
trap 'cleanup; trap - EXIT; exit 130' INT
trap 'cleanup; trap - EXIT; exit 143' TERM
if [ ! -e "$policy" ]; then
	own_policy=1
	printf '#!/bin/sh\nexit 101\n' >"$policy"
	chmod 755 "$policy"
fi
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $packages >/dev/null
echo "install-deps: done"
