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
#
# With VMS > 1 (porttool bench --vms N puts "VMS=N" after host-lib.sh) N
# such guests run at once, guest i on tap<i-1> as 10.0.<i+1>.15 (this
# host 10.0.<i+1>.1), each of GUEST_MEM_MANY MiB; each server's clients
# drive all of them at once; the tags are "APPS-VMM<i>: " and
# "APPS-HOST<i>: " (bench_apps.c cuts the log per VM).
#
# porttool bench --target runs this same script on a board over ssh
# (host-lib.sh: every file under $R, the directory the bundle was unpacked
# into there).  The guest's disk is then the image porttool sent as
# $R/guest/rootfs.img, and the clients run in a chroot into $R/clients,
# the client programs' own small root filesystem (Debian's redis-tools,
# libmemcached-tools, apache2-utils, sysbench and their libraries, with
# lib.sh): a board needs no loop device, ext4 or client program of its
# own, only root (the taps, the chroot), /dev/net/tun and free addresses
# for the taps.  Whatever this script mounts there it unmounts.
#@host-lib.sh (porttool bench puts its lines here)
mark "host up: $(uname -r), $(grep -c '^processor' /proc/cpuinfo) cpus online"
# A board's own load at the run's start, in the line porttool appends to
# a QEMU boot's log with this machine's (bench_apps_exits.c reads it).
[ -z "$R" ] || echo "# porttool: load average $(cut -d' ' -f1 /proc/loadavg) at the run's start (the board's)"

VMS=${VMS:-1}
# 512 MiB: MariaDB, Redis, memcached (-m 64), Apache and gcc at once; of
# several, 160 MiB each (8 beside the host in its 2 GiB): the lighter
# workloads only.
GUEST_MEM=512
GUEST_MEM_MANY=160
[ "$VMS" -gt 1 ] && GUEST_MEM=$GUEST_MEM_MANY
# This host's files: QEMU's /tmp, a board's $R/tmp; the guest's disk and
# the clients' root, QEMU's /dev/vda (mounted) or a board's image and tree.
T=$R/tmp
if [ -z "$R" ]; then
	DISK=/dev/vda
	ROOT=/rootfs
else
	DISK=$R/guest/rootfs.img
	ROOT=$R/clients
fi
# Every DMA of a SeKVM guest goes through its swiotlb pool, the only
# memory it shares (host-init.sh).
# The guest reads the disk through this host's page cache of /dev/vda
# (the vmm's pread).  This host's mount must not load the image's journal:
# jbd2, loading it for a metadata_csum ext4, sets the checksum feature in
# its in-memory copy of the journal's superblock without a new checksum
# (written only at the next commit, never on a read-only mount), and the
# guest, reading that copy, refused it: "JBD2: journal checksum error".
# noload leaves the page cache as the image has it.
GUEST_CMDLINE="console=ttyAMA0 panic=-1 swiotlb=2048,force root=/dev/vda ro rootfstype=ext4 rootwait init=/init apps.run=server"

apps_error() { mark "apps-error: $*"; }

