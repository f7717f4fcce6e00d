#!/bin/sh
# SPDX-License-Identifier: MIT
# Builds the tiny x86_64 guest that the end-to-end test boots under TCG, from
# Debian packages only:
#   - the Debian cloud kernel (linux-image-*-cloud-amd64), fetched with
#     `apt-get download` into the cache and unpacked with dpkg-deb -x; it is
#     never installed on this machine;
#   - busybox-static and dropbear-bin, taken from this machine (dropbear's
#     shared libraries found with ldd and copied alongside);
#   - the modules the guest needs (virtio_pci, virtio_net, virtio_rng and
#     what they depend on: the cloud kernel builds them as modules), loaded
#     by /etc/rc.sysinit in dependency order with busybox insmod.
#
# usage: build-initramfs.sh [--authorized-keys FILE] [--host-key FILE]
#                           [--initrd-out FILE]
#
# The kernel and the base initramfs are cached in
# ${NR_E2E_CACHE:-/var/tmp/nest-report-e2e-UID} and rebuilt only when the kernel
# package's candidate version, busybox-static, dropbear-bin or this script
# change.  With --initrd-out, FILE is the base initramfs followed by a small
# per-run cpio archive (Linux unpacks concatenated archives in order) holding
# /root/.ssh/authorized_keys and the dropbear host key (a dropbear-format
# private key, as `dropbearkey -t ed25519 -f FILE` writes): the cache holds
# no key.  Without --host-key the guest makes one at boot and prints its
# public half on the console.
#
# On success prints, on stdout:
#   KERNEL=<path of vmlinuz>
#   INITRD=<path of the initramfs to boot>
#   KERNEL_PACKAGE=<package>=<version>
#   KERNEL_RELEASE=<uname -r of the guest>
# Exit status: 0 built or reused; 77 when the kernel cannot be had (no
# package lists, no network, not amd64), with the reason on stderr; 1 on any
# other error.
set -eu

# Per user: a cache root made cannot be written by a later run as someone else.
CACHE=${NR_E2E_CACHE:-/var/tmp/nest-report-e2e-$(id -u)}
META=linux-image-cloud-amd64
# Modules to load, in the order given; their dependencies are added first.
# virtio_rng feeds the guest's entropy pool from QEMU's virtio-rng-pci, so
# that dropbear does not wait seconds for it under TCG.  cpuid and msr give
# /dev/cpu/0/cpuid and /dev/cpu/0/msr, which the cpuid and vmx-msr probes
# read remotely with dd (TCG's "TCGTCGTCGTCG" signature; no VMX MSRs).
MODULES="virtio_pci virtio_net virtio_rng cpuid msr"

die() {
	echo "build-initramfs: $*" >&2
	exit 1
}

unavailable() {
	echo "build-initramfs: $*" >&2
	exit 77
}

log() {
	echo "build-initramfs: $*" >&2
}

auth_keys='' host_key='' initrd_out=''
while [ $# -gt 0 ]; do
	case $1 in
	--authorized-keys) auth_keys=${2:?}; shift 2 ;;
	--host-key) host_key=${2:?}; shift 2 ;;
	--initrd-out) initrd_out=${2:?}; shift 2 ;;
	-h | --help) sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) die "unknown argument '$1' (see --help)" ;;
	esac
done
[ -z "$auth_keys" ] || [ -r "$auth_keys" ] || die "cannot read $auth_keys"
[ -z "$host_key" ] || [ -r "$host_key" ] || die "cannot read $host_key"

[ "$(uname -m)" = x86_64 ] ||
	unavailable "the guest is x86_64 and is made of this machine's binaries; this is $(uname -m)"
case $(dpkg --print-architecture 2>/dev/null) in
amd64) ;;
*) unavailable "needs a Debian amd64 system (dpkg --print-architecture: $(dpkg --print-architecture 2>/dev/null || echo none))" ;;
esac

for c in busybox dropbear cpio ldd dpkg-deb dpkg-query apt-get apt-cache; do
	command -v "$c" >/dev/null 2>&1 || [ -x "/usr/sbin/$c" ] ||
		die "'$c' not found (make test-deps installs busybox-static, dropbear-bin, cpio)"
done
BUSYBOX=$(command -v busybox)
DROPBEAR=$(command -v dropbear 2>/dev/null || echo /usr/sbin/dropbear)
DROPBEARKEY=$(command -v dropbearkey 2>/dev/null || echo /usr/bin/dropbearkey)
[ -x "$DROPBEAR" ] && [ -x "$DROPBEARKEY" ] || die "dropbear/dropbearkey not found (dropbear-bin)"
# busybox must be static: it is the guest's init and every tool there, and
# the guest holds only the shared libraries dropbear needs.
if ldd "$BUSYBOX" >/dev/null 2>&1; then
	die "$BUSYBOX is dynamically linked; install busybox-static"
