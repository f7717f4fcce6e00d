#!/bin/sh
# SPDX-License-Identifier: MIT
# Who a drop-in runs as, and whom it trusts:
#   - run as root, a drop-in file owned by another user (uid 65534) is
#     refused, with one line saying so, and the run goes on (exit 0);
#   - run as uid 65534, a drop-in with "root": true is skipped with a reason
#     that says it needs root, one without runs (its file read, its command
#     run as that user), and `--only` takes a drop-in's name;
#   - as that user the cpuid probe still reads CPUID (in-process: no root,
#     no module), and vmx-msr is skipped with a reason that says what is
#     missing (root, or the msr module).
. "$(dirname "$0")/../lib.sh"
need_nobody
need_cmd tar zstd

PD="$T/probes.d"
mkdir -p "$PD"
chmod 0755 "$PD"
cat >"$PD/a-root.json" <<'EOJ'
{ "schema": "urn:nest-report:schema:probe:1", "name": "site-root", "summary": "needs root", "root": true,
  "files": [ { "path": "/etc/hostname" } ] }
EOJ
cat >"$PD/b-user.json" <<'EOJ'
{ "schema": "urn:nest-report:schema:probe:1", "name": "site-user", "summary": "id as the user",
  "commands": [ { "argv": ["id", "-u"] } ] }
EOJ
cat >"$PD/c-foreign.json" <<'EOJ'
{ "schema": "urn:nest-report:schema:probe:1", "name": "site-foreign", "summary": "not ours",
  "commands": [ { "argv": ["id"] } ] }
EOJ
chmod 0644 "$PD"/*.json
chown 65534:65534 "$PD/c-foreign.json"

# As root: the foreign file is refused, the others run.
collect_into "$T/root-out" --probe-dir "$PD" --only site-root,site-user,kernel
grep -q "drop-in probe $PD/c-foreign.json refused: not trusted: it belongs to another user" "$T/err" ||
	{ show "$T/err"; fail "no refusal line for a file owned by another user"; }
soft expect_probe site-root ok
soft expect_probe site-user ok
soft assert_eq "$(cat "$X/levels/l0/site-user/id--u")" 0 "site-user ran as root"

# As uid 65534: the foreign file is theirs now, the root-owned ones are root's.
chown 0:0 "$PD/c-foreign.json"
mkdir -p "$T/user-out"
chmod 1777 "$T/user-out"
RC=0
(cd "$T/user-out" && as_nobody "$NR_BIN" collect -o "$T/user-out" --probe-dir "$PD" \
	--only site-root,site-user,site-foreign,cpuid,vmx-msr,kernel) >"$T/out" 2>"$T/err" || RC=$?
no_sanitizer_report "$T/err" "collect as uid 65534"
expect_rc 0 "collect as uid 65534"
one_bundle "$T/user-out"
X="$T/ux"
unpack "$BUNDLE" "$X"
soft assert_eq "$(mget "lv0['root']")" false "root"
soft assert_eq "$(mget "[(probe('site-root')['status'], 'needs root' in probe('site-root')['error'])]")" \
	'[["skipped", true]]' "site-root as uid 65534"
soft expect_probe site-user ok
soft assert_eq "$(cat "$X/levels/l0/site-user/id--u")" 65534 "site-user ran as uid 65534"
soft expect_probe site-foreign ok
if [ "$(uname -m)" = x86_64 ]; then
	soft expect_probe cpuid ok
	soft assert_eq "$(mget "lv0['facts']['cpuid']['vendor'] in ('GenuineIntel', 'AuthenticAMD', 'HygonGenuine', 'CentaurHauls')")" \
		true "cpuid vendor as uid 65534"
	why=$(mget "probe('vmx-msr')['error']")
	case $why in
	*"needs root"* | *"msr module"*) ;;
	*) soft fail "vmx-msr as uid 65534: '$why' names neither root nor the msr module" ;;
	esac
fi
verdict