# The exits each workload caused: a snapshot of every counter before and
# after it, the difference logged as "APPS-EXITS: WORKLOAD SRC NAME COUNT
# TICKS" (bench_apps.c reads them): SRC cv, the corevisor's counters
# (SeKVM: $STATS of host-lib.sh, ticks its EL2 time); kvm, KVM's own
# per-exit statistics (debugfs kvm/*, kept by the hostvisor as by stock
# KVM; ticks 0); net, the bytes and packets through the guests' taps (every
# one of them bounced by the guest's swiotlb, swiotlb=force below, under
# both kernels); irq, this host's interrupts by line (/proc/interrupts,
# every CPU's: an interrupt while a vCPU runs is an exit); host uptime_ms,
# the window's length.  The counters are
# the whole machine's: with several guests, every guest's.  A guest's own
# workloads (hackbench, kbuild, the servers' start) are cut where its
# output says APPS-BEGIN/APPS-END (watch_frames: tens of ms late under
# TCG, at both ends); the clients' where this host runs them.
snap() {
	files=
	for g in /sys/kernel/debug/kvm/* /sys/class/net/tap*/statistics/[rt]x_bytes \
		/sys/class/net/tap*/statistics/[rt]x_packets; do
		[ -f "$g" ] && files="$files $g"
	done
	awk -v cv="$STATS" '
	FILENAME == cv { if ($2 ~ /^[0-9]+$/ && NF == 3) print "cv", $1, $2, $3; next }
	FILENAME ~ /^\/sys\/kernel\/debug\/kvm\// {
		n = FILENAME; sub(".*/", "", n); print "kvm", n, $1 + 0, 0; next }
	FILENAME ~ /^\/sys\/class\/net\// { n = FILENAME; sub(".*/", "", n); net[n] += $1; next }
	FILENAME == "/proc/uptime" { print "host", "uptime_ms", int($1 * 1000), 0 }
	FILENAME == "/proc/interrupts" && $1 ~ /:$/ {
		n = $1; sub(":", "", n)
		if (n ~ /^[0-9]+$/) n = substr(n "-" $NF, 1, 20)
		s = 0
		for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) s += $i
		print "irq", n, s, 0
	}
	END { for (n in net) print "net", n, net[n], 0 }' \
		$(ls $STATS 2>/dev/null) $files /proc/uptime /proc/interrupts >"$1"
}
exits_diff() {
	awk -v w="$1" 'NR == FNR { c[$1 " " $2] = $3; t[$1 " " $2] = $4; next }
	{ k = $1 " " $2; printf "APPS-EXITS: %s %s %s %.0f %.0f\n", w, $1, $2, $3 - c[k], $4 - t[k] }' \
		"$2" "$3"
}
# watch_frames OUT: copy the guest's console from OUT.fifo to OUT.out,
# snapshotting at each frame's begin and end (into $T/exits.out).
CR=$(printf '\r')
watch_frames() {
	while IFS= read -r line; do
		printf '%s\n' "$line" >>"$1.out"
		case "$line" in
		*"APPS-BEGIN: "*|*"APPS-END: "*)
			w=${line#*APPS-*: }
			w=${w%%[ $CR]*}
			case "$line" in
			*BEGIN*) snap $T/ex.0 ;;
			*) snap $T/ex.1 && exits_diff "$w" $T/ex.0 $T/ex.1 >>$T/exits.out ;;
			esac
			;;
		esac
	done <"$1.fifo"
}

# apps.KEY=VALUE into APPS_KEY, as the root filesystem's /init does, and
# onto the guest's command line.
for arg in $CMDLINE; do
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
# How long one server's client may run (porttool: a sixth of its timeout).
CLIENT_WAIT=${APPS_CLIENT_WAIT:-120}
GUEST_CMDLINE="$GUEST_CMDLINE apps.wait=$((READY_WAIT + 3600))"

