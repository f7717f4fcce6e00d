#!/bin/sh
# SPDX-License-Identifier: MIT
# Retries against the reference portal with faults injected: 500 twice then
# success (two retries reported on stderr, one copy stored); 429 with
# Retry-After: 2 (the next request comes no sooner than 2 s later); 401
# (final: one request, exit 4); the connection reset mid-body (retried);
# a server that reads nothing and answers nothing (each attempt times out
# after the stall timeout, then exit 5 having made exactly retries+1
# attempts); Ctrl-C (exit 130 at once); 500 every time (exit 5, "gave up");
# a Retry-After longer than we are willing to wait (exit 5 at once); nothing
# listening (exit 5).
# Timings are made small with NR_UPLOAD_BACKOFF_MS and NR_UPLOAD_STALL_S.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../upload-lib.sh"
need_upload_tools
make_pki
make_bundle
post="--method post --cacert $PKI/ca.pem"

# requests_made: lines in the portal's request log.
requests_made() {
	line_count "$PORTAL_LOG"
}

# 500, 500, then fine.
portal_start five --fault 500 --fault 500
# shellcheck disable=SC2086
up "$BUNDLE" --to "$PORTAL_URL" $post --json
expect_rc 0 "500 twice, then success"
assert_eq "$(result_get "(m['attempts'], m['http_status'])")" '[3, 201]' "attempts after two 500s"
assert_eq "$(grep -c 'server answered 500 Internal Server Error: injected failure; retry [12] of 5' "$T/err")" 2 \
	"retry lines on stderr"
assert_eq "$(stored_bundles)" 1 "copies stored after retries"
assert_eq "$(portal_requests | tr '\n' ' ')" "500 500 500 500 201 None " "the portal's view"

# 429 with Retry-After: 2, and a 100 ms backoff: the wait is the server's.
portal_start slow --fault 429:2
# shellcheck disable=SC2086
up "$BUNDLE" --to "$PORTAL_URL" $post
expect_rc 0 "429 then success"
gap=$("$PY" -c '
import json, sys
t = [json.loads(l)["t"] for l in open(sys.argv[1])]
print("%.3f" % (t[1] - t[0]))' "$PORTAL_LOG")
"$PY" -c "import sys; sys.exit(0 if $gap >= 1.95 else 1)" ||
	fail "the retry after 'Retry-After: 2' came $gap s later"
note "retry after Retry-After: 2 came $gap s later"
grep -q "429 Too Many Requests: slow down; retry 1 of 5 in 2.0 s" "$T/err" || { show "$T/err"; fail "429 retry line"; }

# 401: no retry.
portal_start deny --fault 401
# shellcheck disable=SC2086
up "$BUNDLE" --to "$PORTAL_URL" $post --json
expect_rc 4 "401"
assert_eq "$(requests_made)" 1 "requests after a 401"
assert_eq "$(result_get "(m['status'], m['attempts'], m['server_error'])")" '["rejected", 1, "invalid token"]' \
	"401 result"
! grep -q retry "$T/err" || { show "$T/err"; fail "a 401 was retried"; }

# The connection reset halfway through the body (a fresh connection, so
# this is our retry, not curl's own reconnect of a reused connection).
portal_start drop --fault drop
# shellcheck disable=SC2086
up "$BUNDLE" --to "$PORTAL_URL" $post --json
expect_rc 0 "connection dropped mid-body"
assert_eq "$(result_get "m['attempts']")" 2 "attempts after a dropped connection"
assert_eq "$(stored_bundles)" 1 "copies stored after a drop"
grep -q "retry 1 of 5" "$T/err" || { show "$T/err"; fail "the drop was not reported as a retry"; }

# A server that stalls: 1 s stall timeout, 2 retries: 3 attempts, exit 5, fast.
portal_start stall --fault-always stall --stall-seconds 30
t0=$(now_s)
# shellcheck disable=SC2086
NR_UPLOAD_STALL_S=1 up "$BUNDLE" --to "$PORTAL_URL" $post --retries 2 --json
took=$(($(now_s) - t0))
expect_rc 5 "a stalled server"
assert_eq "$(result_get "(m['status'], m['attempts'])")" '["gave-up", 3]' "stall result"
assert_eq "$(requests_made)" 3 "requests the stalled portal saw"
assert_lt "$took" 15 "seconds to give up on a stalled server (stall timeout 1 s, 3 attempts)"
grep -q "gave up uploading the bundle to https://127.0.0.1:[0-9]* after 3 attempts: no progress for 1 s" "$T/err" ||
	{ show "$T/err"; fail "no 'gave up ... no progress' message"; }
validate_schema "$T/out" upload-result.schema.json
export NR_UPLOAD_STALL_S=2

# Ctrl-C in the middle of a (stalled) transfer: out within a second, exit 130.
portal_start interrupt --fault-always stall --stall-seconds 30
NR_UPLOAD_STALL_S=30 "$NR_BIN" upload "$BUNDLE" --to "$PORTAL_URL" --method post \
	--cacert "$PKI/ca.pem" >"$T/out" 2>"$T/err" &
pid=$!
i=0
while [ "$(requests_made)" -lt 1 ] && [ $i -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
kill -INT "$pid"
wait_pid_exit "$pid" 3
no_sanitizer_report "$T/err" "interrupted upload"
expect_rc 130 "SIGINT during an upload"
grep -q "interrupted" "$T/err" || { show "$T/err"; fail "no 'interrupted' message"; }

# 500 forever: exit 5 after retries+1 attempts.
portal_start down --fault-always 500
# shellcheck disable=SC2086
up "$BUNDLE" --to "$PORTAL_URL" $post --retries 1
expect_rc 5 "500 every time"
assert_eq "$(requests_made)" 2 "requests with --retries 1"

# Retry-After longer than we wait (NR_UPLOAD_RETRY_AFTER_MAX_S=1): give up now.
portal_start patience --fault 429:30
t0=$(now_s)
# shellcheck disable=SC2086
NR_UPLOAD_RETRY_AFTER_MAX_S=1 up "$BUNDLE" --to "$PORTAL_URL" $post
expect_rc 5 "Retry-After beyond the limit"
assert_lt "$(($(now_s) - t0))" 10 "seconds spent on a 30 s Retry-After"
grep -q "asks to wait 30 s" "$T/err" || { show "$T/err"; fail "no message about the long Retry-After"; }

# Nothing listening: connection refused is retried, then exit 5.
port=$(free_port)
up "$BUNDLE" --to "https://127.0.0.1:$port/v1/bundles" --method post --cacert "$PKI/ca.pem" --retries 2 --json
expect_rc 5 "nothing listening"
assert_eq "$(result_get "(m['attempts'], m['http_status'])")" '[3, null]' "connection refused result"
verdict
