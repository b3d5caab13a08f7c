# The start of both bench hosts' /init (host-init.sh, micro-host-init.sh):
# porttool bench puts these lines where a script has the line
# "#@host-lib.sh" (builtin/bench.c), so that what they share is written once.
#
# The same composed script runs in two places.  In QEMU it is the host
# initramfs's /init: R is empty, it mounts the pseudo file systems and
# powers the machine off at the end.  On a board (porttool bench --target,
# bench_ssh.c) the initramfs's files are unpacked into a directory there
# and the script runs over ssh with R set to that directory: the board's
# own /proc, /sys and /dev stay as they are, the tools are the bundle's
# busybox ahead of the board's, the kernel command line's options come in
# CMDLINE, and the end is just the end of the script.
R=${R:-}
mark() { echo "PORTTOOL-BENCH: $*"; }

if [ -z "$R" ]; then
	/bin/busybox --install -s /bin
	export PATH=/bin
	mount -t proc proc /proc
	mount -t sysfs sysfs /sys
	mount -t devtmpfs devtmpfs /dev 2>/dev/null
	CMDLINE=$(cat /proc/cmdline)
else
	"$R/bin/busybox" --install -s "$R/bin" 2>/dev/null
	export PATH="$R/bin:$PATH"
	mkdir -p "$R/tmp"
fi
# finish: the last step; QEMU's host powers off, a board's shell just ends.
finish() {
	sync
	[ -n "$R" ] || poweroff -f
}
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
		"$R/tmp/stats0" "$R/tmp/stats1"
}