# The image read-only, with what the clients need under it.
root_up() {
	[ -z "$R" ] || { board_root_up; return; }
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

# A board's clients' root: the bundle's tree, with fresh proc, sysfs and
# a /dev of its own (a bind of the board's /dev would put its device
# nodes under the directory porttool removes at the end).
board_root_up() {
	mount -t proc proc $ROOT/proc &&
	mount -t sysfs sysfs $ROOT/sys &&
	mount -t tmpfs -o mode=0755 tmpfs $ROOT/dev &&
	mknod -m 666 $ROOT/dev/null c 1 3 &&
	mknod -m 666 $ROOT/dev/zero c 1 5 &&
	mknod -m 666 $ROOT/dev/random c 1 8 &&
	mknod -m 666 $ROOT/dev/urandom c 1 9 &&
	mount -t tmpfs tmpfs $ROOT/tmp &&
	mount -t tmpfs tmpfs $ROOT/run &&
	mount -t tmpfs tmpfs $ROOT/root || {
		apps_error "the board cannot mount proc, sysfs or tmpfs in $ROOT for the clients"
		root_down
		return 1
	}
}

# in_root CMD: CMD in the clients' root, with its lib.sh.
in_root() {
	PATH=/usr/sbin:/usr/bin:/sbin:/bin chroot $ROOT /bin/sh -c \
		". /usr/lib/sekvm-apps/lib.sh && $1"
}

# This host's kernel, when before 5.6 and not yet seeded, seeded as the
# guest's /init seeds its own, by lib.sh's seed_kernel: the clients ab
# and sysbench seed OpenSSL, whose getrandom() a 4.18 host without "crng
# init done" blocks for ever (Redis's and memcached's clients never
# ask).  Before the guests start.
seed_host() {
	in_root "kernel_seeded || ! kernel_before_5_6" && return 0
	if [ ! -x $ROOT/usr/sbin/haveged ]; then
		mark "entropy: this host's kernel is not seeded and the clients' root has no haveged: ab and sysbench may wait for it"
		return 0
	elif [ ! -r /proc/sys/kernel/random/poolsize ]; then
		mark "entropy: this host's kernel is not seeded and has no /proc/sys/kernel/random (CONFIG_PROC_SYSCTL), which haveged needs: ab and sysbench may wait for it"
		return 0
	fi
	said=$(in_root "seed_kernel 60") && mark "entropy: this host $said" || {
		mark "entropy: this host $said"
		sed "s/^/APPS-HOST: haveged: /" $ROOT/tmp/haveged.log
	}
}

# Undo board_root_up, innermost first (a QEMU host just powers off).
root_down() {
	[ -n "$R" ] || return 0
	for m in root run tmp dev sys proc; do
		grep -q " $ROOT/$m " /proc/mounts && umount $ROOT/$m
	done
	return 0
}

# What a board must have besides /dev/kvm and /dev/net/tun, said by name:
# root, the bundle's image and tree, and the guests' addresses free.
# apps.check=1 (porttool, before it sends the image): all but the image.
board_ready() {
	if [ "$(id -u)" != 0 ]; then
		apps_error "the board's user is not root: the guests' taps and the clients' chroot need root (log in as root)"
		return 1
	fi
	if { [ -z "$APPS_CHECK" ] && [ ! -f "$DISK" ]; } || [ ! -x "$ROOT/bin/sh" ]; then
		apps_error "no $DISK or $ROOT/bin/sh: porttool's upload is incomplete"
		return 1
	fi
	i=1
	while [ $i -le "$VMS" ]; do
		vm_names $i
		if [ -e /sys/class/net/$tap ]; then
			apps_error "the board already has a network interface $tap: the guests' taps are tap0..tap$((VMS - 1))"
			return 1
		fi
		if ip -4 addr | grep -q "inet $net\."; then
			apps_error "the board already has an address in $net.0/24 ($(ip -4 addr | grep "inet $net\." | head -n 1 | sed 's/^ *//')): guest $i and its tap take that network"
			return 1
		fi
		i=$((i + 1))
	done
}

# Guest i's names: its tap, addresses, MAC, files and tag suffix.
vm_names() {
	tap=tap$(($1 - 1))
	net=10.0.$(($1 + 1))
	guest_addr=$net.15
	mac=52:54:00:12:34:$(printf %02x $((0x55 + $1)))
	out=$T/vmm$1
	if [ "$VMS" -gt 1 ]; then t=$1; else t=; fi
}

# tap_up I: once guest I's vmm has made its tap, this host's side of it.
tap_up() {
	vm_names "$1"
	n=0
	until [ -d /sys/class/net/$tap ] || [ -f $out.rc ] || [ $n -ge 120 ]; do
		sleep 1
		n=$((n + 1))
	done
	ip addr add $net.1/24 dev $tap && ip link set $tap up ||
		apps_error "the tap $tap could not be set up"
}

# vmm_start I: guest I's vmm in the background (pid in OUT.pid, its exit
# status in OUT.rc once it exits).
vmm_start() {
	vm_names "$1"
	cmdline="$GUEST_CMDLINE apps.ip=$guest_addr/24"
	[ "$1" = 1 ] && mark "guest command line: $cmdline"
	: >$out.out
	# one guest: its frames cut the exit counts (several: only the clients')
	dest=$out.out
	if [ "$VMS" = 1 ] && mkfifo $out.fifo; then
		dest=$out.fifo
		watch_frames $out &
		echo $! >$out.wpid
	fi
	($R/bin/vmm --kernel $R/guest/Image --cpus 2 --mem $GUEST_MEM $keys \
		--disk $DISK,ro --net tap=$tap,mac=$mac --cmdline "$cmdline" \
		>$dest 2>&1 &
	 echo $! >$out.pid
	 wait $!
	 echo $? >$out.rc) &
}

# Wait (bounded) for every guest's APPS-READY or its vmm's exit.
guests_ready() {
	n=0 ok=0
	while [ $n -lt "$READY_WAIT" ]; do
		i=1 left=0
		while [ $i -le "$VMS" ]; do
			grep -q APPS-READY $T/vmm$i.out || [ -f $T/vmm$i.rc ] ||
				left=$((left + 1))
			i=$((i + 1))
		done
		[ $left = 0 ] && break
		sleep 1
		n=$((n + 1))
	done
	i=1
	while [ $i -le "$VMS" ]; do
		vm_names $i
		v=${t:+"guest $i: "}
		if grep -q APPS-READY $out.out; then
			ok=$((ok + 1))
		elif [ -f $out.rc ]; then
			apps_error "${v}the guest's vmm exited $(cat $out.rc) before APPS-READY"
		else
			apps_error "${v}the guest was not ready after $READY_WAIT s"
		fi
		i=$((i + 1))
	done
	[ $ok -gt 0 ]
}

# client SERVER I: lib.sh's client_SERVER against guest I, framed, if the
# guest started that server.  A client that has not finished in
# CLIENT_WAIT seconds is killed and reported: one server that stops
# answering must not cost the other servers' results and the guest's
# console (printed after the clients).
client() {
	vm_names "$2"
	if ! grep -q "APPS-END: start-$1 0" $out.out; then
		mark "no client for $1${t:+ in guest $t}: the guest did not start it"
		return
	fi
	PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp timeout $CLIENT_WAIT chroot $ROOT /bin/sh -c \
		". /usr/lib/sekvm-apps/lib.sh && framed $1 client_$1 $guest_addr" >$T/cl$2.raw 2>&1
	rc=$?
	sed "s/^/APPS-HOST$t: /" $T/cl$2.raw
	grep -q "^APPS-END: $1 " $T/cl$2.raw && return
	# timeout's status when it killed the client: busybox 143, GNU 124
	case $rc in
	124|143) apps_error "${t:+guest $t: }the $1 client did not finish in $CLIENT_WAIT s (status $rc): killed; the guest's console follows the clients" ;;
	*) apps_error "${t:+guest $t: }the $1 client's shell exited $rc before its APPS-END" ;;
	esac
}

