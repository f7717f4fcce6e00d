#!/bin/sh
# SPDX-License-Identifier: MIT
# A connection dropped mid-collection: l1's sshd session process is killed
# while remote commands are still running (fakes `lscpu` and `dmesg` that
# sleep first) and after other probes of l1 have finished.  l1 ends
# `partial` with an error saying the connection was lost; the artifacts
# that arrived before are in the bundle and listed; nothing cut off is
# passed off as a result (no empty "complete" output, no "not installed");
# l0 and l2 (another real sshd) are complete; the bundle is valid; the run
# does not hang.
. "$(dirname "$0")/../lib.sh"
need_sshd
need_cmd tar zstd

make_sleeper
# Only l1's sessions get the slow lscpu and dmesg (they sleep, then run the
# real command).
real_path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
for c in lscpu dmesg; do
	remote_fake_cmd "$c" "touch '$T/$c-started'; \"$FAKEBIN/nr-test-sleep\" 8; PATH=$real_path exec $c \"\$@\"" l1
done
p1=$(free_port)
p2=$(free_port)
sshd_start l1 127.0.0.1 "$p1"
sshd_start l2 127.0.0.1 "$p2"
sshd_trust l1
sshd_trust l2

mkdir -p "$T/out-dir"
start=$(now_s)
# shellcheck disable=SC2086
PATH="$FAKEBIN:$PATH" "$NR_BIN" collect -v -o "$T/out-dir" $SSH_ARGS --skip x86info --timeout 20 \
	--level "l1=root@127.0.0.1:$p1" --level "l2=root@127.0.0.1:$p2" >"$T/out" 2>"$T/err" &
nr=$!
# Wait until l1 is mid-collection: the slow commands run and the kernel probe
# of l1 has finished (so something has arrived).
i=0
while [ $i -lt 150 ] && ! { [ -e "$T/lscpu-started" ] && [ -e "$T/dmesg-started" ] && grep -q "probe 'kernel' on l1: ok" "$T/err"; }; do
	sleep 0.1
	i=$((i + 1))
done
for c in lscpu dmesg; do
	[ -e "$T/$c-started" ] || { kill "$nr"; show "$T/err"; fail "the slow remote $c never started"; }
done
grep -q "probe 'kernel' on l1: ok" "$T/err" || { kill "$nr"; show "$T/err"; fail "l1's kernel probe did not finish"; }
sessions=$(sshd_sessions l1)
[ -n "$sessions" ] || { kill "$nr"; fail "no sshd session process for l1"; }
# Drop the connection: kill the sshd processes of l1's session (the
# per-connection monitor and its unprivileged child), not the shells.
victims=""
for s in $sessions; do
	for p in $(proc_tree "$s"); do
		[ "$(ps -o comm= -p "$p" 2>/dev/null)" = sshd ] && victims="$victims $p"
	done
done
note "killing l1's sshd session processes:$victims"
# shellcheck disable=SC2086
kill -9 $victims
wait_pid_exit "$nr" 30
elapsed=$(($(now_s) - start))
no_sanitizer_report "$T/err" "nest-report (dropped connection)"
expect_rc 0 "nest-report with a connection dropped mid-collection"
one_bundle "$T/out-dir"
X="$T/x"
unpack "$BUNDLE" "$X"
soft bundle_valid
soft assert_lt "$elapsed" 25 "seconds for the run"

expect_level l0 ok
soft level_complete l2
soft expect_level l1 partial
err=$(lget l1 "' | '.join(lv['errors'])")
case $err in *"connection"*"lost"*) ;; *) soft fail "l1's errors do not say the connection was lost: $err" ;; esac
# What arrived is kept and listed: the kernel probe's artifacts at least.
soft assert_eq "$(lget l1 "[p['status'] for p in lv['probes'] if p['name'] == 'kernel']")" '["ok"]' "l1 kernel probe"
n=$(lget l1 "len([a for p in lv['probes'] for a in p['artifacts']])")
soft assert_gt "$n" 0 "artifacts kept for l1"
for a in $(lget l1 "' '.join(a['path'] for p in lv['probes'] if p['name'] == 'kernel' for a in p['artifacts'])"); do
	[ -s "$X/$a" ] || soft fail "l1 artifact $a is listed but missing or empty in the bundle"
done
# Nothing lost with the connection is passed off as a result.  l2 is the
# same machine behind the same kind of server, so a probe that is ok there
# and was cut off on l1 must be failed there, not "skipped: not installed".
bad=$("$PY" - "$M" <<'PYEOF'
import json, sys
m = json.load(open(sys.argv[1]))
lv = {l["id"]: l for l in m["levels"]}
ok2 = {p["name"] for p in lv["l2"]["probes"] if p["status"] == "ok"}
print(" ".join("%s=%s(%s)" % (p["name"], p["status"], p["error"]) for p in lv["l1"]["probes"]
               if p["name"] in ok2 and p["status"] == "skipped"))
PYEOF
)
[ -z "$bad" ] || soft fail "l1 probes cut off by the dropped connection are reported skipped (as if not installed): $bad"
# The lscpu and dmesg that were running when the connection dropped
# produced nothing: no `ok` probe may present such a command as an empty
# but complete output (nothing timed out here, so a command artifact with
# no exit code is one that never finished).
bad=$(lget l1 "' '.join(p['name'] + '/' + a['name'] for p in lv['probes'] if p['status'] == 'ok' for a in p['artifacts'] if a['command'] and a['exit_code'] is None)")
[ -z "$bad" ] || soft fail "l1: commands cut off by the dropped connection are listed as results of ok probes: $bad"
verdict
