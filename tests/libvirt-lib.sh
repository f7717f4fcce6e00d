# SPDX-License-Identifier: MIT
# A real libvirt for tests/integration/libvirt_real*.sh.  Source it instead
# of tests/lib.sh (it sources lib.sh itself):
#   . "$(dirname "$0")/../libvirt-lib.sh"
#
# The test runs Debian's own virtlogd and libvirtd as qemu:///system at the
# default paths (/run/libvirt, /etc/libvirt, /var/lib/libvirt,
# /var/log/libvirt), which is where nest-report looks on a reporter's
# machine, without touching this machine's: the script re-executes itself
# in a private mount namespace (unshare --mount) where a tmpfs covers /run
# and directories under $T are bind-mounted over libvirt's.  nest-report and
# virsh run in that namespace too, so they see this libvirt and no other;
# the guests' QEMU processes are ordinary processes of this machine.
# Nothing is started by systemd and nothing is left running: every daemon
# and guest is stopped by PID at exit (lv_stop), and a watchdog kills them
# should the test itself be killed without running its cleanup.
#
#   lv_need                    skip unless libvirtd, virtlogd, virsh, QEMU are there
#   lv_start                   start virtlogd and libvirtd (sets LV, the state dir)
#   lv_boot NAME XML_FILE      define and start a domain whose XML holds @PORT@ where
#                              its hostfwd port goes; retries with another free port
#                              when that one was taken; sets LV_PORT, LV_PID
#   lv_qemu_pid NAME           the QEMU PID libvirt recorded for NAME
#   lv_wait_ssh NAME PORT SECS wait for an SSH banner on 127.0.0.1:PORT (guest NAME)
#   lv_console NAME [N]        the last N lines of NAME's serial console, on stderr
#   lv_stop                    destroy every domain, stop the daemons (at exit too)
#   lv_left                    PIDs started here that are still running

if [ "${NR_LV_MNTNS:-}" != 1 ]; then
	# Before lib.sh: exec would skip its cleanup of $T.
	if [ "$(id -u)" -ne 0 ]; then
		echo "needs root (libvirtd as qemu:///system, in a private mount namespace)" >&2
		exit 77
	fi
	if ! command -v unshare >/dev/null 2>&1 || ! unshare --mount --propagation private true 2>/dev/null; then
		echo "cannot make a private mount namespace (unshare --mount, util-linux)" >&2
		exit 77
	fi
	NR_LV_MNTNS=1 exec unshare --mount --propagation private -- sh "$0" "$@"
fi
. "$(dirname "$0")/../lib.sh"

LIBVIRTD=/usr/sbin/libvirtd
VIRTLOGD=/usr/sbin/virtlogd
LV="$T/lv"
LV_DOMAINS=''
# What the daemons see: no developer's PATH, no agent, no locale.
LV_ENV="env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C HOME=/root"

lv_need() {
	for _b in "$LIBVIRTD" "$VIRTLOGD"; do
		[ -x "$_b" ] || skip "needs $_b (Debian package libvirt-daemon-system), which is not installed"
	done
	need_cmd virsh
	command -v qemu-system-x86_64 >/dev/null 2>&1 ||
		skip "needs qemu-system-x86_64 (Debian package qemu-system-x86), which is not installed"
	[ -e /usr/lib/x86_64-linux-gnu/libvirt/connection-driver/libvirt_driver_qemu.so ] ||
		[ -n "$(ls /usr/lib/*/libvirt/connection-driver/libvirt_driver_qemu.so 2>/dev/null)" ] ||
		skip "needs libvirt's QEMU driver (Debian package libvirt-daemon-driver-qemu)"
}

