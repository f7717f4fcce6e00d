#!/bin/sh
# SPDX-License-Identifier: MIT
# Issue 17: a replay names the machine it replays and fits its findings to
# it.  nest-report runs in a UTS namespace under a name of its own
# (analyser-r17x), so "this machine's name" is one the tree never holds.
#  - tests/fixtures/sysroots/haswell-no-apicv (a Haswell i5-4210U with
#    enable_apicv=N, no uname): the bundle, its name, the manifest and
#    summary.txt name q302la (its /proc/sys/kernel/hostname), the kernel is
#    the tree's, replay.host names the analyser; APICv is "not supported by
#    this CPU" (info), never the warning; with --redact neither name is left.
#  - the same tree with only /etc/hostname, and with no name at all:
#    its /etc/hostname, then "unknown", never the analyser's.
#  - util-linux's real trees (skipped without $NR_SHARED_DIR): s390 and
#    PowerVM LPARs are hosts "in an LPAR of" their firmware, not guests
#    needing their host; a z/VM and a VirtualBox guest are told what can be
#    had instead of collecting their host.
. "$(dirname "$0")/../lib.sh"
need_cmd tar zstd unshare
need_root

FX="$SRC_DIR/tests/fixtures/sysroots/haswell-no-apicv"
ANALYSER=analyser-r17x

