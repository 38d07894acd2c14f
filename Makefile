# Makefile — builds libvpcflow (static and shared), the vpcflow tool, tests, fuzzers, bench.
#
#   make            library + tool in build/
#   make check      the whole test suite (what CI and scripts/test.sh run): structure checks, unit
#                   and CLI cases in the normal build and in each build variant (ASan+UBSan,
#                   TSan), valgrind, fuzz smoke; tests/run.sh ends it with "N passed, N failed"
#   make check-fast the normal build's unit and CLI cases and the structure checks only
#   make bench      throughput next to DuckDB and PostgreSQL (docs/performance.md)
#   make fuzz       build the libFuzzer targets (clang)
#   make inject     build the failure-injection shims build/inject/*.so (LD_PRELOAD)
#   make lambda-zip build/lambda/function.zip for AWS Lambda (docs/lambda.md)
#   make format     clang-format every source (make format-check: only check)
#   make install    the tool, libvpcflow.a and .so, vpcflow.h, vpcflow.pc, man pages and shell
#                   completions under PREFIX (default /usr/local), staged under DESTDIR if set;
#                   make uninstall removes them

CC      ?= cc
BUILD   ?= build
OPT     ?= -O2 -g
SAN     ?=
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla \
           -Wpointer-arith -Wformat=2 -Wundef -Wno-unused-parameter
CFLAGS  ?=
PQ_CFLAGS := $(shell pkg-config --cflags libpq 2>/dev/null || echo -I/usr/include/postgresql)
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE -fPIC -fvisibility=hidden $(OPT) $(SAN) $(WARN) $(CFLAGS) \
              -Iinclude $(PQ_CFLAGS) -MMD -MP
LDLIBS  := -lisal -ljansson -lzstd -lsnappy -lpthread -lm -ldl
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

.PHONY: all lib tools tests check check-fast fuzz fuzz-smoke inject bench clean format format-check symbols demo \
        man completion installable install uninstall lambda-zip

