#!/usr/bin/env bash
# Overhead of vmtrace on fault-heavy workloads: untraced and traced runs
# alternate (A B A B ...) so the machine's drift cancels; prints, per
# workload, the median cost per fault of each, the ratio, the added
# nanoseconds, and whether vmtrace counted every fault (traced totals vs the
# kernel's counters). Figures, not a pass/fail test.
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
# |traced minor+major - kernel minflt+majflt| of the last traced run
lost() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); k=d["kernel"]; t=d["totals"]
print(abs(k["minflt"]+k["majflt"]-t["minor"]-t["major"]))' "$json"
}

# run_workload NAME ARGS...: one table row
run_workload() {
	local name=$1 base=() traced=() miss=0 b t out
	shift
	for ((i = 0; i < rounds; i++)); do
		base+=("$($bench "$@" | field ns_per_fault)")
		out=$($vmtrace -j -o "$json" -- $bench "$@" 2>/dev/null)
		traced+=("$(field ns_per_fault <<<"$out")")
		miss=$((miss + $(lost)))
	done
	b=$(printf '%s\n' "${base[@]}" | median)
	t=$(printf '%s\n' "${traced[@]}" | median)
	printf '%-34s %10.1f %10.1f %8.3f %10.1f %6d\n' "$name" "$b" "$t" \
		"$(echo "$t / $b" | bc -l)" "$(echo "$t - $b" | bc -l)" "$miss"
}

printf 'kernel %s, backend %s, %d paired rounds, medians\n' "$(uname -r)" \
	"$($vmtrace --features -j | python3 -c 'import json,sys; print(json.load(sys.stdin)["auto"])')" \
	"$rounds"
printf '%-34s %10s %10s %8s %10s %6s\n' workload "untraced" "vmtrace" ratio \
	"added ns" lost
run_workload "anonymous writes, one VMA ($pages)" "$pages"
run_workload "anonymous writes, 10,000 VMAs" vmas 10000