fi

mkdir -p "$CACHE" 2>/dev/null && [ -w "$CACHE" ] ||
	die "cannot write the cache directory $CACHE (set NR_E2E_CACHE to one you can write)"
# One builder at a time (other test runs may share the cache).
if command -v flock >/dev/null 2>&1; then
	exec 9>"$CACHE/.lock"
	flock 9
	# What a killed builder left (only a lock holder makes these).
	rm -rf "$CACHE"/dl.* "$CACHE"/x.* "$CACHE"/root.*
fi

script_sum=$(sha256sum "$0" | cut -d' ' -f1)
bb_ver=$(dpkg-query -W -f '${Version}' busybox-static 2>/dev/null || echo unknown)
db_ver=$(dpkg-query -W -f '${Version}' dropbear-bin 2>/dev/null || echo unknown)

# ---- the kernel -------------------------------------------------------------

# The versioned package the meta-package's candidate depends on, with its
# exact version: one apt-cache call (each one parses every package list
# when apt keeps no binary cache, a second or more on a busy machine).
kdep=$(apt-cache show --no-all-versions "$META" 2>/dev/null | sed -n 's/^Depends: //p' | head -n 1 |
	tr ',' '\n' | sed -n 's/^ *\(linux-image-[0-9][^ ]*-cloud-amd64\)\( (= \([^)]*\))\)\{0,1\}.*/\1 \3/p' |
	head -n 1)
kpkg=${kdep%% *}
kver=${kdep#* }
if [ -n "$kpkg" ] && [ -z "$kver" ]; then
	kver=$(apt-cache policy "$kpkg" 2>/dev/null | sed -n 's/^ *Candidate: //p')
	[ "$kver" != "(none)" ] || kver=
fi
if [ -z "$kpkg" ] || [ -z "$kver" ]; then
	# No package lists (apt-get update not run, or no network): a kernel
	# fetched earlier still does.
	if [ -f "$CACHE/kernel.id" ] && [ -f "$CACHE/kernel.deb" ]; then
		kid=$(cat "$CACHE/kernel.id")
		log "apt knows no $META (run apt-get update); reusing the cached $kid"
	else
		unavailable "cannot resolve $META with apt-cache (no package lists? run apt-get update) and none is cached in $CACHE"
	fi
else
	kid="$kpkg=$kver"
fi

# The .deb is kept (about 27 MB): a change of MODULES needs no new download.
if [ ! -f "$CACHE/kernel.deb" ] || [ "$(cat "$CACHE/kernel.id" 2>/dev/null)" != "$kid" ]; then
	log "fetching $kid with apt-get download"
	dl=$(mktemp -d "$CACHE/dl.XXXXXX")
	trap 'rm -rf "$dl"' EXIT
	# _apt cannot write into a root-only directory; download as root (the
	# .deb is checked against the signed package lists either way).
	if ! (cd "$dl" && apt-get -q -o APT::Sandbox::User=root download "$kid") >"$dl/apt.log" 2>&1; then
		sed 's/^/    /' "$dl/apt.log" >&2
		unavailable "apt-get download $kid failed (no network or no Debian mirror reachable?)"
	fi
	deb=$(ls "$dl"/*.deb 2>/dev/null | head -n 1)
	[ -n "$deb" ] || die "apt-get download $kid left no .deb"
	rm -f "$CACHE/kernel.id" "$CACHE/kernel/modules.wanted"
	mv "$deb" "$CACHE/kernel.deb"
	echo "$kid" >"$CACHE/kernel.id"
	rm -rf "$dl"
	trap - EXIT
fi

if [ ! -f "$CACHE/kernel/vmlinuz" ] || [ "$(cat "$CACHE/kernel/modules.wanted" 2>/dev/null)" != "$kid $MODULES" ]; then
	dl=$(mktemp -d "$CACHE/x.XXXXXX")
	trap 'rm -rf "$dl"' EXIT
	deb="$CACHE/kernel.deb"
	dpkg-deb -x "$deb" "$dl/x" || die "dpkg-deb -x $deb failed"
	kvmlinuz=$(ls "$dl"/x/boot/vmlinuz-* 2>/dev/null | head -n 1)
	[ -n "$kvmlinuz" ] || die "$kid holds no boot/vmlinuz-*"
	krel=${kvmlinuz##*/vmlinuz-}
	mdir=$(ls -d "$dl"/x/lib/modules/"$krel" "$dl"/x/usr/lib/modules/"$krel" 2>/dev/null | head -n 1)
	[ -n "$mdir" ] || die "$kid holds no modules for $krel"
	mkdir -p "$dl/kernel/modules"
	cp "$kvmlinuz" "$dl/kernel/vmlinuz"
	[ ! -f "$dl/x/boot/config-$krel" ] || cp "$dl/x/boot/config-$krel" "$dl/kernel/config"
	echo "$krel" >"$dl/kernel/release"
	# Load order: each module after what it depends on (modinfo reads the
	# .ko's own "depends=" field; the package ships no modules.dep).
	modinfo_f() {
		if command -v modinfo >/dev/null 2>&1; then modinfo -F depends "$1"
		elif [ -x /sbin/modinfo ]; then /sbin/modinfo -F depends "$1"
		else "$BUSYBOX" modinfo -F depends "$1"; fi
	}
	find_ko() { # NAME: module names treat - and _ alike (virtio_rng is virtio-rng.ko)
		_pat=$(echo "$1" | sed 's/[-_]/[-_]/g')
		find "$mdir/kernel" -name "$_pat.ko" -o -name "$_pat.ko.xz" -o -name "$_pat.ko.zst" | head -n 1
	}
	: >"$dl/kernel/modules.order"
	add_module() { # NAME
		grep -qx "$1.ko" "$dl/kernel/modules.order" && return 0
		_ko=$(find_ko "$1")
		if [ -z "$_ko" ]; then
			# Built in?  Then there is nothing to load.
			grep -q "/$1.ko\$" "$mdir/modules.builtin" 2>/dev/null && return 0
			die "module $1 is neither in $kid nor built into $krel"
		fi
		for _d in $(modinfo_f "$_ko" | tr ',' ' '); do
			add_module "$_d"
		done
		# No `local` in POSIX sh: the recursion clobbered _ko.
		_ko=$(find_ko "$1")
		case $_ko in
		*.ko.xz) xz -dc "$_ko" >"$dl/kernel/modules/$1.ko" ;;
		*.ko.zst) zstd -qdc "$_ko" >"$dl/kernel/modules/$1.ko" ;;
		*) cp "$_ko" "$dl/kernel/modules/$1.ko" ;;
		esac
		echo "$1.ko" >>"$dl/kernel/modules.order"
	}
	for m in $MODULES; do
		add_module "$m"
	done
	echo "$kid $MODULES" >"$dl/kernel/modules.wanted"
	rm -rf "$CACHE/kernel"
	mv "$dl/kernel" "$CACHE/kernel"
	rm -rf "$dl"
	trap - EXIT
	log "kernel $krel: modules $(tr '\n' ' ' <"$CACHE/kernel/modules.order")"
