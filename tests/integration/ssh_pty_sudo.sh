#!/bin/sh
# SPDX-License-Identifier: MIT
# Worker shells run on a pseudo-terminal (docs/ARCHITECTURE.md, "Remote
# workers run on a pty"), made raw before a byte is sent, so the stream is
# binary-clean; real sudo (Debian's sudoers has `Defaults use_pty`: sudo
# relays our pty through one of its own) must not change that.  A real
# sshd on loopback, an empty HOME (root's own dotfiles stay out), level l1
# through `sudo -n`, level l2 without: every file artifact of both is byte
# for byte the same as l0's (the same machine), no \r crept in, and after
# the run nothing of ours is left under either sshd, nor in l2's TMPDIR
# (the hangup that ends a worker still runs its cleanup).
. "$(dirname "$0")/../lib.sh"
need_sshd
need_cmd tar zstd cmp
command -v sudo >/dev/null 2>&1 || skip "needs sudo (apt-get install sudo)"
sudo -n true 2>/dev/null || skip "sudo -n does not work for root here"

mkdir -p "$T/home" "$T/rtmp"
for l in l1 l2; do
	SSHD_EXTRA="SetEnv HOME=$T/home TMPDIR=$T/rtmp" sshd_start "$l" 127.0.0.1 "$(free_port)"
	sshd_trust "$l"
done
port() { read -r _a _p _ns <"$SSHT/sshd-$1/where"; echo "$_p"; }

# shellcheck disable=SC2086
collect_into "$T/out-dir" $SSH_ARGS --no-sign --only kernel,cpu,kvm --timeout 20 \
	--level "l1=root@127.0.0.1:$(port l1),sudo" --level "l2=root@127.0.0.1:$(port l2)"
soft bundle_valid
soft level_complete l1
soft level_complete l2

# Files read remotely are the files read locally, byte for byte.
n=0
for f in "$X"/levels/l0/kvm/param-* "$X"/levels/l0/kernel/proc-version "$X"/levels/l0/cpu/cpuinfo; do
	[ -f "$f" ] || continue
	rel=${f#"$X"/levels/l0/}
	for l in l1 l2; do
		cmp -s "$f" "$X/levels/$l/$rel" || soft fail "$l: $rel differs from l0's (the pty changed the bytes?)"
	done
	n=$((n + 1))
done
assert_gt "$n" 2 "file artifacts compared"
for l in l1 l2; do
	if grep -rlq "$(printf '\r')" "$X/levels/$l"; then
		soft fail "$l: a carriage return in an artifact"
	fi
done

for l in l1 l2; do
	_i=0
	while [ -n "$(sshd_sessions "$l")" ] && [ $_i -lt 30 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	[ -z "$(sshd_sessions "$l")" ] || soft fail "sshd $l still has sessions after the run"
done
soft assert_empty_dir "$T/rtmp" "the remote TMPDIR after the run"
verdict
