# dateline -- one GNU Makefile (Redis style).
#
#   make                    library (static + shared) and the CLI
#   make test               the whole test suite; last line "N passed, N failed"
#   make SANITIZE=address,undefined test   the same under ASan+UBSan
#   make bench              benchmarks (long; not part of CI's test run)
#   make install PREFIX=... library, header, pkg-config file, man page, models
#   make fuzz               libFuzzer targets (clang)
#   make style              banned-function check
#
# BUILD picks the output folder, so several builds (or several developers)
# can share one checkout: make BUILD=build-asan SANITIZE=address,undefined

VERSION     := 0.1.0
SOVERSION   := 0
PREFIX      ?= /usr/local
LIBDIR      ?= $(PREFIX)/lib
INCLUDEDIR  ?= $(PREFIX)/include
BINDIR      ?= $(PREFIX)/bin
MANDIR      ?= $(PREFIX)/share/man
DATADIR     ?= $(PREFIX)/share/dateline
DESTDIR     ?=

CC          ?= cc
SANITIZE    ?=
ifeq ($(SANITIZE),)
BUILD       ?= build
OPT         ?= -O2 -g
else
BUILD       ?= build-san
OPT         ?= -O1 -g -fsanitize=$(SANITIZE) -fno-sanitize-recover=all \
               -fno-omit-frame-pointer
endif

# -Wconversion without -Wsign-conversion: the size_t/int sign noise of the
# latter hides the narrowing warnings that matter.
WARN        := -Wall -Wextra -Wpedantic -Wshadow -Wconversion \
               -Wno-sign-conversion -Wstrict-prototypes \
               -Wmissing-prototypes -Wformat=2 -Wundef -Wvla -Wcast-qual \
               -Werror
CPPFLAGS    += -Iinclude -Isrc -I/usr/include/libxml2 \
               -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
CFLAGS      ?=
ALL_CFLAGS  := -std=c11 $(WARN) $(OPT) -fPIC $(CFLAGS)
LIB_CFLAGS  := $(ALL_CFLAGS) -DDL_BUILDING -fvisibility=hidden \
               -DDL_DEFAULT_MODEL_DIR='"$(DATADIR)/models"'
LDFLAGS     ?=
LIB_LIBS    := -lutf8proc -lxxhash -lxml2 -lstemmer -lm
CLI_LIBS    := -ljansson -lsqlite3 -lzstd -lpthread -lz

