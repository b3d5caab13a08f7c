#!/bin/sh
# /init of the host initramfs 'porttool bench --suite apps' boots in QEMU,
# the same for the SeKVM and the stock-KVM kernel (busybox only).
#
# The application workloads run in a guest, as the SeKVM papers ran them:
# the vmm boots /guest/Image (signed as in host-init.sh) with 2 vCPUs, the
# root filesystem of 'porttool rootfs' (QEMU's /dev/vda) as its read-only
# disk and a NIC on tap0.  The guest's /init runs
# /usr/lib/sekvm-apps/server.sh (apps.run=server): it starts the servers,
# runs the local workloads (hackbench, kbuild), says APPS-READY and waits.
# This host (10.0.2.1) then drives the guest's servers (10.0.2.15) over the
# tap with lib.sh's client_* functions, run from the same image mounted
# read-only here (chroot: the clients are Debian's programs and
# libraries, which the busybox initramfs does not have; /root a tmpfs:
# memcaslap writes its .memslap.cnf in the passwd entry's home), as the papers
# drove theirs from a client machine.  Nothing writes to the image: both
# kernels mount it read-only, every write goes to tmpfs.
#
# The kernel command line's apps.KEY=VALUE are the workloads' parameters
# (APPS_KEY for lib.sh, here and, passed on, in the guest);
# apps.servers and apps.local name the workloads.  The log: this host's
# markers "PORTTOOL-BENCH: ", the clients' output "APPS-HOST: ", the
# guest's "APPS-VMM: " (its part up to APPS-READY first, the rest once the
# vmm has stopped); a step that could not be done is marked
# "PORTTOOL-BENCH: apps-error: WHY" (bench_apps.c reports it).
#@host-lib.sh (porttool bench puts its lines here)
mark "host up: $(uname -r), $(grep -c '^processor' /proc/cpuinfo) cpus online"

GUEST_ADDR=10.0.2.15
HOST_ADDR=10.0.2.1/24
GUEST_TAP=tap0
# 512 MiB: MariaDB, Redis, memcached (-m 64), Apache and gcc at once.
GUEST_MEM=512
ROOT=/rootfs
# Every DMA of a SeKVM guest goes through its swiotlb pool, the only
# memory it shares (host-init.sh).
# The guest reads the disk through this host's page cache of /dev/vda
# (the vmm's pread).  This host's mount must not load the image's journal:
# jbd2, loading it for a metadata_csum ext4, sets the checksum feature in
# its in-memory copy of the journal's superblock without a new checksum
# (written only at the next commit, never on a read-only mount), and the
# guest, reading that copy, refused it: "JBD2: journal checksum error".
# noload leaves the page cache as the image has it.
GUEST_CMDLINE="console=ttyAMA0 panic=-1 swiotlb=2048,force root=/dev/vda ro rootfstype=ext4 rootwait init=/init apps.run=server apps.ip=$GUEST_ADDR/24"

apps_error() { mark "apps-error: $*"; }

