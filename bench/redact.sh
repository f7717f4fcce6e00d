#!/bin/sh
# SPDX-License-Identifier: MIT
# Redaction benchmark (issue 13: "Redaction: bundles that can be attached to
# a public bug tracker").  usage: bench/redact.sh
#   (NR_BIN=path/to/nest-report; NR_REDACT_STREAM=build/bench/redact_stream;
#    RUNS=N, default 5; SIZE_MB, default 256)
# Prints the streaming redactor's throughput and peak RSS on a generated
# log against a plain copy and the secret scrubber, and the time of a
# collection with --redact as a ratio to one without (this machine, and a
# replayed one whose dmesg is the big log).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
exec /usr/bin/python3 "$here/redact.py" "${NR_BIN:-$here/../build/nest-report}" \
	"${NR_REDACT_STREAM:-$here/../build/bench/redact_stream}"
