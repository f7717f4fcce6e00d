#!/bin/sh
# SPDX-License-Identifier: MIT
# Small files read in one request over SSH (read_small: the shell's own
# `read`, no program per file) come back exactly as read locally: a real
# sshd whose /sys/class/dmi/id (its /sys/class is a directory made here,
# in the server's own mount namespace) holds a 5000-byte value of 100
# lines (over the batch's 4096: read again on its own, whole), a value
# without a final newline, an empty one, one with backslashes, tabs
# and spaces at both ends, and a missing one.  The kvm parameters and
# /proc/version go the same way and must match this machine's.
. "$(dirname "$0")/../lib.sh"
need_sshd
need_cmd unshare mount head sha256sum

CLASS="$T/class"
FAKE="$CLASS/dmi/id"
mkdir -p "$FAKE"
i=0
while [ $i -lt 100 ]; do
	echo "line $i of a value longer than a batch may carry, 50 bytes"
	i=$((i + 1))
done | head -c 5000 >"$FAKE/sys_vendor"
printf 'Product Without Newline' >"$FAKE/product_name"
: >"$FAKE/bios_vendor"
printf '  back\\slash\tand tab  \n' >"$FAKE/bios_version"
printf 'Chassis\n' >"$FAKE/chassis_vendor"
# board_vendor: missing.

# sshd (and every session it starts) sees CLASS as /sys/class (a machine
# without DMI has no /sys/class/dmi to mount on).
cat >"$T/sshd-wrap" <<EOF
#!/bin/sh
exec unshare -m --propagation private sh -c 'mount --bind "\$0" /sys/class && exec $SSHD "\$@"' "$CLASS" "\$@"
EOF
chmod +x "$T/sshd-wrap"
SSHD="$T/sshd-wrap"
port=$(free_port)
sshd_start l1 127.0.0.1 "$port"
sshd_trust l1

# shellcheck disable=SC2086
collect_into "$T/run" $SSH_ARGS --level "l1=root@127.0.0.1:$port" --only dmi,kvm,kernel
soft expect_level l1 ok

art_sha() { # PROBE ARTIFACT: the sha256 the manifest gives l1's artifact, or "absent"
	lget l1 "([a['sha256'] for p in lv['probes'] if p['name'] == '$1' for a in p['artifacts'] if a['name'] == '$2'] or ['absent'])[0]"
}
for f in sys_vendor product_name bios_vendor bios_version chassis_vendor; do
	soft assert_eq "$(art_sha dmi "id-$f")" "$(sha256_of "$FAKE/$f")" "id-$f read over ssh"
done
soft assert_eq "$(art_sha dmi id-board_vendor)" absent "a missing DMI file is no artifact"
soft assert_eq "$(lget l1 "[a['size'] for p in lv['probes'] if p['name'] == 'dmi' for a in p['artifacts'] if a['name'] == 'id-sys_vendor'][0]")" \
	5000 "the 5000-byte value, whole"

# The same machine: its kvm parameters and /proc/version as l0 read them.
soft assert_eq "$(lget l1 "sorted((a['name'], a['sha256']) for p in lv['probes'] if p['name'] == 'kvm' for a in p['artifacts'] if a['name'].startswith('param-'))")" \
	"$(lget l0 "sorted((a['name'], a['sha256']) for p in lv['probes'] if p['name'] == 'kvm' for a in p['artifacts'] if a['name'].startswith('param-'))")" \
	"kvm parameters over ssh and locally"
soft assert_eq "$(art_sha kernel proc-version)" "$(sha256_of /proc/version)" "/proc/version over ssh"
bundle_valid
verdict
