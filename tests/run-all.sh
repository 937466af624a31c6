#!/usr/bin/env bash
# Runs every test tier and ends with one summary line, "N passed, N failed":
#   unit         no root, no kernel (Check)
#   layers       src/ includes point down a layer only, no cycles (check-layers.py)
#   links        the README's and docs/' links and anchors resolve (docs/check-links.py)
#   fuzz         the baseline reader, the JSON writer and the report writers under
#                libFuzzer, 100,000 inputs each from a fixed seed (VMTRACE_FUZZ_RUNS;
#                the report writers a tenth of that: each input writes whole reports)
#   integration  root, this machine's kernel: vmtrace against known workloads
#   sanitize     the integration suite (20,000 mappings in rows/reclaim, not
#                100,000; 3 checks of an unchanged workload, not 10) against vmtrace built with ASan, UBSan and
#                LeakSanitizer: any report (a leak on an exit path, a bad access) fails
#   real         root, this machine's kernel: vmtrace's per-VMA rows on programs from
#                Debian's packages against a per-fault oracle from perf (tests/real)
#   realci       root: record and check on Debian's programs (python3 directly and
#                through a script that execs it, gcc, git status): every check of
#                an unchanged program passes, real regressions fail (tests/realci)
#   vm           the integration suite again under Debian's 6.1 kernel in qemu, once
#                per backend; it runs in the background beside the tiers above
# Each tier runs even if an earlier one failed; the exit code is 1 if any did.
# Set VMTRACE_SKIP_VM=1 to leave out the qemu tier (it is never skipped in CI),
# VMTRACE_SKIP_REAL=1 the real-programs tier, VMTRACE_SKIP_REALCI=1 the
# real-program CI tier.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log" "${vm_log:-}"; [ -z "${vm_pid:-}" ] || kill "$vm_pid" 2>/dev/null' EXIT

# Adds the counts of every Check summary in the log ("100%: Checks: 9,
# Failures: 0, Errors: 0"): a tier may run a suite more than once (per backend).
count_check() {
	local lines checks bad
	lines=$(grep -E '^[0-9]+%: Checks: [0-9]+' "$log")
	if [ -z "$lines" ]; then
		echo "run-all: $1 printed no Check summary: counted as one failure" >&2
		failed=$((failed + 1))
		return
	fi
	while read -r line; do
		checks=$(sed -E 's/.*Checks: ([0-9]+).*/\1/' <<<"$line")
		bad=$(sed -E 's/.*Failures: ([0-9]+), Errors: ([0-9]+).*/\1+\2/' <<<"$line")
		bad=$((bad))
		passed=$((passed + checks - bad))
		failed=$((failed + bad))
	done <<<"$lines"
}

# Each tier's wall-clock time, so CI's 30 minutes can be budgeted.
took() { echo "--- $1: $(($SECONDS - $2)) s"; }

tier() {
	local name=$1 t0=$SECONDS
	shift
	echo "=== $name"
	"$@" 2>&1 | tee "$log"
	count_check "$name"
	took "$name" "$t0"
}

make -s all man .output/unit-tests .output/itest .output/vmwork .output/vmwork-stripped || {
	echo "run-all: build failed"
	echo "0 passed, 1 failed"
	exit 1
}
# The qemu tier runs beside the host's tiers: its guest is one emulated CPU,
# one host core, and the host's tiers mostly use the other. It is built here
# first (its make is then a no-op); its output is shown when it ends.
vm_on() { [ "${VMTRACE_SKIP_VM:-0}" != 1 ] && [ -x tests/vm/vmtest.sh ]; }
vm_log=$(mktemp)
vm_pid=
if vm_on; then
	make -s STATIC=1 OUTPUT=.output/static .output/static/vmtrace >/dev/null &&
		make -s OUTPUT=.output/static .output/static/itest .output/static/vmwork \
			.output/static/vmwork-stripped >/dev/null
	tests/vm/vmtest.sh >"$vm_log" 2>&1 &
	vm_pid=$!
