#!/usr/bin/env bash
# The second kernel: builds static vmtrace, itest and vmwork, boots Debian's
# stock 6.1 kernel in qemu with them and runs the integration suite there.
# Prints the suite's Check summary (read by tests/run-all.sh); exits with its status.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=.output/static
make -s STATIC=1 OUTPUT=$out $out/vmtrace
make -s $out/itest $out/vmwork OUTPUT=$out
guest=$(mktemp -d)
trap 'rm -rf "$guest"' EXIT
cp tests/vm/guest-tests.sh "$guest/run-tests.sh"
tests/vm/run.sh -t "${VMTEST_TIMEOUT:-900}" -M loop -M ext4 -- \
	$out/vmtrace $out/itest $out/vmwork tests/integration/sample.json \
	"$guest/run-tests.sh"
