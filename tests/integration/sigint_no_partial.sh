#!/bin/sh
# SPDX-License-Identifier: MIT
# Interrupting a run (SIGINT, as Ctrl-C does; SIGTERM too) while a command
# hangs: nest-report exits promptly (130 for SIGINT), says no bundle was
# written, leaves no file at all in the output directory (no partial
# bundle, no temporary or spool file), and kills the hung command's whole
# process group.
. "$(dirname "$0")/../lib.sh"
need_cmd pgrep

make_sleeper
fake_cmd virsh "\"$FAKEBIN/nr-test-sleep\" 600"

# interrupt SIG DIR: start a run, wait for the fake virsh, send SIG.
interrupt() {
	mkdir -p "$2"
	PATH="$FAKEBIN:$PATH" "$NR_BIN" collect -o "$2" --timeout 60 >"$T/out" 2>"$T/err" &
	pid=$!
	at_exit "kill -9 $pid"
	i=0
	until [ -n "$(fakes_running)" ]; do
		i=$((i + 1))
		[ $i -lt 100 ] || { kill -9 $pid; fail "the fake virsh never started"; }
		sleep 0.1
	done
	sleep 1
	kill -0 $pid 2>/dev/null || { wait $pid; show "$T/err"; fail "nest-report ended (exit $?) before the signal"; }
	start=$(now_s)
	kill -"$1" $pid
	wait_pid_exit $pid 10
	no_sanitizer_report "$T/err" "collect interrupted by SIG$1"
	elapsed=$(($(now_s) - start))
	assert_lt "$elapsed" 5 "seconds from SIG$1 to exit"
}

interrupt INT "$T/int"
expect_rc 130 "exit status after SIGINT"
grep -q '^nest-report: .*interrupted' "$T/err" || { show "$T/err"; fail "no 'interrupted' message on stderr"; }
grep -q 'Wrote' "$T/out" && { show "$T/out"; fail "stdout claims a bundle was written"; }
assert_empty_dir "$T/int" "output directory after SIGINT"
no_fakes_left "after SIGINT"

interrupt TERM "$T/term"
[ "$RC" -ne 0 ] || fail "exit status 0 after SIGTERM"
assert_empty_dir "$T/term" "output directory after SIGTERM"
no_fakes_left "after SIGTERM"
exit 0
