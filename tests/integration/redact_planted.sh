#!/bin/sh
# SPDX-License-Identifier: MIT
# Identities planted on this machine (l0) and on an SSH level (l1, a real
# sshd), then collected with and without --redact, and the unredacted
# bundle redacted afterwards with `nest-report redact`.
#
# Both levels live in a network namespace this test creates, with a dummy
# interface (a veth pair where the kernel has no dummy driver) holding
# their addresses and a QEMU MAC; each runs in its own UTS and mount
# namespace with a planted hostname, /etc/hosts (their
# FQDNs under corp.plantco.example), resolv.conf, a person's account in
# /etc/passwd, and a libvirt QEMU log naming another host of the domain,
# the user's home, guest MACs, a UUID and IPv6 addresses.  l1 is reached at
# the dummy address.
#
# The unredacted bundle holds every planted value (so the checks below can
# fail); the redacted ones hold none of them, anywhere: members, member
# names, the decompressed tar stream, the manifest, summary.txt, --json
# stdout.  Placeholders are consistent: l1's hostname has one placeholder in
# l0's libvirt log, l1's uname and its facts; l1's address one placeholder
# in its target and in l0's log; MACs keep the QEMU OUI.  Discovery and the
# findings are those of the unredacted bundle, and both redacted bundles
# verify against the schema.
. "$(dirname "$0")/../lib.sh"
need_sshd
need_netns
need_cmd tar zstd unshare mount

netns_add plant
NS=$NETNS
# A dummy interface; a veth pair with both ends in the namespace where the
# kernel has no dummy driver.
ip -n "$NS" link add nrpd0 type dummy 2>/dev/null ||
	ip -n "$NS" link add nrpd0 type veth peer name nrpd1 || fail "cannot add an interface to $NS"
ip -n "$NS" link set nrpd0 address 52:54:00:7a:3c:91
ip -n "$NS" addr add 10.77.31.7/24 dev nrpd0
ip -n "$NS" addr add 10.77.31.8/24 dev nrpd0
ip -n "$NS" link set nrpd0 up

# plant DIR NAME HOME_USER UID GUEST: DIR holds what the level's /etc and
# /var/log/libvirt/qemu will show.
plant() {
	_d="$T/$1"
	mkdir -p "$_d/log"
	cat >"$_d/hosts" <<EOH
127.0.0.1 localhost
10.77.31.7 nrplant-l0.corp.plantco.example nrplant-l0
10.77.31.8 nrplant-l1.corp.plantco.example nrplant-l1
EOH
	printf 'nameserver 10.77.31.53\nsearch corp.plantco.example\n' >"$_d/resolv.conf"
	cp /etc/passwd "$_d/passwd"
	echo "$3:x:$4:$4:Planted Person,,,:/home/$3:/bin/bash" >>"$_d/passwd"
	cat >"$_d/log/$5.log" <<EOL
2026-01-05 10:00:00.000+0000: starting up libvirt version: 9.0.0, qemu version: 7.2.0, kernel: 6.1.0-18-amd64, hostname: $2.corp.plantco.example
LC_ALL=C PATH=/usr/bin HOME=/var/lib/libvirt/qemu/domain-1-$5 USER=root /usr/bin/qemu-system-x86_64 -name guest=$5,debug-threads=on -uuid 5b2c1f3e-7a7a-4bbb-8ccc-0123456789ab -machine pc-q35-7.2,accel=kvm -cpu host,vmx=on -drive file=/home/$3/images/$5.qcow2,format=qcow2 -netdev user,id=n0,hostfwd=tcp:10.77.31.7:2222-:22 -device virtio-net-pci,netdev=n0,mac=52:54:00:7a:3c:91 -device e1000,mac=52:54:00:7A:3C:92
2026-01-05 10:00:01.000+0000: nfs: mounted dbnine.corp.plantco.example:/export over 2a01:4f8:77::31 (router fe80::5054:ff:fe7a:3c91)
EOL
	echo "$2" >"$_d/name"
}
plant l0 nrplant-l0 mallorie 31234 nrplant-l1
plant l1 nrplant-l1 trudie 31235 nrplant-l2

