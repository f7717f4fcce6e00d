#!/bin/sh
# SPDX-License-Identifier: MIT
# show --html FILE: one self-contained page, rendered for real in headless
# Chromium (Debian's chromium package): its text says what the bundle says
# (levels, the tree with KVM/TCG edges, findings with fixes, the kernel
# document's checklist, artifacts), it loads nothing and runs nothing, and
# a hostile bundle's strings (markup, script, event handlers, terminal
# escapes, C1 and bidi controls, bytes that are not UTF-8) come out as
# inert text.  Bad input: one error line, exit 1 or 2, no page and no
# temporary file left behind.
. "$(dirname "$0")/../lib.sh"

CHROMIUM=$(command -v chromium || command -v chromium-browser || :)
[ -n "$CHROMIUM" ] || skip "needs chromium (apt-get install chromium), to render the page"
SYSROOT="$SRC_DIR/tests/fixtures/sysroots/intel-host-before"

# browse MODE URL OUT: headless Chromium, isolated and offline; MODE is
# dump (the DOM after load, on OUT) or shot (a PNG in OUT).
browse() {
	_prof=$(mktemp -d "$T/chromium.XXXXXX")
	case $1 in
	dump) _what=--dump-dom ;;
	shot) _what="--screenshot=$3 --window-size=1280,1800" ;;
	esac
	# No network at all: any host resolves to nothing.
	# shellcheck disable=SC2086
	timeout -k 5 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--host-resolver-rules="MAP * ~NOTFOUND" --user-data-dir="$_prof" $_what "$2" \
		>"$T/chromium.out" 2>"$T/chromium.err" || { show "$T/chromium.err"; fail "chromium failed on $2"; }
	[ "$1" != dump ] || cp "$T/chromium.out" "$3"
}

# ---- a real bundle: a replayed Intel KVM host running one guest ----------
mkdir -p "$T/b"
run_nr collect --sysroot "$SYSROOT" -o "$T/b" -q
expect_rc 0 "collect --sysroot"
one_bundle "$T/b"
REAL=$BUNDLE
run_nr show "$REAL" --html "$T/page.html"
expect_rc 0 "show --html"
[ ! -s "$T/out" ] || { show "$T/out"; fail "show --html printed on stdout"; }
[ -f "$T/page.html" ] || fail "no page written"
assert_eq "$(stat -c %a "$T/page.html")" 600 "mode of the page (it holds what the bundle holds)"
assert_eq "$(ls -A "$T" | grep -c '^\.page\.html\.tmp')" 0 "temporary files left"
head -c 15 "$T/page.html" | grep -q '^<!DOCTYPE html>' || fail "the page does not start with <!DOCTYPE html>"

