# SPDX-License-Identifier: MIT
# Real servers for the upload tests (tests/integration/upload_*.sh), all on
# 127.0.0.1 and all stopped by PID at exit.  Source it after lib.sh:
#   . "$(dirname "$0")/../lib.sh"
#   . "$(dirname "$0")/../upload-lib.sh"
#
#   need_upload_tools         skip unless openssl, ssh-keygen and zstd are there
#   make_pki                  a test CA, a server certificate for 127.0.0.1
#                             (only) signed by it, and an unrelated CA:
#                             $PKI/ca.pem, server.pem, server.key, other-ca.pem
#   nginx_start               nginx with the dav module accepting PUT under
#                             /dav/, HTTPS on $NGINX_PORT and plain HTTP on
#                             $NGINX_HTTP_PORT; files land in $NGINX_WWW;
#                             $NGINX_LOG has a line per request: "METHOD URI
#                             STATUS auth=[the Authorization header]"
#   portal_start NAME ARGS... tests/portal/portal.py over TLS with ARGS (its
#                             --fault options...); sets PORTAL_URL,
#                             PORTAL_LOG and PORTAL_STORE
#   portal_stop NAME
#   make_bundle               a real bundle (collect --only kernel) signed by
#                             a test key: $BUNDLE, $BUNDLE.sig, and
#                             $ALLOWED_SIGNERS that trusts the key
#   up ARGS...                run_nr upload ARGS with the test CA and fast
#                             retry timings

need_upload_tools() {
	need_cmd openssl ssh-keygen zstd
	"$PY" -c 'import jsonschema' 2>/dev/null || skip "needs python3-jsonschema"
}

PKI="$T/pki"

make_pki() {
	mkdir -p "$PKI"
	(
		cd "$PKI" || exit 1
		for ca in ca other-ca; do
			openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
				-keyout "$ca.key" -out "$ca.pem" -days 2 -subj "/CN=nr-test-$ca" \
				-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign \
				2>/dev/null || exit 1
		done
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key \
			-out server.csr -subj /CN=localhost 2>/dev/null || exit 1
		printf '%s\n' "subjectAltName=IP:127.0.0.1" \
			"basicConstraints=critical,CA:FALSE" "extendedKeyUsage=serverAuth" >ext
		openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
			-out server.pem -days 2 -extfile ext 2>/dev/null || exit 1
	) || fail "openssl could not make the test PKI"
}

# wait_port PORT: until something accepts on 127.0.0.1:PORT (5 s).
wait_port() {
	"$PY" - "$1" <<'EOF' || fail "nothing listens on 127.0.0.1:$1"
import socket, sys, time
for _ in range(100):
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit(1)
EOF
}

NGINX=/usr/sbin/nginx

nginx_start() {
	[ -x "$NGINX" ] || skip "needs $NGINX (apt-get install nginx: its dav module takes PUT)"
	_nd="$T/nginx"
	mkdir -p "$_nd/www/dav" "$_nd/tmp" "$_nd/logs"
	NGINX_WWW="$_nd/www/dav"
	NGINX_LOG="$_nd/logs/access.log"
	NGINX_PORT=$(free_port)
	NGINX_HTTP_PORT=$(free_port)
	_loc="root $_nd/www; client_max_body_size 0; location /dav/ { dav_methods PUT; create_full_put_path on; dav_access user:rw; }"
	cat >"$_nd/nginx.conf" <<EOC
daemon off;
master_process on;
worker_processes 1;
user root;
pid $_nd/nginx.pid;
error_log $_nd/logs/error.log;
events { worker_connections 64; }
http {
	log_format nr '\$request_method \$uri \$status auth=[\$http_authorization]';
	access_log $_nd/logs/access.log nr;
	client_body_temp_path $_nd/tmp/body;
	proxy_temp_path $_nd/tmp/proxy;
	fastcgi_temp_path $_nd/tmp/fastcgi;
	uwsgi_temp_path $_nd/tmp/uwsgi;
	scgi_temp_path $_nd/tmp/scgi;
	server {
		listen 127.0.0.1:$NGINX_PORT ssl;
		ssl_certificate $PKI/server.pem;
		ssl_certificate_key $PKI/server.key;
		$_loc
	}
	server {
		listen 127.0.0.1:$NGINX_HTTP_PORT;
		$_loc
	}
}
EOC
	"$NGINX" -t -q -p "$_nd" -e "$_nd/logs/error.log" -c "$_nd/nginx.conf" 2>"$_nd/t.err" ||
		{ show "$_nd/t.err"; fail "nginx rejects the test configuration"; }
	"$NGINX" -p "$_nd" -e "$_nd/logs/error.log" -c "$_nd/nginx.conf" >/dev/null 2>"$_nd/start.err" &
	NGINX_PID=$!
	# Stop the master first: killed with its worker, it could fork a new
	# worker between the snapshot of the tree and the kill.
	at_exit "kill -STOP $NGINX_PID; kill_tree $NGINX_PID"
	wait_port "$NGINX_PORT"
}

