#!/bin/sh
# SPDX-License-Identifier: MIT
# Commands that print binary garbage.  A fake lscpu printing 1 MiB of random
# bytes: the run succeeds, the cpu probe is ok and the artifact is stored
# byte for byte, with the right sha256.  Then garbage where it reaches the
# manifest (a command's stderr, a parsed line that is not UTF-8): the
# manifest and --json output must still be valid JSON, which means UTF-8.
. "$(dirname "$0")/../lib.sh"
need_cmd tar zstd sha256sum

# Random bytes without '=', '@', '<', ':' and '"', so that no stretch of it
# can look like a secret the scrubber would (rightly) rewrite: then what is
# stored must be exactly what was printed.  NULs and newlines stay in.
head -c 1300000 /dev/urandom | tr -d '=@<:"' | head -c 1048576 >"$T/garbage"
assert_eq "$(file_size "$T/garbage")" 1048576 "size of the garbage file"
fake_cmd lscpu "cat '$T/garbage'"

collect_into "$T/run1" --only cpu,kernel
expect_probe cpu ok
expect_probe kernel ok
check_integrity
want=$(sha256_of "$T/garbage")
assert_eq "$(mget "art('cpu', 'lscpu')['scrubbed']")" 0 "scrubbed count of random bytes"
assert_eq "$(mget "art('cpu', 'lscpu')['size']")" 1048576 "lscpu artifact size"
assert_eq "$(mget "art('cpu', 'lscpu')['sha256']")" "$want" "lscpu artifact sha256 in the manifest"
assert_eq "$(sha256_of "$X/levels/l0/cpu/lscpu")" "$want" "sha256 of the stored lscpu member"
assert_eq "$(mget "art('cpu', 'lscpu')['truncated']")" false "lscpu artifact truncated flag"
assert_eq "$(mget "art('cpu', 'lscpu')['exit_code']")" 0 "lscpu exit code"

# Garbage that reaches the manifest: on stderr (kept in artifacts[].stderr)
# and in lines the probes parse into facts (lscpu's "Hypervisor vendor:",
# dmesg's "Hypervisor detected:").  JSON text must be UTF-8 (RFC 8259).
fake_cmd lscpu "printf 'Architecture: x86_64\\nVendor ID: Gen\\377\\376uine\\nHypervisor vendor: K\\351VM\\n'
head -c 600 '$T/garbage' >&2"
fake_cmd dmesg "printf '[    0.000000] Hypervisor detected: K\\351VM\\n[    0.100000] \\300\\200\\377 junk\\n'
printf 'dmesg: \\377\\376 odd\\n' >&2"
mkdir -p "$T/run2"
run_nr collect -o "$T/run2" --only cpu,dmesg --json
expect_rc 0 "collect with garbage on stderr and in parsed lines"
one_bundle "$T/run2"
X="$T/x2"
unpack "$BUNDLE" "$X"
if ! is_valid_json "$M"; then
	show "$T/json.err"
	"$PY" -c '
import sys
for n, l in enumerate(open(sys.argv[1], "rb"), 1):
    try:
        l.decode("utf-8")
    except UnicodeDecodeError:
        print("    manifest.json:%d: %r" % (n, l.strip()[:100]), file=sys.stderr)' "$M"
	fail "manifest.json is not valid UTF-8 JSON after commands printed garbage (lines above)"
fi
is_valid_json "$T/out" || { show "$T/json.err"; fail "--json stdout is not valid UTF-8 JSON"; }
expect_probe cpu ok
expect_probe dmesg ok
check_integrity
exit 0
