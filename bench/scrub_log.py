#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Writes a libvirt-style domain log of SIZE bytes to PATH for
bench/scrub.sh: starts of domains with their environment and QEMU command
line (one argument a line, as libvirt >= 4 logs it), QEMU's and libvirt's
messages in between, and secrets sprinkled in the forms real logs hold
(secret objects, SPICE passwords, rbd keys, iSCSI URLs, JSON -blockdev,
credentials).  usage: scrub_log.py PATH SIZE"""
import random
import sys


def block(rng, n):
    s = "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789")
                for _ in range(16))
    uuid = "%08x-4c8e-9d8c-0a1b-%012x" % (rng.getrandbits(32), rng.getrandbits(48))
    lines = [
        "2024-05-%02d 10:%02d:00.000+0000: starting up libvirt version: 9.0.0, package: "
        "9.0.0-4 (Debian), qemu version: 7.2.0Debian 1:7.2+dfsg-7+deb12u5, kernel: "
        "6.1.0-21-amd64, hostname: host1.example.com" % (n % 28 + 1, n % 60),
        "LC_ALL=C \\",
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin \\",
        "HOME=/var/lib/libvirt/qemu/domain-%d-vm%d \\" % (n, n),
        "XDG_DATA_HOME=/var/lib/libvirt/qemu/domain-%d-vm%d/.local/share \\" % (n, n),
        "XDG_CACHE_HOME=/var/lib/libvirt/qemu/domain-%d-vm%d/.cache \\" % (n, n),
        "XDG_CONFIG_HOME=/var/lib/libvirt/qemu/domain-%d-vm%d/.config \\" % (n, n),
        "/usr/bin/qemu-system-x86_64 \\",
        "-name guest=vm%d,debug-threads=on \\" % n,
        "-S \\",
        "-object '{\"qom-type\":\"secret\",\"id\":\"masterKey0\",\"format\":\"raw\","
        "\"file\":\"/var/lib/libvirt/qemu/domain-%d-vm%d/master-key.aes\"}' \\" % (n, n),
        "-machine pc-q35-7.2,usb=off,vmport=off,dump-guest-core=off,memory-backend=pc.ram \\",
        "-accel kvm \\",
        "-cpu host,migratable=on \\",
        "-m 4096 \\",
        "-object '{\"qom-type\":\"memory-backend-ram\",\"id\":\"pc.ram\",\"size\":4294967296}' \\",
        "-overcommit mem-lock=off \\",
        "-smp 2,sockets=2,cores=1,threads=1 \\",
        "-uuid %s \\" % uuid,
        "-no-user-config \\",
        "-nodefaults \\",
        "-chardev socket,id=charmonitor,fd=31,server=on,wait=off \\",
        "-mon chardev=charmonitor,id=monitor,mode=control \\",
        "-rtc base=utc,driftfix=slew \\",
        "-global kvm-pit.lost_tick_policy=delay \\",
        "-no-hpet \\",
        "-no-shutdown \\",
        "-boot strict=on \\",
        "-device '{\"driver\":\"pcie-root-port\",\"port\":16,\"chassis\":1,\"id\":\"pci.1\","
        "\"bus\":\"pcie.0\",\"multifunction\":true,\"addr\":\"0x2\"}' \\",
        "-object secret,id=libvirt-2-storage-auth-secret0,data=%s,keyid=masterKey0,"
        "iv=W9Ds/LW8QjXbnAhQ5lpd0w==,format=base64 \\" % s,
        "-blockdev '{\"driver\":\"rbd\",\"pool\":\"rbd\",\"image\":\"vm%d\",\"server\":[{\"host\":"
        "\"10.0.0.1\",\"port\":\"6789\"}],\"user\":\"libvirt\",\"auth-client-required\":[\"cephx\","
        "\"none\"],\"key-secret\":\"libvirt-2-storage-auth-secret0\",\"node-name\":"
        "\"libvirt-2-storage\"}' \\" % n,
        "-blockdev '{\"driver\":\"file\",\"filename\":\"/var/lib/libvirt/images/vm%d.qcow2\","
        "\"node-name\":\"libvirt-1-storage\",\"auto-read-only\":true,\"discard\":\"unmap\"}' \\" % n,
        "-drive file=iscsi://bob:%s@10.0.0.2/iqn.2016-04.com.example:storage/1,if=none \\" % s,
        "-device '{\"driver\":\"virtio-blk-pci\",\"bus\":\"pci.1\",\"addr\":\"0x0\","
        "\"drive\":\"libvirt-1-format\",\"id\":\"virtio-disk0\",\"bootindex\":1}' \\",
        "-netdev '{\"type\":\"tap\",\"fd\":\"32\",\"vhost\":true,\"vhostfd\":\"34\",\"id\":\"hostnet0\"}' \\",
        "-device '{\"driver\":\"virtio-net-pci\",\"netdev\":\"hostnet0\",\"id\":\"net0\","
        "\"mac\":\"52:54:00:12:34:%02x\",\"bus\":\"pci.1\",\"addr\":\"0x0\"}' \\" % (n % 256),
        "-chardev pty,id=charserial0 \\",
        "-device '{\"driver\":\"isa-serial\",\"chardev\":\"charserial0\",\"id\":\"serial0\",\"index\":0}' \\",
        "-spice port=5900,addr=127.0.0.1,password=%s,seamless-migration=on \\" % s,
        "-audiodev '{\"id\":\"audio1\",\"driver\":\"none\"}' \\",
        "-sandbox on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny \\",
        "-msg timestamp=on",
        "char device redirected to /dev/pts/%d (label charserial0)" % (n % 16),
    ]
    for k in range(12):
        lines.append("2024-05-01T10:%02d:%02d.%06dZ qemu-system-x86_64: -device vfio-pci,host=0000:"
                     "01:00.%d: warning: vfio: Cannot reset device, depends on group %d which is "
                     "not owned." % (k, k, rng.getrandbits(16), k % 8, k))
    lines.append("2024-05-01 10:10:00.000+0000: shutting down, reason=destroyed")
    return "\n".join(lines) + "\n"


def main():
    path, size = sys.argv[1], int(sys.argv[2])
    rng = random.Random(1)
    chunk = "".join(block(rng, n) for n in range(4000)).encode()
    with open(path, "wb") as f:
        done = 0
        while done < size:
            piece = chunk[:size - done]
            f.write(piece)
            done += len(piece)


if __name__ == "__main__":
    main()