fi
tier unit ./.output/unit-tests
tier layers tests/check-layers.py
# Every relative link and #anchor in the README and docs/ leads somewhere.
doc_links() {
	if python3 docs/check-links.py; then
		echo "100%: Checks: 1, Failures: 0, Errors: 0"
	else
		echo "0%: Checks: 1, Failures: 1, Errors: 0"
	fi
}
tier links doc_links
# The baseline reader, the JSON writer and the report writers under libFuzzer, a fixed number of
# inputs from a fixed seed (VMTRACE_FUZZ_RUNS; see make fuzz to explore longer):
# a crash, a leak or a refusal without a one-line reason fails the tier.
fuzz() {
	local out
	out=$(make -s fuzz FUZZ_RUNS="${VMTRACE_FUZZ_RUNS:-100000}" 2>&1)
	if [ $? -eq 0 ]; then
		grep -E '^Done [0-9]+ runs' <<<"$out"
		echo "100%: Checks: 1, Failures: 0, Errors: 0"
	else
		tail -n 30 <<<"$out"
		echo "0%: Checks: 1, Failures: 1, Errors: 0"
	fi
}
tier fuzz fuzz
tier integration env VMTRACE=.output/vmtrace VMWORK=.output/vmwork ./.output/itest
# Every sanitizer report lands in its own file; the tier fails if any appears.
sanitize() {
	local reports
	reports=$(mktemp -d)
	make -s SANITIZE=1 OUTPUT=.output/asan .output/asan/vmtrace >/dev/null || return 1
	ASAN_OPTIONS="detect_leaks=1:log_path=$reports/asan" \
	UBSAN_OPTIONS="print_stacktrace=1:log_path=$reports/ubsan" \
	ITEST_CHURN=20000 ITEST_CHECK_REPEAT=3 VMTRACE=.output/asan/vmtrace VMWORK=.output/vmwork \
		./.output/itest
	if [ -n "$(ls -A "$reports")" ]; then
		echo "sanitize: reports from vmtrace:"
		cat "$reports"/*
		rm -rf "$reports"
		return 1
	fi
	rm -rf "$reports"
}

tier_sanitize() {
	local t0=$SECONDS
	echo "=== sanitize"
	sanitize 2>&1 | tee "$log"
	local status=${PIPESTATUS[0]}
	count_check sanitize
	if [ "$status" -ne 0 ] && ! grep -q "Failures: [1-9]" "$log"; then
		failed=$((failed + 1))	# a sanitizer report, not a Check failure
	fi
	took sanitize "$t0"
}

tier_sanitize
if [ "${VMTRACE_SKIP_REAL:-0}" != 1 ]; then
	tier real env VMTRACE=.output/vmtrace tests/real/run.sh
fi
if [ "${VMTRACE_SKIP_REALCI:-0}" != 1 ]; then
	tier realci env VMTRACE=.output/vmtrace tests/realci/run.sh
fi
# PREEMPT_RT (make vmtest-rt) is not a tier: the kernel skips BPF programs
# there (docs/kernels.md), every fault of a short-lived child can go unseen,
# and a run still fails 1 or 2 checks of 48 (docs/tests.md).
if [ -n "$vm_pid" ]; then
	echo "=== vm"
	wait "$vm_pid"
	vm_status=$?
	vm_pid=
	tee "$log" <"$vm_log"
	count_check vm
	echo "--- vm: done by ${SECONDS} s after the start (it ran beside the tiers above)"
	# a guest that timed out or died printed fewer summaries, none failing
	if [ "$vm_status" -ne 0 ] && ! grep -q "Failures: [1-9]\|Errors: [1-9]" "$log"; then
		echo "run-all: the qemu tier exited with status $vm_status: counted as one failure"
		failed=$((failed + 1))
	fi
fi
rm -f "$vm_log"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
