#!/bin/sh
# /init of the host initramfs for 'porttool bench --suite micro', the
# same for the SeKVM and the stock-KVM kernel (busybox only).
#
# Runs the vmm once on /guest/Image, the micro-benchmark guest
# (porttool/qemu/bench/micro/: bare metal behind an arm64 Image header, signed
# like any SeKVM guest: /guest/Image.sig by /guest/vm.pub; a stock-KVM
# host runs it unregistered), with 2 vCPUs and no initramfs.  The kernel
# command line's micro.iters=N goes on to the guest's.  Its output is
# tagged "BENCH-VMM: ", markers "PORTTOOL-BENCH: ", as host-init.sh's.
#
# porttool bench --target runs this same script on a board over ssh, with
# every path under $R, the directory its files were unpacked into there
# (host-lib.sh; empty in QEMU).
#@host-lib.sh (porttool bench puts its lines here)
mark "host up: $(uname -r), $(grep -c '^processor' /proc/cpuinfo) cpus online"

iters=$(echo "$CMDLINE" | sed -n 's/.*micro\.iters=\([0-9]*\).*/\1/p')
GUEST_CMDLINE="micro.iters=${iters:-65536}"

if [ ! -c /dev/kvm ]; then
	mark "no /dev/kvm"
elif [ ! -x $R/bin/vmm ] || [ ! -f $R/guest/Image ]; then
	mark "no $R/bin/vmm or $R/guest/Image in the initramfs"
else
	keys=
	[ -f $R/guest/vm.pub ] && keys="--sig $R/guest/Image.sig --pubkey $R/guest/vm.pub"
	stats $R/tmp/stats0
	mark "vmm start"
	$R/bin/vmm --kernel $R/guest/Image --cpus 2 --mem 256 $keys \
		--cmdline "$GUEST_CMDLINE" >$R/tmp/vmm.out 2>&1
	rc=$?
	sed 's/^/BENCH-VMM: /' $R/tmp/vmm.out
	stats $R/tmp/stats1
	stats_diff
	mark "vmm exit $rc"
fi
mark "done"
finish
