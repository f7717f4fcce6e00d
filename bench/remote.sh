#!/bin/sh
# SPDX-License-Identifier: MIT
# Remote collection benchmark (issues 4 and 22).
# usage: bench/remote.sh   (NR_BIN=path/to/nest-report; RUNS=N, 5 by default:
# fewer is a quick look, not a measurement; PART=far: the far side alone)
# Needs root: it starts its own OpenSSH sshd servers on loopback (random free
# ports, generated keys, root's home an empty directory in their mount
# namespace; all removed afterwards).  Prints, as medians of interleaved
# rounds with their range:
#   - nest-report collecting 8 levels vs 1 level (target: well under 2x);
#   - a loop running `ssh host CMD` with the OpenSSH client once per
#     operation of the same level (the same commands, files, lookups,
#     listings and checks) vs nest-report (target: >= 5x);
#   - the far side's CPU time and program launches per level (perf stat
#     over the sshd's process tree) vs those of its commands run alone
#     (targets: <= 2x CPU, <= 1.5x launches), and vs its commands and its
#     register reads (one dd each: a shell-only far side's floor).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
exec /usr/bin/python3 "$here/remote.py" "${NR_BIN:-$here/../build/nest-report}"
