#!/bin/sh
# /init of the initramfs 'porttool boot' makes (busybox only).
#
# Generic on purpose: it knows no kernel version.  It mounts the virtual
# file systems, says how far the host got, runs every SeKVM self-test hook
# the kernel offers under /sys/kernel/debug/sekvm/, and powers off.  Lines
# for porttool start with "PORTTOOL-BOOT: " (markers) or "SEKVM-HOOK NAME: "
# (a hook's output); porttool parses the serial log for them.
/bin/busybox --install -s /bin
export PATH=/bin

mark() { echo "PORTTOOL-BOOT: $*"; }

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug
mark "userspace reached: $(uname -r), $(grep -c '^processor' /proc/cpuinfo) cpus online"

if [ -c /dev/kvm ]; then
	mark "/dev/kvm present"
else
	mark "/dev/kvm missing"
fi

# Reading a hook runs its test (ports/vX.Y/README.md).  Its output is
# tagged with its name, and a marker after it shows the host survived.
run_hook() {
	name=${1##*/}
	mark "hook $name: start"
	cat "$1" >/tmp/out 2>&1 || echo "read failed ($?)" >>/tmp/out
	sed "s/^/SEKVM-HOOK $name: /" /tmp/out
	rm -f /tmp/out
	mark "hook $name: survived"
}

hooks=/sys/kernel/debug/sekvm
if [ -d "$hooks" ]; then
	for h in "$hooks"/*; do
		[ -f "$h" ] && run_hook "$h"
	done
else
	mark "no $hooks"
fi

# Guest step: when porttool put the vmm and a guest into this initramfs
# (/bin/vmm, /guest/Image, /guest/initrd.cpio; vmm/README.md), boot the
# guest under this kernel's KVM with 2 vCPUs.  Its /init
# (vmm/guest/init.sh) prints "SEKVM-GUEST-OK cpus=N online=LIST" and
# powers off; every line here is tagged "SEKVM-GUEST: " for porttool.
if [ -x /bin/vmm ] && [ -f /guest/Image ] && [ -f /guest/initrd.cpio ]; then
	mark "guest: start"
	keys=
	[ -f /guest/Image.sig ] && keys="--sig /guest/Image.sig --pubkey /guest/vm.pub"
	{ /bin/vmm --kernel /guest/Image --initrd /guest/initrd.cpio --cpus 2 \
		--mem 256 $keys --cmdline "console=ttyAMA0 panic=-1 quiet"
	  echo "vmm exit $?"; } 2>&1 | sed "s/^/SEKVM-GUEST: /"
	mark "guest: done"
else
	mark "guest: skipped (no /bin/vmm or /guest/ in the initramfs)"
fi

mark "done"
sync
poweroff -f
