#!/bin/sh
# SPDX-License-Identifier: MIT
# Without root the run still succeeds; what needs root is "skipped" with a
# reason that says so (dmesg when the kernel restricts it, dmidecode,
# x86info), the manifest records root false, and the user is told to re-run
# with sudo.
. "$(dirname "$0")/../lib.sh"
need_nobody
need_cmd tar zstd

mkdir -p "$T/out-dir"
chmod 1777 "$T/out-dir"
RC=0
(cd "$T/out-dir" && as_nobody "$NR_BIN" collect -o "$T/out-dir") >"$T/out" 2>"$T/err" || RC=$?
no_sanitizer_report "$T/err" "collect as uid 65534"
expect_rc 0 "collect as uid 65534"
one_bundle "$T/out-dir"
assert_eq "$(stat -c %u:%a "$BUNDLE")" 65534:600 "owner and mode of the bundle"
X="$T/x"
unpack "$BUNDLE" "$X"
check_integrity
assert_eq "$(mget "lv0['root']")" false "levels[0].root"

# skipped_for_root PROBE: skipped, and the reason mentions root.
skipped_for_root() {
	expect_probe "$1" skipped
	why=$(mget "probe('$1')['error']")
	case $why in *root*) ;; *) fail "probe $1 skipped for '$why', which does not mention root" ;; esac
}

restrict=$(cat /proc/sys/kernel/dmesg_restrict 2>/dev/null || echo 0)
if [ "$restrict" = 1 ]; then
	skipped_for_root dmesg
else
	note "kernel.dmesg_restrict=$restrict: dmesg is readable without root here"
	expect_probe dmesg ok
fi
arch=$(mget "lv0['facts']['arch_family']")
if [ "$arch" = x86 ] && PATH="$PATH:/usr/sbin:/sbin" command -v x86info >/dev/null; then
	skipped_for_root x86info
else
	note "x86info not installed or not x86: its root check not exercised"
fi
if PATH="$PATH:/usr/sbin:/sbin" command -v dmidecode >/dev/null && [ "$(probe_status dmi)" != unsupported ]; then
	skipped_for_root dmi
	# The sysfs identity needs no root and is still collected when present.
	if [ -r /sys/class/dmi/id/sys_vendor ]; then
		assert_eq "$(mget "any(a['name'] == 'id-sys_vendor' for a in probe('dmi')['artifacts'])")" true \
			"dmi sysfs identity collected without root"
	fi
else
	note "dmidecode not installed: its root check not exercised"
fi
no_probe_failed
grep -qi 'sudo' "$T/out" || { show "$T/out"; fail "stdout does not tell the user to re-run with sudo"; }
grep -qi 'sudo' "$X/summary.txt" || { show "$X/summary.txt"; fail "summary.txt does not mention re-running with sudo"; }
exit 0
