#!/usr/bin/env bash
# Usage: tests/vm/mkinitramfs.sh [-K KERNEL_ROOT -M MODULE]... OUT.cpio.gz FILE...
#
# Builds a gzipped newc initramfs: busybox-static with its applet links, the FILEs
# (static executables, sh scripts, data; directories are copied whole) in /vmt/,
# and an /init that mounts proc, sysfs, devtmpfs, tracefs, debugfs, bpffs, cgroup2
# and a /tmp tmpfs, runs `sh /vmt/run-tests.sh` from /tmp, prints
# "VMTEST-EXIT: <status>" (on the console and on /dev/ttyS1, see run.sh) and powers off.
# One of the FILEs must be named run-tests.sh.
#
#   -K DIR     unpacked kernel package (fetch-kernel.sh's CACHE/linux-<release>)
#   -M NAME    kernel module to load at boot, with its dependencies (needs -K and
#              kmod), e.g. -M loop -M ext4 for a real page-cache filesystem, -M zram
#              for swap.  Debian builds these as modules, and the initramfs root is
#              a tmpfs (shmem), so without them there are no filemap/swap faults.
#
# Kernel command line knobs read by /init: vmtest.timeout=SECS (kill the tests after
# SECS, status 124); vmtest.shell=1 (a console shell after the tests: manual runs).
# Needs: busybox-static, cpio, gzip, binutils (readelf), kmod (only for -M).
# (Pipelines end in `grep >/dev/null`, not `grep -q`: with pipefail, -q can make
# the writer die of SIGPIPE and the test fail.)
set -euo pipefail

die() { echo "mkinitramfs: $*" >&2; exit 1; }
kroot='' modules=()
while getopts K:M: opt; do
	case $opt in
	K) kroot=$OPTARG ;;
	M) modules+=("$OPTARG") ;;
	*) die "usage: $0 [-K KERNEL_ROOT -M MODULE]... OUT.cpio.gz FILE..." ;;
	esac
done
shift $((OPTIND - 1))
(($# >= 2)) || die "usage: $0 [-K KERNEL_ROOT -M MODULE]... OUT.cpio.gz FILE..."
out=$1
shift

bb=/bin/busybox
[[ -x $bb ]] || die "$bb missing (apt-get install busybox-static)"
# The non-static "busybox" package also installs /bin/busybox: it would not run here.
if readelf -l "$bb" | grep 'program interpreter' >/dev/null; then
	die "$bb is dynamically linked (install busybox-static instead of busybox)"
fi

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,run,root,vmt,lib/modules}
cp "$bb" "$stage/bin/busybox"
# The applet links (bin/sh, sbin/poweroff, ...) are made by /init with
# `busybox --install -s`: 400 `ln -s` here would cost a second per build.
# Enough for getpwuid()/id and for programs that print user names.
echo 'root:x:0:0:root:/root:/bin/sh' >"$stage/etc/passwd"
echo 'root:x:0:' >"$stage/etc/group"

have_runner=0
for f in "$@"; do
	[[ -e $f ]] || die "no such file: $f"
	# A dynamically linked program fails in the VM with a baffling "not found": there
	# is no libc there.  Say so now.
	if [[ -f $f ]] && readelf -l "$f" 2>/dev/null | grep 'program interpreter' >/dev/null; then
		die "$f is dynamically linked; build it with -static (no shared libraries in the VM)"
	fi
	[[ ${f##*/} == run-tests.sh ]] && have_runner=1
	cp -RL "$f" "$stage/vmt/"
done
((have_runner)) || die "no run-tests.sh among the files (it is what /init runs)"

# Modules: copy each one's dependency closure, in load order, and list it for /init.
: >"$stage/vmt/.modules"
if ((${#modules[@]})); then
	[[ -n $kroot ]] || die "-M needs -K KERNEL_ROOT"
	PATH=$PATH:/usr/sbin:/sbin
	command -v modprobe >/dev/null || die "modprobe missing (apt-get install kmod)"
	rel=$(basename "$(find "$kroot/lib/modules" -mindepth 1 -maxdepth 1 -type d | head -n1)")
	[[ -f $kroot/lib/modules/$rel/modules.dep ]] || depmod -b "$kroot" "$rel"
	for m in "${modules[@]}"; do
		modprobe -d "$kroot" -S "$rel" --show-depends "$m" ||
			die "module $m not found in $kroot"
	done | awk '$1 == "insmod" && !seen[$2]++ { print $2 }' | while read -r ko; do
		cp "$ko" "$stage/lib/modules/"
		echo "/lib/modules/${ko##*/}" >>"$stage/vmt/.modules"
	done
fi

cat >"$stage/init" <<'EOF'
#!/bin/busybox sh
# PID 1 of the test VM (written by tests/vm/mkinitramfs.sh).
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root TERM=dumb
/bin/busybox mount -t proc proc /proc # --install -s needs /proc/self/exe
/bin/busybox --install -s
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
# Boot ran with loglevel=4 (errors only: TCG makes the kernel warn about clocks and
# MTRRs); from now on show warnings too, so a WARN() hit by a test is seen live.
dmesg -n 5
mount -t sysfs sysfs /sys
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t tmpfs tmpfs /run
# tracefs: tp/... programs resolve tracepoint ids there; debugfs for the old path
# /sys/kernel/debug/tracing; bpffs for pinning; cgroup2 for cgroup-scoped tests.
mount -t tracefs tracefs /sys/kernel/tracing
mount -t debugfs debugfs /sys/kernel/debug
mount -t bpf bpf /sys/fs/bpf
mount -t cgroup2 cgroup2 /sys/fs/cgroup
# 6.1 charges BPF memory to memcg, but tools built against old libbpf still check
# RLIMIT_MEMLOCK: lift it.
ulimit -l unlimited
while read -r ko; do
	insmod "$ko" || echo "vmtest: insmod $ko failed"
done </vmt/.modules

timeout=0 shell=0
for arg in $(cat /proc/cmdline); do
	case $arg in
	vmtest.timeout=*) timeout=${arg#*=} ;;
	vmtest.shell=*) shell=${arg#*=} ;;
	esac
done

cd /tmp
if [ "$timeout" -gt 0 ]; then
	# -s KILL: a test stuck in the kernel or ignoring TERM must not eat the outer budget.
	t0=$(date +%s)
	timeout -s KILL "$timeout" sh /vmt/run-tests.sh
	rc=$?
	# 137 is also what an OOM kill gives: call it a timeout only if the time is up.
	if [ $rc -eq 137 ] && [ $(($(date +%s) - t0)) -ge "$timeout" ]; then
		echo "vmtest: run-tests.sh killed after ${timeout}s (vmtest.timeout)"
		rc=124
	fi
else
	sh /vmt/run-tests.sh
	rc=$?
fi
[ "$shell" = 1 ] && setsid cttyhack sh
# Console marker for humans and logs; ttyS1 is run.sh's clean status channel (no
# kernel messages can interleave there).
echo "VMTEST-EXIT: $rc"
echo "VMTEST-EXIT: $rc" >/dev/ttyS1 2>/dev/null
sync
poweroff -f
EOF
chmod 755 "$stage/init"

# root-owned entries; sorted list for a stable archive.
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
	cpio --quiet -o -H newc -R 0:0) | gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
