#!/usr/bin/env bash
# Runs every test tier and ends with one summary line, "N passed, N failed":
#   unit         no root, no kernel (Check)
#   integration  root, this machine's kernel: vmtrace against known workloads
#   vm           the integration suite again under Debian's 6.1 kernel in qemu
# Each tier runs even if an earlier one failed; the exit code is 1 if any did.
# Set VMTRACE_SKIP_VM=1 to leave out the qemu tier (it is never skipped in CI).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# Adds the counts from a Check summary ("100%: Checks: 9, Failures: 0, Errors: 0").
count_check() {
	local line checks bad
	line=$(grep -E '^[0-9]+%: Checks: [0-9]+' "$log" | tail -1)
	if [ -z "$line" ]; then
		echo "run-all: $1 printed no Check summary: counted as one failure" >&2
		failed=$((failed + 1))
		return
	fi
	checks=$(sed -E 's/.*Checks: ([0-9]+).*/\1/' <<<"$line")
	bad=$(sed -E 's/.*Failures: ([0-9]+), Errors: ([0-9]+).*/\1+\2/' <<<"$line")
	bad=$((bad))
	passed=$((passed + checks - bad))
	failed=$((failed + bad))
}

tier() {
	local name=$1
	shift
	echo "=== $name"
	"$@" 2>&1 | tee "$log"
	count_check "$name"
}

make -s all .output/unit-tests .output/itest .output/vmwork || {
	echo "run-all: build failed"
	echo "0 passed, 1 failed"
	exit 1
}
tier unit ./.output/unit-tests
tier integration env VMTRACE=.output/vmtrace VMWORK=.output/vmwork ./.output/itest
if [ "${VMTRACE_SKIP_VM:-0}" != 1 ] && [ -x tests/vm/vmtest.sh ]; then
	tier vm tests/vm/vmtest.sh
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
