#!/bin/sh
# Installs the Debian packages that building, testing and benchmarking
# nest-report need.  Idempotent; needs root (apt-get).
set -eu
BUILD="build-essential pkg-config libarchive-dev libcurl4-openssl-dev libjson-c-dev libssh-dev"
TEST="libcmocka-dev python3 python3-jsonschema zstd xz-utils gzip util-linux procps kmod"
# The probes' own tools: what nest-report runs on a real machine.
PROBE_TOOLS="dmidecode pciutils"
case "$(uname -m)" in x86_64|i?86) PROBE_TOOLS="$PROBE_TOOLS x86info" ;; esac
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: needs root; try: sudo make deps" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $BUILD $TEST $PROBE_TOOLS >/dev/null
echo "install-deps: done"
