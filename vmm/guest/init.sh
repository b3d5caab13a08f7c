#!/bin/sh
# /init of the test guest (busybox only), booted by the vmm under KVM.
#
# Prints one marker line with what the guest saw, for the boot tests to
# check: "SEKVM-GUEST-OK cpus=N online=LIST" (N from /proc/cpuinfo, LIST
# from sysfs, so both the vmm's device tree and the in-kernel PSCI CPU_ON
# must have worked), then ends through PSCI: SYSTEM_OFF, or SYSTEM_RESET
# when the command line says vmmtest=reboot.
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
echo "SEKVM-GUEST-OK cpus=$(grep -c '^processor' /proc/cpuinfo) online=$(cat /sys/devices/system/cpu/online)"
case " $(cat /proc/cmdline) " in
*" vmmtest=reboot "*) reboot -f ;;
*) poweroff -f ;;
esac
