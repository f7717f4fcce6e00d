#!/bin/sh
# SPDX-License-Identifier: MIT
# A remote command that hangs is killed at the timeout, on the remote side
# too.  The remote level (a real sshd on loopback; the remote machine is
# this one) has a fake `lscpu` first in its sessions' PATH that starts a
# `sleep 600` child and waits for it.  With --timeout 3, l1's cpu probe ends
# as timeout, the other probes of l1 and all of l0 (which runs the real
# lscpu) are complete, the bundle is valid, the run takes seconds, and
# neither the fake nor its sleep is left running afterwards.  Then a hung
# remote dmesg that ignores SIGHUP (the hangup of its worker does not end
# it): it is gone too, killed at its remote deadline.
. "$(dirname "$0")/../lib.sh"
need_sshd
need_cmd tar zstd pgrep

make_sleeper
remote_fake_cmd lscpu "touch '$T/lscpu-started'; \"$FAKEBIN/nr-test-sleep\" 600; echo 'woke up'"
port=$(free_port)
sshd_start l1 127.0.0.1 "$port"
sshd_trust l1

start=$(now_s)
# shellcheck disable=SC2086
collect_into "$T/out-dir" $SSH_ARGS --only kernel,cpu,dmesg --timeout 3 --level "l1=root@127.0.0.1:$port"
elapsed=$(($(now_s) - start))
soft bundle_valid
soft assert_lt "$elapsed" 20 "seconds for a run with --timeout 3 and a hung remote lscpu"
[ -e "$T/lscpu-started" ] || fail "the fake lscpu never ran remotely (is sshd's SetEnv PATH in effect?)"

# l0 is untouched: the fake is only in the remote PATH.
expect_level l0 ok
no_probe_failed
expect_probe cpu ok
# l1: the cpu probe timed out, pointing at the fake, and said after how long.
expect_level l1 ok
st=$(lget l1 "[p for p in lv['probes'] if p['name'] == 'cpu'][0]['status']")
soft assert_eq "$st" timeout "l1 cpu probe status"
err=$(lget l1 "[p for p in lv['probes'] if p['name'] == 'cpu'][0]['error']")
case $err in *"3 s"*) ;; *) soft fail "l1 cpu probe error '$err' does not say it timed out after 3 s" ;; esac
soft assert_eq "$(lget l1 "'$FAKEBIN/remote/lscpu' in [c['path'] for p in lv['probes'] if p['name'] == 'cpu' for c in p['commands']]")" true \
	"l1's cpu probe records the remote fake lscpu it ran"
bad=$(lget l1 "' '.join(p['name'] + '=' + p['status'] for p in lv['probes'] if p['status'] in ('failed', 'timeout') and p['name'] != 'cpu')")
soft assert_eq "$bad" "" "other l1 probes failed or timed out"
# What the cpu probe read before the hang is kept (/proc/cpuinfo).
soft assert_eq "$(lget l1 "[a['source'] for p in lv['probes'] if p['name'] == 'cpu' for a in p['artifacts'] if a['source']]")" '["/proc/cpuinfo"]' \
	"file artifacts kept by the timed-out cpu probe"
grep -q 'woke up' "$X"/levels/l1/cpu/* 2>/dev/null && soft fail "the hung lscpu was not stopped: its late output arrived"

# The remote side killed the fake and its sleep, not only our end.
no_fakes_left "after a timed-out remote lscpu"

remote_fake_cmd dmesg "trap '' HUP; touch '$T/dmesg-started'; \"$FAKEBIN/nr-test-sleep\" 600"
# shellcheck disable=SC2086
collect_into "$T/out-hup" $SSH_ARGS --only dmesg --timeout 3 --level "l1=root@127.0.0.1:$port"
[ -e "$T/dmesg-started" ] || fail "the fake dmesg never ran remotely"
soft assert_eq "$(lget l1 "[p['status'] for p in lv['probes'] if p['name'] == 'dmesg'][0]")" timeout \
	"l1 dmesg probe status (a hung dmesg that ignores SIGHUP)"
no_fakes_left "after a timed-out remote dmesg that ignores SIGHUP"
verdict