# lv_wait_file PATH SECS: until PATH exists (a socket, a pid file).
lv_wait_file() {
	_i=0
	while [ ! -e "$1" ] && [ $_i -lt $(($2 * 10)) ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	[ -e "$1" ]
}

# lv_daemon NAME PIDVAR BIN ARGS...: start a daemon in the foreground of a
# background job with a clean environment; its PID in PIDVAR and $LV/pids.
lv_daemon() {
	_n=$1 _var=$2
	shift 2
	# shellcheck disable=SC2086
	$LV_ENV "$@" >"$LV/$_n.out" 2>&1 </dev/null &
	eval "$_var=$!"
	echo "$!" >"$LV/pids/$_n"
}

lv_start() {
	mkdir -p "$LV/etc/qemu" "$LV/lib" "$LV/log" "$LV/cache" "$LV/pids"
	for _d in /etc/libvirt /var/lib/libvirt /var/log/libvirt /var/cache/libvirt; do
		[ -d "$_d" ] || skip "needs $_d (Debian package libvirt-daemon-system), which is missing"
	done
	# Only this namespace sees these mounts; they go with its last process.
	mount -t tmpfs -o mode=0755 nr-test-run /run || fail "cannot mount a tmpfs on /run in the private namespace"
	mount --bind "$LV/etc" /etc/libvirt &&
		mount --bind "$LV/lib" /var/lib/libvirt &&
		mount --bind "$LV/log" /var/log/libvirt &&
		mount --bind "$LV/cache" /var/cache/libvirt || fail "cannot bind-mount libvirt's directories"
	mkdir -p /run/libvirt /var/log/libvirt/qemu /var/lib/libvirt/qemu /var/cache/libvirt/qemu
	# Sockets as Debian has them (read-only one for everybody), no polkit
	# (no D-Bus here), warnings and errors logged under $LV.
	cat >"$LV/etc/libvirtd.conf" <<EOF
unix_sock_group = "root"
unix_sock_ro_perms = "0777"
unix_sock_rw_perms = "0700"
auth_unix_ro = "none"
auth_unix_rw = "none"
log_outputs = "3:file:$LV/libvirtd.log"
EOF
	cat >"$LV/etc/virtlogd.conf" <<EOF
log_outputs = "3:file:$LV/virtlogd.log"
EOF
	# QEMU as root: the images live under $T (mode 0700).  No cgroup
	# controllers and no security driver: this machine has neither
	# systemd's cgroup tree nor AppArmor/SELinux for libvirt to drive.
	cat >"$LV/etc/qemu.conf" <<EOF
user = "root"
group = "root"
dynamic_ownership = 0
remember_owner = 0
security_driver = "none"
cgroup_controllers = [ ]
EOF
	# The watchdog: should this test be killed without its cleanup, a
	# guest under TCG would burn a core for good.  It kills what is still
	# listed in $LV/pids and still names $T on its command line (libvirtd
	# and virtlogd their config file, QEMU its disk or initrd).
	make_sleeper
	(
		"$FAKEBIN/nr-test-sleep" "${NR_LV_WATCHDOG:-1800}"
		for _f in "$LV"/pids/*; do
			_p=$(cat "$_f" 2>/dev/null) || continue
			tr '\0' '\n' 2>/dev/null <"/proc/$_p/cmdline" | grep -qF -- "$T" && kill -9 "$_p"
		done
	) </dev/null >/dev/null 2>&1 &
	at_exit lv_stop
	lv_daemon virtlogd LV_VIRTLOGD_PID "$VIRTLOGD" -f "$LV/etc/virtlogd.conf"
	lv_wait_file /run/libvirt/virtlogd-sock 30 || {
		show "$LV/virtlogd.out"
		fail "virtlogd (pid $LV_VIRTLOGD_PID) made no /run/libvirt/virtlogd-sock within 30 s"
	}
	lv_daemon libvirtd LV_LIBVIRTD_PID "$LIBVIRTD" -f "$LV/etc/libvirtd.conf"
	lv_wait_file /run/libvirt/libvirt-sock-ro 60 || {
		show "$LV/libvirtd.out"
		show "$LV/libvirtd.log"
		fail "libvirtd (pid $LV_LIBVIRTD_PID) made no /run/libvirt/libvirt-sock-ro within 60 s"
	}
	# The socket is there before the drivers are ready; this waits for them.
	timeout 60 virsh -c qemu:///system version >"$LV/version.out" 2>&1 || {
		show "$LV/version.out"
		show "$LV/libvirtd.log"
		fail "virsh -c qemu:///system version failed against the test's libvirtd"
	}
}

lv_virsh() {
	timeout 60 virsh -c qemu:///system "$@"
}

lv_qemu_pid() {
	cat "/run/libvirt/qemu/$1.pid" 2>/dev/null
}

lv_console() {
	console_tail "$LV/$1-console.log" "${2:-80}"
}

# lv_boot NAME XML_FILE: define and start; @PORT@ in the XML becomes a free
# port on 127.0.0.1.  QEMU fails at once when the port was taken meanwhile
# ("Could not set up host forwarding rule"): then another one is tried.
lv_boot() {
	_name=$1 _tries=0
	LV_PORT='' LV_PID=''
	while [ -z "$LV_PORT" ]; do
		_tries=$((_tries + 1))
		_port=$(free_port) || fail "cannot find a free port on 127.0.0.1"
		sed "s/@PORT@/$_port/g" "$2" >"$LV/$_name.xml"
		lv_virsh define "$LV/$_name.xml" >"$LV/$_name.define" 2>&1 || {
			show "$LV/$_name.define"
			fail "virsh define $_name failed"
		}
		case " $LV_DOMAINS " in *" $_name "*) ;; *) LV_DOMAINS="$LV_DOMAINS $_name" ;; esac
		if lv_virsh start "$_name" >"$LV/$_name.start" 2>&1; then
			LV_PORT=$_port
			break
		fi
		if grep -q 'host forwarding rule' "$LV/$_name.start" && [ $_tries -lt 5 ]; then
			note "$_name: port $_port was taken; trying another"
			continue
		fi
		show "$LV/$_name.start"
		show "/var/log/libvirt/qemu/$_name.log" 80
		fail "virsh start $_name failed"
	done
	LV_PID=$(lv_qemu_pid "$_name")
	[ -n "$LV_PID" ] || fail "libvirt wrote no /run/libvirt/qemu/$_name.pid"
	echo "$LV_PID" >"$LV/pids/qemu-$_name"
}

# lv_wait_ssh NAME PORT SECS
lv_wait_ssh() {
	_deadline=$(($(now_s) + $3))
	while ! ssh_banner "$2"; do
		_pid=$(lv_qemu_pid "$1")
		if [ -z "$_pid" ] || ! kill -0 "$_pid" 2>/dev/null; then
			lv_console "$1"
			show "/var/log/libvirt/qemu/$1.log" 80
			fail "guest $1 stopped before its sshd answered on 127.0.0.1:$2"
		fi
		if [ "$(now_s)" -ge "$_deadline" ]; then
			lv_console "$1"
			fail "no SSH banner from guest $1 on 127.0.0.1:$2 within $3 s (qemu pid $_pid)"
		fi
		sleep 0.5
	done
}

# lv_stop: destroy the domains, then stop libvirtd and virtlogd, each by
# the PID this test started; QEMU is killed by PID if destroy did not end it.
lv_stop() {
	for _n in $LV_DOMAINS; do
		_pid=$(cat "$LV/pids/qemu-$_n" 2>/dev/null)
		[ -n "${LV_LIBVIRTD_PID:-}" ] && kill -0 "$LV_LIBVIRTD_PID" 2>/dev/null &&
			timeout 30 virsh -c qemu:///system destroy "$_n" >/dev/null 2>&1
		[ -z "$_pid" ] || lv_kill "$_pid"
	done
	[ -z "${LV_LIBVIRTD_PID:-}" ] || lv_kill "$LV_LIBVIRTD_PID"
	[ -z "${LV_VIRTLOGD_PID:-}" ] || lv_kill "$LV_VIRTLOGD_PID"
	LV_DOMAINS=''
}

# lv_kill PID: TERM, up to 10 s, then KILL; only if PID still names $T (it
# is ours, not a recycled PID).
lv_kill() {
	tr '\0' '\n' 2>/dev/null <"/proc/$1/cmdline" | grep -qF -- "$T" || return 0
	stop_pid "$1" 10
}

lv_left() {
	for _f in "$LV"/pids/*; do
		_p=$(cat "$_f" 2>/dev/null) || continue
		tr '\0' '\n' 2>/dev/null <"/proc/$_p/cmdline" | grep -qF -- "$T" && echo "$_p ($(basename "$_f"))"
	done
}
