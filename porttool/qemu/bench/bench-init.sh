#!/bin/sh
# rdinit of the benchmark guest ('porttool bench'; busybox and
# /bin/guest-bench only).  The host's vmm boots it with
# rdinit=/bench-init.sh, so vmm/guest/init.sh, the test guest's /init,
# stays as it is.
#
# Runs each workload once, timed by guest-bench with the guest's own
# monotonic clock, each printing "BENCH-RESULT name=... ns=... size=...";
# then "BENCH-DONE" and power off.  The sizes below are the same for the
# SeKVM and the stock-KVM boots (one initramfs serves both); chosen so
# that each takes a second or more under nested TCG, long against the
# clock's and the scheduler's noise, and a whole SeKVM boot under a minute.
/bin/guest-bench init		# first: the guest's clock at /init
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

MEM_MIB=64		# 16384 fresh 4 KiB pages: one stage-2 fault each
COMPUTE_ROUNDS=500000000	# about a second under TCG
VIRTIO_KIB=128		# 32 writes of 4 KiB through the virtio console
MMIO_KIB=4		# 4096 bytes, each a PL011 data-register write

echo "BENCH-GUEST cpus=$(grep -c '^processor' /proc/cpuinfo) kernel=$(uname -r)"
guest-bench mem $MEM_MIB
guest-bench compute $COMPUTE_ROUNDS
if [ -c /dev/hvc0 ]; then
	guest-bench write virtio /dev/hvc0 $VIRTIO_KIB
else
	echo "BENCH-ERROR name=virtio: no /dev/hvc0 (no virtio console)"
fi
guest-bench write mmio /dev/ttyAMA0 $MMIO_KIB
echo "BENCH-DONE"
poweroff -f