# page_checks FILE DOM: what every page must be.  Self-contained: no
# script, no frame, no form, nothing with a src, every link an anchor in
# the page, the CSP forbids everything but inline style.  The DOM after
# load holds no element or attribute a script or handler could have made.
page_checks() {
	"$PY" - "$1" "$2" <<'PYEOF' || fail "$1: not a self-contained, inert page (above)"
import re, sys
from html.parser import HTMLParser
raw = open(sys.argv[1], "rb").read()
dom = open(sys.argv[2], encoding="utf-8").read()
bad = []
for what, pat in (("ESC", rb"\x1b"), ("C1 control", rb"\xc2[\x80-\x9f]"),
                  ("bidi control", rb"\xe2\x80[\x8e\x8f\xaa-\xae]|\xe2\x81[\xa6-\xa9]|\xd8\x9c"),
                  ("NUL or C0 control", rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"), ("CR", rb"\r")):
    if re.search(pat, raw):
        bad.append("raw %s byte in the file" % what)
try:
    raw.decode("utf-8")
except UnicodeDecodeError as e:
    bad.append("the file is not UTF-8: %s" % e)
FORBIDDEN = {"script", "iframe", "frame", "object", "embed", "img", "link", "base", "form",
             "input", "audio", "video", "source", "image", "foreignobject", "use", "animate", "set"}
class Check(HTMLParser):
    def __init__(self, name):
        super().__init__()
        self.name, self.csp = name, None
    def handle_starttag(self, tag, attrs):
        if tag in FORBIDDEN:
            bad.append("%s: <%s> element" % (self.name, tag))
        for k, v in attrs:
            v = v or ""
            if k.startswith("on"):
                bad.append("%s: %s= handler on <%s>" % (self.name, k, tag))
            if k in ("src", "srcset", "action", "formaction", "background", "poster", "data"):
                bad.append("%s: %s= on <%s>" % (self.name, k, tag))
            if k in ("href", "xlink:href") and not v.startswith("#"):
                bad.append("%s: link out of the page: %s=%r" % (self.name, k, v))
            if k == "data-pwned":
                bad.append("%s: a script ran (data-pwned=%r)" % (self.name, v))
            if "javascript:" in v.lower() and k != "content":
                bad.append("%s: javascript: in %s" % (self.name, k))
            if k == "http-equiv" and v.lower() == "content-security-policy":
                self.csp = dict(attrs).get("content")
            if k == "http-equiv" and v.lower() == "refresh":
                bad.append("%s: meta refresh" % self.name)
for name, text in (("file", raw.decode("utf-8", "replace")), ("dom", dom)):
    c = Check(name)
    c.feed(text)
    if name == "file" and (not c.csp or "default-src 'none'" not in c.csp or "script-src" in c.csp):
        bad.append("no Content-Security-Policy with default-src 'none': %r" % c.csp)
if "PWNED" in re.sub(r"&[a-z#0-9]+;", "", dom) and "data-pwned=" in dom.split("<body", 1)[0]:
    bad.append("dom: data-pwned set on <html>")
for b in bad:
    print(b, file=sys.stderr)
sys.exit(1 if bad else 0)
PYEOF
}

# text_of DOM: the page's visible text, one line per block, for grep.
text_of() {
	"$PY" - "$1" <<'PYEOF'
import re, sys
from html.parser import HTMLParser
class T(HTMLParser):
    def __init__(self):
        super().__init__()
        self.out, self.skip = [], 0
    def handle_starttag(self, tag, attrs):
        if tag in ("style", "title") : self.skip += 1
        if tag in ("tr", "li", "p", "h1", "h2", "h3", "h4", "div", "dt", "summary", "text", "pre"):
            self.out.append("\n")
        elif tag in ("td", "th", "dd", "b"):
            self.out.append(" ")
    def handle_endtag(self, tag):
        if tag in ("style", "title"): self.skip -= 1
    def handle_data(self, d):
        if not self.skip: self.out.append(d)
t = T()
t.feed(open(sys.argv[1], encoding="utf-8").read())
sys.stdout.write(re.sub(r"[ \t]+", " ", "".join(t.out)))
PYEOF
}

has_text() { # FILE TEXT WHAT
	grep -qF -e "$2" "$1" || { show "$1" 60; fail "$3: '$2' not in the page's text"; }
}

browse dump "file://$T/page.html" "$T/page.dom"
page_checks "$T/page.html" "$T/page.dom"
text_of "$T/page.dom" >"$T/page.txt"
# A replay names the captured machine (uname's node name in the tree), and
# says who replayed it.
soft has_text "$T/page.txt" "nest-report bundle from hv1" "heading"
soft has_text "$T/page.txt" "Replayed on" "replay row"
soft has_text "$T/page.txt" "x86_64, kernel 6.1.0-18-amd64, host, QEMU 7.2.9" "level line"
# The tree: l0 and the guest it runs, seen but not collected, with KVM.
grep -q '<svg' "$T/page.dom" || fail "no inline SVG tree"
soft has_text "$T/page.txt" "'l1vm' (pid 4242)" "guest box"
soft has_text "$T/page.txt" "qemu · KVM" "edge to the guest"
# Findings with their fixes and rule ids.
soft has_text "$T/page.txt" "Fix: collect L1 in the same run" "fix of evidence-no-l1"
soft has_text "$T/page.txt" "evidence-no-x86info" "rule id"
# The checklist, present and missing with the reason.
for item in "kernel version ok 6.1.0-18-amd64" "QEMU version ok qemu-system-x86_64 7.2.9" \
	"libvirt version ok 9.0.0" "full dmesg ok" "/proc/cpuinfo ok" "lscpu ok" \
	"dmidecode ok" "x86info -a missing probe 'x86info' skipped: x86info not installed" \
	"KVM module parameters ok" "QEMU command line n/a l0 is the host (L0)" "KVM or TCG n/a bare metal"; do
	soft has_text "$T/page.txt" "$item" "checklist"
done
# Artifacts with their contents, escaped.
soft has_text "$T/page.txt" "Probe cpu (ok)" "artifact headings"
grep -q 'id="a[0-9]*"' "$T/page.dom" || fail "no artifact anchors"
grep -q 'href="#a[0-9]*"' "$T/page.dom" || fail "the checklist does not link to artifacts"
soft has_text "$T/page.txt" "model name" "cpuinfo content"
# A screenshot of a page with content: a PNG of the window's size.
browse shot "file://$T/page.html" "$T/page.png"
"$PY" - "$T/page.png" <<'PYEOF' || fail "the screenshot is not a 1280x1800 PNG with content"
import struct, sys
b = open(sys.argv[1], "rb").read()
assert b[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
w, h = struct.unpack(">II", b[16:24])
assert (w, h) == (1280, 1800), (w, h)
assert len(b) > 20000, "%d bytes: an empty page" % len(b)
PYEOF

# ---- a hostile three-level bundle ----------------------------------------
X="$T/x"
unpack "$REAL" "$X"
"$PY" "$TESTS_DIR/make-html-bundle.py" tree "$X" "$T/hostile.tar" || fail "cannot make the hostile bundle"
run_nr show "$T/hostile.tar" --html "$T/hostile.html"
expect_rc 0 "show --html of a hostile bundle"
browse dump "file://$T/hostile.html" "$T/hostile.dom"
page_checks "$T/hostile.html" "$T/hostile.dom"
text_of "$T/hostile.dom" >"$T/hostile.txt"
# The strings are there, as text: markup visible, escapes visible.
soft has_text "$T/hostile.txt" "<script>document.documentElement.setAttribute('data-pwned','PWNED')</script>" "script as text"
soft has_text "$T/hostile.txt" "<img src=x onerror=" "handler as text"
soft has_text "$T/hostile.txt" '\x1b[2J\x1b]0;PWNED\x07\u009b31m\u202eTXET\u2066' "terminal and bidi escapes shown"
soft has_text "$T/hostile.txt" '</pre></details><script>' "markup inside an artifact, as text"
soft has_text "$T/hostile.txt" '\xff\xfe not utf-8' "bytes that are not UTF-8"
soft has_text "$T/hostile.txt" 'red\x1b[0m' "escape inside an artifact"
# The tree: l0 -KVM-> l1 -TCG-> l2, l2 unreachable.
soft has_text "$T/hostile.txt" "l1 · guest of kvm" "l1 box"
soft has_text "$T/hostile.txt" "kvm · KVM" "edge l0 -> l1"
soft has_text "$T/hostile.txt" "qemu-tcg · TCG" "edge l1 -> l2"
soft has_text "$T/hostile.txt" "KVM or TCG ok KVM: l0's guest" "accel of l1"
soft has_text "$T/hostile.txt" "l2 was not collected (unreachable: connect: HOSTILE-TEXT" "checklist of l2"
# --level: that level's checklist only.
run_nr show "$T/hostile.tar" --level l1 --html "$T/l1.html"
expect_rc 0 "show --level l1 --html"
text_of "$T/l1.html" >"$T/l1.txt"
grep -q "^Level l1" "$T/l1.txt" || fail "--level l1: no checklist for l1"
! grep -q "^Level l0" "$T/l1.txt" || fail "--level l1: l0's checklist shown"
# A local run inside a VM: its host drawn, not collected.
"$PY" "$TESTS_DIR/make-html-bundle.py" guest "$X" "$T/guest.tar" || fail "cannot make the guest bundle"
run_nr show "$T/guest.tar" --html -
expect_rc 0 "show --html - (stdout)"
grep -q "host (not collected)" "$T/out" || fail "--html -: no host box above a level that is a guest"

# ---- bad input and bad output --------------------------------------------
one_error() { # WHAT RC
	expect_rc "$2" "$1"
	assert_eq "$(grep -c '^nest-report: ' "$T/err")" 1 "$1: error lines ($(cat "$T/err"))"
}
run_nr show "$REAL" --html "$T/o.html" --json
one_error "--html with --json" 2
run_nr show "$REAL" --html "$T/o.html" --probe cpu
one_error "--html with --probe" 2
run_nr show "$REAL" --html
one_error "--html without a file" 2
mkdir "$T/adir"
run_nr show "$REAL" --html "$T/adir"
one_error "--html to a directory" 1
assert_empty_dir "$T/adir" "the directory named"
run_nr show "$REAL" --html "$T/nodir/o.html"
one_error "--html into a missing directory" 1
# A truncated bundle: the page is refused whole, nothing is left.
mkdir "$T/trunc"
head -c 3000 "$T/hostile.tar" >"$T/trunc.tar"
run_nr show "$T/trunc.tar" --html "$T/trunc/o.html"
one_error "--html of a truncated bundle" 1
assert_empty_dir "$T/trunc" "output directory after a failed page"
run_nr show "$REAL" --html ""
one_error "--html ''" 1
# No room: the error says so, and nothing is left.
if [ "$(id -u)" -eq 0 ] && mkdir -p "$T/full" &&
	mount -t tmpfs -o size=16k nr-test-html "$T/full" 2>/dev/null; then
	at_exit "umount '$T/full' || umount -l '$T/full'"
	run_nr show "$T/hostile.tar" --html "$T/full/page.html"
	one_error "--html into a full filesystem" 1
	grep -q "page.html: No space left on device" "$T/err" || { show "$T/err"; fail "the error does not say no space"; }
	assert_empty_dir "$T/full" "the full filesystem after a failed page"
else
	note "not root or no tmpfs: the full-disk case is not run"
fi
# An existing page is replaced whole.
echo old >"$T/again.html"
run_nr show "$REAL" --html "$T/again.html"
expect_rc 0 "--html over an existing file"
head -c 15 "$T/again.html" | grep -q '^<!DOCTYPE html>' || fail "the existing file was not replaced"
verdict
