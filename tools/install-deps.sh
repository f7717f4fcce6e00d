#!/bin/sh
# Installs the Debian packages that building, testing and benchmarking
# nest-report need.  Idempotent; needs root (apt-get).
set -eu
BUILD="build-essential pkg-config libarchive-dev libcurl4-openssl-dev libjson-c-dev libssh-dev"
TEST="libcmocka-dev clang python3 python3-jsonschema zstd xz-utils gzip util-linux procps kmod"
# Real peers for the integration and end-to-end tests: sshd on loopback and
# in network namespaces, nginx (its dav module takes the upload tests' PUTs,
# over TLS with certificates openssl makes), a QEMU guest under TCG booted
# from a tiny initramfs.
E2E="openssh-server openssh-client nginx openssl iproute2 qemu-system-x86 busybox-static dropbear-bin cpio"
# The probes' own tools: what nest-report runs on a real machine.
PROBE_TOOLS="dmidecode pciutils"
case "$(uname -m)" in x86_64|i?86) PROBE_TOOLS="$PROBE_TOOLS x86info" ;; esac
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: needs root; try: sudo make deps" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# The tests start their own sshd on loopback; installing openssh-server must
# not start a system-wide one on the user's machine.  policy-rc.d is Debian's
# switch for "do not start services from maintainer scripts".
policy=/usr/sbin/policy-rc.d
own_policy=
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' >"$policy"
	chmod 755 "$policy"
	own_policy=1
fi
trap '[ -n "$own_policy" ] && rm -f "$policy"' EXIT
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $BUILD $TEST $E2E $PROBE_TOOLS >/dev/null
echo "install-deps: done"
