#!/bin/sh
# SPDX-License-Identifier: MIT
# Levels that stall after connecting end within the documented bound
# (docs/ARCHITECTURE.md, "Bounds": --connect-timeout + 2 x --timeout, plus
# a second) and leave nothing running on the far side.  Real sshd servers
# on loopback, each stalling its own way:
#   rc      a login script that sleeps (bash's BASH_ENV, set by sshd's
#           SetEnv): no shell ever starts;
#   forced  a ForceCommand that sleeps and never reads: OpenSSH refuses
#           the signal request for it (and for any root login), so only
#           the pty hangup can end it;
#   detect  the shell starts, but `uname` and `id` hang: architecture
#           detection and the root check must keep the deadline.
# The sleeps are $FAKEBIN's nr-test-sleep, so none of them can hide among
# other processes: after the run, none is left, and no sshd has a session
# left.  The good level (l0) is complete and the bundle valid.
. "$(dirname "$0")/../lib.sh"
need_sshd
need_cmd tar zstd pgrep

make_sleeper
SLEEP="$FAKEBIN/nr-test-sleep"
PATHS="PATH=$FAKEBIN/remote-detect:$FAKEBIN/remote:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
levels=""

case $(getent passwd root | cut -d: -f7) in
*/bash)
	printf '"%s" 600\n' "$SLEEP" >"$T/stall-rc.sh"
	SSHD_EXTRA="SetEnv BASH_ENV=$T/stall-rc.sh $PATHS" sshd_start rc 127.0.0.1 "$(free_port)"
	sshd_trust rc
	levels="rc"
	;;
*) note "root's login shell is not bash: the login-script case is skipped" ;;
esac
SSHD_EXTRA="ForceCommand $SLEEP 600" sshd_start forced 127.0.0.1 "$(free_port)"
sshd_trust forced
remote_fake_cmd uname "exec \"$SLEEP\" 600" detect
remote_fake_cmd id "exec \"$SLEEP\" 600" detect
# An empty HOME: root's own dotfiles (which may well run uname) stay out.
mkdir -p "$T/home" "$T/rtmp"
SSHD_EXTRA="SetEnv HOME=$T/home TMPDIR=$T/rtmp $PATHS" sshd_start detect 127.0.0.1 "$(free_port)"
sshd_trust detect
levels="$levels forced detect"

port() { read -r _a _p _ns <"$SSHT/sshd-$1/where"; echo "$_p"; }
args=""
for l in $levels; do args="$args --level $l=root@127.0.0.1:$(port "$l")"; done

timeout=4 connect=3
bound=$((connect + 2 * timeout + 1))
start=$(now_s)
# shellcheck disable=SC2086
collect_into "$T/out-dir" $SSH_ARGS --no-sign --only kernel,cpu --timeout $timeout \
	--connect-timeout $connect $args
elapsed=$(($(now_s) - start))
soft bundle_valid
note "stalled levels ($levels) took $elapsed s; the bound is $bound s"
soft assert_lt "$elapsed" $((bound + 1)) "seconds for a run whose levels stall (--timeout $timeout --connect-timeout $connect)"
soft assert_gt "$elapsed" $((timeout - 1)) "seconds (it did wait for the stalled levels)"

expect_level l0 ok
for l in $levels; do
	[ "$l" = detect ] && continue
	soft expect_level "$l" partial
	why=$(lget "$l" "' | '.join(lv['errors'])")
	case $why in *"did not start before the deadline"*) ;; *) soft fail "level $l: errors do not say the shell did not start: $why" ;; esac
done
# detect: uname and id hung; the level still answered what it could.
soft assert_eq "$(lget detect "lv['root']")" null "root of the level whose id hangs"
soft expect_level detect ok
st=$(lget detect "[p for p in lv['probes'] if p['name'] == 'kernel'][0]['status']")
soft assert_eq "$st" timeout "kernel probe on the level whose uname hangs"

# Nothing of ours is left on the far side: every sleep and fake is gone
# (commands under `timeout` die at their own deadline, within a second of
# ours), and no sshd holds a session any more.
no_fakes_left "after stalled levels"
for l in $levels; do
	_i=0
	while [ -n "$(sshd_sessions "$l")" ] && [ $_i -lt 30 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	left=$(sshd_sessions "$l")
	[ -z "$left" ] || { ps -o pid,args -p "$(echo $left | tr ' ' ',')" >&2; soft fail "sshd $l still has sessions: $left"; }
done
# Workers hung up in the middle of an operation still removed their files.
soft assert_empty_dir "$T/rtmp" "detect's TMPDIR after the run"
verdict
