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
/bin/busybox --install -s /bin
export PATH=/bin

mark() { echo "PORTTOOL-BENCH: $*"; }

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
# The corevisor's exit counters (SeKVM, ABI 1.4: the 5.10 port's debugfs
# file sekvm/stats), before and after the vmm's run; the difference goes
# to the log as "CV-STAT: name count ticks" after one "CV-STATS: cntfrq
# F" line.  Nothing on a stock-KVM host or an older corevisor.
STATS=/sys/kernel/debug/sekvm/stats
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
stats() { grep -s '^[a-z_0-9]* [0-9]* [0-9]*$' $STATS >"$1" || : >"$1"; }
stats_diff() {
	grep -qs '^sekvm-stats: cntfrq' $STATS || return 0
	sed -n 's/^sekvm-stats: /CV-STATS: /p' $STATS
	awk 'NR == FNR { c[$1] = $2; t[$1] = $3; next }
	     { printf "CV-STAT: %s %.0f %.0f\n", $1, $2 - c[$1], $3 - t[$1] }' \
		/tmp/stats0 /tmp/stats1
}
mark "host up: $(uname -r), $(grep -c '^processor' /proc/cpuinfo) cpus online"

iters=$(sed -n 's/.*micro\.iters=\([0-9]*\).*/\1/p' /proc/cmdline)
GUEST_CMDLINE="micro.iters=${iters:-65536}"

if [ ! -c /dev/kvm ]; then
	mark "no /dev/kvm"
elif [ ! -x /bin/vmm ] || [ ! -f /guest/Image ]; then
	mark "no /bin/vmm or /guest/Image in the initramfs"
else
	keys=
	[ -f /guest/vm.pub ] && keys="--sig /guest/Image.sig --pubkey /guest/vm.pub"
	stats /tmp/stats0
	mark "vmm start"
	/bin/vmm --kernel /guest/Image --cpus 2 --mem 256 $keys \
		--cmdline "$GUEST_CMDLINE" >/tmp/vmm.out 2>&1
	rc=$?
	sed 's/^/BENCH-VMM: /' /tmp/vmm.out
	stats /tmp/stats1
	stats_diff
	mark "vmm exit $rc"
fi
mark "done"
sync
poweroff -f