PORTAL="$TESTS_DIR/portal/portal.py"

portal_start() { # NAME ARGS...
	_pn=$1
	shift
	PORTAL_STORE="$T/portal-$_pn/store"
	PORTAL_LOG="$T/portal-$_pn/requests.log"
	mkdir -p "$PORTAL_STORE"
	: >"$PORTAL_LOG"
	rm -f "$T/portal-$_pn/port"
	"$PY" "$PORTAL" --cert "$PKI/server.pem" --key "$PKI/server.key" --store "$PORTAL_STORE" \
		--schema "$SRC_DIR/schemas/manifest.schema.json" --allowed-signers "$ALLOWED_SIGNERS" \
		--port-file "$T/portal-$_pn/port" --log "$PORTAL_LOG" "$@" \
		>/dev/null 2>"$T/portal-$_pn/stderr" &
	echo $! >"$T/portal-$_pn/pid"
	at_exit "kill_tree $!"
	_i=0
	while [ ! -s "$T/portal-$_pn/port" ] && [ $_i -lt 100 ]; do
		kill -0 "$(cat "$T/portal-$_pn/pid")" 2>/dev/null || break
		sleep 0.05
		_i=$((_i + 1))
	done
	[ -s "$T/portal-$_pn/port" ] || { show "$T/portal-$_pn/stderr"; fail "portal $_pn did not start"; }
	PORTAL_URL="https://127.0.0.1:$(cat "$T/portal-$_pn/port")/v1/bundles"
}

portal_stop() { # NAME
	kill_tree "$(cat "$T/portal-$1/pid")"
}

# portal_requests [FIELD]: the request log as "status fault" lines.
portal_requests() {
	"$PY" -c '
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    print(e.get("status"), e.get("fault"))' "$PORTAL_LOG"
}

# stored_bundles: how many bundles the portal's store holds.
stored_bundles() {
	find "$PORTAL_STORE" -mindepth 1 -maxdepth 1 -type d ! -name '.*' | wc -l | tr -d ' '
}

make_bundle() {
	mkdir -p "$T/bundles" "$T/signer"
	run_nr collect --only kernel -o "$T/bundles" -q
	expect_rc 0 "collect --only kernel (to have a bundle to upload)"
	BUNDLE=$(ls "$T/bundles"/*.tar.zst | head -n 1)
	[ -f "$BUNDLE" ] || fail "collect made no bundle"
	rm -f "$BUNDLE.sig"
	ssh-keygen -q -t ed25519 -N '' -C nr-test-signer -f "$T/signer/key" </dev/null >/dev/null ||
		fail "ssh-keygen (signer key) failed"
	ssh-keygen -q -Y sign -f "$T/signer/key" -n nest-report "$BUNDLE" </dev/null 2>"$T/sign.err" ||
		{ show "$T/sign.err"; fail "ssh-keygen -Y sign failed"; }
	ALLOWED_SIGNERS="$T/signer/allowed_signers"
	echo "nr-test@example.org namespaces=\"nest-report\" $(cut -d' ' -f1,2 "$T/signer/key.pub")" \
		>"$ALLOWED_SIGNERS"
}

# Fast retries for tests: 100 ms first backoff, 2 s stall timeout.
up() {
	export NR_UPLOAD_BACKOFF_MS="${NR_UPLOAD_BACKOFF_MS:-100}" NR_UPLOAD_STALL_S="${NR_UPLOAD_STALL_S:-2}"
	run_nr upload "$@"
}

# result_get EXPR: evaluate EXPR on the --json result in $T/out.
result_get() {
	jget "$T/out" "$1" 2>"$T/jget.err" || { show "$T/out"; show "$T/jget.err"; fail "cannot read $1 from the --json result"; }
}
