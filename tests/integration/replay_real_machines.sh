#!/bin/sh
# SPDX-License-Identifier: MIT
# Every real machine of $NR_SHARED_DIR/fixtures/real-machines, unpacked and
# replayed with `collect --sysroot`.  Its role, hypervisor, virt_ext and
# s390 stack depth must be those of the table below, and the table must
# agree with the machine's .lscpu wherever lscpu printed a "Hypervisor",
# "Hypervisor vendor", "Virtualization type" or "Virtualization" line
# (docs/detection.md explains the rows lscpu says nothing about).  Each
# bundle is intact, its manifest validates against the schema, probes that
# do not apply are `unsupported`, and nothing fails but the kernel probe
# (these dumps hold no /proc/version).
. "$(dirname "$0")/../lib.sh"
need_cmd tar zstd sha256sum

RM=${NR_SHARED_DIR:-}/fixtures/real-machines
[ -n "${NR_SHARED_DIR:-}" ] && [ -d "$RM" ] ||
	skip "shared fixtures absent (NR_SHARED_DIR=${NR_SHARED_DIR:-unset}): real-machine replay skipped"

# machine role hypervisor virt_ext stack_depth   (- is null)
cat >"$T/table" <<'TABLE'
x86_64-64cpu                      host    -          vmx   -
x86_64-64cpu-linux6.2             host    -          vmx   -
x86_64-dell_e4310                 host    -          vmx   -
x86_64-epyc_7451                  host    -          svm   -
vbox-win                          guest   virtualbox none  -
s390-kvm                          guest   kvm        none  2
s390-zvm                          guest   zvm        none  2
s390-lpar                         guest   lpar       none  1
s390-lpar-drawer                  guest   lpar       sie   1
ppc64-POWER7                      guest   powervm    -     -
ppc-qemu                          guest   qemu       -     -
arm-A510-A710-A715-X3             unknown -          -     -
armv7                             unknown -          -     -
rv64-linux                        unknown -          -     -
rv64-milkvpioneer                 unknown -          -     -
rv64-visionfive2                  unknown -          -     -
loongarch-kvm_on_loongson_3c6000  guest   qemu       none  -
loongarch-loongson_3a5000_hv      unknown -          lvz   -
sparc64                           unknown -          -     -
TABLE

# Every tarball has a row, and every row a tarball.
ls "$RM"/*.tar.gz | sed 's|.*/||; s|\.tar\.gz$||' | sort >"$T/have"
awk '{ print $1 }' "$T/table" | sort >"$T/want"
diff "$T/have" "$T/want" >"$T/diff" || { show "$T/diff"; fail "table and fixtures differ"; }

# What lscpu says: role, hypervisor and virt_ext, "?" where it says nothing
# (tests/lscpu_truth.py, shared with detection_table.sh).
lscpu_truth() {
	"$PY" "$TESTS_DIR/lscpu_truth.py" "$1"
}

mkdir -p "$T/trees"
n=0
while read -r machine role hv ext depth; do
	n=$((n + 1))
	tar -xzf "$RM/$machine.tar.gz" -C "$T/trees" || fail "$machine: cannot unpack"
	tree="$T/trees/$machine"
	[ -d "$tree/proc" ] || fail "$machine: the tarball holds no $machine/proc"

	# The table agrees with lscpu wherever lscpu has an answer.
	set -- $(lscpu_truth "$RM/$machine.lscpu")
	[ "$1" = "?" ] || [ "$1" = "$role" ] || fail "$machine: table role $role, lscpu says $1"
	[ "$2" = "?" ] || [ "$2" = "$hv" ] || fail "$machine: table hypervisor $hv, lscpu says $2"
	[ "$3" = "?" ] || [ "$3" = "$ext" ] || fail "$machine: table virt_ext $ext, lscpu says $3"

	rm -rf "$T/bundle"
	collect_into "$T/bundle" --sysroot "$tree" --timeout 20
	check_integrity
	validate_schema "$M" manifest.schema.json
	# One python run per machine (each mget costs a process): role,
	# hypervisor, virt_ext, stack depth | transport | evidence for the role |
	# failed probes | status of s390 and x86info | unsupported count.
	set -- $(mget "' '.join(str(x) if x is not None else '-' for x in [lv0['facts']['virt']['role'], lv0['facts']['virt']['hypervisor'], lv0['facts']['cpu']['virt_ext'], len(lv0['facts']['virt']['stack']) if lv0['facts']['virt']['stack'] is not None else None, lv0['transport'], len(lv0['facts']['evidence'].get('virt.role', [])), ','.join(p['name'] for p in lv0['probes'] if p['status'] in ('failed', 'timeout') and p['name'] != 'kernel') or '-', probe('s390')['status'], probe('x86info')['status'], sum(p['status'] == 'unsupported' for p in lv0['probes']), lv0['facts']['arch_family']])")
	got="$1 $2 $3 $4"
	assert_eq "$got" "$role $hv $ext $depth" "$machine: role hypervisor virt_ext depth"
	assert_eq "$5" replay "$machine: transport"
	# The conclusion says where it came from.
	[ "$6" -ge 1 ] || fail "$machine: virt.role has no evidence"
	assert_eq "$7" - "$machine: failed or timed-out probes (the kernel probe aside)"
	family=${11}
	[ "$family" = s390 ] || assert_eq "$8" unsupported "$machine: s390 probe"
	[ "$family" = x86 ] || assert_eq "$9" unsupported "$machine: x86info probe"
	case $family in
	riscv | loongarch | sparc | mips)
		[ "${10}" -ge 2 ] || fail "$machine: expected unsupported probes on $family"
		;;
	esac
	# facts.arch from cpuinfo's shape (no uname -m in these dumps), null
	# where cpuinfo cannot tell (ppc's endianness).
	case $machine in
	x86_64-* | vbox-win) arch=x86_64 ;;
	s390-*) arch=s390x ;;
	ppc*) arch=null ;;
	arm-*) arch=aarch64 ;;
	armv7) arch=armv7l ;;
	rv64-*) arch=riscv64 ;;
	loongarch-*) arch=loongarch64 ;;
	sparc64) arch=sparc64 ;;
	*) fail "$machine: no expected arch" ;;
	esac
	assert_eq "$(mget "lv0['facts']['arch']")" "$arch" "$machine: facts.arch"
	note "$machine: $got"
	rm -rf "$tree"
done <"$T/table"
assert_eq "$n" 19 "machines replayed"
exit 0
