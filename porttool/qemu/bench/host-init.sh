#!/bin/sh
# /init of the host initramfs 'porttool bench' boots in QEMU, the same for
# the SeKVM and the stock-KVM kernel (busybox only).
#
# Runs the vmm once on /guest/Image (signed: /guest/Image.sig by the key
# /guest/vm.pub; a stock-KVM host boots it unregistered, vmm/README.md)
# with the benchmark guest's initramfs and rdinit=/bench-init.sh, as
# porttool boot's init.sh runs its good guest (2 vCPUs, 256 MiB,
# swiotlb=2048,force).  The guest's output is tagged "BENCH-VMM: ", but
# for the workloads' filler lines (dots), which only the timed writes
# need; markers are "PORTTOOL-BENCH: ".
#@host-lib.sh (porttool bench puts its lines here)
mark "host up: $(uname -r), $(grep -c '^processor' /proc/cpuinfo) cpus online"

GUEST_CMDLINE="console=ttyAMA0 panic=-1 swiotlb=2048,force rdinit=/bench-init.sh"

if [ ! -c /dev/kvm ]; then
	mark "no /dev/kvm"
elif [ ! -x /bin/vmm ] || [ ! -f /guest/Image ] || [ ! -f /guest/initrd.cpio ]; then
	mark "no /bin/vmm or /guest/ in the initramfs"
else
	keys=
	[ -f /guest/vm.pub ] && keys="--sig /guest/Image.sig --pubkey /guest/vm.pub"
	stats /tmp/stats0
	mark "vmm start"
	/bin/vmm --kernel /guest/Image --initrd /guest/initrd.cpio --cpus 2 \
		--mem 256 $keys --cmdline "$GUEST_CMDLINE" >/tmp/vmm.out 2>&1
	rc=$?
	grep -v '^\.\.\.\.' /tmp/vmm.out | sed 's/^/BENCH-VMM: /'
	stats /tmp/stats1
	stats_diff
	mark "vmm exit $rc"
fi
mark "done"
sync
poweroff -f
