#!/usr/bin/env bash
# Usage: tests/vm/fetch-kernel.sh [CACHE_DIR]
#
# Puts Debian's stock 6.1 kernel (linux-image-6.1.0-<N>-amd64, newest N in the apt
# lists) into CACHE_DIR (default ${VMTRACE_CACHE:-$HOME/.cache/vmtrace}) and prints
# the path of its vmlinuz.  Nothing is installed: the .deb is unpacked with dpkg -x
# to CACHE_DIR/linux-<release>/ (boot/vmlinuz-*, boot/config-*, lib/modules/*).
# A kernel already in the cache is never downloaded again.
#
# VMTRACE_KERNEL=6.1.0-56-amd64 pins a release (reproducible CI) instead of "newest".
# VMTRACE_KERNEL_FLAVOUR=rt-amd64 takes the PREEMPT_RT build (linux-image-6.1.0-N-rt-amd64)
# instead of the stock one (amd64): BPF programs there run preemptible, under
# migrate_disable() only, which is where races between fault programs show.
# Needs: apt (apt-get download, apt-cache), dpkg; kmod (depmod) for the module index.
set -euo pipefail

flavour=${VMTRACE_KERNEL_FLAVOUR:-amd64}
[[ $flavour =~ ^(amd64|rt-amd64)$ ]] || { echo "fetch-kernel: flavour $flavour: amd64 or rt-amd64" >&2; exit 1; }
cache=${1:-${VMTRACE_CACHE:-$HOME/.cache/vmtrace}}
die() { echo "fetch-kernel: $*" >&2; exit 1; }

# Kernel releases ("6.1.0-56-amd64") that apt knows about, newest last.  The signed
# package and the -unsigned one carry the same kernel; either will do.
apt_releases() {
	apt-cache search --names-only "^linux-image-6\\.1\\.0-[0-9]+-$flavour(-unsigned)?\$" |
		sed -n "s/^linux-image-\\(6\\.1\\.0-[0-9]*-$flavour\\)[ -].*/\\1/p" | sort -uV
}
# Releases already unpacked in the cache, newest last.
cached_releases() {
	for d in "$cache"/linux-6.1.0-*-"$flavour"; do
		# linux-6.1.0-N-amd64 does not match the rt flavour's glob, but the
		# rt one (linux-6.1.0-N-rt-amd64) matches amd64's: tell them apart
		local r=${d##*/linux-}
		if [[ -d $d/boot && ${r#6.1.0-} =~ ^[0-9]+-$flavour$ ]]; then echo "$r"; fi
	done | sort -V
}
vmlinuz_of() { echo "$cache/linux-$1/boot/vmlinuz-$1"; }

release=${VMTRACE_KERNEL:-}
if [[ -z $release ]]; then
	release=$(apt_releases | tail -n1)
	# No apt lists (fresh container)?  A cached kernel is good enough; otherwise update.
	[[ -z $release ]] && release=$(cached_releases | tail -n1)
	if [[ -z $release ]]; then
		echo "fetch-kernel: no linux-image-6.1.0-*-amd64 in the apt lists, running apt-get update" >&2
		apt-get update -qq >&2 || die "apt-get update failed (needs root and network)"
		release=$(apt_releases | tail -n1)
	fi
	[[ -n $release ]] || die "no linux-image-6.1.0-*-amd64 package in the apt sources (is bookworm/bookworm-security configured?)"
fi

if [[ -f $(vmlinuz_of "$release") ]]; then
	vmlinuz_of "$release"
	exit 0
fi

mkdir -p "$cache"
# Unpack next to the final place (same filesystem: the rename below is atomic);
# download under /tmp: as root, apt-get download drops privileges to _apt, which
# must be able to reach the directory (it can't under /root/.cache) or apt warns
# "Download is performed unsandboxed as root".
tmp=$(mktemp -d "$cache/.fetch.XXXXXX")
dl=$(mktemp -d)
trap 'rm -rf "$tmp" "$dl"' EXIT
if [[ $(id -u) == 0 ]] && id _apt >/dev/null 2>&1; then chown _apt "$dl"; fi

# The signed package if apt knows it, else the -unsigned one (same kernel).
package() {
	local p
	for p in "linux-image-$release" "linux-image-$release-unsigned"; do
		apt-cache show "$p" >/dev/null 2>&1 && echo "$p" && return
	done
	return 1
}
download() { pkg=$(package) && (cd "$dl" && apt-get download -q "$pkg") >&2; }
if ! download; then
	# Stale or missing lists (the mirror dropped that .deb, or a pinned release is
	# newer than the lists): refresh once and retry.
	echo "fetch-kernel: linux-image-$release not downloadable, running apt-get update and retrying" >&2
	apt-get update -qq >&2 || true
	download || die "cannot download linux-image-$release (not in the apt sources, or no network)"
fi

dpkg -x "$dl"/linux-image-*.deb "$tmp/root"
rm -rf "$tmp/root/usr/share/doc"
[[ -f $tmp/root/boot/vmlinuz-$release ]] || die "package has no boot/vmlinuz-$release"
# The package ships no modules.dep (its postinst makes it): build it now so
# mkinitramfs.sh can resolve module dependencies with modprobe --show-depends.
if PATH=$PATH:/usr/sbin:/sbin command -v depmod >/dev/null; then
	PATH=$PATH:/usr/sbin:/sbin depmod -b "$tmp/root" "$release"
fi
# Rename into place last, so a half-unpacked kernel is never seen as cached (and two
# concurrent fetches don't clobber each other: the loser just drops its copy).
mv -T "$tmp/root" "$cache/linux-$release" 2>/dev/null || [[ -f $(vmlinuz_of "$release") ]] ||
	die "cannot move the kernel into $cache"
vmlinuz_of "$release"
