#!/usr/bin/env bash
# The second kernel: builds static vmtrace, itest and vmwork, boots Debian's
# stock 6.1 kernel in qemu with them and runs the integration suite there,
# once per backend. Prints the suite's Check summaries (read by
# tests/run-all.sh); exits with its status.
#   VMTEST_BACKENDS  the backends to run (default: fentry kprobe tracepoint)
#   VMTEST_SMP       guest CPUs (default 1: with two, TCG let a vCPU run kernel
#                    text that the other was patching for kprobes and static
#                    keys, and the guest livelocked; one vCPU cannot race)
#   VMTEST_TIMEOUT   seconds for the whole guest run (default 1500)
#   VMTEST_SKIP      suites every backend leaves out (ITEST_SKIP's names)
#   VMTRACE_KERNEL_FLAVOUR=rt-amd64  boot the PREEMPT_RT build (fetch-kernel.sh)
set -euo pipefail
cd "$(dirname "$0")/../.."
out=.output/static
make -s STATIC=1 OUTPUT=$out $out/vmtrace
make -s $out/itest $out/vmwork $out/vmwork-stripped OUTPUT=$out
guest=$(mktemp -d)
trap 'rm -rf "$guest"' EXIT
sed "1a VMTEST_BACKENDS='${VMTEST_BACKENDS:-fentry kprobe tracepoint}' VMTEST_SKIP='${VMTEST_SKIP:-}'" \
	tests/vm/guest-tests.sh > "$guest/run-tests.sh"
tests/vm/run.sh -t "${VMTEST_TIMEOUT:-1500}" -s "${VMTEST_SMP:-1}" -M loop -M ext4 -- \
	$out/vmtrace $out/itest $out/vmwork $out/vmwork-stripped tests/integration/sample.json \
	"$guest/run-tests.sh"
