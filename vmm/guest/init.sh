#!/bin/sh
# /init of the test guest (busybox only), booted by the vmm under KVM.
#
# Prints one marker line with what the guest saw, for the boot tests to
# check: "SEKVM-GUEST-OK cpus=N online=LIST" (N from /proc/cpuinfo, LIST
# from sysfs, so both the vmm's device tree and the in-kernel PSCI CPU_ON
# must have worked).  Then writes "SEKVM-VIRTIO-OK" to the virtio console
# /dev/hvc0 only, so that line reaches the host through virtio DMA (under
# SeKVM: through the pages the guest shares) or not at all; without
# /dev/hvc0 it says so on the PL011 console instead.  With hold=N on the
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
