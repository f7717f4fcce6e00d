# SPDX-License-Identifier: MIT
"""A streaming multipart/form-data reader (RFC 7578), standard library only.

Bundles can be hundreds of megabytes, so parts are written to files as they
arrive, never held in memory.  Python's own `cgi` module is deprecated and
`email` reads the whole body first; this is the part a portal needs, with a
limit on everything a client controls.
"""
import os
import re
import tempfile


class MultipartError(Exception):
    """The body is not the multipart/form-data it claims to be (answer 400)."""


class TooLarge(Exception):
    """A part or the body is over its limit (answer 413)."""


class Part:
    def __init__(self, name, filename, content_type, path):
        self.name = name                  # form field name
        self.filename = filename          # None for a plain field
        self.content_type = content_type
        self.path = path                  # where its bytes are
        self.size = 0


HEADER_MAX = 8 * 1024
PARTS_MAX = 8
CHUNK = 256 * 1024


def boundary_of(content_type):
    """The boundary parameter of a Content-Type header, or raise."""
    m = re.match(r'\s*multipart/form-data\s*;(.*)$', content_type or "", re.I | re.S)
    if not m:
        raise MultipartError("not multipart/form-data")
    b = re.search(r'boundary\s*=\s*(?:"([^"]{1,70})"|([^;\s]{1,70}))', m.group(1), re.I)
    if not b:
        raise MultipartError("no boundary in Content-Type")
    return (b.group(1) or b.group(2)).encode("latin-1")


def _disposition(value):
    """name and filename from a Content-Disposition: form-data header."""
    if not re.match(r'\s*form-data\s*(;|$)', value, re.I):
        raise MultipartError("part is not form-data")
    params = dict((k.lower(), v) for k, v in
                  re.findall(r';\s*([A-Za-z*]+)\s*=\s*"((?:[^"\\]|\\.)*)"', value))
    if "name" not in params:
        raise MultipartError("part has no name")
    return params["name"], params.get("filename")


def _headers(block):
    h = {}
    for line in block.decode("latin-1").split("\r\n"):
        if not line:
            continue
        if ":" not in line:
            raise MultipartError("malformed part header")
        k, v = line.split(":", 1)
        h[k.strip().lower()] = v.strip()
    return h


def read(rfile, length, content_type, tmpdir, part_max, read_hook=None):
    """Read `length` bytes of body from rfile into Part files under tmpdir.

    read_hook(total_read) is called after every chunk (fault injection uses
    it).  Returns {name: Part}; a name given twice is an error.
    """
    delim = b"\r\n--" + boundary_of(content_type)
    buf = b"\r\n"          # so the first boundary looks like every other one
    remaining = length
    parts = {}
    state = "preamble"
    out = None
    cur = None
    done = False
    total = 0

    def fill():
        nonlocal buf, remaining, total
        if remaining <= 0:
            return False
        data = rfile.read(min(CHUNK, remaining))
        if not data:
            raise MultipartError("body ended early")
        remaining -= len(data)
        total += len(data)
        buf += data
        if read_hook:
            read_hook(total)
        return True

    try:
        while not done:
            if state == "preamble":
                i = buf.find(delim)
                if i < 0:
                    buf = buf[-len(delim):]
                    if not fill():
                        raise MultipartError("no opening boundary")
                    continue
                buf = buf[i + len(delim):]
                state = "after"
            elif state == "after":
                if len(buf) < 2 and not fill():
                    raise MultipartError("body ended after a boundary")
                if len(buf) < 2:
                    continue
                if buf[:2] == b"--":
                    done = True
                elif buf[:2] == b"\r\n":
                    buf = buf[2:]
                    state = "headers"
                else:
                    raise MultipartError("garbage after a boundary")
            elif state == "headers":
                i = buf.find(b"\r\n\r\n")
                if i < 0:
                    if len(buf) > HEADER_MAX:
                        raise MultipartError("part headers too long")
                    if not fill():
                        raise MultipartError("body ended in part headers")
                    continue
                h = _headers(buf[:i])
                buf = buf[i + 4:]
                name, filename = _disposition(h.get("content-disposition", ""))
                if name in parts or len(parts) >= PARTS_MAX:
                    raise MultipartError("duplicate part %r or too many parts" % name)
                fd, path = tempfile.mkstemp(dir=tmpdir, prefix="part-")
                out = os.fdopen(fd, "wb")
                cur = Part(name, filename, h.get("content-type"), path)
                parts[name] = cur
                state = "body"
            else:  # body
                i = buf.find(delim)
                keep = len(delim) if i < 0 else 0
                data = buf[:i] if i >= 0 else buf[:max(0, len(buf) - keep)]
                cur.size += len(data)
                if cur.size > part_max:
                    raise TooLarge("part %r is over %d bytes" % (cur.name, part_max))
                out.write(data)
                if i >= 0:
                    buf = buf[i + len(delim):]
                    out.close()
                    out = None
                    state = "after"
                else:
                    buf = buf[len(data):]
                    if not fill():
                        raise MultipartError("body ended inside part %r" % cur.name)
        # Drain the epilogue so the connection can be reused.
        while remaining > 0 and fill():
            buf = b""
    except BaseException:
        if out:
            out.close()
        for p in parts.values():
            try:
                os.unlink(p.path)
            except OSError:
                pass
        raise
    return parts
