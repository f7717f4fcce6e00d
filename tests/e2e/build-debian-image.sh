#!/bin/sh
# SPDX-License-Identifier: MIT
# Builds the distribution guest of the real-libvirt tests: a small Debian
# root filesystem made with mmdebstrap from Debian's package registry (the
# suite this machine runs), in an ext4 disk image, with the kernel and the
# initramfs Debian's own tools made for it beside the image.  It is the L1 a
# real reporter has: systemd, bash, sudo, openssh-server, util-linux,
# dmidecode, kmod, procps, pciutils and x86info, the Debian cloud kernel with
# its modules, systemd-networkd taking QEMU's user-mode DHCP, and a non-root
# user `nr` who may run anything with `sudo -n`.
#
# usage: build-debian-image.sh [--authorized-keys FILE] [--host-key FILE]
#                              [--image-out FILE]
#
# The image is cached in ${NR_E2E_CACHE:-/var/tmp/nest-report-e2e-UID}/debian
# and rebuilt only when this script or the suite changes (NR_E2E_DEBIAN_MIRROR
# names another mirror, NR_E2E_DEBIAN_SUITE another suite).  The cache holds
# no key: with --image-out, FILE is a sparse copy of the cached image into
# which debugfs (e2fsprogs; no mount, no loop device) writes
# /home/nr/.ssh/authorized_keys (from --authorized-keys) and the ed25519
# host key (--host-key FILE: an OpenSSH private key, FILE.pub its public
# half).  sshd is configured to use that one host key only.
#
# On success prints, on stdout:
#   KERNEL=<vmlinuz>  INITRD=<initrd.img>  IMAGE=<the image to boot>
#   KERNEL_RELEASE=<uname -r of the guest>  SUITE=<suite>  GUEST_USER=nr
# The guest boots with root=/dev/vda (a virtio disk) and console=ttyS0.
# Exit status: 0 built or reused; 77 when it cannot be built here (no
# mmdebstrap, not amd64, no Debian mirror reachable), with the reason on
# stderr; 1 on any other error.
set -eu

CACHE=${NR_E2E_CACHE:-/var/tmp/nest-report-e2e-$(id -u)}
D="$CACHE/debian"
GUEST_USER=nr
# What the distribution guest runs.  udev loads the virtio and CPU modules,
# iproute2 is the `ip` a user types, the kernel brings initramfs-tools.
PACKAGES="systemd systemd-sysv udev dbus bash sudo openssh-server util-linux dmidecode kmod procps
pciutils x86info iproute2 linux-image-cloud-amd64 initramfs-tools"
IMAGE_SIZE=2G

die() {
	echo "build-debian-image: $*" >&2
	exit 1
}

unavailable() {
	echo "build-debian-image: $*" >&2
	exit 77
}

log() {
	echo "build-debian-image: $*" >&2
}

auth_keys='' host_key='' image_out=''
while [ $# -gt 0 ]; do
	case $1 in
	--authorized-keys) auth_keys=${2:?}; shift 2 ;;
	--host-key) host_key=${2:?}; shift 2 ;;
	--image-out) image_out=${2:?}; shift 2 ;;
	-h | --help) sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) die "unknown argument '$1' (see --help)" ;;
	esac
done
[ -z "$auth_keys" ] || [ -r "$auth_keys" ] || die "cannot read $auth_keys"
[ -z "$host_key" ] || { [ -r "$host_key" ] && [ -r "$host_key.pub" ]; } ||
	die "cannot read $host_key and $host_key.pub"

[ "$(uname -m)" = x86_64 ] || unavailable "the guest is a Debian amd64 image; this is $(uname -m)"
[ "$(dpkg --print-architecture 2>/dev/null)" = amd64 ] ||
	unavailable "needs a Debian amd64 system (dpkg --print-architecture: $(dpkg --print-architecture 2>/dev/null || echo none))"
command -v mmdebstrap >/dev/null 2>&1 || unavailable "needs mmdebstrap (make deps installs it)"
for c in mkfs.ext4 debugfs; do
	command -v "$c" >/dev/null 2>&1 || [ -x "/usr/sbin/$c" ] || [ -x "/sbin/$c" ] ||
		die "'$c' not found (e2fsprogs)"
done
PATH="$PATH:/usr/sbin:/sbin"
[ "$(id -u)" -eq 0 ] || unavailable "mmdebstrap's root mode (chroot, device nodes) needs root"