LIB_SRC     := $(wildcard src/*.c)
LIB_OBJ     := $(patsubst %.c,$(BUILD)/%.o,$(LIB_SRC))
CLI_SRC     := $(wildcard tools/dateline/*.c)
CLI_OBJ     := $(patsubst %.c,$(BUILD)/%.o,$(CLI_SRC))
TEST_SRC    := $(wildcard tests/unit/test_*.c)
TEST_BIN    := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(TEST_SRC))
BENCH_SRC   := $(wildcard bench/bench_*.c)
BENCH_BIN   := $(patsubst bench/%.c,$(BUILD)/bench/%,$(BENCH_SRC))
EVAL_BIN    := $(patsubst bench/%.c,$(BUILD)/bench/%,$(wildcard bench/eval_*.c))
# fuzz_main.c is the replay driver, not a target. The JSONL target drives
# the CLI's reader, so the fuzz builds add that CLI file and the UTF-8 check
# it shares with sjson.c.
FUZZ_SRC    := $(filter-out tests/fuzz/fuzz_main.c,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_EXTRA  := tools/dateline/input.c tools/dateline/sjson.c
FUZZ_REPLAY := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%-replay,$(FUZZ_SRC))

STATIC      := $(BUILD)/libdateline.a
SHARED      := $(BUILD)/libdateline.so.$(VERSION)
CLI         := $(BUILD)/dateline

.PHONY: all test check bench fuzz style install uninstall clean models
all: $(STATIC) $(SHARED) $(CLI) $(TEST_BIN) $(BENCH_BIN) $(FUZZ_REPLAY)

$(BUILD)/src/%.o: src/%.c include/dateline.h src/internal.h $(wildcard src/*.h src/*.inc)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(LIB_CFLAGS) -c $< -o $@

$(BUILD)/tools/%.o: tools/%.c include/dateline.h $(wildcard tools/dateline/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c $< -o $@

$(STATIC): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(SHARED): $(LIB_OBJ)
	$(CC) -shared -Wl,-soname,libdateline.so.$(SOVERSION) $(OPT) $(LDFLAGS) \
	  -o $@ $^ $(LIB_LIBS)
	ln -sf libdateline.so.$(VERSION) $(BUILD)/libdateline.so.$(SOVERSION)
	ln -sf libdateline.so.$(SOVERSION) $(BUILD)/libdateline.so

# report_assets.c links data/report/ into the CLI with .incbin.
$(BUILD)/tools/dateline/report_assets.o: $(wildcard data/report/*.js data/report/*.json)

$(CLI): $(CLI_OBJ) $(STATIC)
	$(CC) $(OPT) $(LDFLAGS) -o $@ $(CLI_OBJ) $(STATIC) $(LIB_LIBS) $(CLI_LIBS)

# Unit tests link the static library and may include src/internal.h, or a
# CLI source whole (test_store.c includes store.c and sjson.c): -MM lists
# every file a test includes in its own .d, so editing one rebuilds it.
$(BUILD)/tests/%: tests/unit/%.c tests/unit/t.c tests/unit/t.h $(STATIC)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests/unit -MM -MP -MT $@ $< > $@.d
	$(CC) $(CPPFLAGS) -Itests/unit $(ALL_CFLAGS) -o $@ $< tests/unit/t.c \
	  $(STATIC) $(LIB_LIBS) $(CLI_LIBS)

-include $(TEST_BIN:%=%.d)

all: $(EVAL_BIN)

$(BUILD)/bench/%: bench/%.c $(wildcard bench/*.h) $(STATIC)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $< $(STATIC) $(LIB_LIBS) $(CLI_LIBS)

# Fuzz targets are replayed over their corpus under the normal compiler.
$(BUILD)/fuzz/%-replay: tests/fuzz/%.c tests/fuzz/fuzz_main.c \
    $(wildcard tests/fuzz/*.h) $(FUZZ_EXTRA) $(STATIC)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itools/dateline $(ALL_CFLAGS) -o $@ $< \
	  tests/fuzz/fuzz_main.c $(FUZZ_EXTRA) $(STATIC) $(LIB_LIBS) $(CLI_LIBS)

test check: all
	@tests/run.sh $(BUILD)

bench: all
	@bench/run.sh $(BUILD)

# libFuzzer builds (clang): the library and the JSONL reader are compiled
# once with coverage (fuzzer-no-link), then each target links them.
FUZZ_CC     ?= clang
FUZZ_SAN    := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS := -std=c11 -O1 -g -DDL_BUILDING -fno-omit-frame-pointer
FUZZ_OBJ    := $(patsubst %.c,$(BUILD)/fuzzobj/%.o,$(LIB_SRC) $(FUZZ_EXTRA))
FUZZ_BIN    := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRC))

$(FUZZ_OBJ): $(BUILD)/fuzzobj/%.o: %.c include/dateline.h src/internal.h \
    $(wildcard src/*.h tools/dateline/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) -Itools/dateline $(FUZZ_CFLAGS) \
	  -fsanitize=fuzzer-no-link $(FUZZ_SAN) -c $< -o $@

$(FUZZ_BIN): $(BUILD)/fuzz/%: tests/fuzz/%.c $(FUZZ_OBJ) \
    $(wildcard tests/fuzz/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) -Itools/dateline $(FUZZ_CFLAGS) \
	  -fsanitize=fuzzer $(FUZZ_SAN) -o $@ $< $(FUZZ_OBJ) \
	  $(LIB_LIBS) $(CLI_LIBS)

fuzz: $(FUZZ_BIN)

style:
	@tools/checksrc.sh

models:
	tools/build-models.sh

install: $(STATIC) $(SHARED) $(CLI)
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR) \
	  $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR)/pkgconfig \
	  $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(DATADIR)/models
	install -m 644 $(STATIC) $(DESTDIR)$(LIBDIR)/
	install -m 755 $(SHARED) $(DESTDIR)$(LIBDIR)/
	ln -sf libdateline.so.$(VERSION) \
	  $(DESTDIR)$(LIBDIR)/libdateline.so.$(SOVERSION)
	ln -sf libdateline.so.$(SOVERSION) $(DESTDIR)$(LIBDIR)/libdateline.so
	install -m 644 include/dateline.h $(DESTDIR)$(INCLUDEDIR)/
	install -m 755 $(CLI) $(DESTDIR)$(BINDIR)/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	  -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|' \
	  -e 's|@LIBS_PRIVATE@|$(LIB_LIBS)|' \
	  dateline.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/dateline.pc
	install -m 644 docs/dateline.1 $(DESTDIR)$(MANDIR)/man1/
	for f in models/*; do \
	  [ -f "$$f" ] && install -m 644 "$$f" $(DESTDIR)$(DATADIR)/models/; \
	done; true

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/libdateline.* $(DESTDIR)$(INCLUDEDIR)/dateline.h \
	  $(DESTDIR)$(BINDIR)/dateline $(DESTDIR)$(LIBDIR)/pkgconfig/dateline.pc \
	  $(DESTDIR)$(MANDIR)/man1/dateline.1
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build build-san build-tsan build-fuzz build-rel
