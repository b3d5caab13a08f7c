# The start of both bench hosts' /init (host-init.sh, micro-host-init.sh):
# porttool bench puts these lines where a script has the line
# "#@host-lib.sh" (builtin/bench.c), so that what they share is written once.
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
