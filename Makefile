# nest-report build.  `make` builds ./nest-report; `make check` runs the whole
# test suite under ASan+UBSan; `make deps` installs the Debian packages that
# building and running need, `make test-deps` also those the tests need.

VERSION    := 0.1.0
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
DATADIR    ?= $(PREFIX)/share/nest-report
DOCDIR     ?= $(PREFIX)/share/doc/nest-report
DESTDIR    ?=
CC         ?= cc
PKG_CONFIG ?= pkg-config
PKGS       := libarchive libcurl json-c libssh libcrypto sqlite3 libpq
# -Werror is on for development and CI; packagers can override WERROR=.
WERROR     ?= -Werror
CFLAGS     ?= -O2 -g
SHARED_DIR ?= $(abspath ../shared)

# pkg-config runs when a build recipe first needs its answer, once, not
# when the Makefile is read: `make deps` on a fresh machine must not
# complain about the very libraries it is about to install.  A missing one
# stops the build with a line saying what to run.
nr_pkg = $(if $(shell $(PKG_CONFIG) --exists $(1) 2>/dev/null && echo y),$(shell $(PKG_CONFIG) $(2) $(1)),$(error pkg-config cannot find $(shell for p in $(1); do $(PKG_CONFIG) --exists $$p 2>/dev/null || printf '%s ' $$p; done)- run 'sudo make $(3)' (Debian) or install their -dev packages))
PKG_CFLAGS = $(eval PKG_CFLAGS := $$(call nr_pkg,$(PKGS),--cflags,deps))$(PKG_CFLAGS)
NR_LIBS    = $(eval NR_LIBS := $$(call nr_pkg,$(PKGS),--libs,deps) -lm -pthread)$(NR_LIBS)
TEST_LIBS  = $(eval TEST_LIBS := $$(call nr_pkg,cmocka,--libs,test-deps))$(TEST_LIBS)

NR_CFLAGS  = -std=c11 -D_GNU_SOURCE -Wall -Wextra $(WERROR) -Wshadow \
             -Wno-missing-field-initializers -Icollector -Iprobes -Iuploader \
             -DNR_VERSION='"$(VERSION)"' -pthread $(PKG_CFLAGS)

# Where the installed data lives.  The binary finds it relative to itself
# first (as git's RUNTIME_PREFIX does: BINDIR and DATADIR relative to
# PREFIX), so a tree installed under DESTDIR, or moved, still works; the
# absolute DATADIR is the fallback.  Only util/datadir.c sees these, and it
# is rebuilt whenever they change (build/PATHS, as git's GIT-CFLAGS).
BINDIR_REL  = $(patsubst $(PREFIX)/%,%,$(BINDIR))
DATADIR_REL = $(patsubst $(PREFIX)/%,%,$(DATADIR))
PATH_FLAGS  = -DNR_DATADIR='"$(DATADIR)"' -DNR_BINDIR_REL='"$(BINDIR_REL)"' \
              -DNR_DATADIR_REL='"$(DATADIR_REL)"'

SAN_FLAGS  := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

