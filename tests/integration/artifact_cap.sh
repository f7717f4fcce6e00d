#!/bin/sh
# SPDX-License-Identifier: MIT
# --max-artifact-size caps every artifact: a fake lscpu printing 50 MB of
# 'A' lines with --max-artifact-size 1M is stored as exactly 1048576 bytes,
# marked truncated, hashed as stored, and the run does not wait for (or
# read) the rest: the producer is stopped.  An endless producer must be
# stopped the same way, long before the probe's timeout.
. "$(dirname "$0")/../lib.sh"
need_cmd tar zstd sha256sum yes head

make_sleeper
line=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
fake_cmd lscpu "yes $line | head -c 52428800"

start=$(now_s)
collect_into "$T/run1" --only cpu --max-artifact-size 1M
elapsed=$(($(now_s) - start))
assert_lt "$elapsed" 20 "seconds to collect a capped 50 MB artifact"
expect_probe cpu ok
check_integrity
assert_eq "$(mget "art('cpu', 'lscpu')['size']")" 1048576 "capped artifact size in the manifest"
assert_eq "$(file_size "$X/levels/l0/cpu/lscpu")" 1048576 "capped artifact member size"
assert_eq "$(mget "art('cpu', 'lscpu')['truncated']")" true "capped artifact truncated flag"
assert_eq "$(mget "m['options']['artifact_cap']")" 1048576 "options.artifact_cap"
# The stored bytes are the first 1 MiB of what was printed.
yes "$line" | head -c 1048576 >"$T/expected"
assert_eq "$(sha256_of "$X/levels/l0/cpu/lscpu")" "$(sha256_of "$T/expected")" "content of the capped artifact"
# Files are capped too, not only commands (/proc/cpuinfo, here at 1 KiB).
collect_into "$T/run1b" --only cpu --max-artifact-size 1K
check_integrity
assert_eq "$(mget "art('cpu', 'cpuinfo')['size'] <= 1024")" true "cpuinfo capped at 1K"
assert_eq "$(mget "art('cpu', 'lscpu')['size']")" 1024 "lscpu capped at 1K"
assert_eq "$(mget "art('cpu', 'lscpu')['truncated']")" true "lscpu truncated at 1K"
no_fakes_left "after a capped producer"

# An endless producer that has started a child (which, like any child,
# shares its stdout and stderr): at the cap the transport must stop the
# whole process group, not merely stop reading, so the run ends at once,
# the probe is ok (not timeout), and nothing of it is left running.
fake_cmd lscpu "\"$FAKEBIN/nr-test-sleep\" 600 & exec yes $line"
start=$(now_s)
collect_into "$T/run2" --only cpu --max-artifact-size 1M --timeout 8
elapsed=$(($(now_s) - start))
assert_lt "$elapsed" 6 "seconds to collect from an endless producer capped at 1M (--timeout 8)"
expect_probe cpu ok
assert_eq "$(mget "art('cpu', 'lscpu')['size']")" 1048576 "endless producer: artifact size"
assert_eq "$(mget "art('cpu', 'lscpu')['truncated']")" true "endless producer: truncated flag"
check_integrity
no_fakes_left "after an endless producer was capped"
exit 0
