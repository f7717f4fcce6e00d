#!/bin/sh
# SPDX-License-Identifier: MIT
# Levels that cannot be collected, each next to a good one, in one run
# against real sshd servers on loopback:
#   good      a working server                                -> ok
#   down      its sshd was stopped: connection refused        -> unreachable
#   wrongkey  the server does not authorize our key           -> auth-failed
#   changed   known_hosts holds another key for host:port     -> hostkey-rejected
#   othertype known_hosts holds a key of another type only    -> hostkey-rejected
#   unknown   known_hosts has no key for host:port            -> hostkey-rejected
# l0 and good are complete and the bundle is valid.  No credentials are
# offered to a server whose host key was refused.  A second run with
# --accept-new-host-keys collects `unknown` and records its key in
# known_hosts (as StrictHostKeyChecking=accept-new does), while `changed`
# stays refused and its known_hosts line is left alone.
. "$(dirname "$0")/../lib.sh"
need_sshd
need_cmd tar zstd

p_good=$(free_port)
p_down=$(free_port)
p_wrongkey=$(free_port)
p_changed=$(free_port)
p_unknown=$(free_port)
p_othertype=$(free_port)
sshd_start good 127.0.0.1 "$p_good"
sshd_start down 127.0.0.1 "$p_down"
ssh-keygen -q -t ed25519 -N '' -f "$T/other-user-key" >/dev/null
SSHD_EXTRA="AuthorizedKeysFile $T/other-user-key.pub"
sshd_start wrongkey 127.0.0.1 "$p_wrongkey"
SSHD_EXTRA=
sshd_start changed 127.0.0.1 "$p_changed"
sshd_start unknown 127.0.0.1 "$p_unknown"
sshd_start othertype 127.0.0.1 "$p_othertype"
sshd_trust good
sshd_trust down
sshd_trust wrongkey
# The key on record for `changed` is not the one its server has.
ssh-keygen -q -t ed25519 -N '' -f "$T/old-host-key" >/dev/null
echo "[127.0.0.1]:$p_changed $(cut -d' ' -f1,2 "$T/old-host-key.pub")" >>"$SSHT/known_hosts"
# For `othertype`, only an ECDSA key is on record; its server has Ed25519.
ssh-keygen -q -t ecdsa -N '' -f "$T/old-ecdsa-key" >/dev/null
echo "[127.0.0.1]:$p_othertype $(cut -d' ' -f1,2 "$T/old-ecdsa-key.pub")" >>"$SSHT/known_hosts"
sshd_stop down

start=$(now_s)
# shellcheck disable=SC2086
collect_into "$T/out1" $SSH_ARGS --only kernel,cpu,dmesg,kvm --connect-timeout 5 \
	--level "good=root@127.0.0.1:$p_good" --level "down=root@127.0.0.1:$p_down" \
	--level "wrongkey=root@127.0.0.1:$p_wrongkey" --level "changed=root@127.0.0.1:$p_changed" \
	--level "unknown=root@127.0.0.1:$p_unknown" --level "othertype=root@127.0.0.1:$p_othertype"
elapsed=$(($(now_s) - start))
soft bundle_valid
soft assert_lt "$elapsed" 20 "seconds for the run with failing levels"
expect_level l0 ok
soft level_complete good
soft expect_level down unreachable
soft expect_level wrongkey auth-failed
soft expect_level changed hostkey-rejected
soft expect_level unknown hostkey-rejected
soft expect_level othertype hostkey-rejected

errs() { lget "$1" "' | '.join(lv['errors'])"; }
expect_error() { # LEVEL PATTERN WHAT
	case $(errs "$1") in $2) ;; *) fail "level $1: error '$(errs "$1")' does not $3" ;; esac
}
soft expect_error down "*onnect*127.0.0.1*" "say it could not connect to 127.0.0.1"
soft expect_error wrongkey "*uthentication*" "mention authentication"
soft expect_error changed "*changed*" "say the host key changed"
soft expect_error othertype "*changed*" "say the host key changed"
soft expect_error unknown "*not known*--accept-new-host-keys*" "say the key is unknown and how to accept it"
for s in down wrongkey changed othertype unknown; do
	soft assert_eq "$(lget "$s" "len(lv['probes'])")" 0 "probes on the failed level $s"
	soft assert_eq "$(lget "$s" "lv['target']")" 127.0.0.1 "target of $s"
done
# Failed levels are said so in the summary and on stderr.
for s in down wrongkey changed othertype unknown; do
	grep -q "$s" "$X/summary.txt" || soft fail "summary.txt does not mention level $s"
	grep -q "level $s" "$T/err" || soft fail "no warning about level $s on stderr"
done
# Nothing was offered to the servers whose host key was refused.
for s in changed othertype unknown; do
	if grep -E -q 'publickey|Accepted|Failed' "$SSHT/sshd-$s/sshd.log"; then
		show "$SSHT/sshd-$s/sshd.log"
		soft fail "the client tried to authenticate to $s although its host key was refused"
	fi
done
grep -q 'Accepted publickey' "$SSHT/sshd-good/sshd.log" || soft fail "good's sshd accepted no key"

# Second run: accept new keys, never changed ones.
cp "$SSHT/known_hosts" "$T/known_hosts.before"
ssh-keygen -F "[127.0.0.1]:$p_unknown" -f "$SSHT/known_hosts" >/dev/null &&
	fail "sanity: unknown's key is already in known_hosts"
# shellcheck disable=SC2086
collect_into "$T/out2" $SSH_ARGS --only kernel,cpu,dmesg,kvm --accept-new-host-keys \
	--level "good=root@127.0.0.1:$p_good" --level "unknown=root@127.0.0.1:$p_unknown" \
	--level "changed=root@127.0.0.1:$p_changed"
soft bundle_valid
soft level_complete good
soft level_complete unknown
soft expect_level changed hostkey-rejected
soft expect_error changed "*changed*" "say the host key changed"
rec=$(ssh-keygen -F "[127.0.0.1]:$p_unknown" -f "$SSHT/known_hosts" | grep -v '^#' | awk '{ print $2, $3 }')
soft assert_eq "$rec" "$(cut -d' ' -f1,2 "$SSHT/sshd-unknown/host_ed25519_key.pub")" \
	"key recorded in known_hosts for unknown"
rec=$(ssh-keygen -F "[127.0.0.1]:$p_changed" -f "$SSHT/known_hosts" | grep -v '^#' | awk '{ print $2, $3 }')
soft assert_eq "$rec" "$(cut -d' ' -f1,2 "$T/old-host-key.pub")" "known_hosts entry of changed (must be left alone)"
# Nothing else in known_hosts was rewritten: the old lines are all still there.
grep -v -x -F -f "$SSHT/known_hosts" "$T/known_hosts.before" >"$T/lost-lines" || :
[ ! -s "$T/lost-lines" ] || { show "$T/lost-lines"; soft fail "known_hosts lines were lost"; }
verdict
