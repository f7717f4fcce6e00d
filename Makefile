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
PKGS       := libarchive libcurl json-c libssh sqlite3 libpq
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
.PHONY: all check check-unit check-integration bench deps install uninstall clean
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

check: check-unit check-integration

check-unit: $(patsubst tests/unit/%.c,$(CHECK_DIR)/tests/%,$(TEST_SRC))
	@NR_SHARED_DIR=$(SHARED_DIR) tests/run-unit.sh $^

check-integration: $(CHECK_DIR)/nest-report $(HELPER_BINS)
	@NR_BIN=$(abspath $(CHECK_DIR)/nest-report) NR_HELPERS=$(abspath build/helpers) \
	  NR_SHARED_DIR=$(SHARED_DIR) NR_TESTS="$(T)" tests/run-integration.sh

bench: build/nest-report
	@NR_BIN=$(abspath build/nest-report) bench/local.sh
	@if [ "$$(id -u)" = 0 ]; then NR_BIN=$(abspath build/nest-report) bench/remote.sh; \
	else echo "bench/remote.sh skipped: needs root (it starts sshd servers)"; fi
	@if [ -x bench/upload.sh ]; then NR_BIN=$(abspath build/nest-report) bench/upload.sh; fi
	@NR_BIN=$(abspath build/nest-report) NR_SHARED_DIR=$(SHARED_DIR) bench/index.sh

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
	rm -rf build build-san nest-report
