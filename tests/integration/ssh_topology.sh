#!/bin/sh
# SPDX-License-Identifier: MIT
# --topology FILE describes the same tree as --level flags and gives the
# same levels (id, depth, parent, transport, target, status, probes run),
# whatever the order of the file's entries; per-level only/skip and via
# (a chain through a real sshd) are honoured.  A bad topology file is a
# usage error: exit 2, a message saying what is wrong, no bundle.
. "$(dirname "$0")/../lib.sh"
need_sshd
need_cmd tar zstd

pa=$(free_port)
pb=$(free_port)
# DEBUG1 logs the forwarding a does for l2 (direct-tcpip).
SSHD_EXTRA="LogLevel DEBUG1"
sshd_start a 127.0.0.1 "$pa"
SSHD_EXTRA=
sshd_start b 127.0.0.1 "$pb"
sshd_trust a
sshd_trust b

levels_of() { # MANIFEST: one comparable line per level, sorted by id
	jget "$1" "sorted([l['id'], l['depth'], l['parent'], l['transport'], l['target'], l['status'], [(p['name'], p['status']) for p in l['probes']]] for l in m['levels'])"
}

# shellcheck disable=SC2086
collect_into "$T/out-flags" $SSH_ARGS --only kernel,cpu,kvm \
	--level "l1=root@127.0.0.1:$pa" \
	--level "l2=root@127.0.0.1:$pb,via=l1,only=kernel:cpu" \
	--level "l3=root@127.0.0.1:$pb,skip=dmesg:kvm"
soft bundle_valid
by_flags=$(levels_of "$M")
soft level_complete l1
soft level_complete l2
soft level_complete l3

# The same tree, children listed before their parent.
cat >"$T/topo.json" <<EOT
{
  "levels": [
    { "id": "l2", "target": "root@127.0.0.1:$pb", "via": "l1", "only": ["kernel", "cpu"] },
    { "id": "l3", "target": "root@127.0.0.1:$pb", "skip": ["dmesg", "kvm"] },
    { "id": "l1", "target": "root@127.0.0.1:$pa" }
  ]
}
EOT
if [ -f "$SRC_DIR/schemas/topology.schema.json" ]; then
	validate_schema "$T/topo.json" topology.schema.json
else
	soft fail "schemas/topology.schema.json (named in 'nest-report --help') does not exist"
fi
# shellcheck disable=SC2086
collect_into "$T/out-file" $SSH_ARGS --only kernel,cpu,kvm --topology "$T/topo.json"
soft bundle_valid
by_file=$(levels_of "$M")
soft assert_eq "$by_file" "$by_flags" "levels from --topology vs from --level flags"
# Parents come before their children in the manifest.
soft assert_eq "$(mget "[l['id'] for l in m['levels']].index('l1') < [l['id'] for l in m['levels']].index('l2')")" true \
	"l1 listed before l2, which is reached through it"
# only= and skip= were applied per level.
soft assert_eq "$(lget l2 "sorted(p['name'] for p in lv['probes'] if p['status'] != 'skipped')")" '["cpu", "kernel"]' \
	"probes run on l2 (only kernel, cpu)"
soft assert_eq "$(lget l3 "sorted(p['name'] for p in lv['probes'] if p['name'] in ('dmesg', 'kvm') and p['status'] == 'skipped')")" \
	'["dmesg", "kvm"]' "probes skipped on l3 (dmesg, kvm)"
# l2 went through l1's server: a's log shows the forwarding to b.
grep -E -q "direct_tcpip.*target 127.0.0.1 port $pb([^0-9]|\$)" "$SSHT/sshd-a/sshd.log" ||
	{ grep -i tcpip "$SSHT/sshd-a/sshd.log" >&2; soft fail "a's sshd log shows no forwarding to b (port $pb)"; }

