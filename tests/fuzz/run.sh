#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs every libFuzzer harness in $NR_FUZZ_BIN (build-fuzz/fuzz): first
# over its kept regression inputs (tests/fuzz/regressions/NAME/, each a
# crash, hang or leak found once and fixed), then fuzzing for
# ${FUZZ_SECONDS:-20} seconds from seeds made from the test fixtures (and
# the real machines in $NR_SHARED_DIR when present).  Prints one line per
# harness: executions, coverage (edges, features) and corpus size reached.
# FUZZ_ONLY="name ..." runs only those; FUZZ_KEEP=DIR keeps the corpora.
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
bin=${NR_FUZZ_BIN:?NR_FUZZ_BIN must name the folder of fuzz binaries}
secs=${FUZZ_SECONDS:-20}
shared=${NR_SHARED_DIR:-}
work=$(mktemp -d /tmp/nr-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM
fail=0 ran=0

# seed NAME FILE...: copy fixtures into NAME's seed corpus.
seed() {
	_d="$work/$1"; shift
	mkdir -p "$_d"
	for _f in "$@"; do
		[ -f "$_f" ] && cp "$_f" "$_d/$(echo "$_f" | tr '/' '_')" 2>/dev/null
	done
	return 0
}

fx=$repo/tests/fixtures
seed fuzz_cpuinfo $(find "$fx" -name 'cpuinfo*' -type f)
seed fuzz_lscpu $(find "$fx/lscpu" "$fx/local" -type f -name 'lscpu*')
seed fuzz_sysinfo $(find "$fx/sysinfo" -type f)
seed fuzz_pci $(find "$fx" -path '*bus/pci/devices' -type f)
seed fuzz_qemu_argv $(find "$fx/qemu" -name '*.cmdline' -type f)
seed fuzz_modparam $(find "$fx/modparam" -type f)
seed fuzz_version $(find "$fx/version" -type f)
seed fuzz_scrub $(find "$fx/qemu" -type f) $(find "$repo/tests/fixtures" -name '*.xml' -type f)
seed fuzz_ssh_frame
seed fuzz_topology $(find "$fx/topology" -type f)
seed fuzz_config
seed fuzz_sshsig
seed fuzz_jschema $(find "$fx/findings" -name '*.json' | head -n 8)
seed fuzz_mlevel $(find "$fx/findings" -name '*.json')
seed fuzz_findings $(find "$fx/findings" -name '*.json')
seed fuzz_bundle
printf 'l1=root@guest1\nl2=root@nested:2222,via=l1,sudo,only=cpu:kvm\n' >"$work/fuzz_topology/spec"
printf 'sign.key = ~/.ssh/id_ed25519\n[upload]\n\turl = https://x/\n# c\nbad line\n' >"$work/fuzz_config/seed"
printf 'out\n\377 0\nerr\n\377' >"$work/fuzz_ssh_frame/seed"
# The real machines: their cpuinfo, lscpu, sysinfo and PCI lists.
if [ -n "$shared" ] && [ -d "$shared/fixtures/real-machines" ]; then
	for t in "$shared"/fixtures/real-machines/*.tar.gz; do
		m=$(basename "$t" .tar.gz)
		mkdir -p "$work/real/$m"
		tar -xzf "$t" -C "$work/real/$m" 2>/dev/null || continue
		cp "$shared/fixtures/real-machines/$m.lscpu" "$work/fuzz_lscpu/real-$m" 2>/dev/null
		f=$(find "$work/real/$m" -path '*proc/cpuinfo' -type f | head -n 1)
		[ -n "$f" ] && cp "$f" "$work/fuzz_cpuinfo/real-$m"
		f=$(find "$work/real/$m" -path '*proc/sysinfo' -type f | head -n 1)
		[ -n "$f" ] && cp "$f" "$work/fuzz_sysinfo/real-$m"
		f=$(find "$work/real/$m" -path '*bus/pci/devices' -type f | head -n 1)
		[ -n "$f" ] && cp "$f" "$work/fuzz_pci/real-$m"
	done
	rm -rf "$work/real"
fi
# Bundles: a small real one made by the binary under test when there is one.
if [ -n "${NR_BIN:-}" ] && [ -x "$NR_BIN" ] && [ -d "$fx/captured/x86_64-firecracker-pvm" ]; then
	mkdir -p "$work/bundle-out"
	XDG_CONFIG_HOME="$work/cfg" "$NR_BIN" collect --sysroot "$fx/captured/x86_64-firecracker-pvm" \
		--no-sign --compress none -q -o "$work/bundle-out" >/dev/null 2>&1 &&
		cp "$work"/bundle-out/*.tar "$work/fuzz_bundle/" 2>/dev/null
	rm -rf "$work/bundle-out"
fi

for b in "$bin"/fuzz_*; do
	[ -x "$b" ] || continue
	name=$(basename "$b")
	if [ -n "${FUZZ_ONLY:-}" ]; then
		case " $FUZZ_ONLY " in *" $name "*) ;; *) continue ;; esac
	fi
	ran=$((ran + 1))
	dict=""
	[ -f "$here/dict/$name.dict" ] && dict="-dict=$here/dict/$name.dict"
	reg="$here/regressions/$name"
	log="$work/$name.log"
	# Kept regressions first: each must now pass.
	if [ -d "$reg" ] && [ -n "$(ls -A "$reg" 2>/dev/null)" ]; then
		if ! NR_FUZZ_SCHEMA_DIR="$repo/schemas" "$b" -runs=0 "$reg" >"$log" 2>&1; then
			echo "FAIL $name: a kept regression input fails again"; sed 's/^/     | /' "$log" | tail -n 30
			fail=$((fail + 1)); continue
		fi
	fi
	mkdir -p "$work/$name" "$work/$name.art"
	# shellcheck disable=SC2086
	if NR_FUZZ_SCHEMA_DIR="$repo/schemas" "$b" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-seed="${FUZZ_SEED:-1}" \
		-max_len=65536 -print_final_stats=1 -artifact_prefix="$work/$name.art/" $dict \
		"$work/$name" >"$log" 2>&1; then
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
		ft=$(grep -o 'ft: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
		corp=$(grep -o 'corp: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
		echo "ok   $name: ${execs:-?} execs in ${secs} s, edges ${cov:-?}, features ${ft:-?}, corpus ${corp:-?}"
	else
		echo "FAIL $name"; grep -v '^#\|^INFO' "$log" | tail -n 40 | sed 's/^/     | /'
		for a in "$work/$name.art"/*; do
			[ -f "$a" ] && echo "     | input kept: $a" && cp "$a" "/tmp/$name-$(basename "$a")" &&
				echo "     | copied to /tmp/$name-$(basename "$a")"
		done
		fail=$((fail + 1))
	fi
	[ -n "${FUZZ_KEEP:-}" ] && mkdir -p "$FUZZ_KEEP/$name" && cp "$work/$name"/* "$FUZZ_KEEP/$name/" 2>/dev/null
done
echo "fuzz: $((ran - fail)) passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$ran" -gt 0 ]
