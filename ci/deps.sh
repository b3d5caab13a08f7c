#!/bin/bash
# Install everything the build and the tests need, from Debian's archive.
# Safe to run again: apt-get skips what is already there.
set -e
PKGS="build-essential pkg-config git ccache bc bison flex cpio xz-utils kmod
      libgit2-dev libelf-dev libfdt-dev libcurl4-openssl-dev libssl-dev libarchive-dev zlib1g-dev
      device-tree-compiler gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu
      qemu-system-arm qemu-user clang libclang-rt-14-dev python3-aiosmtpd openssl
      libsqlite3-dev gnuplot-nox chromium libyaml-dev
      e2fsprogs dpkg openssh-client"
# LAVA's dispatcher (porttool lava's tests run its lava-run) without its
# recommends: those are a lab's servers (tftpd, NFS, lxc), nothing lava-run
# needs to run a QEMU job.
NORECOMMENDS="lava-dispatcher lava-common"
missing() {
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			echo "$p"
	done | sort -u
}
[ "$(id -u)" = 0 ] && SUDO= || SUDO=sudo
missing=$(missing $PKGS)
missing_norec=$(missing $NORECOMMENDS)
if [ -n "$missing$missing_norec" ]; then
	$SUDO apt-get update -q
fi
if [ -n "$missing" ]; then
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q $missing
fi
if [ -n "$missing_norec" ]; then
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends \
		$missing_norec
fi
