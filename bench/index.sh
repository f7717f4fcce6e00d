#!/bin/sh
# SPDX-License-Identifier: MIT
# Index benchmark (issue: "Triage at scale: an index of many bundles").
# usage: bench/index.sh   (NR_BIN=path/to/nest-report; COUNT, default 10000;
# RUNS, default 5)
#
# Makes COUNT bundles from real captured machines (the repository's replay
# trees and, when present, the 19 shared real machines, collected with
# `collect --sysroot`; then tests/index/synth.py varies their facts:
# versions, nested, dates, hosts, nested L1/L2 levels), and measures in one
# run, on SQLite and on PostgreSQL (a server started here, fsync on):
#   - ingest: `index add DIR` in bundles per second, against its anchor,
#     `index add --dry-run DIR`, which reads and checks every bundle the
#     same way and stores nothing (ratio 1.00: ingest is bound by reading);
#   - query latency: the median wall time of each query form (a whole
#     `nest-report index ...` process), against `nest-report version`,
#     the floor of any process; the goal is under 50 ms at COUNT bundles.
set -u
here=$(cd "$(dirname "$0")" && pwd)
NR_BIN=${NR_BIN:-$here/../build/nest-report}
NR_BIN=$(cd "$(dirname "$NR_BIN")" && pwd)/$(basename "$NR_BIN")
NR_SHARED_DIR=${NR_SHARED_DIR:-$(cd "$here/../.." && pwd)/shared}
export NR_BIN NR_SHARED_DIR
. "$here/../tests/lib.sh"
# lib.sh places the tree from the test script's path; this one is in bench/.
SRC_DIR=$(cd "$here/.." && pwd)
TESTS_DIR=$SRC_DIR/tests
. "$here/../tests/index-lib.sh"
need_cmd zstd
COUNT=${COUNT:-10000}
RUNS=${RUNS:-5}

index_fixture_bundles "$T/base"
index_real_bundles "$T/base" || echo "index bench: shared real machines absent; varying the repository's 3 only"
echo "index bench: making $COUNT bundles from $(ls "$T/base" | wc -l | tr -d ' ') real ones ..."
"$PY" "$SYNTH" vary "$T/corpus" "$COUNT" 1 "$T"/base/*.tar.zst || fail "synth vary failed"
echo "index bench: $(du -sh "$T/corpus" | cut -f1) of bundles"

# fsync on: the durability a real server has (the tests turn it off).
PG_OPTIONS="-c fsync=on" pg_start
PG=$(pg_createdb nrbench)

"$PY" "$here/index.py" "$NR_BIN" "$T" "$T/corpus" "$PG" "$RUNS"
