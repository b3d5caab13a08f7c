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

# A LAVA run (porttool lava) is the same boot run again with its output
# kept: the second run mounts nothing.
if [ -z "${PORTTOOL_LAVA_RUN:-}" ]; then
	mount -t proc proc /proc
	mount -t sysfs sysfs /sys
	mount -t devtmpfs devtmpfs /dev 2>/dev/null
	mount -t debugfs debugfs /sys/kernel/debug
fi

# ---- LAVA (porttool lava; porttool/lava.c writes the job) ----
# With "porttool.lava" on the kernel command line this script runs itself
# again with its output kept in /tmp/boot.log, then reports each check as
# a LAVA test case: "PORTTOOL-LAVA-CASE: NAME result=pass|fail" between
# "PORTTOOL-LAVA: checks begin/end", and each figure as
# "PORTTOOL-LAVA-CASE: NAME measurement=V units=U" between "PORTTOOL-LAVA:
# figures begin/end": the job's monitors turn these into test cases, as
# lava-test-case would, without a shell on the console (this init powers
# off).  A plain 'porttool boot' prints none of this.
BOOT_LOG=/tmp/boot.log
lava_case() {	# NAME pass|fail
	echo "PORTTOOL-LAVA-CASE: $1 result=$2"
}
lava_check() {	# NAME COMMAND...: pass when COMMAND succeeds
	name=$1
	shift
	if "$@"; then lava_case "$name" pass; else lava_case "$name" fail; fi
}
lava_figure() {	# NAME VALUE UNITS; nothing when VALUE is empty
	[ -n "$2" ] && echo "PORTTOOL-LAVA-CASE: $1 measurement=$2 units=$3"
}
logged() { grep -qF -- "$1" "$BOOT_LOG"; }
kernel_said() { dmesg | grep -qF -- "$1"; }
no_panic() {
	! dmesg | grep -qE 'Kernel panic|Internal error:|Unable to handle kernel'
}
# guest_ran TAG: the run tagged TAG booted its guest and its vmm exited 0.
guest_ran() {
	logged "${1}SEKVM-GUEST-OK cpus=2" && logged "${1}vmm exit 0"
}
# refused TAG: the corevisor refused the image of the run tagged TAG (as
# boot_judge.c requires), its vmm exited non-zero and no guest came up.  A
# guest that merely crashed or reset also exits non-zero: the flipped
# Image under stock KVM does.
refused() {
	logged "${1}vmm: image refused by the corevisor (KVM_RUN: EPERM)" &&
		grep -q "^${1}vmm exit [1-9]" "$BOOT_LOG" &&
		! logged "${1}SEKVM-GUEST-OK"
}
# hook_ok NAME: the host survived the hook; a self-test in it said PASS.
hook_ok() {
	logged "PORTTOOL-BOOT: hook $1: survived" || return 1
	st=$(grep "^SEKVM-HOOK $1: sekvm-selftest: " "$BOOT_LOG")
	[ -z "$st" ] && return 0
	echo "$st" | grep -q " PASS" && ! echo "$st" | grep -q " FAIL"
}
lava_checks() {
	echo "PORTTOOL-LAVA: checks begin"
	lava_check userspace logged "PORTTOOL-BOOT: userspace reached"
	lava_check dev-kvm logged "PORTTOOL-BOOT: /dev/kvm present"
	lava_check no-panic no_panic
	if [ -f /guest/vm.pub ]; then
		lava_check kvm-handed-over kernel_said "SeKVM: the corevisor owns EL2"
	else
		lava_check kvm-hyp-init kernel_said "Hyp mode initialized successfully"
	fi
	sed -n 's/^PORTTOOL-BOOT: hook \([^:]*\): start.*/\1/p' "$BOOT_LOG" |
	while read -r h; do
		lava_check "hook-$(echo "$h" | tr / -)" hook_ok "$h"
	done
	if logged "PORTTOOL-BOOT: guest: start"; then
		lava_check guest-boot guest_ran "SEKVM-GUEST: "
	fi
	if [ -f /guest/vm.pub ]; then
		lava_check image-bit-flip-refused refused "SEKVM-GUEST-FLIPPED: "
		lava_check image-other-key-refused refused "SEKVM-GUEST-OTHERKEY: "
	fi
	sed -n 's/^SEKVM-GUEST-BM: bmguest: \(PASS\|FAIL\) \([a-z0-9-]*\).*/\1 \2/p' \
		"$BOOT_LOG" |
	while read -r r n; do
		[ "$r" = PASS ] && r=pass || r=fail
		lava_case "bm-$n" "$r"
	done
	if [ -f /guest/bmguest.bin ]; then
		lava_check bm-exit logged "SEKVM-GUEST-BM: vmm exit 0"
	fi
	echo "PORTTOOL-LAVA: checks end"
	echo "PORTTOOL-LAVA: figures begin"
	lava_figure host-userspace "$(cat /tmp/userspace-uptime 2>/dev/null)" s
	lava_figure guest-up "$(sed -n 's/^PORTTOOL-BOOT: guest: up after \([0-9]*\) s$/\1/p' \
		"$BOOT_LOG")" s
	lava_figure boot-checks "$(cat /tmp/boot-seconds 2>/dev/null)" s
	echo "PORTTOOL-LAVA: figures end"
}
if [ -z "${PORTTOOL_LAVA_RUN:-}" ] && grep -qw porttool.lava /proc/cmdline; then
	cut -d' ' -f1 /proc/uptime >/tmp/userspace-uptime
	start=$(cut -d. -f1 /proc/uptime)
	PORTTOOL_LAVA_RUN=1 /bin/sh "$0" 2>&1 | tee "$BOOT_LOG"
	echo $(( $(cut -d. -f1 /proc/uptime) - start )) >/tmp/boot-seconds
	lava_checks
	sync
	poweroff -f