# Enter a level's namespaces: hostname, the planted files, a private
# /var/log holding only the planted libvirt log.
cat >"$T/enter" <<'EOS'
#!/bin/sh
set -e
d=$1
shift
cat "$d/name" >/proc/sys/kernel/hostname
mount --bind "$d/hosts" /etc/hosts
mount --bind "$d/passwd" /etc/passwd
[ ! -e /etc/resolv.conf ] || mount --bind "$d/resolv.conf" /etc/resolv.conf
mount -t tmpfs nrplant /var/log
mkdir -p /var/log/libvirt/qemu
cp "$d"/log/*.log /var/log/libvirt/qemu/
exec "$@"
EOS
chmod 0755 "$T/enter"
ip netns exec "$NS" unshare --uts --mount "$T/enter" "$T/l0" true ||
	skip "cannot plant a hostname and files in new UTS and mount namespaces"

# libvirt is "installed" but its daemon is not running: virsh cannot
# connect (exit 1), as on a host whose libvirtd is stopped; the logs are
# still read.
fake_cmd virsh 'echo "error: failed to connect to the hypervisor" >&2; exit 1'
remote_fake_cmd virsh 'echo "error: failed to connect to the hypervisor" >&2; exit 1'

# l1: a real sshd, started inside its own planted namespaces.
printf '#!/bin/sh\nexec unshare --uts --mount "%s" "%s" /usr/sbin/sshd "$@"\n' "$T/enter" "$T/l1" >"$T/sshd-planted"
chmod 0755 "$T/sshd-planted"
SSHD="$T/sshd-planted"
port=$(free_port)
sshd_start l1 10.77.31.7 "$port" "$NS"
sshd_trust l1

# collect_planted DIR ARGS...: collect l0 (this machine, planted) and l1.
collect_planted() {
	_out=$1
	shift
	rm -rf "$_out"
	mkdir -p "$_out"
	RC=0
	# shellcheck disable=SC2086
	PATH="$FAKEBIN:$PATH" ${_watchdog:-} ip netns exec "$NS" unshare --uts --mount "$T/enter" "$T/l0" \
		"$NR_BIN" collect -o "$_out" --only kernel,libvirt,qemu $SSH_ARGS \
		--level "l1=root@10.77.31.7:$port" --json "$@" >"$T/out" 2>"$T/err" || RC=$?
	no_sanitizer_report "$T/err" "collect $*"
	expect_rc 0 "collect in the planted namespaces $*"
}

PLANTED="nrplant-l0 nrplant-l1 nrplant-l2 plantco 10.77.31.7 2a01:4f8:77::31 7a:3c:91 7A:3C:92 \
5054:ff:fe7a:3c91 mallorie trudie dbnine 5b2c1f3e"

# leaks DIR JSON_OUT: the planted values found in DIR (recursively, names
# included) or in the run's stdout.
leaks() {
	for _v in $PLANTED; do
		if grep -r -a -i -q -F -e "$_v" "$1" "$2" || find "$1" | grep -i -q -F -e "$_v"; then
			echo "$_v"
		fi
	done
}

# ---- the unredacted bundle holds every planted value -----------------------------
collect_planted "$T/plain"
one_bundle "$T/plain"
PLAIN=$BUNDLE
X="$T/x-plain"
unpack "$PLAIN" "$X"
cp "$T/out" "$T/plain.json"
level_complete l0
level_complete l1
assert_eq "$(lget l1 "lv['target']")" 10.77.31.7 "l1's target"
assert_eq "$(lget l1 "lv['facts']['hostname']")" nrplant-l1 "l1's planted hostname"
assert_eq "$(lget l0 "lv['facts']['hostname']")" nrplant-l0 "l0's planted hostname"
found=$(leaks "$X" "$T/plain.json" | tr '\n' ' ')
assert_eq "$found" "$(echo $PLANTED) " "planted values in the unredacted bundle (the positive control)"
case $(basename "$PLAIN") in *nrplant*) ;; *) fail "the unredacted bundle is not named after its host: $PLAIN" ;; esac
plain_match=$(lget l1 "lv['match'] and lv['match']['by']")
plain_findings=$(mget "sorted((f['id'], f['severity'], f['level']) for f in m['findings'])")

# check_redacted BUNDLE JSON_OUT WHAT: none of it left, consistent placeholders.
check_redacted() {
	_b=$1 _json=$2 _what=$3
	BUNDLE=$_b
	X="$T/x-$_what"
	rm -rf "$X"
	unpack "$_b" "$X"
	bundle_valid
	MAP="$_b.redact-map.json"
	[ -f "$MAP" ] || fail "$_what: no map beside the bundle ($MAP)"
	assert_eq "$(stat -c %a "$MAP")" 600 "$_what: the map's mode"
	case $(basename "$_b") in nest-report-redacted-*) ;; *) fail "$_what: bundle name $_b" ;; esac
	_left=$(leaks "$X" "$_json" | tr '\n' ' ')
	if [ -n "$_left" ]; then
		for _v in $_left; do
			grep -r -a -i -n -o -F -e "$_v" "$X" "$_json" | head -n 5 >&2
		done
		fail "$_what: planted values left in the redacted bundle: $_left"
	fi
	decompress "$_b" | grep -a -i -c -E "nrplant-l[0-2]|plantco|mallorie|trudie|10\.77\.31\." >"$T/n" || :
	assert_eq "$(cat "$T/n")" 0 "$_what: planted values in the decompressed tar stream"
	assert_eq "$(mget "m['redaction']['applied']")" true "$_what: manifest's redaction record"
	assert_eq "$(mget "'entries' in m['redaction'] or 'map' in m['redaction']")" false "$_what: no map in the manifest"
	# Consistent placeholders, read from the map.
	ph() { jget "$MAP" "[e['placeholder'] for e in m['entries'] if e['original'] == '$1'][0]"; }
	h1=$(ph nrplant-l1)
	a1=$(ph 10.77.31.7)
	mac=$(ph 52:54:00:7a:3c:91)
	case $h1 in host-[0-9]*) ;; *) fail "$_what: nrplant-l1's placeholder is '$h1'" ;; esac
	case $a1 in 198.1[89].*) ;; *) fail "$_what: 10.77.31.7's placeholder is '$a1'" ;; esac
	case $mac in 52:54:00:*) ;; *) fail "$_what: the QEMU MAC lost its OUI: '$mac'" ;; esac
	assert_eq "$(lget l1 "lv['facts']['hostname']")" "$h1" "$_what: l1's hostname fact"
	assert_eq "$(lget l1 "lv['target']")" "$a1" "$_what: l1's target"
	grep -q -w -F "$h1" "$X/levels/l1/kernel/uname-a" || fail "$_what: l1's uname lacks $h1"
	_log=$(ls "$X"/levels/l0/libvirt/log-*.log)
	[ "$_log" = "$X/levels/l0/libvirt/log-$h1.log" ] || fail "$_what: l0's log is $_log, not named $h1"
	grep -q -F "guest=$h1," "$_log" || fail "$_what: the guest name in l0's log is not $h1"
	grep -q -F "hostfwd=tcp:$a1:2222" "$_log" || fail "$_what: the hostfwd address in l0's log is not $a1"
	grep -q -F "mac=$mac " "$_log" || fail "$_what: the guest MAC in l0's log is not $mac"
	grep -q -E "/home/user-[0-9]+/images/$h1\.qcow2" "$_log" || fail "$_what: the home path in l0's log"
	grep -q -E " host-[0-9]+\.domain-[0-9]+\.example:/export" "$_log" || fail "$_what: the FQDN in l0's log"
	# The same discovery and findings as without redaction.
	assert_eq "$(lget l1 "lv['match'] and lv['match']['by']")" "$plain_match" "$_what: how l1 was matched"
	assert_eq "$(mget "sorted((f['id'], f['severity'], f['level']) for f in m['findings'])")" "$plain_findings" \
		"$_what: findings vs the unredacted bundle"
	run_nr verify "$_b"
	expect_rc 0 "$_what: verify"
}

# ---- collect --redact ------------------------------------------------------------------
collect_planted "$T/red" --redact
cp "$T/out" "$T/red.json"
_n=$(ls "$T/red" | wc -l | tr -d ' ')
assert_eq "$_n" 2 "files written by collect --redact (the bundle and its map): $(ls "$T/red" | tr '\n' ' ')"
RED=$(ls "$T"/red/*.tar.zst)
check_redacted "$RED" "$T/red.json" collect
assert_eq "$(jget "$T/red.json" "m['redaction']['map']")" "$RED.redact-map.json" "--json names the map"

# ---- nest-report redact on the unredacted bundle -------------------------------------------
mkdir -p "$T/later"
run_nr redact "$PLAIN" -o "$T/later" --json
expect_rc 0 "nest-report redact"
cp "$T/out" "$T/later.json"
LATER=$(ls "$T"/later/*.tar.zst)
check_redacted "$LATER" "$T/later.json" redact
verdict