SUITE=${NR_E2E_DEBIAN_SUITE:-}
if [ -z "$SUITE" ]; then
	SUITE=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
	[ -n "$SUITE" ] || SUITE=stable
fi
MIRROR=${NR_E2E_DEBIAN_MIRROR:-}

mkdir -p "$D" 2>/dev/null && [ -w "$D" ] ||
	die "cannot write the cache directory $D (set NR_E2E_CACHE to one you can write)"
chmod 0700 "$D" 2>/dev/null || :
if command -v flock >/dev/null 2>&1; then
	exec 9>"$D/.lock"
	flock 9
	rm -rf "$D"/build.*
fi

stamp="suite=$SUITE mirror=$MIRROR script=$(sha256sum "$0" | cut -d' ' -f1)"
if [ ! -f "$D/root.img" ] || [ "$(cat "$D/stamp" 2>/dev/null)" != "$stamp" ]; then
	log "building a $SUITE image with mmdebstrap (a few minutes, once; cached in $D)"
	b=$(mktemp -d "$D/build.XXXXXX")
	trap 'rm -rf "$b"' EXIT
	# The guest's own configuration, applied in the chroot before packing.
	cat >"$b/customize.sh" <<'EOF'
#!/bin/sh
# $1: the root directory being built.
set -eu
r=$1
echo nr-debian-l1 >"$r/etc/hostname"
printf '127.0.0.1 localhost\n127.0.1.1 nr-debian-l1\n' >"$r/etc/hosts"
printf '/dev/vda / ext4 rw,relatime 0 1\n' >"$r/etc/fstab"
# QEMU's user-mode networking answers DHCP at 10.0.2.2.
mkdir -p "$r/etc/systemd/network"
printf '[Match]\nType=ether\n\n[Network]\nDHCP=ipv4\n' >"$r/etc/systemd/network/50-wired.network"
chroot "$r" systemctl enable systemd-networkd.service ssh.service >/dev/null 2>&1
# A console login prompt is no use to a test; the console shows the boot.
chroot "$r" systemctl mask serial-getty@ttyS0.service getty@tty1.service >/dev/null 2>&1
# No host key in the cache: each run writes its own (see --host-key).
rm -f "$r"/etc/ssh/ssh_host_*
mkdir -p "$r/etc/ssh/sshd_config.d"
printf 'HostKey /etc/ssh/ssh_host_ed25519_key\nPasswordAuthentication no\nUseDNS no\n' \
	>"$r/etc/ssh/sshd_config.d/nest-report-test.conf"
# The reporter's account: bash, its distribution rc files, sudo without a
# password (what `--level l1=nr@...,sudo` needs: sudo -n).
chroot "$r" useradd -m -s /bin/bash -U -c 'nest-report test user' nr
mkdir -p "$r/home/nr/.ssh"
chmod 0700 "$r/home/nr/.ssh"
chroot "$r" chown nr:nr /home/nr/.ssh
printf 'nr ALL=(ALL:ALL) NOPASSWD: ALL\n' >"$r/etc/sudoers.d/nr"
chmod 0440 "$r/etc/sudoers.d/nr"
# Root's password stays locked; nobody logs in as root.
rm -f "$r"/var/cache/apt/archives/*.deb "$r"/var/lib/apt/lists/*_Packages
EOF
	chmod 0755 "$b/customize.sh"
	# shellcheck disable=SC2086
	if ! mmdebstrap --mode=root --variant=minbase --format=directory \
		--include="$(echo $PACKAGES | tr ' ' ',')" \
		--dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
		--dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-include=/usr/share/locale/locale.alias' \
		--dpkgopt='path-exclude=/usr/share/info/*' \
		--customize-hook="$b/customize.sh \"\$1\"" \
		"$SUITE" "$b/root" ${MIRROR:+"$MIRROR"} >"$b/mmdebstrap.log" 2>&1; then
		tail -n 30 "$b/mmdebstrap.log" | sed 's/^/    /' >&2
		if grep -q -E 'Failed to fetch|Temporary failure resolving|Could not resolve|Unable to fetch|Release file .* is not valid|apt-get update failed' "$b/mmdebstrap.log"; then
			unavailable "mmdebstrap $SUITE: no Debian mirror reachable (set NR_E2E_DEBIAN_MIRROR)"
		fi
		die "mmdebstrap $SUITE failed (log above)"
	fi
	kv=$(ls "$b"/root/boot/vmlinuz-* 2>/dev/null | head -n 1)
	[ -n "$kv" ] || die "the image holds no /boot/vmlinuz-*"
	krel=${kv##*/vmlinuz-}
	[ -f "$b/root/boot/initrd.img-$krel" ] || die "the image holds no /boot/initrd.img-$krel"
	cp "$kv" "$b/vmlinuz"
	cp "$b/root/boot/initrd.img-$krel" "$b/initrd.img"
	echo "$krel" >"$b/release"
	# mkfs.ext4 -d copies the tree with its owners and modes: no mount, no loop.
	mkfs.ext4 -q -F -L nr-root -d "$b/root" "$b/root.img" "$IMAGE_SIZE" >"$b/mkfs.log" 2>&1 || {
		sed 's/^/    /' "$b/mkfs.log" >&2
		die "mkfs.ext4 -d failed"
	}
	rm -rf "$b/root"
	for f in vmlinuz initrd.img release root.img; do
		mv "$b/$f" "$D/$f"
	done
	echo "$stamp" >"$D/stamp"
	rm -rf "$b"
	trap - EXIT
	log "image: $(du -k "$D/root.img" | cut -f1) KiB used of $IMAGE_SIZE, kernel $(cat "$D/release")"
