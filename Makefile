# Makefile — builds libvpcflow (static and shared), the vpcflow tool, tests, fuzzers, bench.
#
#   make            library + tool in build/
#   make check      the whole test suite (what CI runs): unit, CLI golden, ASan+UBSan, valgrind, fuzz smoke
#   make bench      throughput next to DuckDB and PostgreSQL (docs/performance.md)
#   make fuzz       build the libFuzzer targets (clang)
#   make inject     build the failure-injection shims build/inject/*.so (LD_PRELOAD)
#   make format     clang-format every source (make format-check: only check)

CC      ?= cc
BUILD   ?= build
OPT     ?= -O2 -g
SAN     ?=
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla \
           -Wpointer-arith -Wformat=2 -Wundef -Wno-unused-parameter
CFLAGS  ?=
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE -fPIC -fvisibility=hidden $(OPT) $(SAN) $(WARN) $(CFLAGS) \
              -Iinclude -MMD -MP
LDLIBS  := -lisal -ljansson -lpthread -lm
LDFLAGS ?=

LIB_SRC  := $(sort $(wildcard lib/*/*.c))
LIB_HDR  := $(sort $(wildcard lib/*/*.h))
CLI_SRC  := $(sort $(wildcard cli/*.c))
TEST_SRC := $(sort $(wildcard tests/unit/test_*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
TESTS    := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
GEN_SRC  := $(sort $(wildcard bench/gen*.c))
GEN_OBJ  := $(GEN_SRC:%.c=$(BUILD)/%.o)
TOOLS    := $(if $(GEN_SRC),$(BUILD)/vpcflow-gen)

.PHONY: all lib tools tests check check-fast check-asan fuzz fuzz-smoke inject bench clean format format-check symbols demo

all: $(BUILD)/vpcflow $(BUILD)/libvpcflow.so tools

lib: $(BUILD)/libvpcflow.a

tools: $(TOOLS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Ilib -c $< -o $@

$(BUILD)/libvpcflow.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/libvpcflow.so: $(LIB_OBJ)
	$(CC) -shared $(SAN) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/vpcflow: $(CLI_OBJ) $(BUILD)/libvpcflow.a
	$(CC) $(SAN) $(LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libvpcflow.a $(LDLIBS)

$(BUILD)/vpcflow-gen: $(GEN_OBJ) $(BUILD)/libvpcflow.a
	$(CC) $(SAN) $(LDFLAGS) -o $@ $(GEN_OBJ) $(BUILD)/libvpcflow.a $(LDLIBS) -ldeflate

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(BUILD)/tests/unit/t.o $(BUILD)/libvpcflow.a
	@mkdir -p $(dir $@)
	$(CC) $(SAN) $(LDFLAGS) -o $@ $< $(BUILD)/tests/unit/t.o $(BUILD)/libvpcflow.a $(LDLIBS) -ldeflate

tests: $(TESTS) $(BUILD)/vpcflow $(TOOLS)

# The test suite: unit programs and CLI cases in this build, again under ASan+UBSan, unit
# programs and golden cases under valgrind, and each fuzz target for a bounded time.
# tests/run.sh prints "N passed, N failed".
check: tests
	$(MAKE) --no-print-directory BUILD=build/asan OPT="-O1 -g -fno-omit-frame-pointer" \
	    SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" tests
	$(MAKE) --no-print-directory fuzz
	tests/run.sh --build $(BUILD) --asan build/asan --valgrind --fuzz build/fuzz

check-fast: tests
	tests/run.sh --build $(BUILD)

symbols: $(BUILD)/libvpcflow.so
	@bad=$$(nm -D --defined-only $< | awk '$$2 ~ /[TDBRW]/ {print $$3}' | grep -v '^vpcflow_' || true); \
	if [ -n "$$bad" ]; then echo "exported symbols without the vpcflow_ prefix:"; echo "$$bad"; exit 1; fi; \
	echo "symbols: every exported symbol starts with vpcflow_"

# libFuzzer targets: tests/fuzz/<name>/fuzz.c, corpus in tests/fuzz/<name>/corpus/
FUZZ_DIRS := $(sort $(dir $(wildcard tests/fuzz/*/fuzz.c)))
FUZZ_BINS := $(FUZZ_DIRS:tests/fuzz/%/=build/fuzz/%)
fuzz: $(FUZZ_BINS)
build/fuzz/%: tests/fuzz/%/fuzz.c $(LIB_SRC) $(LIB_HDR) include/vpcflow.h
	@mkdir -p build/fuzz
	clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude -Ilib \
	    -o $@ $< $(LIB_SRC) $(LDLIBS)

# LD_PRELOAD shims for the failure-injection tests (tests/cli/alloc_failure.sh, io_failure.sh)
INJECT_SO := $(patsubst tests/inject/%.c,build/inject/%.so,$(wildcard tests/inject/*.c))
inject: $(INJECT_SO)
build/inject/%.so: tests/inject/%.c
	@mkdir -p build/inject
	$(CC) -std=c11 -D_GNU_SOURCE -O1 -g -fPIC -shared $(WARN) -o $@ $< -ldl

bench: all
	bench/run.sh

demo: all
	scripts/demo.sh

FORMATTED := include/*.h lib/*/*.[ch] cli/*.[ch] tests/unit/*.[ch] tests/fuzz/*/fuzz.c tests/inject/*.c bench/*.c

format:
	clang-format -i $(FORMATTED)

# fails when a source differs from what clang-format makes of it (part of scripts/test.sh)
format-check:
	@clang-format --dry-run -Werror $(FORMATTED) && echo "format: every source is clang-formatted"

clean:
	rm -rf build

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
