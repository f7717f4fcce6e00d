. /work/main/tests/lib.sh
. /work/main/tests/upload-lib.sh
make_pki
make_bundle
portal_start b --fault-always stall --stall-seconds 10
export NR_UPLOAD_BACKOFF_MS=100 NR_UPLOAD_STALL_S=2
date +%s.%N
"$NR_BIN" upload "$BUNDLE" --to "$PORTAL_URL" --method post --cacert $PKI/ca.pem --retries 2 2>&1 | while read l; do echo "$(date +%s.%N) $l"; done
cat $PORTAL_LOG
