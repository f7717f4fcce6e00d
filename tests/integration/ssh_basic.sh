#!/bin/sh
# SPDX-License-Identifier: MIT
# L0 + L1 over loopback against a real OpenSSH sshd (generated host key,
# authorized client key, private known_hosts): the bundle validates against
# the manifest schema and every member's sha256 matches; l1 is transport ssh,
# target the host only (no user, no port), depth 1 under l0, status ok, and
# it ran the same probes as l0 (it is the same machine) with the same
# outcome.  The tool uses one SSH connection for the level and never runs an
# OpenSSH client (a fake `ssh` first in PATH, locally and remotely, would
# leave a mark).  When the machine has IPv6 loopback, a second level at
# root@[::1]:port is collected too.
. "$(dirname "$0")/../lib.sh"
need_sshd
need_cmd tar zstd

port=$(free_port)
sshd_start l1 127.0.0.1 "$port"
sshd_trust l1
for c in ssh scp sftp; do
	fake_cmd "$c" "touch '$T/openssh-client-used'; exit 255"
	remote_fake_cmd "$c" "touch '$T/openssh-client-used'; exit 255"
done

# The same over IPv6 loopback, when this machine has it: "[::1]:port".
v6=""
if ip -6 addr show dev lo 2>/dev/null | grep -q 'inet6 ::1/'; then
	port6=$(free_port)
	sshd_start v6 ::1 "$port6"
	sshd_trust v6
	v6="--level l1v6=root@[::1]:$port6"
fi

# shellcheck disable=SC2086
collect_into "$T/out-dir" $SSH_ARGS --level "l1=root@127.0.0.1:$port" $v6
soft bundle_valid

if [ -n "$v6" ]; then
	soft level_complete l1v6
	soft assert_eq "$(lget l1v6 "lv['target']")" ::1 "l1v6 target"
	soft assert_eq "$(lget l1v6 "sorted(p['name'] for p in lv['probes'])")" \
		"$(lget l1 "sorted(p['name'] for p in lv['probes'])")" "l1v6 probes vs l1"
else
	note "no IPv6 loopback: the [::1]:port level is not tried"
fi
assert_eq "$(mget "[l['id'] for l in m['levels'] if l['id'] != 'l1v6']")" '["l0", "l1"]' "levels"
expect_level l0 ok
soft level_complete l1
soft assert_eq "$(lget l1 "lv['transport']")" ssh "l1 transport"
soft assert_eq "$(lget l1 "lv['target']")" 127.0.0.1 "l1 target (host only: no user, no port)"
soft assert_eq "$(lget l1 "lv['depth']")" 1 "l1 depth"
soft assert_eq "$(lget l1 "lv['parent']")" l0 "l1 parent"
soft assert_eq "$(lget l1 "lv['errors']")" '[]' "l1 errors"
soft assert_eq "$(lget l1 "lv['root']")" true "l1 root (collected as root over ssh)"
soft assert_eq "$(lget l0 "lv['transport']")" local "l0 transport"
# No user name or credentials in any level's target.
soft assert_eq "$(mget "[l['target'] for l in m['levels'] if l['target'] and ('@' in l['target'] or l['target'].endswith(':$port'))]")" '[]' \
	"targets holding a user or port"

# Same machine, same probes, same outcomes, same artifacts.
soft assert_eq "$(lget l1 "sorted((p['name'], p['status']) for p in lv['probes'])")" \
	"$(lget l0 "sorted((p['name'], p['status']) for p in lv['probes'])")" "l1 probes and statuses vs l0"
soft assert_eq "$(lget l1 "sorted((p['name'], a['name']) for p in lv['probes'] for a in p['artifacts'])")" \
	"$(lget l0 "sorted((p['name'], a['name']) for p in lv['probes'] for a in p['artifacts'])")" "l1 artifacts vs l0"
# Same facts that cannot differ between two views of one machine.
for f in "['kernel']['release']" "['arch']"; do
	a=$(lget l0 "lv['facts']$f" 2>/dev/null) || continue
	soft assert_eq "$(lget l1 "lv['facts']$f")" "$a" "l1 fact $f vs l0"
done
# A file artifact's content arrived byte for byte: /proc/version is stable.
pv=$(lget l1 "[a['path'] for p in lv['probes'] for a in p['artifacts'] if a['source'] == '/proc/version'][0]")
# (cmp -s would trust /proc's st_size of 0: compare with a copy.)
cat /proc/version >"$T/proc-version"
if ! cmp -s "$X/$pv" "$T/proc-version"; then
	soft fail "l1's copy of /proc/version ($pv) differs from the file"
fi
grep -q '^ *l1' "$X/summary.txt" || { show "$X/summary.txt"; soft fail "summary.txt has no line for l1"; }

# The real sshd served it, over one connection (the worker shells are
# channels of one session), and no OpenSSH client ran.
n=$(grep -c 'Accepted publickey for root' "$SSHT/sshd-l1/sshd.log")
soft assert_eq "$n" 1 "SSH connections accepted by sshd for one level"
[ ! -e "$T/openssh-client-used" ] || soft fail "an OpenSSH client (ssh/scp/sftp) was run"
verdict