# guest_lines I FROM: guest I's output from line FROM on, tagged.
guest_lines() {
	vm_names "$1"
	tail -n +"$2" $out.out | sed "s/^/APPS-VMM$t: /"
}

cat_client() { cat $T/client$1.out; }
# The lines of guest I's output printed before its clients ran.
shown_of() { eval "echo \${shown$1:-0}"; }
all_exited() {
	i=1
	while [ $i -le "$VMS" ]; do
		[ -f $T/vmm$i.rc ] || return 1
		i=$((i + 1))
	done
}

# each CMD: CMD I for every guest I.
each() {
	i=1
	while [ $i -le "$VMS" ]; do
		"$@" $i
		i=$((i + 1))
	done
}

if [ ! -c /dev/kvm ]; then
	apps_error "no /dev/kvm"
elif [ ! -x $R/bin/vmm ] || [ ! -f $R/guest/Image ]; then
	apps_error "no $R/bin/vmm or $R/guest/Image in the initramfs"
elif [ ! -c /dev/net/tun ]; then
	apps_error "no /dev/net/tun (CONFIG_TUN) for the guest's NIC"
elif [ -n "$R" ] && ! board_ready; then
	:
elif [ -n "$APPS_CHECK" ]; then
	mark "apps-check: the board can run the guests and the clients"