fi

mark "userspace reached: $(uname -r), $(grep -c '^processor' /proc/cpuinfo) cpus online"

if [ -c /dev/kvm ]; then
	mark "/dev/kvm present"
else
	mark "/dev/kvm missing"
fi

# kvm-unit-tests (porttool boot --kvm-unit-tests, porttool/kut.c): when
# the initramfs holds /kut/tests, run each test there ("NAME FILE SMP
# ARGS" a line) as a raw guest of the vmm, signed on SeKVM, its lines
# tagged "KUT NAME: ", instead of the hooks and the guest step.
KUT_WAIT=180	# s a test may take under nested TCG before it is killed
kut_tests() {
	mark "kvm-unit-tests: start"
	GUEST_EXIT_WAIT=$KUT_WAIT
	while read -r name file smp args; do
		keys=
		[ -f /kut/vm.pub ] &&
			keys="--sig /kut/$file.sig --pubkey /kut/vm.pub"
		rm -f /tmp/kut.out /tmp/kut.out.pid /tmp/kut.out.rc
		( /bin/vmm --raw --no-virtio --kernel "/kut/$file" --cpus "$smp" --mem 256 \
			--cmdline "$args" $keys >/tmp/kut.out 2>&1 </dev/null &
		  echo $! >/tmp/kut.out.pid
		  wait $!
		  echo $? >/tmp/kut.out.rc ) &
		vmm_job=$!
		vmm_wait /tmp/kut.out
		vmm_print /tmp/kut.out "KUT $name: "
	done </kut/tests
	mark "kvm-unit-tests: done"
}

