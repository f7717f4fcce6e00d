#!/bin/sh
# SPDX-License-Identifier: MIT
# Local collection benchmark (issue: "Local collection end to end").
# usage: bench/local.sh   (NR_BIN=path/to/nest-report; RUNS=N, at least 5)
# Prints nest-report's time as ratios against: its floor (the slowest single
# command it runs, timed alone here), a plain sequential shell script running
# the same commands and reading the same files, and sos report; then the
# in-process CPUID and MSR read time of the cpuid and vmx-msr probes against
# x86info -a.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
exec /usr/bin/python3 "$here/local.py" "${NR_BIN:-$here/../build/nest-report}"