# collector/ is split into folders by part (docs/ARCHITECTURE.md); headers are
# included as "part/name.h" from other parts, so -Icollector is the only
# collector include path.
MAIN_SRC   := collector/cli/main.c
LIB_SRC    := $(filter-out $(MAIN_SRC),$(wildcard collector/*.c collector/*/*.c probes/*.c uploader/*.c))
HDRS       := $(wildcard collector/*.h collector/*/*.h probes/*.h uploader/*.h tests/unit/*.h)
TEST_SRC   := $(wildcard tests/unit/test_*.c)
TEST_SUPPORT := $(filter-out $(TEST_SRC),$(wildcard tests/unit/*.c))
HELPER_SRC := $(wildcard tests/helpers/*.c)

# $(1) = build dir, $(2) = extra flags
define nr_build
$(1)/%.o: %.c $(HDRS)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(CPPFLAGS) $$(CFLAGS) $$(NR_CFLAGS) $(2) -c $$< -o $$@
$(1)/libnr.a: $$(patsubst %.c,$(1)/%.o,$$(LIB_SRC))
	@rm -f $$@
	$$(AR) rcs $$@ $$^
$(1)/PATHS: FORCE
	@mkdir -p $(1)
	@echo '$$(PATH_FLAGS)' | cmp -s - $$@ || echo '$$(PATH_FLAGS)' >$$@
$(1)/collector/util/datadir.o: $(1)/PATHS
$(1)/collector/util/datadir.o: NR_CFLAGS += $$(PATH_FLAGS)
$(1)/nest-report: $(1)/$(MAIN_SRC:.c=.o) $(1)/libnr.a
	$$(CC) $$(CFLAGS) $(2) $$(LDFLAGS) -o $$@ $$^ $$(NR_LIBS)
$(1)/tests/%: $(1)/tests/unit/%.o $$(patsubst %.c,$(1)/%.o,$$(TEST_SUPPORT)) $(1)/libnr.a
	$$(CC) $$(CFLAGS) $(2) $$(LDFLAGS) -o $$@ $$^ $$(NR_LIBS) $$(TEST_LIBS)
$(1)/bench/%: $(1)/bench/%.o $(1)/libnr.a
	$$(CC) $$(CFLAGS) $(2) $$(LDFLAGS) -o $$@ $$^ $$(NR_LIBS)
$(1)/helpers/%: tests/helpers/%.c
	@mkdir -p $$(dir $$@)
	$$(CC) -O1 -o $$@ $$<
endef

$(eval $(call nr_build,build,))
$(eval $(call nr_build,build-san,$(SAN_FLAGS)))

UNIT_BINS     = $(patsubst tests/unit/%.c,build/tests/%,$(TEST_SRC))
UNIT_BINS_SAN = $(patsubst tests/unit/%.c,build-san/tests/%,$(TEST_SRC))
HELPER_BINS   = $(patsubst tests/helpers/%.c,build/helpers/%,$(HELPER_SRC))

.DEFAULT_GOAL := all
.PHONY: all check check-unit check-integration check-fuzz fuzz fuzz-smoke bench deps test-deps install uninstall clean FORCE
.SECONDARY:

all: nest-report

nest-report: build/nest-report
	cp $< $@

# SAN=0 runs the suite on the plain build instead (faster, for quick loops).
SAN ?= 1
ifeq ($(SAN),1)
CHECK_DIR := build-san
else
CHECK_DIR := build
endif

check: check-unit check-integration check-fuzz

check-unit: $(patsubst tests/unit/%.c,$(CHECK_DIR)/tests/%,$(TEST_SRC))
	@NR_SHARED_DIR=$(SHARED_DIR) tests/run-unit.sh $^

check-integration: $(CHECK_DIR)/nest-report $(HELPER_BINS)
	@NR_BIN=$(abspath $(CHECK_DIR)/nest-report) NR_HELPERS=$(abspath build/helpers) \
	  NR_SHARED_DIR=$(SHARED_DIR) NR_TESTS="$(T)" tests/run-integration.sh

# ---- fuzzing (tests/fuzz/README.md) -----------------------------------------
# libFuzzer harnesses need clang; the library is built again with
# -fsanitize=fuzzer-no-link so the fuzzer sees its coverage.
FUZZ_CC    ?= clang
FUZZ_SAN   := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_SRC   := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS  := $(patsubst tests/fuzz/%.c,build-fuzz/fuzz/%,$(FUZZ_SRC))
FUZZ_SECONDS ?= 20
HAVE_CLANG := $(shell command -v $(FUZZ_CC) >/dev/null 2>&1 && echo yes)

build-fuzz/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -g -O1 $(NR_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer-no-link -c $< -o $@
build-fuzz/libnr.a: $(patsubst %.c,build-fuzz/%.o,$(LIB_SRC))
	@rm -f $@
	$(AR) rcs $@ $^
build-fuzz/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz.h build-fuzz/libnr.a
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -g -O1 $(NR_CFLAGS) -Itests/fuzz $(FUZZ_SAN) -fsanitize=fuzzer $< build-fuzz/libnr.a \
	  -o $@ $(NR_LIBS)

fuzz: $(FUZZ_BINS)

# Each harness for FUZZ_SECONDS (20 by default; maintainers: FUZZ_SECONDS=3600).
fuzz-smoke: fuzz build/nest-report
	@NR_FUZZ_BIN=$(abspath build-fuzz/fuzz) NR_BIN=$(abspath build/nest-report) \
	  NR_SHARED_DIR=$(SHARED_DIR) FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_ONLY="$(FUZZ_ONLY)" tests/fuzz/run.sh

# Part of `make check` wherever clang is installed (make test-deps installs it).
ifeq ($(HAVE_CLANG),yes)
check-fuzz: fuzz-smoke
else
check-fuzz:
	@echo "fuzz: skipped: $(FUZZ_CC) is not installed (it comes with make deps)"
endif

build/bench/sha256: bench/sha256.c build/libnr.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(NR_CFLAGS) $(LDFLAGS) -o $@ $^ $(NR_LIBS)

bench: build/nest-report build/bench/sha256 build/bench/redact_stream
	@NR_SHA_BENCH=$(abspath build/bench/sha256) bench/sha256.sh
	@NR_BIN=$(abspath build/nest-report) bench/local.sh
	@NR_BIN=$(abspath build/nest-report) NR_REDACT_STREAM=$(abspath build/bench/redact_stream) bench/redact.sh
	@if [ "$$(id -u)" = 0 ]; then NR_BIN=$(abspath build/nest-report) bench/remote.sh; \
	else echo "bench/remote.sh skipped: needs root (it starts sshd servers)"; fi
	@if [ -x bench/upload.sh ]; then NR_BIN=$(abspath build/nest-report) bench/upload.sh; fi
	@NR_BIN=$(abspath build/nest-report) bench/hostile.sh
	@NR_BIN=$(abspath build/nest-report) bench/html.sh
	@bench/scrub.sh
	@NR_BIN=$(abspath build/nest-report) NR_SHARED_DIR=$(SHARED_DIR) bench/index.sh
	@NR_BIN=$(abspath build/nest-report) bench/memory.sh
	@NR_BIN=$(abspath build/nest-report) bench/trust.sh
	@NR_BIN=$(abspath build/nest-report) bench/libvirt.sh

# deps: what building and running need; test-deps: that and what the
# tests need (sshd, nginx, QEMU...).
deps:
	./tools/install-deps.sh

test-deps:
	./tools/install-deps.sh --test

SCHEMA_FILES := $(wildcard schemas/*.json schemas/*.md)
DOC_FILES    := README.md LICENSE $(wildcard docs/*.md)

install: build/nest-report
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/schemas $(DESTDIR)$(DOCDIR)
	install -m 0755 build/nest-report $(DESTDIR)$(BINDIR)/nest-report
	install -m 0644 $(SCHEMA_FILES) $(DESTDIR)$(DATADIR)/schemas/
	install -m 0644 $(DOC_FILES) $(DESTDIR)$(DOCDIR)/

# Only what install wrote: DATADIR=/usr/share must never mean rm -rf it.
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/nest-report
	rm -f $(addprefix $(DESTDIR)$(DATADIR)/,$(SCHEMA_FILES))
	rm -f $(addprefix $(DESTDIR)$(DOCDIR)/,$(notdir $(DOC_FILES)))
	-rmdir $(DESTDIR)$(DATADIR)/schemas $(DESTDIR)$(DATADIR) $(DESTDIR)$(DOCDIR) 2>/dev/null

clean:
	rm -rf build build-san build-fuzz nest-report

# Man pages (docs/man/) and shell completion (docs/completion/): part of
# install and uninstall.  ZSHCOMPDIR defaults to a directory in zsh's own
# $fpath; Debian's package puts it in /usr/share/zsh/vendor-completions.
MANDIR      ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/site-functions
MAN1_PAGES  := $(wildcard docs/man/*.1)
MAN5_PAGES  := $(wildcard docs/man/*.5)
.PHONY: install-man install-completion uninstall-man uninstall-completion
install: install-man install-completion
uninstall: uninstall-man uninstall-completion

install-man:
	install -d $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5
	install -m 0644 $(MAN1_PAGES) $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 $(MAN5_PAGES) $(DESTDIR)$(MANDIR)/man5/

install-completion:
	install -d $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	install -m 0644 docs/completion/nest-report.bash $(DESTDIR)$(BASHCOMPDIR)/nest-report
	install -m 0644 docs/completion/_nest-report $(DESTDIR)$(ZSHCOMPDIR)/_nest-report

# Only what install wrote; a directory goes only when that leaves it empty.
uninstall-man:
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(MAN1_PAGES))) \
	      $(addprefix $(DESTDIR)$(MANDIR)/man5/,$(notdir $(MAN5_PAGES)))
	rmdir $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 2>/dev/null || true

uninstall-completion:
	rm -f $(DESTDIR)$(BASHCOMPDIR)/nest-report $(DESTDIR)$(ZSHCOMPDIR)/_nest-report
	rmdir $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) 2>/dev/null || true
