#!/bin/sh
# SPDX-License-Identifier: MIT
# Remote collection benchmark (issue 4: "Every reachable level in one run").
# usage: bench/remote.sh   (NR_BIN=path/to/nest-report; RUNS=N; SSH_RUNS=N)
# Needs root: it starts its own OpenSSH sshd servers on loopback (random free
# ports, generated keys, removed afterwards).  Prints, as ratios:
#   - nest-report collecting 8 levels vs 1 level (target: well under 2x);
#   - a plain loop running `ssh host CMD` with the OpenSSH client once per
#     command and file of the same level vs nest-report (target: >= 5x).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
exec /usr/bin/python3 "$here/remote.py" "${NR_BIN:-$here/../build/nest-report}"
