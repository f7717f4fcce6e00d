. /work/main/tests/lib.sh
. /work/main/tests/upload-lib.sh
need_upload_tools
make_pki
make_bundle
portal_start b --fault-always stall --stall-seconds 10
s=$(date +%s.%N)
up "$BUNDLE" --to "$PORTAL_URL" --method post --cacert $PKI/ca.pem --retries 2
e=$(date +%s.%N)
echo rc=$RC took $(echo "$e - $s" | bc); cat $T/out $T/err; cat $PORTAL_LOG
portal_start c --fault drop
up "$BUNDLE" --to "$PORTAL_URL" --method post --cacert $PKI/ca.pem --retries 2 --field manifest=
echo rc=$RC; cat $T/out $T/err; cat $PORTAL_LOG
need_sshd
port=$(free_port)
SSHD_EXTRA="Subsystem sftp internal-sftp" sshd_start s1 127.0.0.1 "$port"
sshd_trust s1
mkdir -p $T/drop
up "$BUNDLE" --to "sftp://root@127.0.0.1:$port$T/drop/" $SSH_ARGS
echo rc=$RC; cat $T/out $T/err; ls -la $T/drop
up "$BUNDLE" --to "sftp://root@127.0.0.1:$port$T/drop/" $SSH_ARGS
echo rc=$RC; cat $T/out $T/err; ls -la $T/drop
up "$BUNDLE" --to "sftp://root@127.0.0.1:$port$T/nodir/x" $SSH_ARGS
echo rc=$RC; cat $T/out $T/err; 
: > $SSHT/known_hosts
up "$BUNDLE" --to "sftp://root@127.0.0.1:$port$T/drop/b.tar.zst" $SSH_ARGS
echo rc=$RC; cat $T/out $T/err; 
sshd_stop s1
up "$BUNDLE" --to "sftp://root@127.0.0.1:$port$T/drop/b.tar.zst" $SSH_ARGS --accept-new-host-keys --retries 1
echo rc=$RC; cat $T/out $T/err; 
