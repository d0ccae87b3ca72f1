# SPDX-License-Identifier: MIT
# openwsus build. `make` builds build/openwsus; `make check` builds the plain,
# sanitizer and fuzzer variants and runs the whole suite; `make deps` installs
# the Debian packages. Sources are found by wildcard: a new .c file in src/
# or tests/unit/ needs no edit here.

BUILD   ?= build
CC      ?= cc
SAN     ?=
VERSION ?= 0.1.0
PKGS    := libevent_openssl libevent_pthreads libevent inih sqlite3 openssl expat libsodium jansson libcurl
LLHTTP_SRC ?= /usr/share/llhttp
LLHTTP_INC ?= /usr/share/include/llhttp

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	   -Wformat=2 -Wno-format-nonliteral -Wvla
CFLAGS  ?= -O2 -g
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE -DOW_VERSION=\"$(VERSION)\" $(CFLAGS) $(WARN) -fno-strict-aliasing \
	   -Isrc -I$(BUILD)/gen -I$(LLHTTP_INC) $(PKG_CFLAGS) $(SAN)
ALL_LDFLAGS := $(LDFLAGS) $(SAN) -pthread

ifeq ($(SAN),)
ALL_CFLAGS += -D_FORTIFY_SOURCE=2 -fstack-protector-strong
endif

CLI_SRC := $(wildcard src/cli/*.c)
LIB_SRC := $(filter-out $(CLI_SRC),$(shell find src -name '*.c' | sort))
LLHTTP_OBJ := $(BUILD)/llhttp/api.o $(BUILD)/llhttp/http.o $(BUILD)/llhttp/llhttp.o
SCHEMA  := $(sort $(wildcard src/store/schema/*.sql))

LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/schema.o $(BUILD)/gen/openapi.o
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o)
LIB     := $(BUILD)/libopenwsus.a
BIN     := $(BUILD)/openwsus

UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)

# Small programs the integration scripts use (tests/tools/NAME.c -> $(BUILD)/tools/NAME).
# tests/tools/wusp_msg.c is not one: it holds the MS-WUSP client messages that
# wusp-client and bench/storm link.
TOOL_MSG_OBJ := $(BUILD)/tests/tools/wusp_msg.o
TOOL_SRC := $(filter-out tests/tools/wusp_msg.c,$(wildcard tests/tools/*.c))
TOOL_BIN := $(TOOL_SRC:tests/tools/%.c=$(BUILD)/tools/%)

# Benchmark programs (bench/NAME.c -> $(BUILD)/bench/NAME), built for `make bench`.
BENCH_BIN := $(patsubst bench/%.c,$(BUILD)/bench/%,$(wildcard bench/*.c))

.PHONY: all deps check bench bench-tools run clean unit fuzz fuzz-run asan
all: $(BIN) $(UNIT_BIN) $(TOOL_BIN)

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	@echo "CC $<"
	@$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/llhttp/%.o: $(LLHTTP_SRC)/%.c
	@mkdir -p $(@D)
	$(CC) -std=c11 $(CFLAGS) $(SAN) -w -I$(LLHTTP_INC) -c $< -o $@

$(BUILD)/gen/schema.c: $(SCHEMA) tools/embed-sql.sh
	@mkdir -p $(@D)
	sh tools/embed-sql.sh $(SCHEMA) > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/openapi.c: src/admin/openapi.json tools/embed-text.sh
	@mkdir -p $(@D)
	sh tools/embed-text.sh admin_openapi_json src/admin/openapi.json > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/openapi.o: $(BUILD)/gen/openapi.c
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/gen/schema.o: $(BUILD)/gen/schema.c
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJ) $(LLHTTP_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(CLI_OBJ) $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $(CLI_OBJ) $(LIB) $(PKG_LIBS)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/check.h $(LIB)
	@mkdir -p $(@D)
	@echo "CC $<"
	@$(CC) $(ALL_CFLAGS) -Itests/unit -o $@ $< $(LIB) $(PKG_LIBS) $(ALL_LDFLAGS)

$(BUILD)/tools/%: tests/tools/%.c $(LIB)
	@mkdir -p $(@D)
	@echo "CC $<"
	@$(CC) $(ALL_CFLAGS) -o $@ $< $(filter %.o,$^) $(LIB) $(PKG_LIBS) $(ALL_LDFLAGS)

$(BUILD)/tools/wusp-client: $(TOOL_MSG_OBJ)

$(TOOL_MSG_OBJ): tests/tools/wusp_msg.c
	@mkdir -p $(@D)
	@echo "CC $<"
	@$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/bench/%: bench/%.c $(TOOL_MSG_OBJ) $(LIB)
	@mkdir -p $(@D)
	@echo "CC $<"
	@$(CC) $(ALL_CFLAGS) -Itests/tools -o $@ $< $(TOOL_MSG_OBJ) $(LIB) $(PKG_LIBS) $(ALL_LDFLAGS)

bench-tools: $(BENCH_BIN)

unit: $(UNIT_BIN)

# Sanitizer build of everything (binary and unit tests) in build-asan/.
asan:
	$(MAKE) BUILD=build-asan CFLAGS="-O1 -g -fno-omit-frame-pointer" \
		SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined" all

# libFuzzer targets in build-fuzz/ (clang), linked with the library built by clang.
FUZZ_CC ?= clang
fuzz:
	$(MAKE) BUILD=build-fuzz CC=$(FUZZ_CC) CFLAGS="-O1 -g -fno-omit-frame-pointer" \
		SAN="-fsanitize=fuzzer-no-link,address,undefined" build-fuzz/libopenwsus.a
	@mkdir -p build-fuzz/bin
	@for f in $(FUZZ_SRC); do n=$$(basename $$f .c); \
		echo "$(FUZZ_CC) $$f -> build-fuzz/bin/$$n"; \
		$(FUZZ_CC) -std=c11 -D_GNU_SOURCE -O1 -g -Isrc -Ibuild-fuzz/gen -I$(LLHTTP_INC) $(PKG_CFLAGS) \
		-fsanitize=fuzzer,address,undefined -o build-fuzz/bin/$$n $$f \
		build-fuzz/libopenwsus.a $(PKG_LIBS) -pthread || exit 1; done

# Runs every fuzz target for FUZZ_SECONDS (default 60) on a copy of its
# seed corpus and prints the executions; `make check` does the same briefly.
FUZZ_SECONDS ?= 60
fuzz-run: fuzz
	SKIP_PLAIN=1 SKIP_ASAN=1 FUZZ_SECONDS=$(FUZZ_SECONDS) bash tests/run.sh

check: all
	$(MAKE) asan
	$(MAKE) fuzz
	bash tests/run.sh

deps:
	sh tools/deps.sh

run:
	sh tools/deps.sh
	$(MAKE) all
	sh tools/demo.sh

bench: all bench-tools
	sh bench/run.sh

clean:
	rm -rf build build-asan build-fuzz

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
