#!/bin/sh
# SPDX-License-Identifier: MIT
# A blackholed level (packets to it vanish: SYNs go out of a veth whose peer
# is down, to a permanent neighbour entry, inside a network namespace this
# test made) ends as `unreachable` within --connect-timeout (alone, the run
# takes that long and no longer) and does not hold up the others: a good
# level (a real sshd in the same namespace) and l0 are complete, a level
# reached through the blackholed one is reported not reached, and the
# bundle is valid.
. "$(dirname "$0")/../lib.sh"
need_sshd
need_netns
need_cmd tar zstd

net=10.$((77 + $$ % 50)).$(($$ % 200))
netns_add n0; N0=$NETNS
sshd_start good 127.0.0.1 22 "$N0"
sshd_trust good
# The blackhole: both ends of a veth in n0, the far one down.
veth_link "$N0" "$net.1/30" "$N0" "$net.2/30"
ip -n "$N0" link set "$VETH_B" down
ip -n "$N0" addr flush dev "$VETH_B"
ip -n "$N0" neigh replace "$net.2" lladdr 02:00:00:00:00:02 dev "$VETH_A" nud permanent ||
	fail "cannot add the neighbour entry"
hole=$net.2

ct=2
mkdir -p "$T/out-dir"
start=$(now_s)
# shellcheck disable=SC2086
run_nr_in "$N0" collect -o "$T/out-dir" $SSH_ARGS --skip x86info --connect-timeout $ct \
	--level "good=root@127.0.0.1" --level "hole=root@$hole" --level "behind=root@10.255.0.1,via=hole"
elapsed=$(($(now_s) - start))
expect_rc 0 "nest-report with a blackholed level"
one_bundle "$T/out-dir"
X="$T/x"
unpack "$BUNDLE" "$X"
soft bundle_valid

expect_level l0 ok
soft level_complete good
soft expect_level hole unreachable
soft expect_level behind unreachable
err=$(lget hole "' | '.join(lv['errors'])")
case $err in *[Tt]imeout* | *"timed out"*) ;; *) soft fail "hole's error does not say the connection timed out: $err" ;; esac
err=$(lget behind "' | '.join(lv['errors'])")
case $err in *hole*) ;; *) soft fail "behind's error does not name the level it is reached through: $err" ;; esac
# The run waited for the blackhole no longer than its connect timeout
# (plus the good level's own collection, which ran meanwhile).
soft assert_lt "$elapsed" $((ct + 12)) "seconds for a run with a blackholed level and --connect-timeout $ct"
# It did wait: this was a timeout, not a quick refusal.
grep -q 'level hole' "$T/err" || { show "$T/err"; soft fail "no warning about level hole"; }

# The blackhole alone: the run ends when --connect-timeout expires, not
# before (this was a timeout, not a quick refusal) and not much after.
ct=3
rm -rf "$T/out-dir" && mkdir -p "$T/out-dir"
start=$(now_s)
# shellcheck disable=SC2086
run_nr_in "$N0" collect -o "$T/out-dir" $SSH_ARGS --only kernel --connect-timeout $ct --level "hole=root@$hole"
elapsed=$(($(now_s) - start))
expect_rc 0 "nest-report with only a blackholed level"
soft assert_gt "$elapsed" $((ct - 2)) "seconds for a run whose only remote level is blackholed (--connect-timeout $ct)"
soft assert_lt "$elapsed" $((ct + 4)) "seconds for a run whose only remote level is blackholed (--connect-timeout $ct)"
verdict