# run_hook FILE [PREFIX [NOTE]]: reading a hook runs its test
# (ports/vX.Y/README.md).  Its output is tagged with PREFIX and its name,
# and a marker after it shows the host survived; NOTE goes on the start
# marker.
run_hook() {
	name=${2:-}${1##*/}
	mark "hook $name: start${3:-}"
	cat "$1" >/tmp/out 2>&1 || echo "read failed ($?)" >>/tmp/out
	sed "s|^|SEKVM-HOOK $name: |" /tmp/out
	rm -f /tmp/out
	mark "hook $name: survived"
}

hooks=/sys/kernel/debug/sekvm
if [ -f /kut/tests ]; then
	mark "hooks: skipped (a kvm-unit-tests boot)"
elif [ -d "$hooks" ]; then
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
# powers off.  Every line of a run is tagged for porttool: "SEKVM-GUEST: "
# for the good guest, then "vmm exit N".
#
# On SeKVM (porttool added /guest/vm.pub, the VM's key) three runs:
#  1. the good guest, signed by that key, in the background; once it is up
#     the host attacks it through every hook in $hooks/guest/;
#  2. the Image with one bit flipped, with the good signature
#     ("SEKVM-GUEST-FLIPPED: "), which the corevisor must refuse;
#  3. the good Image signed by another key ("SEKVM-GUEST-OTHERKEY: "),
#     refused too;
# then the kernel's sekvm lines ("SEKVM-DMESG: "): pr_info may not reach
# the console.  Markers written to /dev/kmsg ("porttool-boot: ") place
# each run among them.  swiotlb=2048,force sends all virtio DMA through
# the bounce buffers, the only guest memory a SeKVM guest shares.  No
# "quiet" for the guests that should boot: the guest kernel's pr_info
# "sekvm-guest: ..." line (ports/v5.10 0015) says whether it shared them.
GUEST_CMDLINE="console=ttyAMA0 panic=-1 swiotlb=2048,force"
# The good guest holds GUEST_HOLD s after it is up: the host's attacks on
# it must find it running (init notes on each hook whether it was).  10 s,
# not 5: three attacks under nested TCG on a loaded machine need margin,
# and it costs only 5 s a boot.
GUEST_HOLD=10
GUEST_UP_WAIT=120	# s for the good guest to say it is up (nested TCG)
GUEST_EXIT_WAIT=300	# s for a vmm to exit before it is killed

kmsg() { echo "porttool-boot: $*" >/dev/kmsg 2>/dev/null; }

# The good guest's disk and NIC (vmm --disk, --net; vmm/README.md), when
# porttool put /guest/disk.img here (the line's config builds them): the
# ext4 image, and a NIC on tap0, which the vmm creates and this host
# brings up as 10.0.2.1/24 (the guest is 10.0.2.15 and pings it).  No
# NIC without /dev/net/tun (CONFIG_TUN).
GUEST_DISK=/guest/disk.img
GUEST_TAP=tap0
HOST_ADDR=10.0.2.1/24
good_devs=
if [ -f "$GUEST_DISK" ]; then
	good_devs="--disk $GUEST_DISK"
	[ -c /dev/net/tun ] && good_devs="$good_devs --net tap=$GUEST_TAP"
fi

# tap_up OUT: once the vmm of OUT has made the tap, give it the host's
# address and bring it up (bounded: the vmm may exit first).
tap_up() {
	n=0
	until [ -d "/sys/class/net/$GUEST_TAP" ] || [ -f "$1.rc" ] ||
	      [ $n -ge $GUEST_UP_WAIT ]; do
		sleep 1
		n=$((n + 1))
	done
	if ip addr add "$HOST_ADDR" dev "$GUEST_TAP" &&
	   ip link set "$GUEST_TAP" up; then
		mark "tap: $GUEST_TAP up as $HOST_ADDR"
	else
		mark "tap: $GUEST_TAP not set up (after $n s)"
		return
	fi
	# One TCP exchange with the guest (busybox nc; no ping: the 5.10
	# config has no POSIX timers, which busybox ping needs): the host
	# sends its line and keeps the guest's.
	echo sekvm-host-to-guest >/tmp/net.hostmsg
	nc -l -p 7777 </tmp/net.hostmsg >/tmp/net.got 2>&1
	mark "tcp: received '$(cat /tmp/net.got)' from the guest"
}

# vmm_start OUT IMAGE SIG CMDLINE [DEVS]: a vmm run in the background, its
# output in OUT, its pid in OUT.pid and, once it exits, its status in
# OUT.rc.  SIG "" for none; DEVS the vmm's device options ($good_devs).
vmm_start() {
	out=$1 image=$2 sig=$3 cmdline=$4 devs=${5:-}
	rm -f "$out" "$out.pid" "$out.rc"
	keys=
	[ -n "$sig" ] && keys="--sig $sig --pubkey /guest/vm.pub"
	[ -n "$devs" ] && mark "guest devices: $devs"
	( /bin/vmm --kernel "$image" --initrd /guest/initrd.cpio --cpus 2 \
		--mem 256 $keys $devs --cmdline "$cmdline" >"$out" 2>&1 &
	  echo $! >"$out.pid"
	  wait $!
	  echo $? >"$out.rc" ) &
	vmm_job=$!
	case $devs in
	*--net*) tap_up "$out" & ;;
	esac
}

# vmm_wait OUT: wait (bounded) for the vmm of OUT to exit, killing it at
# the deadline; its status in $vmm_rc (137 when killed).
vmm_wait() {
	n=0
	while [ ! -f "$1.rc" ] && [ $n -lt $GUEST_EXIT_WAIT ]; do
		sleep 1
		n=$((n + 1))
	done
	if [ ! -f "$1.rc" ]; then
		kill -9 "$(cat "$1.pid")" 2>/dev/null
		echo "vmm: killed after $GUEST_EXIT_WAIT s" >>"$1"
	fi
	wait $vmm_job 2>/dev/null
	vmm_rc=$(cat "$1.rc")
}