# The shared library's version comes from the header; its SONAME carries the major number.
VERSION   := $(shell sed -n 's/^\#define VPCFLOW_VERSION "\(.*\)"$$/\1/p' include/vpcflow.h)
SONAME    := libvpcflow.so.$(firstword $(subst ., ,$(VERSION)))

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
	$(CC) -shared -Wl,-soname,$(SONAME) $(SAN) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/vpcflow: $(CLI_OBJ) $(BUILD)/libvpcflow.a
	$(CC) $(SAN) $(LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libvpcflow.a $(LDLIBS)

$(BUILD)/vpcflow-gen: $(GEN_OBJ) $(BUILD)/libvpcflow.a
	$(CC) $(SAN) $(LDFLAGS) -o $@ $(GEN_OBJ) $(BUILD)/libvpcflow.a $(LDLIBS) -ldeflate

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(BUILD)/tests/unit/t.o $(BUILD)/libvpcflow.a
	@mkdir -p $(dir $@)
	$(CC) $(SAN) $(LDFLAGS) -o $@ $< $(BUILD)/tests/unit/t.o $(BUILD)/libvpcflow.a $(LDLIBS) -ldeflate

tests: $(TESTS) $(BUILD)/vpcflow $(TOOLS)

# Build variants of the test suite: each is this Makefile again with BUILD=build/NAME and the
# NAME_OPT, NAME_SAN, NAME_CFLAGS, NAME_LDFLAGS below. To add one: append NAME to VARIANTS, set
# its flags here and give tests/run.sh a function variant_NAME (what runs in it, with which
# environment). `make variant-NAME` builds one; `make check` builds them all (in parallel with -j).
VARIANTS    := asan tsan
asan_OPT    := -O1 -g -fno-omit-frame-pointer
asan_SAN    := -fsanitize=address,undefined -fno-sanitize-recover=all
tsan_OPT    := -O1 -g -fno-omit-frame-pointer
tsan_SAN    := -fsanitize=thread

.PHONY: $(VARIANTS:%=variant-%) check-build check-command
$(VARIANTS:%=variant-%): variant-%:
	@$(MAKE) --no-print-directory BUILD=build/$* OPT="$($*_OPT)" SAN="$($*_SAN)" \
	    CFLAGS="$(CFLAGS) $($*_CFLAGS)" LDFLAGS="$(LDFLAGS) $($*_LDFLAGS)" tests

# The test suite, defined once: what `make check` builds and the tests/run.sh command it runs.
# scripts/test.sh builds check-build (with -k) and execs `make -s check-command`'s line, so that
# its last line is run.sh's "N passed, N failed" even when something fails.
CHECK_RUN := tests/run.sh --build $(BUILD) $(foreach v,$(VARIANTS),--variant $(v)=build/$(v)) \
             --valgrind --fuzz build/fuzz --structure

check-build: tests $(VARIANTS:%=variant-%) fuzz

check: check-build
	$(CHECK_RUN)

check-command:
	@echo $(CHECK_RUN)

check-fast: tests
	tests/run.sh --build $(BUILD) --structure

# function.zip for AWS Lambda (docs/lambda.md): bootstrap, the tool, its shared libraries;
# LAMBDA_RULES=FILE bundles a rules file.
lambda-zip: $(BUILD)/lambda/function.zip
$(BUILD)/lambda/function.zip: $(BUILD)/vpcflow deploy/lambda/bootstrap deploy/lambda/build.sh $(LAMBDA_RULES)
	deploy/lambda/build.sh $(BUILD)/vpcflow $@ $(LAMBDA_RULES)

symbols: $(BUILD)/libvpcflow.so
	@bad=$$(nm -D --defined-only $< | awk '$$2 ~ /[TDBRW]/ {print $$3}' | grep -v '^vpcflow_' || true); \
	if [ -n "$$bad" ]; then echo "exported symbols without the vpcflow_ prefix:"; echo "$$bad"; exit 1; fi; \
	echo "symbols: every exported symbol starts with vpcflow_"

# libFuzzer targets: tests/fuzz/<name>/fuzz.c, corpus in tests/fuzz/<name>/corpus/. The library
# is compiled once for all of them (build/fuzz-obj) and each target links those objects.
FUZZ_DIRS   := $(sort $(dir $(wildcard tests/fuzz/*/fuzz.c)))
FUZZ_BINS   := $(FUZZ_DIRS:tests/fuzz/%/=build/fuzz/%)
FUZZ_OBJ    := $(LIB_SRC:%.c=build/fuzz-obj/%.o)
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -Iinclude -Ilib $(PQ_CFLAGS) -MMD -MP
fuzz: $(FUZZ_BINS)
build/fuzz-obj/%.o: %.c
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined -c $< -o $@
build/fuzz/%: tests/fuzz/%/fuzz.c $(FUZZ_OBJ)
	@mkdir -p build/fuzz build/fuzz-obj
	clang $(FUZZ_CFLAGS) -MF build/fuzz-obj/fuzz-$*.d -fsanitize=fuzzer,address,undefined \
	    -o $@ $< $(FUZZ_OBJ) $(LDLIBS)

# LD_PRELOAD shims for the failure-injection tests (tests/cli/alloc_failure.sh, io_failure.sh)
INJECT_SO := $(patsubst tests/inject/%.c,build/inject/%.so,$(wildcard tests/inject/*.c))
inject: $(INJECT_SO)
build/inject/%.so: tests/inject/%.c
	@mkdir -p build/inject
	$(CC) -std=c11 -D_GNU_SOURCE -O1 -g -fPIC -shared $(WARN) -o $@ $< -ldl

# Manual pages and shell completions, written from the tool's own help (and the public header
# for libvpcflow(3)) so that they cannot drift: scripts/man.sh, scripts/completion.sh.
man: $(BUILD)/man/man1/vpcflow.1
$(BUILD)/man/man1/vpcflow.1: $(BUILD)/vpcflow scripts/man.sh include/vpcflow.h examples/c/top_cross_az.c
	@rm -rf $(BUILD)/man
	scripts/man.sh $(BUILD)/vpcflow $(BUILD)/man
completion: $(BUILD)/completion/vpcflow.bash
$(BUILD)/completion/vpcflow.bash: $(BUILD)/vpcflow scripts/completion.sh
	scripts/completion.sh $(BUILD)/vpcflow $(BUILD)/completion

# make install [PREFIX=/usr/local] [DESTDIR=] [LIBDIR=...]: libvpcflow.so.VERSION with the
# SONAME and dev links, the tool (linked with libvpcflow.a), vpcflow.pc for pkg-config
# (Libs.private: what a static link needs), man pages, bash and zsh completions.
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
DATADIR    ?= $(PREFIX)/share
MANDIR     ?= $(DATADIR)/man
D          := $(DESTDIR)
installable: $(BUILD)/vpcflow $(BUILD)/libvpcflow.a $(BUILD)/libvpcflow.so man completion

install: installable
	install -d $(D)$(BINDIR) $(D)$(LIBDIR)/pkgconfig $(D)$(INCLUDEDIR) $(D)$(MANDIR)/man1 $(D)$(MANDIR)/man3 \
	    $(D)$(DATADIR)/bash-completion/completions $(D)$(DATADIR)/zsh/site-functions
	install -m 755 $(BUILD)/vpcflow $(D)$(BINDIR)/vpcflow
	install -m 644 $(BUILD)/libvpcflow.a $(D)$(LIBDIR)/libvpcflow.a
	install -m 755 $(BUILD)/libvpcflow.so $(D)$(LIBDIR)/libvpcflow.so.$(VERSION)
	ln -sf libvpcflow.so.$(VERSION) $(D)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(D)$(LIBDIR)/libvpcflow.so
	install -m 644 include/vpcflow.h $(D)$(INCLUDEDIR)/vpcflow.h
	printf '%s\n' 'prefix=$(PREFIX)' 'libdir=$(LIBDIR)' 'includedir=$(INCLUDEDIR)' '' 'Name: vpcflow' \
	    'Description: read, classify and cost AWS VPC Flow Logs' 'Version: $(VERSION)' \
	    'Libs: -L$${libdir} -lvpcflow' 'Libs.private: $(LDLIBS)' 'Cflags: -I$${includedir}' \
	    >$(D)$(LIBDIR)/pkgconfig/vpcflow.pc
	install -m 644 $(BUILD)/man/man1/*.1 $(D)$(MANDIR)/man1/
	install -m 644 $(BUILD)/man/man3/*.3 $(D)$(MANDIR)/man3/
	install -m 644 $(BUILD)/completion/vpcflow.bash $(D)$(DATADIR)/bash-completion/completions/vpcflow
	install -m 644 $(BUILD)/completion/_vpcflow $(D)$(DATADIR)/zsh/site-functions/_vpcflow

uninstall:
	rm -f $(D)$(BINDIR)/vpcflow $(D)$(LIBDIR)/libvpcflow.a $(D)$(LIBDIR)/libvpcflow.so* \
	    $(D)$(LIBDIR)/pkgconfig/vpcflow.pc $(D)$(INCLUDEDIR)/vpcflow.h $(D)$(MANDIR)/man1/vpcflow.1 \
	    $(D)$(MANDIR)/man1/vpcflow-*.1 $(D)$(MANDIR)/man3/libvpcflow.3 \
	    $(D)$(DATADIR)/bash-completion/completions/vpcflow $(D)$(DATADIR)/zsh/site-functions/_vpcflow

bench: all
	bench/run.sh

demo: all
	scripts/demo.sh

FORMATTED := include/*.h lib/*/*.[ch] cli/*.[ch] tests/unit/*.[ch] tests/fuzz/*/fuzz.c tests/inject/*.c bench/*.c \
             examples/c/*.c

format:
	clang-format -i $(FORMATTED)

# fails when a source differs from what clang-format makes of it (part of scripts/test.sh)
format-check:
	@clang-format --dry-run -Werror $(FORMATTED) && echo "format: every source is clang-formatted"

clean:
	rm -rf build

-include $(shell find $(BUILD) build/fuzz-obj -name '*.d' 2>/dev/null)
