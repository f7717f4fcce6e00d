#!/bin/sh
# SPDX-License-Identifier: MIT
# Jump chains through real sshd servers in network namespaces this test
# creates (no address is added outside them):
#
#   n0 (nest-report runs here) --veth-- A (sshd, L1) --veth-- B (sshd, L2)
#                                                     --veth-- C (sshd, L3)
#
# n0 has a route to A only, A to n0 and B, B to A and C.  With
# `--level l2=...,via=l1 --level l3=...,via=l2` all three levels are
# collected, B's and C's sshd saw the connection come from A's and B's
# address (the tunnel ends there), and the same address given without via
# is unreachable.  The run happens in a private mount namespace where
# /usr/bin/ssh, scp and sftp are replaced by a fake that leaves a mark, and a
# fake `ssh` is first in PATH: the tool must not use an OpenSSH client.
. "$(dirname "$0")/../lib.sh"
need_sshd
need_netns
need_cmd tar zstd unshare mount

net=10.$((77 + $$ % 50)).$(($$ % 200))
netns_add n0; N0=$NETNS
netns_add a; NA=$NETNS
netns_add b; NB=$NETNS
netns_add c; NC=$NETNS
veth_link "$N0" "$net.1/30" "$NA" "$net.2/30"
veth_link "$NA" "$net.5/30" "$NB" "$net.6/30"
veth_link "$NB" "$net.9/30" "$NC" "$net.10/30"
A=$net.2 B=$net.6 C=$net.10

sshd_start l1 "$A" 22 "$NA"
sshd_start l2 "$B" 22 "$NB"
sshd_start l3 "$C" 22 "$NC"
sshd_trust l1
sshd_trust l2
sshd_trust l3

# The topology really is what the chain needs: B is not reachable from n0.
tcp_ok() { # NS ADDR
	ip netns exec "$1" "$PY" -c 'import socket,sys; socket.create_connection((sys.argv[1], 22), 2).close()' "$2" 2>/dev/null
}
tcp_ok "$N0" "$A" || fail "sanity: A ($A) not reachable from n0"
tcp_ok "$NA" "$B" || fail "sanity: B ($B) not reachable from A"
! tcp_ok "$N0" "$B" || fail "sanity: B ($B) is reachable from n0; the test proves nothing"
! tcp_ok "$N0" "$C" || fail "sanity: C ($C) is reachable from n0; the test proves nothing"

# No OpenSSH client, whatever path the tool might try.
marker="$T/openssh-client-used"
printf '#!/bin/sh\ntouch %s\nexit 255\n' "$marker" >"$T/no-ssh"
chmod 0755 "$T/no-ssh"
fake_cmd ssh "touch '$marker'; exit 255"

mkdir -p "$T/out-dir"
start=$(now_s)
RC=0
# shellcheck disable=SC2086,SC2016
${_watchdog:-} unshare --mount --propagation private sh -c '
	for c in ssh scp sftp; do
		[ -e "/usr/bin/$c" ] && mount --bind "$1" "/usr/bin/$c"
	done
	shift
	exec "$@"' sh "$T/no-ssh" \
	env PATH="$FAKEBIN:$PATH" ip netns exec "$N0" "$NR_BIN" collect -o "$T/out-dir" $SSH_ARGS \
	--connect-timeout 5 --only kernel,cpu,dmesg,kvm \
	--level "l1=root@$A" --level "l2=root@$B,via=l1" --level "l3=root@$C,via=l2" \
	--level "l2direct=root@$B" >"$T/out" 2>"$T/err" || RC=$?
elapsed=$(($(now_s) - start))
if [ -n "${_watchdog:-}" ] && { [ "$RC" -eq 124 ] || [ "$RC" -eq 137 ]; }; then
	show "$T/err"
	fail "nest-report (jump chain) did not finish in time (killed by the test's watchdog)"
fi
no_sanitizer_report "$T/err" "nest-report (jump chain)"
expect_rc 0 "nest-report with a jump chain"
one_bundle "$T/out-dir"
X="$T/x"
unpack "$BUNDLE" "$X"
soft bundle_valid

assert_eq "$(mget "[(l['id'], l['depth'], l['parent'], l['target']) for l in m['levels']]")" \
	"$(printf '[["l0", 0, null, null], ["l1", 1, "l0", "%s"], ["l2", 2, "l1", "%s"], ["l3", 3, "l2", "%s"], ["l2direct", 1, "l0", "%s"]]' "$A" "$B" "$C" "$B")" \
	"levels (id, depth, parent, target)"
for l in l1 l2 l3; do
	soft level_complete "$l"
	soft assert_eq "$(lget "$l" "lv['transport']")" ssh "$l transport"
done
# Each level really is the machine behind that address: its kernel facts
# arrived (all share this kernel), and the tunnel ends are where they
# should be: B's sshd was reached from A, C's from B.
soft assert_eq "$(lget l3 "lv['facts']['kernel']['release']")" "$(uname -r)" "l3 kernel release"
grep -q "Accepted publickey for root from $net.5 " "$SSHT/sshd-l2/sshd.log" ||
	{ show "$SSHT/sshd-l2/sshd.log"; soft fail "L2's sshd did not see the connection come from A ($net.5)"; }
grep -q "Accepted publickey for root from $net.9 " "$SSHT/sshd-l3/sshd.log" ||
	{ show "$SSHT/sshd-l3/sshd.log"; soft fail "L3's sshd did not see the connection come from B ($net.9)"; }

# The direct route does not exist.
soft expect_level l2direct unreachable
err=$(lget l2direct "' '.join(lv['errors'])")
case $err in *"$B"*) ;; *) soft fail "l2direct's error does not name the target: $err" ;; esac
soft assert_eq "$(lget l2direct "len(lv['probes'])")" 0 "probes run on the unreachable l2direct"
soft assert_lt "$elapsed" 30 "seconds for the chain run"

[ ! -e "$marker" ] || soft fail "an OpenSSH client (ssh/scp/sftp) was run by the tool"
verdict