fi

image="$D/root.img"
if [ -n "$image_out" ]; then
	cp --sparse=always "$D/root.img" "$image_out.tmp" || die "cannot copy the image to $image_out"
	# debugfs writes files into the unmounted image; inode fields set the
	# owner and mode that `write` cannot.
	cmds=$(mktemp "${TMPDIR:-/tmp}/nr-debugfs.XXXXXX")
	trap 'rm -f "$cmds" "$image_out.tmp"' EXIT
	uid=$(debugfs -R "stat /home/$GUEST_USER" "$image_out.tmp" 2>/dev/null | sed -n 's/.*User: *\([0-9]*\).*/\1/p' | head -n 1)
	gid=$(debugfs -R "stat /home/$GUEST_USER" "$image_out.tmp" 2>/dev/null | sed -n 's/.*Group: *\([0-9]*\).*/\1/p' | head -n 1)
	[ -n "$uid" ] && [ -n "$gid" ] || die "cannot find /home/$GUEST_USER in the image"
	{
		if [ -n "$auth_keys" ]; then
			echo "write $auth_keys /home/$GUEST_USER/.ssh/authorized_keys"
			echo "set_inode_field /home/$GUEST_USER/.ssh/authorized_keys uid $uid"
			echo "set_inode_field /home/$GUEST_USER/.ssh/authorized_keys gid $gid"
			echo "set_inode_field /home/$GUEST_USER/.ssh/authorized_keys mode 0100600"
		fi
		if [ -n "$host_key" ]; then
			echo "write $host_key /etc/ssh/ssh_host_ed25519_key"
			echo "set_inode_field /etc/ssh/ssh_host_ed25519_key mode 0100600"
			echo "write $host_key.pub /etc/ssh/ssh_host_ed25519_key.pub"
			echo "set_inode_field /etc/ssh/ssh_host_ed25519_key.pub mode 0100644"
		fi
	} >"$cmds"
	debugfs -w -f "$cmds" "$image_out.tmp" >"$cmds.log" 2>&1 || {
		sed 's/^/    /' "$cmds.log" >&2
		rm -f "$cmds.log"
		die "debugfs could not write the per-run files into the image"
	}
	# debugfs reports a failed command on stderr and still exits 0.
	if grep -q -i -E 'error|not found|cannot|could not' "$cmds.log"; then
		sed 's/^/    /' "$cmds.log" >&2
		rm -f "$cmds.log"
		die "debugfs could not write the per-run files into the image"
	fi
	rm -f "$cmds" "$cmds.log"
	mv "$image_out.tmp" "$image_out"
	trap - EXIT
	image=$image_out
fi

echo "KERNEL=$D/vmlinuz"
echo "INITRD=$D/initrd.img"
echo "IMAGE=$image"
echo "KERNEL_RELEASE=$(cat "$D/release")"
echo "SUITE=$SUITE"
echo "GUEST_USER=$GUEST_USER"
