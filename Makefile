# mxpin: pin a backup MX's relay to the primary's TLS certificate.
#
#   make            build build/mxpin
#   make demo       install what is missing, build, run the wizard on a sandbox
#   make check      install what is missing, build (plain and ASan+UBSan), run every test
#   make bench      benchmarks (medians and ratios; see README)
#   make fuzz       libFuzzer targets, FUZZ_SECONDS each
#   make install    PREFIX=/usr/local DESTDIR=

PREFIX	?= /usr/local
DESTDIR	?=
SBINDIR	 = $(PREFIX)/sbin
DATADIR	 = $(PREFIX)/share/mxpin
MANDIR	 = $(PREFIX)/share/man

VERSION	 = 1.0

CC	?= cc
PKGS	 = ncursesw formw menuw panelw libssl libcrypto libconfig
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CORE_PKGS  = libssl libcrypto libconfig
CORE_LIBS  := $(shell pkg-config --libs $(CORE_PKGS) 2>/dev/null)

WARN	 = -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes \
	   -Wmissing-prototypes -Wwrite-strings -Wpointer-arith -Wvla \
	   -Wimplicit-fallthrough -Wundef -Werror
OPT	?= -O2 -D_FORTIFY_SOURCE=2
CFLAGS	?= -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -DMXPIN_VERSION='"$(VERSION)"' \
	   $(OPT) $(CFLAGS) $(WARN) $(PKG_CFLAGS) -Icore -MMD -MP

# SAN=1 builds everything with AddressSanitizer, UBSan and LeakSanitizer.
ifeq ($(SAN),1)
BUILD	?= build/asan
OPT	 = -O1
ALL_CFLAGS += -fsanitize=address,undefined -fno-sanitize-recover=all \
	   -fno-omit-frame-pointer
LDSAN	 = -fsanitize=address,undefined
endif
BUILD	?= build

CORE_SRC = $(sort $(wildcard core/*.c))
TUI_SRC	 = $(sort $(wildcard tui/*.c))
CLI_SRC	 = $(sort $(wildcard cli/*.c))
UNIT_SRC = $(sort $(wildcard tests/unit/test_*.c))

CORE_OBJ = $(CORE_SRC:%.c=$(BUILD)/%.o)
TUI_OBJ	 = $(TUI_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ	 = $(CLI_SRC:%.c=$(BUILD)/%.o)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TESTAID_SRC = $(sort $(wildcard tests/aid/*.c))
TESTAID_BIN = $(TESTAID_SRC:tests/aid/%.c=$(BUILD)/tests/aid/%)

.PHONY: all deps demo check test unit bench fuzz install clean
all: $(BUILD)/mxpin

$(BUILD)/libmxpin.a: $(CORE_OBJ)
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/mxpin: $(CLI_OBJ) $(TUI_OBJ) $(BUILD)/libmxpin.a
	$(CC) $(LDSAN) -o $@ $(CLI_OBJ) $(TUI_OBJ) $(BUILD)/libmxpin.a $(PKG_LIBS)

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/tests/test_%: tests/unit/test_%.c $(BUILD)/libmxpin.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itests/unit $(LDSAN) -o $@ $< $(BUILD)/libmxpin.a \
	    $(CORE_LIBS) -lcmocka

$(BUILD)/tests/aid/%: tests/aid/%.c $(BUILD)/libmxpin.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(LDSAN) -o $@ $< $(BUILD)/libmxpin.a $(CORE_LIBS)

unit: $(UNIT_BIN) $(TESTAID_BIN)

deps:
	@sh .ci/install-deps

# The wizard on a sandbox copy of a Postfix configuration: /etc is never touched.
demo: deps
	@$(MAKE) --no-print-directory all
	@sh tests/demo.sh $(BUILD)/mxpin

# Every test, twice: the plain build and the ASan+UBSan build.
check: deps
	@$(MAKE) --no-print-directory all unit
	@$(MAKE) --no-print-directory SAN=1 all unit
	@tests/run build build/asan

test:
	@$(MAKE) --no-print-directory all unit
	@tests/run build

bench: deps
	@$(MAKE) --no-print-directory all
	@sh tests/bench/run.sh $(BUILD)/mxpin

FUZZ_SECONDS ?= 60
fuzz:
	@sh tests/fuzz/run.sh $(FUZZ_SECONDS)

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(DATADIR) $(DESTDIR)$(MANDIR)/man8
	install -m 0755 $(BUILD)/mxpin $(DESTDIR)$(SBINDIR)/mxpin
	install -m 0644 templates/* $(DESTDIR)$(DATADIR)/
	install -m 0644 mxpin.8 $(DESTDIR)$(MANDIR)/man8/mxpin.8

clean:
	rm -rf build

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
