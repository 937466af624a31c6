#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The real-program CI tier: vmtrace record and check on programs from Debian's
# packages, as a team would leave them on in its CI. For each program: a
# baseline of REALCI_RUNS runs (default 5), then REALCI_CHECKS checks of the
# unchanged program (default 10), each of which must pass; then the program
# with a real regression, which must fail and name the region that grew.
# Prints one line per program and a Check-style summary ("100%: Checks: N,
# Failures: F, Errors: 0") that tests/run-all.sh counts. Needs root.
#   VMTRACE=path/to/vmtrace (default .output/vmtrace, built if missing)
#   REALCI_KEEP=1 keeps the work directory (each check's output is there)
# The verdicts are read from stdout and stderr together: where the table goes
# is not what this tier tests.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
top=$PWD
vmtrace=$(realpath "${VMTRACE:-.output/vmtrace}")
runs=${REALCI_RUNS:-5}
checks=${REALCI_CHECKS:-10}
total=0
failures=0
errors=0

summary() {
	local good=$((total - failures - errors)) pct=0
	[ "$total" -gt 0 ] && pct=$((100 * good / total))
	echo "$pct%: Checks: $total, Failures: $failures, Errors: $errors"
}

error() {
	echo "realci: $*"
	errors=$((errors + 1))
	total=$((total + 1))
}

setup_error() {
	error "$@"
	summary
	exit 1
}

[ "$(id -u)" -eq 0 ] || setup_error "needs root (vmtrace loads BPF programs)"
need=()
for p in python3 gcc git; do
	dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
	echo "realci: installing ${need[*]}"
	{ apt-get update -q && apt-get install -y -q "${need[@]}"; } >/dev/null 2>&1 ||
		echo "realci: could not install ${need[*]}: their programs are left out"
fi
[ -x "$vmtrace" ] || { make -s all >/dev/null && vmtrace=$top/.output/vmtrace; } ||
	setup_error "make all failed"
work=$(mktemp -d /tmp/vmtrace-realci.XXXXXX) || setup_error "mktemp failed"
[ "${REALCI_KEEP:-0}" = 1 ] && echo "realci: work directory $work" ||
	trap 'rm -rf "$work"' EXIT
cd "$work" || setup_error "cannot enter $work"

# The inputs: a version manager's kind of python3 (a script that execs the
# interpreter; the shell and the interpreter are both "python3"), two C
# files, a git repository whose files are older than its index (none is
# racily clean, so no status rewrites it).
make_inputs() {
	printf '#!/bin/sh\nexec /usr/bin/python3 "$@"\n' >python3 && chmod +x python3 &&
	printf '#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n' >hello.c &&
	printf 'int twice(int x) { return 2 * x; }\n' >hello2.c &&
	mkdir repo && git -C repo init -q && for i in $(seq 1 50); do
		echo "line $i" >"repo/file$i.txt"
	done && touch -d 2020-01-01 repo/*.txt && git -C repo add . &&
	git -C repo -c user.name=ci -c user.email=ci@example.com commit -qm files &&
	git -C repo status >/dev/null
}

# record NAME COMMAND...: the baseline NAME.json
record() {
	local name=$1
	shift
	"$vmtrace" record -o "$name.json" -r "$runs" -- "$@" >"$name.record.log" 2>&1 && return
	error "$name: record failed: $(tail -n 3 "$name.record.log")"
	return 1
}

# check NAME LOG COMMAND...: vmtrace check's exit code, its output in LOG; -w:
# whole row names (the table is cut to 100 columns), which the patterns match
check() {
	local name=$1 log=$2
	shift 2
	"$vmtrace" check -w --baseline "$name.json" -- "$@" >"$log" 2>&1
}

# unchanged NAME COMMAND...: every one of $checks checks must pass
unchanged() {
	local name=$1 start=$SECONDS bad=0 code
	shift
	for i in $(seq 1 "$checks"); do
		check "$name" "$name.check$i.log" "$@"
		code=$?
		total=$((total + 1))
		case $code in
		0) ;;
		1) bad=$((bad + 1))
		   failures=$((failures + 1))
		   grep -E 'REGRESSION|FAIL' "$name.check$i.log" | sed "s/^/realci: $name: /" ;;
		*) errors=$((errors + 1))
		   echo "realci: $name: check $i exited $code: $(tail -n 2 "$name.check$i.log")" ;;
		esac
	done
	echo "realci: $name: $bad of $checks checks of the unchanged program failed" \
	     "($((SECONDS - start)) s)"
}

# regressed NAME WHAT PATTERN COMMAND...: the check must fail (exit 1) with a
# REGRESSION line matching PATTERN (an extended regex: the region)
regressed() {
	local name=$1 what=$2 pattern=$3 log="$1.regressed.$RANDOM.log" code
	shift 3
	check "$name" "$log" "$@"
	code=$?
	total=$((total + 1))
	if [ "$code" -eq 1 ] && grep -E 'REGRESSION' "$log" | grep -qE "$pattern"; then
		echo "realci: $name, $what: fails, naming" \
		     "$(grep -E 'REGRESSION' "$log" | grep -E "$pattern" | head -n 1 |
			awk '{ print $1, $2, $3, $4 }')"
		return
	fi
	failures=$((failures + 1))
	echo "realci: $name, $what: check exited $code, wanted 1 and a REGRESSION line" \
	     "matching '$pattern':"
	sed 's/^/realci:   /' "$log" | head -n 20
}

py='import json, email.parser'
big="$py; b = b'x' * (50 << 20)"
started=$SECONDS
make_inputs || setup_error "could not make the inputs in $work"
if [ -x /usr/bin/python3 ]; then
	record python3 /usr/bin/python3 -c "$py" && {
		unchanged python3 /usr/bin/python3 -c "$py"
		regressed python3 "50 MiB more" '^python3 +\[anon\] rw-p' /usr/bin/python3 -c "$big"
		regressed python3 "a C extension imported" 'libcrypto\.so' \
			/usr/bin/python3 -c "$py, _ssl"
	}
	record shim ./python3 -c "$py" && {
		unchanged shim ./python3 -c "$py"
		regressed shim "50 MiB more" '^python3 +\[anon\] rw-p' ./python3 -c "$big"
	}
else
	echo "realci: no /usr/bin/python3: its programs are left out"
fi
if command -v gcc >/dev/null; then
	record gcc gcc -O2 -c hello.c && {
		unchanged gcc gcc -O2 -c hello.c
		regressed gcc "twice the children" '^(cc1|as) ' gcc -O2 -c hello.c hello2.c
	}
else
	echo "realci: no gcc: gcc -O2 -c hello.c is left out"
fi
if command -v git >/dev/null; then
	record git git -C repo status && unchanged git git -C repo status
else
	echo "realci: no git: git status is left out"
fi
echo "realci: $runs runs per baseline, $checks checks per program, $((SECONDS - started)) s"
summary
[ "$failures" -eq 0 ] && [ "$errors" -eq 0 ]
