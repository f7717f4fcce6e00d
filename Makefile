# nest-report build.  `make` builds ./nest-report; `make check` runs the whole
# test suite under ASan+UBSan; `make deps` installs the Debian packages that
# building and testing need.

VERSION    := 0.1.0
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
DATADIR    ?= $(PREFIX)/share/nest-report
DESTDIR    ?=
CC         ?= cc
PKG_CONFIG ?= pkg-config
PKGS       := libarchive libcurl json-c libssh
# -Werror is on for development and CI; packagers can override WERROR=.
WERROR     ?= -Werror
CFLAGS     ?= -O2 -g
SHARED_DIR ?= $(abspath ../shared)

NR_CFLAGS  := -std=c11 -D_GNU_SOURCE -Wall -Wextra $(WERROR) -Wshadow \
              -Wno-missing-field-initializers -Icollector -Iprobes -Iuploader \
              -DNR_VERSION='"$(VERSION)"' -DNR_DATADIR='"$(DATADIR)"' -pthread \
              $(shell $(PKG_CONFIG) --cflags $(PKGS))
NR_LIBS    := $(shell $(PKG_CONFIG) --libs $(PKGS)) -pthread
TEST_LIBS  := $(shell $(PKG_CONFIG) --libs cmocka)

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
$(1)/nest-report: $(1)/$(MAIN_SRC:.c=.o) $(1)/libnr.a
	$$(CC) $$(CFLAGS) $(2) $$(LDFLAGS) -o $$@ $$^ $$(NR_LIBS)
$(1)/tests/%: $(1)/tests/unit/%.o $$(patsubst %.c,$(1)/%.o,$$(TEST_SUPPORT)) $(1)/libnr.a
	$$(CC) $$(CFLAGS) $(2) $$(LDFLAGS) -o $$@ $$^ $$(NR_LIBS) $$(TEST_LIBS)
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
.PHONY: all check check-unit check-integration check-fuzz fuzz fuzz-smoke bench deps install uninstall clean
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

bench: build/nest-report
	@NR_BIN=$(abspath build/nest-report) bench/local.sh
	@if [ "$$(id -u)" = 0 ]; then NR_BIN=$(abspath build/nest-report) bench/remote.sh; \
	else echo "bench/remote.sh skipped: needs root (it starts sshd servers)"; fi
	@if [ -x bench/upload.sh ]; then NR_BIN=$(abspath build/nest-report) bench/upload.sh; fi

deps:
	./tools/install-deps.sh

install: build/nest-report
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/schemas
	install -m 0755 build/nest-report $(DESTDIR)$(BINDIR)/nest-report
	install -m 0644 schemas/*.json $(DESTDIR)$(DATADIR)/schemas/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/nest-report
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build build-san build-fuzz nest-report
