#!/bin/sh
# SPDX-License-Identifier: MIT
# `upload` to sftp:// against a real OpenSSH sshd on loopback (the helpers
# of the remote-level tests: generated host key, client key, private
# known_hosts), with the host-key and authentication rules of remote
# collection: the files that land are the bundle and its signature, with
# no ".part" left; a directory URL gets the bundle's name; an existing file
# is never overwritten (exit 4); a missing directory is exit 4; an unknown
# host key is refused (exit 1) unless --accept-new-host-keys, which records
# it; a key the server does not accept is exit 4; a server that is gone is
# retried, then exit 5.  Messages name the host, never the user.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../upload-lib.sh"
need_sshd
need_upload_tools
make_bundle
name=$(basename "$BUNDLE")
port=$(free_port)
SSHD_EXTRA="Subsystem sftp internal-sftp"
sshd_start s1 127.0.0.1 "$port"
sshd_trust s1
mkdir -p "$T/drop" "$T/named"
url="sftp://root@127.0.0.1:$port"

# shellcheck disable=SC2086
up "$BUNDLE" --to "$url$T/drop" $SSH_ARGS --json
expect_rc 0 "sftp to a directory"
cmp -s "$BUNDLE" "$T/drop/$name" || fail "the bundle that landed differs"
cmp -s "$BUNDLE.sig" "$T/drop/$name.sig" || fail "the signature that landed differs"
assert_eq "$(ls -A "$T/drop" | grep -c part)" 0 "temporary .part files left"
validate_schema "$T/out" upload-result.schema.json
assert_eq "$(result_get "(m['method'], m['files'], m['destination'], m['http_status'])")" \
	"[\"sftp\", 2, \"sftp://127.0.0.1:$port\", null]" "sftp result"

# shellcheck disable=SC2086
up "$BUNDLE" --to "$url$T/named/case-42.tar.zst" $SSH_ARGS
expect_rc 0 "sftp to a file name"
cmp -s "$BUNDLE" "$T/named/case-42.tar.zst" || fail "the bundle at the named path differs"
cmp -s "$BUNDLE.sig" "$T/named/case-42.tar.zst.sig" || fail "the signature at NAME.sig differs"
grep -q "^Uploaded .* to sftp://127.0.0.1:$port (SFTP" "$T/out" || { show "$T/out"; fail "result line"; }

# Again: the name exists, and is not overwritten.
echo "someone else's" >"$T/named/other.tar.zst"
# shellcheck disable=SC2086
up "$BUNDLE" --to "$url$T/named/other.tar.zst" $SSH_ARGS
expect_rc 4 "sftp onto an existing file"
assert_eq "$(cat "$T/named/other.tar.zst")" "someone else's" "the existing file"
grep -q "already exists there; not overwriting" "$T/err" || { show "$T/err"; fail "exists message"; }

# shellcheck disable=SC2086
up "$BUNDLE" --to "$url$T/no/such/dir/" $SSH_ARGS
expect_rc 4 "sftp into a missing directory"
grep -q "no such file or directory" "$T/err" || { show "$T/err"; fail "missing directory message"; }

# Unknown host key: refused, nothing written, no user name in the message.
cp "$SSHT/known_hosts" "$T/kh.saved"
: >"$SSHT/known_hosts"
mkdir -p "$T/hk"
# shellcheck disable=SC2086
up "$BUNDLE" --to "$url$T/hk/" $SSH_ARGS --retries 3 --json
expect_rc 1 "unknown host key"
assert_eq "$(result_get "m['attempts']")" 1 "attempts on an unknown host key"
grep -q "host key of 127.0.0.1:$port is not known" "$T/err" || { show "$T/err"; fail "host key message"; }
! grep -q "root@" "$T/err" || { show "$T/err"; fail "the user name was printed"; }
assert_empty_dir "$T/hk" "directory after a refused host key"
# shellcheck disable=SC2086
up "$BUNDLE" --to "$url$T/hk/" $SSH_ARGS --accept-new-host-keys
expect_rc 0 "unknown host key with --accept-new-host-keys"
grep -q "127.0.0.1\]:$port" "$SSHT/known_hosts" || fail "the host key was not recorded"

# A changed host key: refused even with --accept-new-host-keys.
ssh-keygen -q -t ed25519 -N '' -f "$T/impostor" </dev/null >/dev/null
echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$T/impostor.pub")" >"$SSHT/known_hosts"
# shellcheck disable=SC2086
up "$BUNDLE" --to "$url$T/hk/x.tar.zst" $SSH_ARGS --accept-new-host-keys
expect_rc 1 "changed host key"
grep -q "host key of 127.0.0.1:$port has changed" "$T/err" || { show "$T/err"; fail "changed key message"; }
[ ! -e "$T/hk/x.tar.zst" ] || fail "uploaded to a host whose key changed"
cp "$T/kh.saved" "$SSHT/known_hosts"

# A key the server does not take: authentication failed, exit 4.
ssh-keygen -q -t ed25519 -N '' -f "$T/stranger" </dev/null >/dev/null
up "$BUNDLE" --to "$url$T/hk/y.tar.zst" --ssh-config "$SSHT/config" --known-hosts "$SSHT/known_hosts" \
	--identity "$T/stranger" </dev/null
expect_rc 4 "authentication failure"
grep -q "authentication to 127.0.0.1:$port failed" "$T/err" || { show "$T/err"; fail "auth message"; }

# The server goes away: retried, then exit 5.
sshd_stop s1
# shellcheck disable=SC2086
up "$BUNDLE" --to "$url$T/gone/" $SSH_ARGS --retries 2 --json
expect_rc 5 "sshd gone"
assert_eq "$(result_get "m['attempts']")" 3 "attempts on a refused connection"
verdict