fi
krel=$(cat "$CACHE/kernel/release")

# ---- the base initramfs -----------------------------------------------------

stamp="kernel=$kid modules=$(cut -d" " -f2- "$CACHE/kernel/modules.wanted") busybox-static=$bb_ver dropbear-bin=$db_ver script=$script_sum"
if [ ! -f "$CACHE/base.cpio" ] || [ "$(cat "$CACHE/base.stamp" 2>/dev/null)" != "$stamp" ]; then
	log "building the base initramfs"
	r=$(mktemp -d "$CACHE/root.XXXXXX")
	trap 'rm -rf "$r"' EXIT
	chmod 0755 "$r"   # its "." is the guest's /
	mkdir -p "$r/bin" "$r/sbin" "$r/usr/bin" "$r/usr/sbin" "$r/etc/dropbear" "$r/root/.ssh" \
		"$r/proc" "$r/sys" "$r/dev" "$r/tmp" "$r/run" "$r/var/log" "$r/lib/modules" "$r/lib64"
	ln -s ../run "$r/var/run"
	chmod 1777 "$r/tmp"
	chmod 0700 "$r/root" "$r/root/.ssh"
	cp "$BUSYBOX" "$r/bin/busybox"
	for a in $("$BUSYBOX" --list-full); do
		case $a in bin/busybox) continue ;; esac
		mkdir -p "$r/${a%/*}"
		[ -e "$r/$a" ] || ln -s /bin/busybox "$r/$a"
	done
	cp "$DROPBEAR" "$r/usr/sbin/dropbear"
	cp "$DROPBEARKEY" "$r/usr/bin/dropbearkey"
	# Their shared libraries, at the paths the loader will look for them.
	for lib in $(ldd "$DROPBEAR" "$DROPBEARKEY" | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p' | sort -u); do
		mkdir -p "$r${lib%/*}"
		cp -L "$lib" "$r$lib"
	done
	interp=$(ldd "$DROPBEAR" | sed -n 's/^[[:space:]]*\(\/[^ ]*ld-linux[^ ]*\) (.*/\1/p' | head -n 1)
	[ -n "$interp" ] && [ -f "$r$interp" ] || die "cannot find dropbear's dynamic loader with ldd"
	cp "$CACHE"/kernel/modules/*.ko "$r/lib/modules/"
	cp "$CACHE/kernel/modules.order" "$r/lib/modules/modules.order"

	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$r/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$r/etc/group"
	# Not empty (dropbear rejects blank passwords) and not locked: key only.
	printf 'root:*:19000:0:99999:7:::\n' >"$r/etc/shadow"
	chmod 0600 "$r/etc/shadow"
	printf '/bin/sh\n/bin/ash\n' >"$r/etc/shells"
	echo nr-e2e-l1 >"$r/etc/hostname"
	printf '127.0.0.1 localhost\n10.0.2.15 nr-e2e-l1\n' >"$r/etc/hosts"
	echo 'nameserver 10.0.2.3' >"$r/etc/resolv.conf"

	# busybox init reaps orphans and respawns dropbear if it dies.
	cat >"$r/etc/inittab" <<'EOF'
::sysinit:/etc/rc.sysinit
::respawn:/usr/sbin/dropbear -F -E -s -p 22 -r /etc/dropbear/dropbear_ed25519_host_key
::ctrlaltdel:/bin/busybox poweroff -f
EOF
	cat >"$r/etc/rc.sysinit" <<'EOF'
#!/bin/sh
# nest-report e2e guest: proc/sys/dev, virtio-net on QEMU user networking,
# a dropbear host key.  Messages go to the console (ttyS0), which the test
# logs.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
say() { echo "nr-e2e: $*"; }
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null || mount -t tmpfs tmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts -o gid=5,mode=620 devpts /dev/pts
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
mount -t tmpfs -o mode=0755 tmpfs /run
hostname -F /etc/hostname
while read -r m; do
	insmod "/lib/modules/$m" || say "insmod $m failed"
done </lib/modules/modules.order
ip link set lo up
i=0
while [ ! -e /sys/class/net/eth0 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
ip addr add 10.0.2.15/24 dev eth0 && ip link set eth0 up && ip route add default via 10.0.2.2 ||
	say "network setup failed: $(ip addr 2>&1)"
chmod 0700 /root /root/.ssh
[ -f /root/.ssh/authorized_keys ] && chmod 0600 /root/.ssh/authorized_keys ||
	say "no /root/.ssh/authorized_keys: nobody can log in"
k=/etc/dropbear/dropbear_ed25519_host_key
if [ -s $k ]; then
	chmod 0600 $k
else
	dropbearkey -t ed25519 -f $k >/dev/null 2>&1
	say "generated host key: $(dropbearkey -y -f $k | grep '^ssh-')"
fi
say "up: $(uname -r), eth0 $(ip addr show eth0 | sed -n "s/.*inet \([^ ]*\).*/\1/p"), starting dropbear on :22"
EOF
	chmod 0755 "$r/etc/rc.sysinit"
	cat >"$r/init" <<'EOF'
#!/bin/sh
exec /bin/busybox init
EOF
	chmod 0755 "$r/init"
	(cd "$r" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$r.cpio" ||
		die "cpio failed"
	mv "$r.cpio" "$CACHE/base.cpio"
	echo "$stamp" >"$CACHE/base.stamp"
	rm -rf "$r"
	trap - EXIT
	log "base initramfs: $(wc -c <"$CACHE/base.cpio") bytes"
fi

# ---- the per-run part --------------------------------------------------------

initrd="$CACHE/base.cpio"
if [ -n "$initrd_out" ]; then
	o=$(mktemp -d "${TMPDIR:-/tmp}/nr-e2e-overlay.XXXXXX")
	trap 'rm -rf "$o"' EXIT
	chmod 0755 "$o"   # its "." is the guest's /
	mkdir -p "$o/root/.ssh" "$o/etc/dropbear"
	chmod 0700 "$o/root" "$o/root/.ssh"
	if [ -n "$auth_keys" ]; then
		cp "$auth_keys" "$o/root/.ssh/authorized_keys"
		chmod 0600 "$o/root/.ssh/authorized_keys"
	fi
	if [ -n "$host_key" ]; then
		cp "$host_key" "$o/etc/dropbear/dropbear_ed25519_host_key"
		chmod 0600 "$o/etc/dropbear/dropbear_ed25519_host_key"
	fi
	{
		cat "$CACHE/base.cpio"
		(cd "$o" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet)
	} >"$initrd_out.tmp" || die "cannot write $initrd_out"
	mv "$initrd_out.tmp" "$initrd_out"
	rm -rf "$o"
	trap - EXIT
	initrd=$initrd_out
fi

echo "KERNEL=$CACHE/kernel/vmlinuz"
echo "INITRD=$initrd"
echo "KERNEL_PACKAGE=$kid"
echo "KERNEL_RELEASE=$krel"
