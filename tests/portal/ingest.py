# SPDX-License-Identifier: MIT
"""What a portal does with an uploaded nest-report bundle, in order.

1. The manifest.json part must be byte for byte the bundle's own first
   member (manifest.json): the part is a convenience for reading it without
   unpacking, and only the bundle is covered by the signature.
2. The signature is checked with the stock tool, against the portal's own
   allowed_signers (trust comes from there, never from the bundle):
       ssh-keygen -Y find-principals -s SIG -f allowed_signers
       ssh-keygen -Y verify -f allowed_signers -I PRINCIPAL -n nest-report -s SIG < BUNDLE
3. The manifest is validated against schemas/manifest.schema.json.
4. The bundle is stored under its sha256 (a content address), so a retried
   upload of the same bundle is stored once and gets the same id.
5. With an index (--index-db), `nest-report index add` adds the stored
   bundle where it lies (schemas/upload-api.md, "Indexing what arrives");
   a bundle the index refuses (exit 3) is removed again and refused.

Every failure raises Rejected with the HTTP status and a one-line reason.
"""
import hashlib
import json
import os
import shutil
import subprocess
import tarfile

import jsonschema

NAMESPACE = "nest-report"
MANIFEST_MAX = 64 * 1024 * 1024


class Rejected(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


def _open_tar_stream(path):
    """(tarfile in stream mode, helper process or None) for any bundle compression."""
    with open(path, "rb") as f:
        magic = f.read(6)
    if magic[:4] == b"\x28\xb5\x2f\xfd":  # zstd: Python 3.11's tarfile cannot read it
        proc = subprocess.Popen(["zstd", "-dcq", "--", path], stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL)
        return tarfile.open(fileobj=proc.stdout, mode="r|"), proc
    return tarfile.open(path, mode="r|*"), None


def bundle_manifest(path):
    """The bytes of the bundle's first member, which must be manifest.json."""
    proc = None
    try:
        tar, proc = _open_tar_stream(path)
        member = tar.next()
        if member is None or member.name != "manifest.json" or not member.isreg():
            raise Rejected(422, "the bundle's first member is not manifest.json")
        if member.size > MANIFEST_MAX:
            raise Rejected(413, "manifest.json is over %d bytes" % MANIFEST_MAX)
        data = tar.extractfile(member).read()
        if len(data) != member.size:
            raise Rejected(422, "the bundle is truncated inside manifest.json")
        return data
    except (tarfile.TarError, EOFError, OSError) as e:
        raise Rejected(422, "the bundle is not a readable tar: %s" % e)
    finally:
        if proc:
            proc.kill()
            proc.wait()


def verify_signature(bundle, sig, allowed_signers):
    """The principal that signed bundle, or raise Rejected(422)."""
    r = subprocess.run(["ssh-keygen", "-Y", "find-principals", "-s", sig, "-f", allowed_signers],
                       capture_output=True, text=True, timeout=60)
    principals = r.stdout.split()
    if r.returncode != 0 or not principals:
        raise Rejected(422, "the signature is not by a key in allowed_signers")
    with open(bundle, "rb") as data:
        r = subprocess.run(["ssh-keygen", "-Y", "verify", "-f", allowed_signers,
                            "-I", principals[0], "-n", NAMESPACE, "-s", sig],
                           stdin=data, capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        raise Rejected(422, "bad signature: %s" % (r.stderr.strip().splitlines() or ["?"])[-1])
    return principals[0]


def validate_manifest(data, schema):
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise Rejected(422, "manifest.json is not JSON: %s" % e)
    cls = jsonschema.Draft202012Validator
    err = jsonschema.exceptions.best_match(cls(schema).iter_errors(doc))
    if err is not None:
        where = "/".join(str(p) for p in err.absolute_path) or "(root)"
        raise Rejected(422, "manifest.json does not match the schema at %s: %s"
                       % (where, err.message[:200]))
    return doc


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def store(store_dir, digest, bundle, sig, manifest, meta):
    """Store under store_dir/<sha256>/; (created, path).  Atomic: built
    in a temporary directory and renamed, so a crash leaves no half entry."""
    final = os.path.join(store_dir, digest)
    if os.path.isdir(final):
        return False, final
    tmp = os.path.join(store_dir, ".tmp-" + digest + "-" + str(os.getpid()))
    os.makedirs(tmp)
    shutil.move(bundle.path, os.path.join(tmp, "bundle"))
    if sig:
        shutil.move(sig.path, os.path.join(tmp, "bundle.sig"))
    with open(os.path.join(tmp, "manifest.json"), "wb") as f:
        f.write(manifest)
    with open(os.path.join(tmp, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)
    try:
        os.rename(tmp, final)
        return True, final
    except OSError:  # the same bundle arrived twice at once: keep the first
        shutil.rmtree(tmp, ignore_errors=True)
        return False, final


def ingest(parts, cfg):
    """Check and store one upload.  cfg: fields, allowed_signers, schema,
    store, require_signature.  Returns the answer's JSON object."""
    bundle = parts.get(cfg.bundle_field)
    sig = parts.get(cfg.signature_field)
    mpart = parts.get(cfg.manifest_field)
    if bundle is None or bundle.filename is None:
        raise Rejected(400, "no file part named %r" % cfg.bundle_field)
    if sig is None and cfg.require_signature:
        raise Rejected(422, "the bundle is not signed (no %r part)" % cfg.signature_field)
    manifest = bundle_manifest(bundle.path)
    if mpart is not None:
        with open(mpart.path, "rb") as f:
            if f.read(MANIFEST_MAX + 1) != manifest:
                raise Rejected(422, "the manifest part differs from the bundle's manifest.json")
    principal = verify_signature(bundle.path, sig.path, cfg.allowed_signers) if sig else None
    doc = validate_manifest(manifest, cfg.schema)
    digest = sha256_file(bundle.path)
    meta = {"id": digest, "filename": bundle.filename, "size": bundle.size,
            "signer": principal, "host": doc.get("host"), "created": doc.get("created")}
    created, path = store(cfg.store, digest, bundle, sig, manifest, meta)
    answer = {"id": digest, "signer": principal, "duplicate": not created}
    if cfg.index_db:
        answer["indexed"] = index(cfg, os.path.join(path, "bundle"), path if created else None)
    return created, answer


def index(cfg, bundle, remove_on_refusal):
    """`nest-report index add` the stored bundle: "added" or "known"; None
    when the index could not take it now (the bundle stays stored: adding
    it again later is safe).  A refusal removes what was just stored."""
    r = subprocess.run([cfg.nest_report, "index", "add", "--db", cfg.index_db, "--allowed-signers",
                        cfg.allowed_signers, "--json", "-q", bundle], capture_output=True, text=True,
                       timeout=600)
    if r.returncode == 3:
        reason = json.loads(r.stdout)["bundles"][0]["reason"]
        if remove_on_refusal:
            shutil.rmtree(remove_on_refusal, ignore_errors=True)
        raise Rejected(422, "the index refused the bundle: %s" % reason)
    if r.returncode != 0:
        return None
    return json.loads(r.stdout)["bundles"][0]["outcome"]
