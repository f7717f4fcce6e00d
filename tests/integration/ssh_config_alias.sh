#!/bin/sh
# SPDX-License-Identifier: MIT
# Addressing as ssh users expect: a level given as a Host alias of the ssh
# config (--ssh-config) gets its HostName, Port, User, IdentityFile and
# UserKnownHostsFile from there (no --identity, no --known-hosts on the
# command line), and a ProxyCommand (here a small relay, not an OpenSSH
# client) is honoured.  The manifest's target is the alias as given (the
# host part, never the user).  A real sshd on loopback serves both.
. "$(dirname "$0")/../lib.sh"
need_sshd
need_cmd tar zstd

port=$(free_port)
sshd_start a 127.0.0.1 "$port"
# Known under the names the client looks them up by.
sshd_trust a 127.0.0.1 "$port"
sshd_trust a proxied.invalid "$port"
mv "$SSHT/known_hosts" "$T/config_known_hosts"
: >"$SSHT/known_hosts"
cat >"$T/relay.py" <<'EOF_PY'
import os, selectors, socket, sys
open(sys.argv[3], "a").close()
s = socket.create_connection((sys.argv[1], int(sys.argv[2])))
sel = selectors.DefaultSelector()
sel.register(0, selectors.EVENT_READ)
sel.register(s, selectors.EVENT_READ)
while True:
    for key, _ in sel.select():
        if key.fileobj == 0:
            data = os.read(0, 65536)
            if not data:
                s.shutdown(socket.SHUT_WR)
                sel.unregister(0)
            else:
                s.sendall(data)
        else:
            data = s.recv(65536)
            if not data:
                sys.exit(0)
            os.write(1, data)
EOF_PY
cat >"$T/ssh_config" <<EOC
Host myl1
  HostName 127.0.0.1
  Port $port
  User root
  IdentityFile $SSHT/id
  UserKnownHostsFile $T/config_known_hosts
Host proxied.invalid
  Port $port
  User root
  IdentityFile $SSHT/id
  UserKnownHostsFile $T/config_known_hosts
  ProxyCommand $PY $T/relay.py 127.0.0.1 %p $T/relay-used
EOC

collect_into "$T/out-dir" --ssh-config "$T/ssh_config" --only kernel,cpu \
	--level "l1=myl1" --level "l2=proxied.invalid"
soft bundle_valid
soft level_complete l1
soft level_complete l2
soft assert_eq "$(lget l1 "lv['target']")" myl1 "l1 target"
soft assert_eq "$(lget l2 "lv['target']")" proxied.invalid "l2 target"
[ -e "$T/relay-used" ] || soft fail "the ProxyCommand was not used for l2"
n=$(grep -c 'Accepted publickey for root' "$SSHT/sshd-a/sshd.log")
soft assert_eq "$n" 2 "logins accepted by the server (l1 direct, l2 through the relay)"
verdict
