#!/bin/sh
# SPDX-License-Identifier: MIT
# Hostile-bundle benchmark (issue 20: "show of a bundle at the level cap
# finishes in under a second").
# usage: bench/hostile.sh   (NR_BIN=path/to/nest-report; RUNS=N)
# Builds the hostile corpus (tests/hostile/make-corpus.py) from a fresh
# bundle of this machine and prints, for a manifest at the level cap (256
# complete levels in a chain) and for the 10000-level one the reader
# refuses: show, show --json and diff, in seconds and as a ratio against the
# same command on the one-level bundle.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
exec /usr/bin/python3 "$here/hostile.py" "${NR_BIN:-$here/../build/nest-report}"
