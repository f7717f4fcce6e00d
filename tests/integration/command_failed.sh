#!/bin/sh
# SPDX-License-Identifier: MIT
# A command that fails is never "ok" (issue 21).  In a private mount
# namespace where the DMI table cannot be read (an empty directory over
# /sys/firmware/dmi, /dev/null over /dev/mem), the real dmidecode exits
# non-zero without a table; a drop-in's command exits 3 printing nothing.
# Collected live, captured, and replayed from the capture, each time:
#   - the dmi probe and the drop-in are `failed`, the error naming the
#     command, its exit status and its stderr;
#   - summary.txt lists them failed;
#   - the dmi probe notes that the machine has no DMI table (the entry
#     point is hidden), evidence-no-dmi-table counts the dmidecode output
#     as missing and says there is nothing to install (evidence-no-dmidecode,
#     whose fix is to install it, stays silent), and the checklist item is
#     missing with the reason;
#   - the drop-in's other command, which worked, is still there.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd unshare mount tar zstd
DMI=$(PATH="$PATH:/usr/sbin:/sbin" command -v dmidecode) ||
	skip "needs dmidecode (make deps installs it)"

PD="$T/probes.d"
mkdir -p "$PD" "$T/empty"
chmod 0755 "$PD"
cat >"$PD/site.json" <<'EOJ'
{ "schema": "urn:nest-report:schema:probe:1", "name": "site-check", "summary": "a failing and a working command",
  "commands": [ { "artifact": "site-fails", "argv": ["sh", "-c", "echo 'site table not found' >&2; exit 3"] },
                { "artifact": "site-works", "argv": ["uname", "-r"] } ] }
EOJ
chmod 0644 "$PD/site.json"

# in_nodmi CMD ARGS...: CMD where the DMI table cannot be read.
cat >"$T/nodmi.sh" <<EOF
#!/bin/sh
[ -d /sys/firmware/dmi ] && { mount --bind "$T/empty" /sys/firmware/dmi || exit 97; }
[ -e /dev/mem ] && { mount --bind /dev/null /dev/mem || exit 97; }
exec "\$@"
EOF
chmod 0755 "$T/nodmi.sh"
in_nodmi() {
	unshare --mount "$T/nodmi.sh" "$@"
}

# dmidecode itself, first: it must fail without printing a table.
rc=0
in_nodmi "$DMI" >"$T/dmi.out" 2>"$T/dmi.err" || rc=$?
[ "$rc" -ne 97 ] || fail "cannot hide the DMI table in a mount namespace"
[ "$rc" -ne 0 ] || { show "$T/dmi.out" 20; fail "dmidecode found a DMI table although /sys/firmware/dmi and /dev/mem are hidden"; }
! grep -q '^Handle 0x' "$T/dmi.out" || fail "dmidecode printed a table (exit $rc)"
note "dmidecode without a table: exit $rc, $(wc -c <"$T/dmi.out") bytes of stdout, stderr: $(head -n 1 "$T/dmi.err")"

# check_failed WHAT: the statuses, summary, findings and checklist of $M.
check_failed() {
	expect_probe dmi failed
	case $(mget "probe('dmi')['error']") in
	"dmidecode exited with status $rc"*) ;;
	*) fail "$1: dmi error: $(mget "probe('dmi')['error']")" ;;
	esac
	assert_eq "$(mget "[(a['exit_code'], a['size'] > 0 and 'Handle 0x' in open('$X/' + a['path'], errors='replace').read()) for a in probe('dmi')['artifacts'] if a['name'] == 'dmidecode']")" \
		"[[$rc, false]]" "$1: dmidecode artifact (exit code, holds a table)"
	expect_probe site-check failed
	assert_eq "$(mget "probe('site-check')['error']")" \
		"site-fails: sh exited with status 3 and printed nothing: site table not found" "$1: drop-in error"
	assert_eq "$(mget "[(a['name'], a['exit_code'], a['size'] > 0) for a in probe('site-check')['artifacts']]")" \
		'[["site-fails", 3, false], ["site-works", 0, true]]' "$1: the drop-in's artifacts"
	grep -q "failed  *dmi  *dmidecode exited with status $rc" "$X/summary.txt" || { show "$X/summary.txt" 60; fail "$1: summary.txt does not list dmi as failed"; }
	grep -q "failed  *site-check  *site-fails: sh exited with status 3" "$X/summary.txt" || fail "$1: summary.txt does not list site-check as failed"
	if [ "$(mget "lv0['facts']['arch_family']")" = x86 ]; then
		assert_eq "$(mget "[f['message'] for f in m['findings'] if f['id'] == 'evidence-no-dmi-table' and 'no DMI table on this machine' in f['message'] and 'nothing to install' in f['message']] != []")" \
			true "$1: evidence-no-dmi-table counts the failed dmidecode as missing"
		assert_eq "$(mget "[f['id'] for f in m['findings'] if f['id'] == 'evidence-no-dmidecode']")" \
			"[]" "$1: no evidence-no-dmidecode (nothing to install)"
		run_nr show "$BUNDLE" --json
		expect_rc 0 "$1: show --json"
		assert_eq "$(jget "$T/out" "[i['state'] for c in m['checklist'] for i in c['items'] if i['item'] == 'dmidecode']")" \
			'["missing"]' "$1: checklist dmidecode"
	fi
}

mkdir -p "$T/live"
RC=0
PATH="$FAKEBIN:$PATH" in_nodmi "$NR_BIN" collect -o "$T/live" --probe-dir "$PD" --only dmi,site-check \
	>"$T/out" 2>"$T/err" || RC=$?
expect_rc 0 "collect (no DMI table)"
one_bundle "$T/live"
X="$T/x"
rm -rf "$X"
unpack "$BUNDLE" "$X"
grep -q "probe 'dmi' on l0: dmidecode exited with status $rc" "$T/err" ||
	{ show "$T/err"; fail "collect does not warn that the dmi probe failed"; }
soft check_failed live
soft bundle_valid

# The same through capture and replay.
RC=0
PATH="$FAKEBIN:$PATH" in_nodmi "$NR_BIN" capture --probe-dir "$PD" --only dmi,site-check "$T/cap" \
	>"$T/out" 2>"$T/err" || RC=$?
expect_rc 0 "capture (no DMI table)"
collect_into "$T/replayed" --probe-dir "$PD" --sysroot "$T/cap" --only dmi,site-check
soft check_failed replayed
verdict
