#!/bin/sh
# SPDX-License-Identifier: MIT
# Run by tests/secrets-lib.sh's pidns_wrapper as PID 1 of a new PID
# namespace (unshare -p -f --mount-proc): starts one fake QEMU per
# ARGVDIR/N with exactly that argv, writes their PIDs (as this namespace
# numbers them) to PIDFILE, runs CMD, then kills the fakes.
# usage: secrets-pidns.sh ARGVDIR FAKE PIDFILE CMD [ARGS...]
argvdir=$1 fake=$2 pidfile=$3
shift 3
pids=""
for a in "$argvdir"/*; do
	case $a in *.ready) continue ;; esac
	/usr/bin/python3 -c 'import os, sys
a = open(sys.argv[1], "rb").read().split(b"\0")[:-1]
os.execv(sys.argv[2], [sys.argv[2].encode()] + a[1:])' "$a" "$fake" >"$a.ns.ready" 2>&1 &
	pids="$pids $!"
done
for a in "$argvdir"/*; do
	case $a in *.ready) continue ;; esac
	i=0
	until grep -q ready "$a.ns.ready" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 100 ] || { echo "secrets-pidns.sh: fake qemu for $a did not start" >&2; exit 99; }
		sleep 0.1
	done
done
echo $pids >"$pidfile"
rc=0
"$@" || rc=$?
# shellcheck disable=SC2086
kill -9 $pids 2>/dev/null
exit $rc