# vmm_print OUT TAG: the run's output and exit status, tagged.
vmm_print() {
	{ cat "$1"; echo "vmm exit $vmm_rc"; } | sed "s/^/$2/"
}

# vmm_run TAG IMAGE SIG CMDLINE [DEVS]: one whole run in the foreground.
vmm_run() {
	vmm_start /tmp/run.out "$2" "$3" "$4" "${5:-}"
	vmm_wait /tmp/run.out
	vmm_print /tmp/run.out "$1"
}

# guest_up OUT: wait (bounded) until the guest of OUT says it is up or
# its vmm exits; marks which.
guest_up() {
	n=0
	until grep -q SEKVM-GUEST-OK "$1" || [ -f "$1.rc" ] ||
	      [ $n -ge $GUEST_UP_WAIT ]; do
		sleep 1
		n=$((n + 1))
	done
	if grep -q SEKVM-GUEST-OK "$1"; then
		mark "guest: up after $n s"
	elif [ -f "$1.rc" ]; then
		mark "guest: the vmm exited before the guest was up"
	else
		mark "guest: not up after $GUEST_UP_WAIT s"
	fi
}

# The good guest and the host's attacks on it while it runs.
sekvm_good_guest() {
	kmsg "guest good run"
	vmm_start /tmp/good.out /guest/Image /guest/Image.sig \
		"$GUEST_CMDLINE hold=$GUEST_HOLD" "$good_devs"
	guest_up /tmp/good.out
	if [ -d "$hooks/guest" ]; then
		for h in "$hooks"/guest/*; do
			state="guest running"
			[ -f /tmp/good.out.rc ] && state="guest not running"
			[ -f "$h" ] && run_hook "$h" guest/ " ($state)"
		done
	else
		mark "no $hooks/guest"
	fi
	vmm_wait /tmp/good.out
	vmm_print /tmp/good.out "SEKVM-GUEST: "
}

sekvm_guests() {
	sekvm_good_guest
	kmsg "guest flipped run"
	vmm_run "SEKVM-GUEST-FLIPPED: " /guest/Image.flipped /guest/Image.sig \
		"$GUEST_CMDLINE quiet"
	kmsg "guest otherkey run"
	vmm_run "SEKVM-GUEST-OTHERKEY: " /guest/Image /guest/Image.sig.otherkey \
		"$GUEST_CMDLINE quiet"
	kmsg "guests done"
	dmesg | grep -E 'sekvm(-selftest)?:|porttool-boot:' |
		sed "s/^/SEKVM-DMESG: /"
}

# The bare-metal test guest (vmm/bmguest/README.md), when porttool put
# it here: a raw image the vmm loads with --raw at the RAM base, one
# vCPU; on SeKVM signed by the VM's key (/guest/bmguest.sig).  Its lines
# ("bmguest: PASS timer-phys: ...") are tagged "SEKVM-GUEST-BM: ".
BM_WAIT=90	# s for the bare-metal guest's vmm to exit
bm_guest() {
	[ -f /guest/bmguest.bin ] || return 0
	bm_keys=
	[ -f /guest/bmguest.sig ] &&
		bm_keys="--sig /guest/bmguest.sig --pubkey /guest/vm.pub"
	kmsg "guest bm run"
	# it needs seconds; a hung one should not hold the boot for minutes
	GUEST_EXIT_WAIT=$BM_WAIT
	rm -f /tmp/bm.out /tmp/bm.out.pid /tmp/bm.out.rc
	( /bin/vmm --raw --no-virtio --kernel /guest/bmguest.bin --cpus 1 --mem 64 \
		$bm_keys >/tmp/bm.out 2>&1 &
	  echo $! >/tmp/bm.out.pid
	  wait $!
	  echo $? >/tmp/bm.out.rc ) &
	vmm_job=$!
	vmm_wait /tmp/bm.out
	vmm_print /tmp/bm.out "SEKVM-GUEST-BM: "
}

if [ -f /kut/tests ]; then
	kut_tests
elif [ -x /bin/vmm ] && [ -f /guest/Image ] && [ -f /guest/initrd.cpio ]; then
	mark "guest: start"
	if [ -f /guest/vm.pub ]; then
		sekvm_guests
	else
		vmm_run "SEKVM-GUEST: " /guest/Image "" "$GUEST_CMDLINE" \
			"$good_devs"
	fi
	bm_guest
	mark "guest: done"
else
	mark "guest: skipped (no /bin/vmm or /guest/ in the initramfs)"
fi

mark "done"
sync
[ -n "${PORTTOOL_LAVA_RUN:-}" ] || poweroff -f
