# SPDX-License-Identifier: GPL-2.0
# vmtrace build. `make` builds .output/vmtrace; `make demo` installs what is
# missing, builds and traces the bundled example; `make test` runs every test
# tier. V=1 shows the commands; STATIC=1 links a static binary (the one that
# runs inside the qemu test kernel).

OUTPUT ?= .output
CLANG ?= clang
BPFTOOL ?= bpftool
CC ?= cc
ARCH := $(shell uname -m | sed 's/x86_64/x86/' | sed 's/aarch64/arm64/')
VMLINUX := vmlinux/$(ARCH)/vmlinux.h
# The BPF side knows x86-64 only (bpf/arch_x86.bpf.h, which has an #error for
# the rest): another architecture needs its vmlinux.h and arch header first.
ifeq ($(wildcard $(VMLINUX)),)
ifeq ($(filter clean vmlinux,$(MAKECMDGOALS)),)
$(error no $(VMLINUX): vmtrace's BPF side supports x86 only (bpf/arch_x86.bpf.h); `make vmlinux` writes it for this kernel, then add an arch header for $(ARCH))
endif
endif

CFLAGS ?= -g -O2
CFLAGS += -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers -std=gnu11 -MMD -MP \
	  -I$(OUTPUT) -Isrc
LDLIBS := -ldw -lbpf -lelf -lz -lm -pthread
ifeq ($(STATIC),1)
LDFLAGS += -static
# libdw.a's own: MiniDebugInfo is xz, debug sections may be bzip2 or zstd
LDLIBS += -llzma -lbz2 -lzstd -lpthread
endif
ifeq ($(SANITIZE),1)
CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
endif

# clang -target bpf does not see the host's system include dirs; take them
# from clang itself (libbpf-bootstrap's recipe), so <bpf/*.h> resolves.
CLANG_BPF_SYS_INCLUDES := $(shell $(CLANG) -v -E - </dev/null 2>&1 \
	| sed -n '/<...> search starts here:/,/End of search list./{ s| \(/.*\)|-idirafter \1|p }')
BPF_CFLAGS := -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_$(ARCH) -Wall \
	-Wno-unused-function -I$(dir $(VMLINUX)) -Isrc -Ibpf \
	$(CLANG_BPF_SYS_INCLUDES)

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

# src/ by layer; includes point down only (docs/design.md):
#   model/   the address space as data        report/  text, JSON, live view, files
#   tracer/  the only code that uses libbpf    ci/      baselines, comparison, runs
#   main.c, cli.c, ci_cli.c, kernel_features.c on top.
# libvmt-core.a (model, report, ci less its runs and -r, the command lines) needs no
# libbpf and no skeleton: the unit tests and the fuzzer link it alone.
obj = $(patsubst src/%.c,$(OUTPUT)/obj/%.o,$(1))
CORE_SRCS := $(wildcard src/model/*.c src/report/*.c) \
	$(filter-out src/ci/runs.c src/ci/repeat.c,$(wildcard src/ci/*.c)) \
	src/cli.c src/cli_tracer.c src/ci_cli.c src/tracer/backends.c
TRACER_SRCS := $(filter-out src/tracer/backends.c,$(wildcard src/tracer/*.c)) \
	src/ci/runs.c src/ci/repeat.c src/kernel_features.c
CORE_OBJS := $(call obj,$(CORE_SRCS))
TRACER_OBJS := $(call obj,$(TRACER_SRCS))
CORE_LIB := $(OUTPUT)/libvmt-core.a
BPF_SRCS := bpf/vmtrace.bpf.c
TEST_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
TEST_LIBS := $(shell pkg-config --libs check 2>/dev/null)

.PHONY: all clean demo test unit-test itest realtest realcitest vmtest vmtest-rt deps vmlinux bench vmbench fuzz fuzz-corpus ci-example bpf-headers man install help
.DELETE_ON_ERROR:
.SECONDARY:

all: $(OUTPUT)/vmtrace

$(OUTPUT):
	$(Q)mkdir -p $@

$(OUTPUT)/%.bpf.o: bpf/%.bpf.c $(wildcard bpf/*.h) src/vmtrace.h $(VMLINUX) | $(OUTPUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $(@:.bpf.o=.tmp.bpf.o)
	$(Q)$(BPFTOOL) gen object $@ $(@:.bpf.o=.tmp.bpf.o)

# Each bpf/ header compiles on its own, from a stub that includes only it
# (tests/check-layers.py runs this, with -k -j).
BPF_HEADERS := $(wildcard bpf/*.bpf.h)
bpf-headers: $(patsubst bpf/%,$(OUTPUT)/bpf-headers/%.ok,$(BPF_HEADERS))

$(OUTPUT)/bpf-headers/%.ok: bpf/% $(wildcard bpf/*.h) src/vmtrace.h $(VMLINUX)
	$(Q)mkdir -p $(@D)
	$(Q)printf '#include "%s"\n' $* | $(CLANG) $(BPF_CFLAGS) -fsyntax-only -x c - || \
		{ echo "bpf-headers: bpf/$* does not compile alone"; exit 1; }
	$(Q)touch $@

$(OUTPUT)/%.skel.h: $(OUTPUT)/%.bpf.o | $(OUTPUT)
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< > $@

$(OUTPUT)/obj/%.o: src/%.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

# --version's lines: rewritten only when the commit changes, so a commit
# rebuilds one object, not all.
VERSION := 0.1
COMMIT := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
$(OUTPUT)/version.h: FORCE | $(OUTPUT)
	$(Q)printf '#define VMTRACE_VERSION "%s"\n#define VMTRACE_COMMIT "%s"\n' \
		'$(VERSION)' '$(COMMIT)' > $@.tmp
	$(Q)cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
FORCE:
$(OUTPUT)/obj/kernel_features.o: $(OUTPUT)/version.h

# The tracer layer includes the skeleton: build it before that layer only.
$(TRACER_OBJS) $(OUTPUT)/obj/main.o: $(OUTPUT)/vmtrace.skel.h

$(CORE_LIB): $(CORE_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(OUTPUT)/vmtrace: $(OUTPUT)/obj/main.o $(TRACER_OBJS) $(CORE_LIB)
	$(call msg,BINARY,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

# ---- tests and examples ----

UNIT_SRCS := $(wildcard tests/unit/*.c)
# bpf/pure.bpf.h builds on the host too: its suite tests the BPF side's logic.
$(OUTPUT)/unit-tests: $(UNIT_SRCS) $(CORE_LIB) tests/fuzz/cases.h $(wildcard bpf/*.h) | $(OUTPUT)
	$(call msg,TEST,$@)
	$(Q)$(CC) $(CFLAGS) -Ibpf $(TEST_CFLAGS) $(LDFLAGS) $(UNIT_SRCS) $(CORE_LIB) \
		-ljson-c -lm $(TEST_LIBS) -o $@

$(OUTPUT)/vmwork: tests/workloads/vmwork.c | $(OUTPUT)
	$(call msg,WORKLOAD,$@)
	$(Q)$(CC) -O1 -g -fno-omit-frame-pointer -mno-omit-leaf-frame-pointer -static -pthread $< -o $@

# --code's bad input: no symbols at all, only module+offset may be shown
$(OUTPUT)/vmwork-stripped: $(OUTPUT)/vmwork
	$(Q)strip -o $@ $<

ITEST_SRCS := $(wildcard tests/integration/*.c)
$(OUTPUT)/itest: $(ITEST_SRCS) $(wildcard tests/integration/*.h) tests/fuzz/cases.h | $(OUTPUT)
	$(call msg,TEST,$@)
	$(Q)$(CC) -O1 -g -Wall -static $(TEST_CFLAGS) $(ITEST_SRCS) \
		-lcheck -lsubunit -lm -lrt -lpthread -ljson-c -lutil -o $@

$(OUTPUT)/faultbench: tests/bench/faultbench.c | $(OUTPUT)
	$(call msg,BENCH,$@)
	$(Q)$(CC) -O2 -g $< -o $@

# A report of N rows built and written without BPF (bench.py's "reports").
$(OUTPUT)/reportbench: tests/bench/reportbench.c $(CORE_LIB) | $(OUTPUT)
	$(call msg,BENCH,$@)
	$(Q)$(CC) $(CFLAGS) $< $(CORE_LIB) -ldw -lelf -lz -ljson-c -lm -o $@

$(OUTPUT)/churnbench: tests/bench/churn.c | $(OUTPUT)
	$(call msg,BENCH,$@)
	$(Q)$(CC) -O2 -g -pthread $< -o $@

# The benchmark (a table, not a test): vmtrace against perf and bpftrace on
# this kernel. BENCH_ARGS, e.g. "--rounds 9 --size anon=50000": see
# tests/bench/bench.py --help. The peers come from Debian's packages; one
# that cannot be installed is reported as skipped. Then the churn benchmark
# (tests/bench/churn.py): a threaded server traced for minutes. Then CI mode's
# false failures over 100 checks of each real program, and the smallest growth
# each baseline catches (tests/bench/ci_false_failures.py; CI_BENCH_ARGS).
bench: all $(OUTPUT)/faultbench $(OUTPUT)/churnbench $(OUTPUT)/reportbench
	$(Q)for p in linux-perf bpftrace; do dpkg -s $$p >/dev/null 2>&1 || \
		apt-get install -y -q $$p >/dev/null 2>&1 || \
		echo "bench: could not install $$p (its rows will say skipped)"; done
	$(Q)tests/bench/bench.py $(BENCH_ARGS)
	$(Q)tests/bench/ci_false_failures.py $(CI_BENCH_ARGS)

# The same inside Debian's 6.1 kernel in qemu: the backends' relative cost.
vmbench: deps
	$(Q)tests/bench/vmbench.sh

$(OUTPUT)/demo: examples/demo.c | $(OUTPUT)
	$(call msg,EXAMPLE,$@)
	$(Q)$(CC) -O1 -g $< -o $@

# The baseline reader, the JSON writer and the report writers under libFuzzer
# (clang's -fsanitize=fuzzer, with ASan and UBSan). `make fuzz` runs each for
# FUZZ_RUNS inputs from a fixed seed, the reader and the reports over their
# seed corpora: a count, not a time, so the tier does the same work (and finds
# the same things) on a fast machine and a slow one. To explore, give a time and a new seed each run:
# make fuzz FUZZ_LIMIT='-max_total_time=600 -seed=0'.
FUZZ_RUNS ?= 100000
FUZZ_LIMIT ?= -runs=$(FUZZ_RUNS) -seed=1
# Each report input builds and writes whole reports, ~100 inputs a second on
# the 2-core development VM: a tenth of the runs keeps the tier near 2 minutes.
FUZZ_REPORT_RUNS ?= $(shell echo $$(($(FUZZ_RUNS) / 10)))
FUZZ_REPORT_LIMIT ?= $(if $(findstring -runs=,$(FUZZ_LIMIT)),-runs=$(FUZZ_REPORT_RUNS) -seed=1,$(FUZZ_LIMIT))
FUZZ_CFLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Isrc
JSON_WRITER_SRCS := src/report/json_writer.c src/report/format.c
FUZZ_SRCS := tests/fuzz/fuzz_baseline.c src/ci/baseline.c src/ci/jsonin.c src/ci/keyed.c \
	src/ci/reportin.c src/model/profile.c \
	src/report/profile_report.c $(JSON_WRITER_SRCS)
$(OUTPUT)/fuzz_baseline: $(FUZZ_SRCS) $(wildcard src/*.h src/*/*.h) tests/fuzz/cases.h | $(OUTPUT)
	$(call msg,FUZZ,$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) $(FUZZ_SRCS) -ljson-c -o $@

FUZZ_JSON_SRCS := tests/fuzz/fuzz_json_writer.c $(JSON_WRITER_SRCS)
$(OUTPUT)/fuzz_json_writer: $(FUZZ_JSON_SRCS) src/report/json_writer.h src/report/format.h tests/fuzz/checks.h | $(OUTPUT)
	$(call msg,FUZZ,$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) $(FUZZ_JSON_SRCS) -ljson-c -o $@

# The report writers over fuzzed models: the model and report layers whole.
FUZZ_REPORT_SRCS := tests/fuzz/fuzz_report.c $(wildcard src/model/*.c src/report/*.c)
$(OUTPUT)/fuzz_report: $(FUZZ_REPORT_SRCS) $(wildcard src/*.h src/*/*.h) tests/fuzz/checks.h | $(OUTPUT)
	$(call msg,FUZZ,$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) $(FUZZ_REPORT_SRCS) -ldw -lelf -lz -ljson-c -o $@

$(OUTPUT)/mkcorpus: tests/fuzz/mkcorpus.c tests/fuzz/cases.h | $(OUTPUT)
	$(Q)$(CC) -O1 $< -o $@

# Regenerates the checked-in seeds: the baseline reader's from
# tests/fuzz/cases.h, the report writers' from mkcorpus.c itself.
fuzz-corpus: $(OUTPUT)/mkcorpus
	$(Q)mkdir -p tests/fuzz/corpus tests/fuzz/corpus-report && \
		$(OUTPUT)/mkcorpus tests/fuzz/corpus tests/fuzz/corpus-report

fuzz: $(OUTPUT)/fuzz_baseline $(OUTPUT)/fuzz_json_writer $(OUTPUT)/fuzz_report
	$(Q)mkdir -p $(OUTPUT)/fuzz-corpus $(OUTPUT)/fuzz-json-corpus $(OUTPUT)/fuzz-report-corpus
	$(Q)$(OUTPUT)/fuzz_baseline $(FUZZ_LIMIT) -max_len=4096 \
		-timeout=10 -rss_limit_mb=1024 -artifact_prefix=$(OUTPUT)/fuzz- \
		$(OUTPUT)/fuzz-corpus tests/fuzz/corpus
	$(Q)$(OUTPUT)/fuzz_json_writer $(FUZZ_LIMIT) -max_len=4096 \
		-timeout=10 -rss_limit_mb=1024 -artifact_prefix=$(OUTPUT)/fuzz-json- \
		$(OUTPUT)/fuzz-json-corpus
	$(Q)$(OUTPUT)/fuzz_report $(FUZZ_REPORT_LIMIT) -max_len=4096 \
		-timeout=10 -rss_limit_mb=1024 -artifact_prefix=$(OUTPUT)/fuzz-report- \
		$(OUTPUT)/fuzz-report-corpus tests/fuzz/corpus-report

# examples/ci: record the sample's fault profile, check it, then check a
# regressed sample (25% more heap pages), which must fail.
ci-example: all
	$(Q)$(MAKE) --no-print-directory -C examples/ci VMTRACE=$(abspath $(OUTPUT)/vmtrace) \
		fault-baseline fault-check
	$(Q)! SAMPLE_PAGES=320 $(MAKE) --no-print-directory -C examples/ci \
		VMTRACE=$(abspath $(OUTPUT)/vmtrace) fault-check

deps:
	$(Q)tests/install-deps.sh

demo: deps
	$(Q)$(MAKE) --no-print-directory all $(OUTPUT)/demo
	$(Q)./$(OUTPUT)/vmtrace -- ./$(OUTPUT)/demo

unit-test: $(OUTPUT)/unit-tests
	$(Q)./$(OUTPUT)/unit-tests

itest: all man $(OUTPUT)/itest $(OUTPUT)/vmwork $(OUTPUT)/vmwork-stripped
	$(Q)VMTRACE=$(OUTPUT)/vmtrace VMWORK=$(OUTPUT)/vmwork ./$(OUTPUT)/itest

test: deps
	$(Q)tests/run-all.sh

# vmtrace's per-VMA rows on programs from Debian's packages against a per-fault
# oracle recorded by perf in the same run (tests/real/README.md). Root.
realtest: all
	$(Q)tests/real/run.sh

# record and check on programs from Debian's packages: unchanged, every check
# passes; with a real regression, it fails naming the region (tests/realci). Root.
realcitest: all
	$(Q)tests/realci/run.sh

# The integration suite under Debian's 6.1 kernel in qemu, once per backend.
vmtest: deps
	$(Q)tests/vm/vmtest.sh

# The suites about rows, processes and workloads under Debian's 6.1 PREEMPT_RT
# kernel in qemu (fentry): BPF programs are preemptible there (docs/kernels.md).
vmtest-rt: deps
	$(Q)VMTRACE_KERNEL_FLAVOUR=rt-amd64 VMTEST_BACKENDS=fentry \
		VMTEST_SKIP="parser attach errors backends insight ci names hostile cli" \
		tests/vm/vmtest.sh

# Man pages: docs/man/*.md, one per page, rendered by pandoc (Debian's).
MAN_SRCS := $(wildcard docs/man/*.md)
MAN_PAGES := $(patsubst docs/man/%.md,$(OUTPUT)/man/%,$(MAN_SRCS))
man: $(MAN_PAGES)

$(OUTPUT)/man/%: docs/man/%.md
	$(call msg,MAN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)pandoc --standalone --from markdown --to man $< -o $@

# make install [PREFIX=/usr/local] [DESTDIR=staging]: the binary, the man
# pages and the bash completion.
PREFIX ?= /usr/local
BINDIR := $(DESTDIR)$(PREFIX)/sbin
MAN8DIR := $(DESTDIR)$(PREFIX)/share/man/man8
COMPDIR := $(DESTDIR)$(PREFIX)/share/bash-completion/completions
install: all man
	$(call msg,INSTALL,$(DESTDIR)$(PREFIX))
	$(Q)install -d $(BINDIR) $(MAN8DIR) $(COMPDIR)
	$(Q)install -m 0755 $(OUTPUT)/vmtrace $(BINDIR)/vmtrace
	$(Q)install -m 0644 $(MAN_PAGES) $(MAN8DIR)/
	$(Q)install -m 0644 completion/vmtrace.bash $(COMPDIR)/vmtrace

help:
	@echo 'make             build .output/vmtrace (V=1 shows commands, STATIC=1, SANITIZE=1)'
	@echo 'make demo        install what is missing, build, trace examples/demo.c'
	@echo 'make install     binary, man pages, bash completion (PREFIX=/usr/local, DESTDIR=)'
	@echo 'make man         the man pages in .output/man (pandoc)'
	@echo 'make test        every test tier (root); ends with "N passed, N failed"'
	@echo 'make unit-test   unit tests (no root)'
	@echo 'make itest       integration tests on this kernel (root)'
	@echo 'make realtest    Debian programs against perf (root)'
	@echo 'make realcitest  CI mode on Debian programs: no false failures, regressions caught'
	@echo 'make vmtest      the integration suite in qemu, Debian 6.1 kernel'
	@echo 'make vmtest-rt   rows, processes, workloads in qemu, Debian 6.1 PREEMPT_RT'
	@echo 'make fuzz        the baseline reader, JSON writer and reports under libFuzzer'
	@echo 'make bench       vmtrace against perf and bpftrace; make vmbench in qemu'
	@echo 'make ci-example  examples/ci: record, check, a regression caught'
	@echo 'make vmlinux     regenerate vmlinux/$(ARCH)/vmlinux.h from this kernel'
	@echo 'make clean       remove .output'

vmlinux:
	$(call msg,GEN,$(VMLINUX))
	$(Q)$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $(VMLINUX)

clean:
	$(call msg,CLEAN)
	$(Q)rm -rf $(OUTPUT)

-include $(wildcard $(OUTPUT)/obj/*.d $(OUTPUT)/obj/*/*.d)
