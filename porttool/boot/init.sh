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

# A hook that takes a write runs its test on "1" and reports on read; a
# read-only hook runs on read.  Each hook's output carries its name, and a
# marker after it shows the host survived the attempt.
run_hook() {
	name=${1##*/}
	mark "hook $name: start"
	if [ -w "$1" ]; then
		echo 1 >"$1" 2>/tmp/err || echo "write failed: $(cat /tmp/err)" >/tmp/err.w
	fi
	cat "$1" 2>&1 | sed "s/^/SEKVM-HOOK $name: /"
	[ -s /tmp/err.w ] && sed "s/^/SEKVM-HOOK $name: /" /tmp/err.w
	rm -f /tmp/err /tmp/err.w
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

mark "done"
sync
poweroff -f