# apps.KEY=VALUE into APPS_KEY, as the root filesystem's /init does, and
# onto the guest's command line.
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	apps.*=*)
		key=${arg#apps.}
		key=$(echo "${key%%=*}" | tr 'a-z.-' 'A-Z__')
		export "APPS_$key=${arg#*=}"
		GUEST_CMDLINE="$GUEST_CMDLINE $arg"
		;;
	esac
done
# How long the guest may take to be ready (servers up, local workloads
# done); porttool sets it below its own QEMU timeout so that the log
# still gets the guest's output.
READY_WAIT=${APPS_READY_WAIT:-500}
GUEST_CMDLINE="$GUEST_CMDLINE apps.wait=$((READY_WAIT + 3600))"

# The image read-only, with what the clients need under it.
root_up() {
	mkdir -p $ROOT &&
	mount -t ext4 -o ro,noload /dev/vda $ROOT || {
		apps_error "this host cannot mount the root filesystem /dev/vda (ext4)"
		return 1
	}
	mount -o bind /proc $ROOT/proc &&
	mount -o bind /sys $ROOT/sys &&
	mount -o bind /dev $ROOT/dev &&
	mount -t tmpfs tmpfs $ROOT/tmp &&
	mount -t tmpfs tmpfs $ROOT/run &&
	mount -t tmpfs tmpfs $ROOT/root
}

# Once the vmm has made the tap, the host's side of it.
tap_up() {
	n=0
	until [ -d /sys/class/net/$GUEST_TAP ] || [ -f /tmp/vmm.rc ] || [ $n -ge 120 ]; do
		sleep 1
		n=$((n + 1))
	done
	ip addr add $HOST_ADDR dev $GUEST_TAP && ip link set $GUEST_TAP up
}

# Wait (bounded) for the guest's APPS-READY or its vmm's exit.
guest_ready() {
	n=0
	until grep -q APPS-READY /tmp/vmm.out || [ -f /tmp/vmm.rc ] || [ $n -ge "$READY_WAIT" ]; do
		sleep 1
		n=$((n + 1))
	done
	grep -q APPS-READY /tmp/vmm.out && return 0
	if [ -f /tmp/vmm.rc ]; then
		apps_error "the guest's vmm exited $(cat /tmp/vmm.rc) before APPS-READY"
	else
		apps_error "the guest was not ready after $READY_WAIT s"
	fi
	return 1
}

# client SERVER: lib.sh's client_SERVER against the guest, framed, if the
# guest started that server.
client() {
	if ! grep -q "APPS-END: start-$1 0" /tmp/vmm.out; then
		mark "no client for $1: the guest did not start it"
		return
	fi
	PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp chroot $ROOT /bin/sh -c \
		". /usr/lib/sekvm-apps/lib.sh && framed $1 client_$1 $GUEST_ADDR" 2>&1 |
		sed 's/^/APPS-HOST: /'
}

# The guest's output from line $1 on, tagged.
guest_lines() { tail -n +"$1" /tmp/vmm.out | sed 's/^/APPS-VMM: /'; }

if [ ! -c /dev/kvm ]; then
	apps_error "no /dev/kvm"
elif [ ! -x /bin/vmm ] || [ ! -f /guest/Image ]; then
	apps_error "no /bin/vmm or /guest/Image in the initramfs"
elif [ ! -c /dev/net/tun ]; then
	apps_error "no /dev/net/tun (CONFIG_TUN) for the guest's NIC"
elif root_up; then
	ip link set lo up
	keys=
	[ -f /guest/vm.pub ] && keys="--sig /guest/Image.sig --pubkey /guest/vm.pub"
	mark "guest: $GUEST_MEM MiB, 2 vCPUs, --disk /dev/vda,ro --net tap=$GUEST_TAP"
	mark "guest command line: $GUEST_CMDLINE"
	: >/tmp/vmm.out
	(/bin/vmm --kernel /guest/Image --cpus 2 --mem $GUEST_MEM $keys \
		--disk /dev/vda,ro --net tap=$GUEST_TAP --cmdline "$GUEST_CMDLINE" \
		>/tmp/vmm.out 2>&1 &
	 echo $! >/tmp/vmm.pid
	 wait $!
	 echo $? >/tmp/vmm.rc) &
	vmm_job=$!
	tap_up || apps_error "the tap $GUEST_TAP could not be set up"
	mark "vmm start"
	if guest_ready; then
		shown=$(wc -l </tmp/vmm.out)
		guest_lines 1 | head -n "$shown"
		mark "guest ready; clients from this host"
		for s in $(echo "${APPS_SERVERS:-none}" | tr , " "); do
			[ "$s" = none ] || client "$s"
		done
		mark "clients done"
	else
		shown=0
	fi
	[ -f /tmp/vmm.rc ] || kill "$(cat /tmp/vmm.pid)" 2>/dev/null
	n=0
	while [ ! -f /tmp/vmm.rc ] && [ $n -lt 30 ]; do
		sleep 1
		n=$((n + 1))
	done
	[ -f /tmp/vmm.rc ] || kill -9 "$(cat /tmp/vmm.pid)" 2>/dev/null
	wait $vmm_job 2>/dev/null
	guest_lines $((shown + 1))
	mark "vmm exit $(cat /tmp/vmm.rc 2>/dev/null)"
fi
mark "done"
sync
poweroff -f
