# Shared by tests/integration/secrets_*.sh (after tests/lib.sh): plant the
# secrets tests/secrets-gen.py generates where nest-report meets them (live
# QEMU processes, a libvirt log directory, virsh's domain XML, a replayed
# tree) and look for them in everything a run writes.
#
#   secrets_gen                 generate into $SG (argv/N, log, domain.xml,
#                               secrets, counts); $N_ARGV: values in argv,
#                               $N_UNITS: the secrets they make (a/b is one)
#   start_fake_qemus            one fake QEMU per argv/N (their PIDs in $QPIDS)
#   fake_virsh [remote]         a virsh that lists domain vm1 and prints
#                               $SG/domain.xml as its XML (remote: for sshd)
#   need_mntns                  skip unless a private mount namespace works
#   logns_wrapper CMD           a script running CMD in a private mount
#                               namespace whose /var/log is a tmpfs holding
#                               libvirt/qemu/vm1.log and vm2.log ($SG/log);
#                               prints the script's path
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

start_fake_qemus() {
	cp "$(helper fake_qemu)" "$FAKEBIN/qemu-system-x86_64"
	QPIDS=""
	for _a in "$SG"/argv/*; do
		# exec keeps the PID: argv is exactly the generated one, newlines,
		# quotes and all (argv[0] is our fake)
		"$PY" -c 'import os, sys
a = open(sys.argv[1], "rb").read().split(b"\0")[:-1]
os.execv(sys.argv[2], [sys.argv[2].encode()] + a[1:])' "$_a" "$FAKEBIN/qemu-system-x86_64" \
			>"$_a.ready" 2>&1 &
		QPIDS="$QPIDS $!"
		at_exit "kill -9 $!"
	done
	for _a in "$SG"/argv/*; do
		case $_a in *.ready) continue ;; esac
		_i=0
		until grep -q ready "$_a.ready" 2>/dev/null; do
			_i=$((_i + 1))
			[ $_i -lt 100 ] || fail "fake qemu for $_a did not start"
			sleep 0.1
		done
	done
	for _p in $QPIDS; do
		tr '\0' '\n' <"/proc/$_p/cmdline" | grep -q -x -e '-name' ||
			fail "fake qemu $_p does not have the planted argv"
	done
}

# The fake virsh: domain vm1, whose XML is the generated domain.xml.
fake_virsh() {
	_body='case "$*" in
"-r version") echo "Compiled against library: libvirt 9.0.0"; echo "Using library: libvirt 9.0.0"; echo "Running hypervisor: QEMU 7.2.0" ;;
"-r list --all --name") printf "vm1\n\n" ;;
"-r list --all") printf " Id   Name   State\n----------------------\n 1    vm1    running\n" ;;
"-r dumpxml --domain vm1") cat "'"$SG/domain.xml"'" ;;
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
	cat >"$_w" <<EOF
#!/bin/sh
# $1 in a private mount namespace whose /var/log holds only the planted logs.
exec unshare -m --propagation private /bin/sh -c '
	mount -t tmpfs -o mode=0755 nrlogs /var/log &&
	mkdir -p /var/log/libvirt/qemu &&
	cp "\$0"/*.log /var/log/libvirt/qemu/ &&
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
