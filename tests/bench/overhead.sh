#!/usr/bin/env bash
# Overhead of vmtrace on a fault-heavy workload: untraced and traced runs
# alternate (A B A B ...) so the machine's drift cancels; prints the median
# cost per fault of each, the ratio and the added nanoseconds, plus whether
# vmtrace counted every fault. Figures, not a pass/fail test.
# Usage: tests/bench/overhead.sh [ROUNDS] [PAGES]
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-11}
pages=${2:-100000}
make -s all .output/faultbench
vmtrace=.output/vmtrace
bench=.output/faultbench
json=$(mktemp)
trap 'rm -f "$json"' EXIT

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
field() { sed -E "s/.*$1=([0-9.]+).*/\1/"; }

base=() traced=() lost=0
for ((i = 0; i < rounds; i++)); do
	base+=("$($bench "$pages" | field ns_per_fault)")
	out=$($vmtrace -j -o "$json" -- $bench "$pages" 2>/dev/null)
	traced+=("$(field ns_per_fault <<<"$out")")
	# every fault of the run must be counted: traced totals == kernel counters
	lost=$((lost + $(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]));
k=d["kernel"]; t=d["totals"]; print(abs(k["minflt"]+k["majflt"]-t["minor"]-t["major"]))' "$json")))
done
b=$(printf '%s\n' "${base[@]}" | median)
t=$(printf '%s\n' "${traced[@]}" | median)
printf 'workload        anonymous write faults, %d pages x %d paired rounds\n' "$pages" "$rounds"
printf 'kernel          %s\n' "$(uname -r)"
printf 'untraced        %.1f ns/fault (median)\n' "$b"
printf 'vmtrace         %.1f ns/fault (median)\n' "$t"
printf 'ratio           x%.3f\n' "$(echo "$t / $b" | bc -l)"
printf 'added           %.1f ns/fault\n' "$(echo "$t - $b" | bc -l)"
printf 'lost counts     %d (traced totals vs the kernel counters, all rounds)\n' "$lost"