# Bad topology files: exit 2, a clear message, no bundle.
bad_topology() { # NAME CONTENT EXPECTED-MESSAGE-PATTERN
	printf '%s' "$2" >"$T/bad-$1.json"
	rm -rf "$T/out-bad"
	mkdir -p "$T/out-bad"
	# shellcheck disable=SC2086
	run_nr collect -o "$T/out-bad" $SSH_ARGS --only kernel --timeout 5 --topology "$T/bad-$1.json"
	if [ "$RC" -ne 2 ]; then
		show "$T/err"
		fail "bad topology '$1': exit status $RC, expected 2"
	fi
	grep -q -i -e "$3" "$T/err" || { show "$T/err"; fail "bad topology '$1': no message matching '$3'"; }
	assert_empty_dir "$T/out-bad" "bad topology '$1'"
}
# (A file wrongly accepted runs quickly: nothing listens on that port.)
t="\"target\": \"root@127.0.0.1:$(free_port)\""
soft bad_topology not-json '{ "levels": [ { "id": "l1", ' 'levels'
soft bad_topology empty '' 'levels'
soft bad_topology levels-not-array '{ "levels": { "id": "l1" } }' 'levels'
soft bad_topology no-target '{ "levels": [ { "id": "l1" } ] }' 'target'
soft bad_topology unknown-key "{ \"levels\": [ { \"id\": \"l1\", $t, \"tagret\": \"x\" } ] }" 'tagret'
soft bad_topology unknown-via "{ \"levels\": [ { \"id\": \"l1\", $t, \"via\": \"lx\" } ] }" "lx"
soft bad_topology cycle "{ \"levels\": [ { \"id\": \"l1\", $t, \"via\": \"l2\" }, { \"id\": \"l2\", $t, \"via\": \"l1\" } ] }" 'cycle'
soft bad_topology self-via "{ \"levels\": [ { \"id\": \"l1\", $t, \"via\": \"l1\" } ] }" 'l1'
soft bad_topology duplicate "{ \"levels\": [ { \"id\": \"l1\", $t }, { \"id\": \"l1\", $t } ] }" 'twice'
soft bad_topology bad-id "{ \"levels\": [ { \"id\": \"L 1\", $t } ] }" 'bad level id'
soft bad_topology id-l0 "{ \"levels\": [ { \"id\": \"l0\", $t } ] }" 'l0'
soft bad_topology unknown-probe "{ \"levels\": [ { \"id\": \"l1\", $t, \"only\": [\"nosuchprobe\"] } ] }" 'nosuchprobe'
soft bad_topology only-not-array "{ \"levels\": [ { \"id\": \"l1\", $t, \"only\": \"kernel\" } ] }" 'array'
soft bad_topology password '{ "levels": [ { "id": "l1", "target": "root:secret@127.0.0.1:1" } ] }' 'password'
soft bad_topology bad-target '{ "levels": [ { "id": "l1", "target": "root@" } ] }' 'target'
soft bad_topology bad-port '{ "levels": [ { "id": "l1", "target": "root@127.0.0.1:99999" } ] }' 'target'
soft bad_topology via-not-string "{ \"levels\": [ { \"id\": \"l1\", $t, \"via\": 5 } ] }" 'via'
soft bad_topology sudo-not-bool "{ \"levels\": [ { \"id\": \"l1\", $t, \"sudo\": \"no\" } ] }" 'sudo'
soft bad_topology unknown-top-key "{ \"levels\": [ { \"id\": \"l1\", $t } ], \"lvels\": [] }" 'lvels'
soft bad_topology trailing-garbage "{ \"levels\": [ { \"id\": \"l1\", $t } ] } { \"levels\": [] }" 'topology'
# A file that does not exist, and a level defined twice across --level and
# --topology.
rm -rf "$T/out-bad" && mkdir -p "$T/out-bad"
run_nr collect -o "$T/out-bad" --topology "$T/no-such-file.json"
soft expect_rc 2 "--topology with a missing file"
grep -q 'no-such-file.json' "$T/err" || soft fail "the missing topology file is not named in the message"
# shellcheck disable=SC2086
run_nr collect -o "$T/out-bad" $SSH_ARGS --topology "$T/topo.json" --level "l1=root@127.0.0.1:$pa"
soft expect_rc 2 "level l1 in both --topology and --level"
grep -q 'twice' "$T/err" || { show "$T/err"; soft fail "no message saying l1 is given twice"; }
assert_empty_dir "$T/out-bad" "after usage errors"
verdict
