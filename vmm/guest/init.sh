#!/bin/sh
# /init of the test guest (busybox only), booted by the vmm under KVM.
#
# Prints one marker line with what the guest saw, for the boot tests to
# check: "SEKVM-GUEST-OK cpus=N online=LIST" (N from /proc/cpuinfo, LIST
# from sysfs, so both the vmm's device tree and the in-kernel PSCI CPU_ON
# must have worked).  Then writes "SEKVM-VIRTIO-OK" to the virtio console
# /dev/hvc0 only, so that line reaches the host through virtio DMA (under
# SeKVM: through the pages the guest shares) or not at all; without
# /dev/hvc0 it says so on the PL011 console instead.  With a virtio disk
# (vmm --disk; /dev/vda, ext4, porttool's sekvm-disk.txt on it) it prints
# "SEKVM-BLK-OK read 'CONTENT', wrote and read back 'TEXT'" (a file
# written, the disk remounted, the file read again), with a virtio NIC
# (vmm --net; eth0) it takes 10.0.2.15/24 and prints "SEKVM-NET-OK tcp
# 10.0.2.1:7777: sent '...', received '...'" after a TCP exchange with
# the host's nc on its end of the tap; or
# SEKVM-BLK-FAIL / SEKVM-NET-FAIL saying why.  With hold=N on the
# command line it waits N seconds (the host attacks its memory meanwhile),
# then ends through PSCI: SYSTEM_OFF, or SYSTEM_RESET when the command line
# says vmmtest=reboot.
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
echo "SEKVM-GUEST-OK cpus=$(grep -c '^processor' /proc/cpuinfo) online=$(cat /sys/devices/system/cpu/online)"
if [ -c /dev/hvc0 ]; then
	echo "SEKVM-VIRTIO-OK" >/dev/hvc0
else
	echo "SEKVM-VIRTIO: no /dev/hvc0 (no virtio console)"
fi

# blk_check: the disk's file, then a write that must survive a remount.
blk_check() {
	mkdir -p /mnt
	if ! mount -t ext4 /dev/vda /mnt 2>/tmp/mount.err; then
		echo "SEKVM-BLK-FAIL: mount /dev/vda: $(cat /tmp/mount.err)"
		return
	fi
	read -r content </mnt/sekvm-disk.txt
	wrote="guest-wrote-$$-$(cat /proc/sys/kernel/random/boot_id 2>/dev/null | cut -c1-8)"
	echo "$wrote" >/mnt/guest.txt
	umount /mnt
	if ! mount -t ext4 /dev/vda /mnt 2>/tmp/mount.err; then
		echo "SEKVM-BLK-FAIL: remount /dev/vda: $(cat /tmp/mount.err)"
		return
	fi
	read -r back </mnt/guest.txt
	umount /mnt
	if [ -n "$content" ] && [ "$back" = "$wrote" ]; then
		echo "SEKVM-BLK-OK read '$content', wrote and read back '$back'"
	else
		echo "SEKVM-BLK-FAIL: read '$content', wrote '$wrote', read back '$back'"
	fi
}

# net_try: one TCP exchange with the host's nc on 10.0.2.1:7777, killed
# after 20 s (no alarm(): the kernel may lack POSIX timers).
net_try() {
	rm -f /tmp/net.got
	echo sekvm-guest-to-host | nc 10.0.2.1 7777 >/tmp/net.got 2>/tmp/net.err &
	pid=$!
	n=0
	while kill -0 $pid 2>/dev/null && [ $n -lt 20 ]; do
		sleep 1
		n=$((n + 1))
	done
	kill $pid 2>/dev/null
	got=
	[ -f /tmp/net.got ] && read -r got </tmp/net.got
}

# net_check: a TCP exchange with the host's end of the tap (the vmm's
# --net), tried a few times: the host may not be listening yet.
net_check() {
	ip link set lo up
	ip addr add 10.0.2.15/24 dev eth0 && ip link set eth0 up
	tries=0
	got=
	while [ "$got" != sekvm-host-to-guest ] && [ $tries -lt 10 ]; do
		[ $tries -gt 0 ] && sleep 2
		net_try
		tries=$((tries + 1))
	done
	if [ "$got" = sekvm-host-to-guest ]; then
		echo "SEKVM-NET-OK tcp 10.0.2.1:7777: sent 'sekvm-guest-to-host', received '$got'"
	else
		echo "SEKVM-NET-FAIL: tcp 10.0.2.1:7777 after $tries tries: received '$got' $(cat /tmp/net.err 2>/dev/null)"
	fi
}

mkdir -p /tmp	# the initramfs has none; the checks keep their output here
[ -b /dev/vda ] && blk_check
[ -d /sys/class/net/eth0 ] && net_check
cmdline=" $(cat /proc/cmdline) "
hold=${cmdline##* hold=}
if [ "$hold" != "$cmdline" ]; then
	hold=${hold%% *}
	case $hold in
	'' | *[!0-9]*) echo "SEKVM-GUEST: hold=$hold is not a number; not holding" ;;
	*)
		echo "SEKVM-GUEST-HOLD ${hold}s"
		sleep "$hold"
		;;
	esac
fi
case $cmdline in
*" vmmtest=reboot "*) reboot -f ;;
*) poweroff -f ;;
esac