# as_analyser DIR ARGS...: collect -o DIR ARGS under the analyser's name.
as_analyser() {
	_dir=$1
	shift
	mkdir -p "$_dir"
	RC=0
	unshare --uts sh -c 'hostname "$1" && shift && exec "$@"' sh "$ANALYSER" \
		$_watchdog "$NR_BIN" collect -o "$_dir" --no-sign "$@" >"$T/out" 2>"$T/err" || RC=$?
	no_sanitizer_report "$T/err" "collect $*"
	expect_rc 0 "collect -o $_dir $*"
	# the bundle (a redacted one has its map beside it)
	BUNDLE=$(ls "$_dir"/*.tar.zst)
	[ -f "$BUNDLE" ] || fail "no one bundle in $_dir: $(ls "$_dir")"
	X="$T/x"
	rm -rf "$X"
	unpack "$BUNDLE" "$X"
}

# --- the captured machine's name, everywhere ---------------------------------
as_analyser "$T/b1" --sysroot "$FX"
validate_schema "$M" manifest.schema.json
case $(basename "$BUNDLE") in nest-report-q302la-[0-9]*T[0-9]*Z.tar.zst) ;; *) fail "bundle name: $BUNDLE" ;; esac
assert_eq "$(mget "m['host']")" q302la "manifest host"
assert_eq "$(mget "lv0['facts']['hostname']")" q302la "facts.hostname"
assert_eq "$(mget "lv0['facts']['evidence']['hostname'][0]['detail']")" /proc/sys/kernel/hostname "hostname evidence"
assert_eq "$(mget "lv0['facts']['kernel']['release']")" 5.16.0-arch1-1 "the tree's kernel"
assert_eq "$(mget "m['replay']['host']")" "$ANALYSER" "replay.host"
assert_eq "$(mget "m['replay']['time'] == m['created']")" true "replay.time"
grep -q "^nest-report .* bundle from q302la, created " "$X/summary.txt" || { show "$X/summary.txt"; fail "summary.txt heading"; }
grep -q "^Replayed on $ANALYSER from a captured tree of q302la (kernel 5.16.0-arch1-1)" "$X/summary.txt" ||
	{ show "$X/summary.txt"; fail "summary.txt replay line"; }
run_nr show "$BUNDLE"
expect_rc 0 "show"
grep -q '^Created:   .* from a capture of q302la by nest-report' "$T/out" || { show "$T/out"; fail "show: Created"; }
grep -q "^Replayed:  on $ANALYSER at " "$T/out" || { show "$T/out"; fail "show: Replayed"; }

# --- APICv on a CPU that has none: info, not a warning -------------------------
assert_eq "$(mget "[f['severity'] for f in m['findings'] if f['id'].startswith('apicv-')]")" '["info"]' "APICv findings"
assert_eq "$(mget "[f['message'] for f in m['findings'] if f['id'] == 'apicv-unsupported-l0'][0].split(' (')[0]")" \
	"enable_apicv is off in kvm_intel on l0 because its CPU does not support APICv" "APICv message"
assert_eq "$(mget "[e['artifact'] for f in m['findings'] if f['id'] == 'apicv-unsupported-l0' for e in f['evidence']]")" \
	'["levels/l0/kvm/param-kvm_intel.enable_apicv", "levels/l0/cpu/cpuinfo"]' "APICv evidence"
assert_eq "$(mget "'apicv' in lv0['facts']['vmx']['flags'] or len(lv0['facts']['vmx']['flags'])")" 15 "vmx.flags"

# --- redacted: neither the captured nor the replaying machine's name ------------
as_analyser "$T/b2" --sysroot "$FX" --redact
case $(basename "$BUNDLE") in nest-report-redacted-*) ;; *) fail "redacted name: $BUNDLE" ;; esac
validate_schema "$M" manifest.schema.json
for name in q302la "$ANALYSER"; do
	if grep -r -l -F "$name" "$X" >"$T/hits"; then
		show "$T/hits"
		fail "redacted bundle still names $name"
	fi
done
assert_eq "$(mget "m['replay']['host'] != '$ANALYSER' and m['host'] != 'q302la'")" true "redacted names"

# --- /etc/hostname only, then no name at all: never the analyser's -------------
cp -R "$FX" "$T/etc-only"
rm "$T/etc-only/proc/sys/kernel/hostname"
as_analyser "$T/b3" --sysroot "$T/etc-only"
assert_eq "$(mget "m['host']")" q302la-etc "host from /etc/hostname (past its comment)"
rm "$T/etc-only/etc/hostname"
as_analyser "$T/b4" --sysroot "$T/etc-only"
assert_eq "$(mget "m['host']")" unknown "a tree without a name"
case $(basename "$BUNDLE") in nest-report-unknown-*) ;; *) fail "nameless bundle name: $BUNDLE" ;; esac
grep -q "bundle from unknown" "$X/summary.txt" || fail "summary.txt names the nameless tree"
# The analyser is named once, as the one that replayed: nowhere in what
# the levels say, and not as the machine.
grep -r -l -F "$ANALYSER" "$X/levels" >/dev/null 2>&1 && fail "the analyser's name is in the levels"
assert_eq "$(grep -c -F "$ANALYSER" "$X/summary.txt")" 1 "summary.txt names the analyser once"
assert_eq "$(mget "m['replay']['host']")" "$ANALYSER" "replay.host of the nameless tree"

# --- real machines: firmware partitions, and hosts that cannot be collected ----
RM=${NR_SHARED_DIR:-}/fixtures/real-machines
if [ -z "${NR_SHARED_DIR:-}" ] || [ ! -d "$RM" ]; then
	note "shared fixtures absent: real-machine part skipped"
	exit 0
fi
# machine  the level line's role  evidence-no-l0 (- none, else text it holds)
cat >"$T/table" <<'TABLE'
s390-lpar         host,_in_an_LPAR_of_PR/SM      -
s390-lpar-drawer  host,_in_an_LPAR_of_PR/SM      -
ppc64-POWER7      host,_in_an_LPAR_of_PowerVM    -
s390-zvm          guest_of_zvm,_L1_by_/proc/sysinfo  and_cannot_be:_z/VM's_control_program_is_not_Linux
s390-kvm          guest_of_kvm,_L1_by_/proc/sysinfo  the_kernel_document_asks_for_L0's_versions
vbox-win          guest_of_virtualbox            and_cannot_be:_VirtualBox_is_not_KVM
TABLE
mkdir -p "$T/trees"
while read -r machine role l0; do
	role=$(echo "$role" | tr _ ' ')
	l0=$(echo "$l0" | tr _ ' ')
	tar -xzf "$RM/$machine.tar.gz" -C "$T/trees" || fail "$machine: cannot unpack"
	rm -rf "$T/r"
	as_analyser "$T/r" --sysroot "$T/trees/$machine"
	assert_eq "$(mget "m['host']")" unknown "$machine: its dump holds no name"
	grep -q "^l0 \[replay\] ok: .*, $role, " "$X/summary.txt" ||
		{ show "$X/summary.txt" 20; fail "$machine: summary.txt level line lacks '$role'"; }
	got=$(mget "[f['message'] for f in m['findings'] if f['id'] == 'evidence-no-l0']")
	if [ "$l0" = - ]; then
		assert_eq "$got" "[]" "$machine: evidence-no-l0"
	else
		case $got in *"$l0"*) ;; *) fail "$machine: evidence-no-l0 lacks '$l0': $got" ;; esac
	fi
	rm -rf "$T/trees/$machine"
done <"$T/table"
exit 0
