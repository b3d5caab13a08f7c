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
#
# porttool bench --target runs this same script on a board over ssh, with
# every path under $R, the directory its files were unpacked into there
# (host-lib.sh; empty in QEMU).
#
# With VMS > 1 (porttool bench --vms N puts "VMS=N" after host-lib.sh)
# N vmms start at once, 128 MiB each (the host has 2 GiB); once all have
# exited each one's output is printed tagged "BENCH-VMM<i>: ", then
# "PORTTOOL-BENCH: vmm<i> exit RC" (bench_vms.c cuts them apart).
#@host-lib.sh (porttool bench puts its lines here)
mark "host up: $(uname -r), $(grep -c '^processor' /proc/cpuinfo) cpus online"

GUEST_CMDLINE="console=ttyAMA0 panic=-1 swiotlb=2048,force rdinit=/bench-init.sh"

if [ ! -c /dev/kvm ]; then
	mark "no /dev/kvm"
elif [ ! -x $R/bin/vmm ] || [ ! -f $R/guest/Image ] || [ ! -f $R/guest/initrd.cpio ]; then
	mark "no $R/bin/vmm or $R/guest/ in the initramfs"
else
	keys=
	[ -f $R/guest/vm.pub ] && keys="--sig $R/guest/Image.sig --pubkey $R/guest/vm.pub"
	vmm() {
		$R/bin/vmm --kernel $R/guest/Image --initrd $R/guest/initrd.cpio --cpus 2 \
			--mem "$1" $keys --cmdline "$GUEST_CMDLINE"
	}
	if [ "${VMS:-1}" -le 1 ]; then
		stats $R/tmp/stats0
		mark "vmm start"
		vmm 256 >$R/tmp/vmm.out 2>&1
		rc=$?
		grep -v '^\.\.\.\.' $R/tmp/vmm.out | sed 's/^/BENCH-VMM: /'
		stats $R/tmp/stats1
		stats_diff
		mark "vmm exit $rc"
	else
		mark "vms $VMS"
		stats $R/tmp/stats0
		mark "vmm start"
		i=1
		while [ $i -le "$VMS" ]; do
			(vmm 128 >$R/tmp/vmm$i.out 2>&1; echo $? >$R/tmp/vmm$i.rc) &
			i=$((i + 1))
		done
		wait
		stats $R/tmp/stats1
		i=1
		while [ $i -le "$VMS" ]; do
			grep -v '^\.\.\.\.' $R/tmp/vmm$i.out | sed "s/^/BENCH-VMM$i: /"
			mark "vmm$i exit $(cat $R/tmp/vmm$i.rc)"
			i=$((i + 1))
		done
		stats_diff
	fi
fi
mark "done"
finish
