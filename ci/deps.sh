#!/bin/bash
# Install everything the build and the tests need, from Debian's archive.
# Safe to run again: apt-get skips what is already there.
set -e
PKGS="build-essential pkg-config git ccache bc bison flex cpio xz-utils kmod
      libgit2-dev libelf-dev libfdt-dev libcurl4-openssl-dev libssl-dev libarchive-dev zlib1g-dev
      device-tree-compiler gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu
      qemu-system-arm qemu-user clang libclang-rt-14-dev python3-aiosmtpd openssl
      libsqlite3-dev gnuplot-nox chromium libyaml-dev lava-dispatcher lava-common"
missing=
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
if [ -n "$(echo $missing)" ]; then
	[ "$(id -u)" = 0 ] && SUDO= || SUDO=sudo
	$SUDO apt-get update -q
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q $(echo $missing | tr ' ' '\n' | sort -u)
fi
