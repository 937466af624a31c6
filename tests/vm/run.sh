#!/usr/bin/env bash
# Usage: tests/vm/run.sh [options] -- FILE...
#
# Runs FILE... (static executables, scripts; one must be run-tests.sh) under Debian's
# stock 6.1 kernel in qemu (TCG software emulation: -enable-kvm hangs on our machines),
# streams the serial console to stdout and exits with run-tests.sh's exit status.
# See tests/vm/mkinitramfs.sh for what the guest looks like.
#
#   -t, --timeout SECS  time allowed to run-tests.sh in the guest (default 600); the
#                       whole VM is killed SECS+90 s after start (boot, hang, panic)
#   -m, --mem SIZE      guest RAM (default 2G)
#   -s, --smp N         guest CPUs (default 2)
#   -k, --kernel FILE   vmlinuz to boot (default: tests/vm/fetch-kernel.sh, cached)
#   -M, --module NAME   load kernel module NAME and its deps at boot (repeatable)
#   -a, --append ARGS   more kernel command line (e.g. transparent_hugepage=madvise)
#   -l, --log FILE      also write the console log (CR-free) to FILE
#       --shell         manual debugging: a shell on the console after the tests
#       --deps          print the Debian packages these scripts need, and exit
#
# Exit status: run-tests.sh's status; 124 if the VM timed out; 125 if it died
# without reporting one (kernel panic, qemu error).
# Environment: VMTRACE_CACHE (kernel cache dir), VMTRACE_KERNEL (pin a release).
set -euo pipefail

# Debian packages needed by run.sh, fetch-kernel.sh and mkinitramfs.sh (CI installs
# these), besides the always-there apt, dpkg, coreutils, sed, grep, gzip, mawk.
DEPS="qemu-system-x86 busybox-static cpio kmod binutils"

here=$(cd "$(dirname "$0")" && pwd)
die() { echo "vm: $*" >&2; exit 125; }

timeout=600 mem=2G smp=2 kernel='' append='' log='' shell=0 modules=()
while (($#)); do
	case $1 in
	-t | --timeout) timeout=$2; shift 2 ;;
	-m | --mem) mem=$2; shift 2 ;;
	-s | --smp) smp=$2; shift 2 ;;
	-k | --kernel) kernel=$2; shift 2 ;;
	-M | --module) modules+=(-M "$2"); shift 2 ;;
	-a | --append) append="$append $2"; shift 2 ;;
	-l | --log) log=$2; shift 2 ;;
	--shell) shell=1; shift ;;
	--deps) echo "$DEPS"; exit 0 ;;
	--) shift; break ;;
	*) die "unknown option $1 (usage: $0 [options] -- FILE...)" ;;
	esac
done
(($#)) || die "no files given (usage: $0 [options] -- FILE...)"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 missing (apt-get install qemu-system-x86)"

[[ -n $kernel ]] || kernel=$("$here/fetch-kernel.sh")
[[ -f $kernel ]] || die "no kernel at $kernel"

work=$(mktemp -d "${TMPDIR:-/tmp}/vmtrace-vm.XXXXXX")
trap 'rm -rf "$work"' EXIT
: "${log:=$work/console.log}"
"$here/mkinitramfs.sh" -K "$(dirname "$(dirname "$kernel")")" "${modules[@]}" \
	"$work/initrd.gz" "$@"

# Console: ttyS0 -> our stdout.  ttyS1 -> a file that only /init writes the
# VMTEST-EXIT line to, so kernel messages can never garble the status.
# quiet + loglevel=4 keeps boot quiet (errors only); /init then lets warnings through.
# panic=-1 + -no-reboot: a panic reboots at once and qemu exits instead of hanging;
# oops=panic turns an oops (kernel bug hit by a test) into that too.
# mitigations=off: nothing to protect in a throw-away VM, and it boots faster under TCG.
cmdline="console=ttyS0 quiet loglevel=4 panic=-1 oops=panic mitigations=off vmtest.timeout=$timeout"
console=stdio
if [[ $shell == 1 ]]; then
	cmdline+=" vmtest.shell=1"
	console=mon:stdio # a terminal for the shell (Ctrl-A X quits qemu)
fi
qemu=(qemu-system-x86_64 -accel tcg -cpu max -m "$mem" -smp "$smp"
	-nodefaults -no-user-config -display none -no-reboot
	-kernel "$kernel" -initrd "$work/initrd.gz" -append "$cmdline$append"
	-serial "$console" -serial "file:$work/status")
start=$SECONDS
if [[ $shell == 1 ]]; then
	"${qemu[@]}" # interactive: no timeout, no status
	exit
fi
# stdin </dev/null: qemu then leaves the terminal alone (no raw mode) and works
# without a tty (CI).  --foreground keeps qemu in our process group, so Ctrl-C
# reaches it.  sed -u drops the serial line's CRs without buffering the stream.
set +e
timeout --foreground -k 10 $((timeout + 90)) "${qemu[@]}" </dev/null 2>&1 |
	sed -u 's/\r//g' | tee "$log"
qstatus=${PIPESTATUS[0]}
set -e
took=$((SECONDS - start))
# qemu's last line ("reboot: Power down") has no newline: end it before our verdict.
[[ -s $log && -n $(tail -c1 "$log") ]] && echo

# The status channel first; the console line only if ttyS1 was unusable.
marker=$(tr -d '\r' <"$work/status" 2>/dev/null | grep -o 'VMTEST-EXIT: [0-9]*' | tail -n1) || true
[[ -n $marker ]] || marker=$(grep -ao 'VMTEST-EXIT: [0-9][0-9]*' "$log" | tail -n1) || true
kver=$(basename "$kernel")
if [[ -n $marker ]]; then
	rc=${marker#VMTEST-EXIT: }
	echo "vm: tests exited with status $rc (${kver#vmlinuz-}, ${took}s)" >&2
	exit "$rc"
fi
if [[ $log == "$work/console.log" ]]; then # keep the log of a failed run
	kept=$(mktemp "${TMPDIR:-/tmp}/vmtrace-vm-XXXXXX.log") && cp "$log" "$kept" && log=$kept
fi
if [[ $qstatus == 124 || $qstatus == 137 ]]; then
	echo "vm: FAILED: no VMTEST-EXIT after ${took}s, VM killed by timeout (hang?); log: $log" >&2
	exit 124
elif grep -q 'Kernel panic' "$log"; then
	echo "vm: FAILED: kernel panic ($(grep -m1 -o 'Kernel panic.*' "$log")); log: $log" >&2
else
	echo "vm: FAILED: VM stopped without VMTEST-EXIT (qemu status $qstatus); log: $log" >&2
fi
exit 125
