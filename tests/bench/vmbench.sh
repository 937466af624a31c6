#!/usr/bin/env bash
# The benchmark under Debian's 6.1 kernel in qemu (tests/vm/): every backend
# that kernel has (fentry, kprobe, tracepoint), in each mode, against
# untraced runs of the same workloads. TCG emulates the CPU, so the figures
# say what the backends cost relative to each other, not what a fault costs.
# Prints bench.py's tables. Settable:
#   ROUNDS (3), VMBENCH_WORKLOADS ("anon=5000 cow=2000 major=1000 vmas=2000"),
#   VMBENCH_MODES ("default --full"), VMBENCH_TIMEOUT (seconds, 1500)
set -euo pipefail
cd "$(dirname "$0")/../.."
out=.output/static
make -s STATIC=1 OUTPUT=$out $out/vmtrace
mkdir -p $out
cc -O2 -g -static tests/bench/faultbench.c -o $out/faultbench
guest=$(mktemp -d)
trap 'rm -rf "$guest"' EXIT
sed "1a ROUNDS=${ROUNDS:-3} WORKLOADS='${VMBENCH_WORKLOADS:-anon=5000 cow=2000 major=1000 vmas=2000}' MODES='${VMBENCH_MODES:-default --full}'" \
	tests/bench/vm-guest.sh >"$guest/run-tests.sh"
# one vCPU: see tests/vm/vmtest.sh (two let TCG livelock while patching kprobes)
tests/vm/run.sh -t "${VMBENCH_TIMEOUT:-1500}" -s 1 -M loop -M ext4 -l "$guest/log" -- \
	$out/vmtrace $out/faultbench "$guest/run-tests.sh" >/dev/null
tests/bench/bench.py --from-log "$guest/log"
