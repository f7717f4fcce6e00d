. /work/main/tests/lib.sh
. /work/main/tests/upload-lib.sh
need_upload_tools
make_pki
make_bundle
echo secret-token-123456 > $T/tok; chmod 600 $T/tok
portal_start a --token-file $T/tok --fault 500 --fault 500 --fault 429:1 --fault drop
up "$BUNDLE" --to "$PORTAL_URL" --method post --cacert $PKI/ca.pem --token-file $T/tok
echo rc=$RC; cat $T/out $T/err; cat $PORTAL_LOG; find $PORTAL_STORE
up "$BUNDLE" --to "$PORTAL_URL" --method post --cacert $PKI/ca.pem --json
echo rc=$RC; cat $T/out $T/err;
portal_start b --fault-always stall --stall-seconds 10
time up "$BUNDLE" --to "$PORTAL_URL" --method post --cacert $PKI/ca.pem --retries 2
echo rc=$RC; cat $T/out $T/err; cat $PORTAL_LOG
