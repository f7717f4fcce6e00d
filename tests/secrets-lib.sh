# SPDX-License-Identifier: MIT
# Shared by tests/integration/secrets_*.sh (after tests/lib.sh): plant the
# secrets tests/secrets-gen.py generates where nest-report meets them (live
# QEMU processes, a libvirt log directory, virsh's domain XML, a replayed
# tree) and look for them in everything a run writes.  Mount and PID
# namespaces keep the machine's own /var/log and processes out of the runs.
#
#   secrets_gen                 generate into $SG (argv/N, log, domain.xml,
#                               secrets, counts); $N_ARGV: values in argv,
#                               $N_UNITS: the secrets they make (a/b is one)
#   pidns_wrapper CMD           a script running CMD in a new PID namespace
#                               with one fake QEMU per argv/N (their PIDs
#                               there in $T/ns-qpids)
#   fake_virsh [remote]         a virsh that lists domain vm1 and prints
#                               $SG/domain.xml as its XML (remote: for sshd)
#   need_mntns                  skip unless a private mount namespace works
#   logns_wrapper CMD [PROCDIR] a script running CMD in a private mount
#                               namespace whose /var/log is a tmpfs holding
#                               libvirt/qemu/vm1.log and vm2.log ($SG/log),
#                               and whose /proc holds only PROCDIR's files
#                               when given; prints the script's path
#   no_leaks WHAT PATH...       fail unless no planted value (nor 6 bytes of
#                               one) is in any file under PATH
#   bundle_no_leaks             no_leaks over the unpacked bundle $X (files,
#                               manifest.json, summary.txt), the decompressed
#                               tar stream, and the run's stdout and stderr

need_cmd tar zstd

SG="$T/planted"

secrets_gen() {
	"$PY" "$TESTS_DIR/secrets-gen.py" gen "$SG" || fail "secrets-gen.py gen failed"
	N_ARGV=$(awk '$1 == "argv" { print $2 }' "$SG/counts")
	N_UNITS=$(awk '$1 == "argv_units" { print $2 }' "$SG/counts")
	[ "${N_ARGV:-0}" -gt 100 ] || fail "secrets-gen.py planted only ${N_ARGV:-0} values in argv"
}

# pidns_wrapper CMD: a script running CMD in a new PID namespace (with its
# own /proc) next to one fake QEMU per argv/N (tests/secrets-pidns.sh);
# their PIDs there go to $T/ns-qpids.  The qemu probe scans the first 256
# processes of /proc (probes/qemu.c): alone in a namespace, the fakes are
# always among them, however busy the machine is.
pidns_wrapper() {
	need_cmd unshare
	cp "$(helper fake_qemu)" "$FAKEBIN/qemu-system-x86_64"
	_w="$T/pidns-$(basename "$1")"
	printf '#!/bin/sh\nexec unshare -p -f --mount-proc /bin/sh "%s" "%s" "%s" "%s" "%s" "$@"\n' \
		"$TESTS_DIR/secrets-pidns.sh" "$SG/argv" "$FAKEBIN/qemu-system-x86_64" \
		"$T/ns-qpids" "$1" >"$_w"
	chmod 0755 "$_w"
	echo "$_w"
}

# The fake virsh: domain vm1, whose XML is the generated domain.xml; it
# answers every call the libvirt probe makes (a refused one fails it).
fake_virsh() {
	_body='case "$*" in
"-r version") echo "Compiled against library: libvirt 9.0.0"; echo "Using library: libvirt 9.0.0"; echo "Running hypervisor: QEMU 7.2.0" ;;
"-r list --all --name") printf "vm1\n\n" ;;
"-r list --all") printf " Id   Name   State\n----------------------\n 1    vm1    running\n" ;;
"-r list --name") printf "vm1\n\n" ;;
"-r dumpxml --domain vm1") cat "'"$SG/domain.xml"'" ;;
"-r capabilities") echo "<capabilities/>" ;;
"-r domcapabilities" | "domcapabilities") echo "<domainCapabilities/>" ;;
"-r nodeinfo") echo "CPU model:           x86_64" ;;
"qemu-monitor-command --domain vm1 "*) echo "{\"return\": {\"enabled\": true, \"present\": true}, \"id\": \"libvirt-1\"}" ;;
*) echo "fake virsh: unexpected arguments: $*" >&2; exit 1 ;;
esac'
	if [ "${1:-}" = remote ]; then
		remote_fake_cmd virsh "$_body"
		remote_fake_cmd libvirtd 'echo "libvirtd (libvirt) 9.0.0"'
	else
		fake_cmd virsh "$_body"
		fake_cmd libvirtd 'echo "libvirtd (libvirt) 9.0.0"'
	fi
}

need_mntns() {
	need_root "a private mount namespace for /var/log needs root"
	need_cmd unshare mount
	unshare -m --propagation private sh -c 'mount -t tmpfs nrtest /mnt' 2>"$T/mntns.err" ||
		{ cat "$T/mntns.err" >&2; skip "cannot mount a tmpfs in a private mount namespace"; }
}

logns_wrapper() {
	_w="$T/logns-$(basename "$1")"
	mkdir -p "$T/logs"
	cp "$SG/log" "$T/logs/vm1.log"
	cp "$SG/log" "$T/logs/vm2.log"
	_proc=""
	[ -z "${2:-}" ] || _proc="mount -t tmpfs -o mode=0555 nrproc /proc && cp -r '$2'/. /proc/ &&"
	cat >"$_w" <<EOF
#!/bin/sh
# $1 in a private mount namespace whose /var/log holds only the planted logs.
exec unshare -m --propagation private /bin/sh -c '
	mount -t tmpfs -o mode=0755 nrlogs /var/log &&
	mkdir -p /var/log/libvirt/qemu &&
	cp "\$0"/*.log /var/log/libvirt/qemu/ && $_proc
	exec "\$@"' "$T/logs" "$1" "\$@"
EOF
	chmod 0755 "$_w"
	echo "$_w"
}

no_leaks() {
	_what=$1
	shift
	if ! "$PY" "$TESTS_DIR/secrets-gen.py" scan "$SG/secrets" "$@" >"$T/scan.out" 2>&1; then
		grep LEAK "$T/scan.out" | head -n 30 >&2
		fail "$_what: $(tail -n 1 "$T/scan.out")"
	fi
	note "$_what: $(tail -n 1 "$T/scan.out")"
}

bundle_no_leaks() {
	decompress "$BUNDLE" >"$T/stream.tar.raw" || fail "cannot decompress $BUNDLE"
	[ -f "$X/summary.txt" ] || fail "the bundle has no summary.txt"
	no_leaks "${1:-bundle}" "$X" "$T/stream.tar.raw" "$T/out" "$T/err"
	rm -f "$T/stream.tar.raw"
}

# artifact_scrubbed LEVEL PROBE NAME: how many values the manifest says
# were scrubbed from that artifact.
artifact_scrubbed() {
	lget "$1" "[a['scrubbed'] for p in lv['probes'] if p['name'] == '$2' for a in p['artifacts'] if a['name'] == '$3'][0]"
}
