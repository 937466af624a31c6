#!/bin/sh
# The benchmark inside the 6.1 guest (busybox sh, as /vmt/run-tests.sh; see
# tests/bench/vmbench.sh). No Python here: one BENCH line per run, in run
# order (untraced between traced runs), for bench.py --from-log on the host.
# vmbench.sh sets ROUNDS, WORKLOADS ("name=N ...") and MODES on line 2.
# Peers (perf, bpftrace) are not in the guest: the initramfs holds static
# programs only.
echo "BENCH-KERNEL $(uname -r)"
dd if=/dev/zero of=/tmp/disk.img bs=1M count=160 2>/dev/null &&
	losetup /dev/loop0 /tmp/disk.img && mke2fs -q /dev/loop0 &&
	mkdir -p /mnt/disk && mount -t ext4 /dev/loop0 /mnt/disk &&
	export FAULTBENCH_DIR=/mnt/disk ||
	echo "vmbench: no loop ext4 filesystem; file workloads run on tmpfs"
fb=/vmt/faultbench vmt=/vmt/vmtrace
backends=$($vmt --features | sed -n '/^backends/,/^$/p' | awk '$2 == "works" { print $1 }')
# a tool's "name=why" when it cannot run, reported once
for b in fentry kprobe tracepoint; do
	case " $(echo $backends) " in
	*" $b "*) ;;
	*) echo "BENCH-SKIP tool=vmtrace:$b:default why=skipped (backend does not work here)" ;;
	esac
done
for peer in "perf stat" "perf trace --pf=all" "perf record -c 1" bpftrace; do
	echo "BENCH-SKIP tool=$(echo "$peer" | tr ' ' '_') why=skipped (not in the guest: static programs only)"
done

num() { sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p" "$2" | head -n1; }

# one traced run: the workload's line plus what vmtrace counted
vmtrace_run() { # backend mode flags w n round
	out=$($vmt -v --backend "$1" $3 -j -o /tmp/bench.json -- $fb "$4" "$5" 2>/tmp/bench.err) || {
		echo "vmbench: vmtrace $1 $2 failed: $(tail -n1 /tmp/bench.err)"
		return
	}
	counted=$(($(num minor /tmp/bench.json) + $(num major /tmp/bench.json)))
	kernel=$(($(num minflt /tmp/bench.json) + $(num majflt /tmp/bench.json)))
	attach=$(sed -n 's/.*attached in \([0-9]*\) ms.*/\1/p' /tmp/bench.err)
	rss=$(sed -n 's/.*peak RSS \([0-9]*\) KiB.*/\1/p' /tmp/bench.err)
	echo "BENCH w=$4 n=$5 round=$6 tool=vmtrace:$1:$2 $out counted=$counted kernel=$kernel attach_ms=$attach rss_kib=$rss"
}

for wn in $WORKLOADS; do
	w=${wn%=*} n=${wn#*=}
	r=1
	while [ $r -le "$ROUNDS" ]; do
		echo "BENCH w=$w n=$n round=$r tool=untraced $($fb "$w" "$n")"
		for b in $backends; do
			for mode in $MODES; do
				flags=
				[ "$mode" = default ] || flags=$mode
				vmtrace_run "$b" "$mode" "$flags" "$w" "$n" "$r"
				echo "BENCH w=$w n=$n round=$r tool=untraced $($fb "$w" "$n")"
			done
		done
		r=$((r + 1))
	done
done
exit 0
