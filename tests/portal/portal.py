#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""A reference ingest server for nest-report bundles (the upload contract in
schemas/upload-api.md), in Python's standard library plus python3-jsonschema.

It is what the upload tests talk to, and a working example for portal
authors: TLS, a bearer token, a streaming multipart reader (multipart.py),
then the checks and the content-addressed store (ingest.py).

    POST /v1/bundles         multipart/form-data: bundle, signature, manifest
                             201 {"id": SHA256, "url": ..., "signer": ...}
                             200 the same, for a bundle already stored
    GET  /v1/bundles/SHA256  200 what was stored about it (meta.json)

Fault injection for the tests: each --fault applies to one POST, in order;
--fault-always to every POST after those.
    500          read the body, answer 500
    429:SECS     read the body, answer 429 with Retry-After: SECS
    401          read the body, answer 401
    echo         read the body, answer 400 quoting the Authorization header back
    drop         read half of the body, then reset the connection
    stall        read nothing, answer nothing, until the client gives up

Every request is logged as one JSON line in --log (never the token).

With --index-db DB, each stored bundle is added to nest-report's index
(`nest-report index add`, the binary --nest-report names); the answer says
"indexed": "added" or "known".
"""
import argparse
import http.server
import json
import os
import shutil
import socket
import ssl
import struct
import sys
import tempfile
import threading
import time
import urllib.parse

import ingest
import multipart


class Config:
    pass


CFG = Config()
LOCK = threading.Lock()


def next_fault():
    with LOCK:
        if CFG.faults:
            return CFG.faults.pop(0)
        return CFG.fault_always


def log(entry):
    entry["t"] = time.time()
    with LOCK, open(CFG.log, "a") as f:
        f.write(json.dumps(entry) + "\n")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"   # keep-alive, and Expect: 100-continue
    server_version = "nest-report-portal/1"

    def log_message(self, fmt, *args):  # our own log instead of stderr noise
        pass

    def setup(self):
        # The TLS handshake happens here, in this request's thread, so one
        # slow client cannot hold up accept().
        self.request.settimeout(CFG.io_timeout)
        self.request.do_handshake()
        super().setup()

    def answer(self, status, obj, headers=(), log_error=True):
        body = (json.dumps(obj) + "\n").encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)
        log({"method": self.command, "path": self.path, "status": status,
             "fault": getattr(self, "fault", None), "auth": getattr(self, "auth", None),
             "error": obj.get("error") if log_error else "(not logged)"})

    def authorized(self):
        if CFG.token is None:
            self.auth = "none-needed"
            return True
        got = self.headers.get("Authorization", "")
        self.auth = "ok" if got == "Bearer " + CFG.token else ("bad" if got else "missing")
        return self.auth == "ok"

    def drain(self, length):
        while length > 0:
            data = self.rfile.read(min(65536, length))
            if not data:
                break
            length -= len(data)

    def do_GET(self):
        prefix = "/v1/bundles/"
        if not self.authorized():
            return self.answer(401, {"error": "missing or invalid token"})
        digest = self.path[len(prefix):] if self.path.startswith(prefix) else ""
        meta = os.path.join(CFG.store, digest, "meta.json")
        if len(digest) != 64 or not all(c in "0123456789abcdef" for c in digest) \
                or not os.path.exists(meta):
            return self.answer(404, {"error": "no such bundle"})
        with open(meta) as f:
            self.answer(200, json.load(f))

    def do_PUT(self):
        self.close_connection = True
        self.answer(405, {"error": "use POST /v1/bundles"}, [("Allow", "GET, POST")])

    def fault_action(self, length):
        """Apply this request's fault; True when it answered already."""
        self.fault = next_fault()
        f = self.fault
        if f is None:
            return False
        if f == "stall":
            # Read nothing and answer nothing: the client sees no progress.
            log({"method": "POST", "path": self.path, "status": None, "fault": f})
            time.sleep(CFG.stall_s)
            self.close_connection = True
            return True
        if f == "drop":
            self.drain(length // 2)
            log({"method": "POST", "path": self.path, "status": None, "fault": f})
            # SO_LINGER 0: close with a reset, as a crashed server would.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return True
        self.drain(length)
        if f == "500":
            self.answer(500, {"error": "injected failure"})
        elif f.startswith("429"):
            secs = f.partition(":")[2] or "1"
            self.answer(429, {"error": "slow down"}, [("Retry-After", secs)])
        elif f == "401":
            self.answer(401, {"error": "invalid token"})
        elif f == "echo":
            # A hostile or careless server quoting our credentials back.
            self.answer(400, {"error": "you sent Authorization: %s"
                              % self.headers.get("Authorization")}, log_error=False)
        else:
            self.answer(500, {"error": "unknown fault %s" % f})
        return True

    def do_POST(self):
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            self.close_connection = True
            return self.answer(411, {"error": "Content-Length required"})
        if urllib.parse.urlsplit(self.path).path != "/v1/bundles":
            self.close_connection = True
            return self.answer(404, {"error": "POST to /v1/bundles"})
        if self.fault_action(length):
            return
        if not self.authorized():
            self.drain(length)
            return self.answer(401, {"error": "missing or invalid token"})
        if length > CFG.body_max:
            self.close_connection = True
            return self.answer(413, {"error": "body over %d bytes" % CFG.body_max})
        tmp = tempfile.mkdtemp(dir=CFG.store, prefix=".upload-")
        try:
            parts = multipart.read(self.rfile, length, self.headers.get("Content-Type"), tmp,
                                   CFG.body_max)
            created, obj = ingest.ingest(parts, CFG)
            obj["url"] = "%s/v1/bundles/%s" % (CFG.base_url, obj["id"])
            self.answer(201 if created else 200, obj, [("Location", obj["url"])])
        except multipart.TooLarge as e:
            self.close_connection = True
            self.answer(413, {"error": str(e)})
        except multipart.MultipartError as e:
            self.close_connection = True
            self.answer(400, {"error": "bad multipart body: %s" % e})
        except ingest.Rejected as e:
            self.answer(e.status, {"error": e.message})
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def get_request(self):
        sock, addr = self.socket.accept()
        return CFG.tls.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), addr

    def handle_error(self, request, client_address):
        pass  # a client that went away is not the server's problem


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--store", required=True)
    ap.add_argument("--schema", required=True)
    ap.add_argument("--allowed-signers", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file", help="write the port here once listening")
    ap.add_argument("--log", default=os.devnull)
    ap.add_argument("--token-file", help="require Authorization: Bearer <its content>")
    ap.add_argument("--allow-unsigned", action="store_true")
    ap.add_argument("--field", action="append", default=[], metavar="PART=NAME")
    ap.add_argument("--body-max", type=int, default=4 << 30)
    ap.add_argument("--fault", action="append", default=[])
    ap.add_argument("--fault-always")
    ap.add_argument("--stall-seconds", type=float, default=30)
    ap.add_argument("--io-timeout", type=float, default=60)
    ap.add_argument("--index-db", help="add stored bundles to this nest-report index")
    ap.add_argument("--nest-report", default="nest-report", help="the nest-report binary (--index-db)")
    a = ap.parse_args()

    fields = {"bundle": "bundle", "signature": "signature", "manifest": "manifest"}
    for f in a.field:
        k, _, v = f.partition("=")
        fields[k] = v
    CFG.bundle_field, CFG.signature_field = fields["bundle"], fields["signature"]
    CFG.manifest_field = fields["manifest"]
    CFG.store = a.store
    CFG.allowed_signers = a.allowed_signers
    CFG.require_signature = not a.allow_unsigned
    CFG.body_max = a.body_max
    CFG.faults = list(a.fault)
    CFG.fault_always = a.fault_always
    CFG.stall_s = a.stall_seconds
    CFG.io_timeout = a.io_timeout
    CFG.log = a.log
    CFG.index_db = a.index_db
    CFG.nest_report = a.nest_report
    CFG.token = None
    if a.token_file:
        with open(a.token_file) as f:
            CFG.token = f.readline().strip()
    with open(a.schema) as f:
        CFG.schema = json.load(f)
    CFG.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    CFG.tls.minimum_version = ssl.TLSVersion.TLSv1_2
    CFG.tls.load_cert_chain(a.cert, a.key)

    srv = Server(("127.0.0.1", a.port), Handler)
    port = srv.server_address[1]
    CFG.base_url = "https://127.0.0.1:%d" % port
    if a.port_file:
        with open(a.port_file + ".tmp", "w") as f:
            f.write("%d\n" % port)
        os.rename(a.port_file + ".tmp", a.port_file)
    print("portal: listening on %s" % CFG.base_url, file=sys.stderr, flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()