elif root_up; then
	ip link set lo up
	seed_host
	keys=
	[ -f $R/guest/vm.pub ] && keys="--sig $R/guest/Image.sig --pubkey $R/guest/vm.pub"
	if [ "$VMS" = 1 ]; then
		mark "guest: $GUEST_MEM MiB, 2 vCPUs, --disk $DISK,ro --net tap=tap0"
	else
		mark "vms $VMS: $GUEST_MEM MiB, 2 vCPUs, --disk $DISK,ro, --net tap=tap0..tap$((VMS - 1)) each"
	fi
	each vmm_start
	each tap_up
	mark "vmm start"
	if guests_ready; then
		i=1
		while [ $i -le "$VMS" ]; do
			eval "shown$i=$(wc -l <$T/vmm$i.out)"
			guest_lines $i 1 | head -n "$(shown_of $i)"
			i=$((i + 1))
		done
		mark "guest ready; clients from this host"
		sed -n 's/^sekvm-stats: /CV-STATS: /p' $STATS 2>/dev/null
		cat $T/exits.out 2>/dev/null
		# memcaslap writes ~/.memslap.cnf when it is missing: several
		# at once read each other's half-written file ("Bad
		# configuration file"), so one writes it first, to no server.
		[ "$VMS" -gt 1 ] && PATH=/usr/sbin:/usr/bin:/sbin:/bin timeout 10 \
			chroot $ROOT memcaslap -s 127.0.0.1:9 -t 1s -c 1 -T 1 >/dev/null 2>&1
		for s in $(echo "${APPS_SERVERS:-none}" | tr , " "); do
			[ "$s" = none ] && continue
			# every guest's clients at once, printed one guest after another
			i=1 pids=
			snap $T/ex.0
			while [ $i -le "$VMS" ]; do
				client "$s" $i >$T/client$i.out 2>&1 &
				pids="$pids $!"
				i=$((i + 1))
			done
			wait $pids
			snap $T/ex.1
			each cat_client
			exits_diff "$s" $T/ex.0 $T/ex.1
		done
		mark "clients done"
	fi
	i=1
	while [ $i -le "$VMS" ]; do
		[ -f $T/vmm$i.rc ] || kill "$(cat $T/vmm$i.pid)" 2>/dev/null
		i=$((i + 1))
	done
	n=0
	until all_exited || [ $n -ge 30 ]; do
		sleep 1
		n=$((n + 1))
	done
	i=1
	while [ $i -le "$VMS" ]; do
		[ -f $T/vmm$i.rc ] || kill -9 "$(cat $T/vmm$i.pid)" 2>/dev/null
		i=$((i + 1))
	done
	# a SeKVM guest's teardown gives its pages back scrubbed: minutes
	# under TCG for several
	until all_exited || [ $n -ge 300 ]; do
		sleep 1
		n=$((n + 1))
	done
	# the console's last lines, through watch_frames
	[ -f $T/vmm1.wpid ] && wait "$(cat $T/vmm1.wpid)"
	i=1
	while [ $i -le "$VMS" ]; do
		guest_lines $i $(($(shown_of $i) + 1))
		vm_names $i
		mark "vmm${t} exit $(cat $T/vmm$i.rc 2>/dev/null)"
		i=$((i + 1))
	done
fi
root_down
mark "done"
finish
