#!/usr/bin/env bash
# Installs the Debian packages vmtrace builds and tests with, when missing.
# Used by `make demo`, `make test` and .ci/run; safe to run again.
set -euo pipefail

packages=(
	clang llvm make gcc pkg-config	# BPF and user-space compilers
	libbpf-dev bpftool		# libbpf (also libbpf.a for STATIC=1), skeletons
	libelf-dev zlib1g-dev libzstd-dev	# libbpf's own dependencies
	libjson-c-dev			# JSON reports and (later) baselines
	libdw-dev liblzma-dev libbz2-dev	# --code: elfutils' libdwfl names IPs (static: xz, bzip2)
	check				# the C unit test framework
	libclang-rt-dev			# libFuzzer and clang's sanitizers (tests/fuzz; a Recommends of clang)
	util-linux			# setpriv for the not-root test
	pandoc man-db			# man pages from docs/man/*.md, rendered by a test
	python3-jsonschema		# the JSON reports validated against docs/schema/ (itest schema)
	qemu-system-x86 busybox-static cpio kmod binutils	# the second test kernel (tests/vm/run.sh --deps)
)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages (${missing[*]}); run as root" >&2
	exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
