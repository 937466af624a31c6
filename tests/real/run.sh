#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The real-programs tier (tests/real/README.md): vmtrace's per-VMA rows on
# programs from Debian's packages, against a per-fault oracle from perf record
# in the same run. Needs root. Installs what is missing (Debian packages),
# builds vmtrace, prints one line per check and a Check-style summary; exits 1
# if any check failed. Arguments go to run.py (--keep, --only NAME, --work DIR).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1

fail() {
	echo "real: $*"
	echo "0%: Checks: 1, Failures: 0, Errors: 1"
	exit 1
}

[ "$(id -u)" -eq 0 ] || fail "needs root (perf record of tracepoints, vmtrace)"

need=()
for p in linux-perf python3 gcc git xz-utils make postgresql; do
	dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
	echo "real: installing ${need[*]}"
	{ apt-get update -q && apt-get install -y -q "${need[@]}"; } >/dev/null 2>&1 ||
		fail "could not install ${need[*]}"
fi
command -v perf >/dev/null || fail "perf not found after installing linux-perf"
if [ ! -d /sys/kernel/tracing/events ] && [ ! -d /sys/kernel/debug/tracing/events ]; then
	mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null ||
		fail "no tracefs (mount -t tracefs nodev /sys/kernel/tracing failed)"
fi
[ -n "${VMTRACE:-}" ] || { make -s all >/dev/null || fail "make all failed"; }

exec /usr/bin/python3 tests/real/run.py --vmtrace "${VMTRACE:-.output/vmtrace}" "$@"
