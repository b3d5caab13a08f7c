#!/bin/bash
# porttool bench --suite apps: options, and the parsers on real outputs,
# booting nothing (--from-logs).
#
# t/apps-logs/ holds real serial logs of the root filesystem's selftest
# (porttool rootfs's image, /usr/lib/sekvm-apps/selftest.sh: every server
# and its client on one QEMU machine), captured from QEMU booting the image
# as its root disk, on Debian's arm64 kernel 6.1, with this machine loaded
# (hence the small numbers): selftest-1.log ran every workload (the
# defaults of then: redis -n 20000, ab -n 2000, hackbench -g 4 -l 50) and
# its 30-minute timeout ended it in kbuild; selftest-2.log ran MariaDB and
# hackbench alone (apps.servers=mysql apps.local=hackbench); selftest-3.log
# kbuild alone (apps.kbuild_files=8; its "start-none 127" frame is the
# selftest.sh of then, which took apps.servers=none for a server's name).
# The cases copy them where --from-logs looks (apps-{sekvm,kvm}-N.log);
# the crafted variants take one piece away or make a step fail.
. "$(dirname "$0")/lib.sh"

export XDG_CACHE_HOME="$TRASH/cache"
LOGS="$T_DIR/apps-logs"

sql() {
	python3 -c '
import sqlite3, sys
for row in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]):
    print("|".join("" if v is None else str(v) for v in row))
' "$1" "$2"
}

# The numbers as the tools print them, read here with sed, not porttool.
ab_rps() { sed -n 's/^Requests per second: *\([0-9.]*\) .*/\1/p' "$1" | tr -d '\r'; }
redis_rps() { sed -n "s/^\"$2\",\"\([0-9.]*\)\".*/\1/p" "$1" | tr -d '\r'; }
mc_tps() { sed -n 's/^Run time: .* TPS: \([0-9]*\) .*/\1/p' "$1" | tr -d '\r' | tail -1; }
sb_tps() { sed -n 's/^ *transactions: *[0-9]* *(\([0-9.]*\) per sec.)/\1/p' "$1" | tr -d '\r'; }
hb_time() { sed -n 's/^Time: *\([0-9.]*\).*/\1/p' "$1" | tr -d '\r'; }
kb_time() { sed -n 's/^kbuild: .*, \([0-9.]*\) s.*/\1/p' "$1" | tr -d '\r'; }

# logs DIR SEKVM KVM: DIR/apps-sekvm-1.log and apps-kvm-1.log.
logs() {
	mkdir -p "$1" && cp "$2" "$1/apps-sekvm-1.log" && cp "$3" "$1/apps-kvm-1.log"
}

# row OUT NAME: the table's row NAME as "SEKVM KVM RATIO UNIT".
row() { awk -v n="$2" '$1 == n { print $2, $3, $4, $5 }' "$1"; }

# same A B: two decimal numbers equal to the table's two decimals.
same() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(sprintf("%.2f", a) == sprintf("%.2f", b)) }'; }

test_expect_success 'apps: the fixtures are what the tools printed' '
	for f in "$LOGS"/selftest-[123].log; do
		grep -q "^APPS-INIT: up " "$f" || { echo "$f"; false; }
	done &&
	for f in "$LOGS"/selftest-[23].log; do
		grep -q "^APPS-INIT: selftest exit 0" "$f" || { echo "$f"; false; }
	done &&
	test -n "$(ab_rps "$LOGS/selftest-1.log")" &&
	test -n "$(redis_rps "$LOGS/selftest-1.log" GET)" &&
	test -n "$(redis_rps "$LOGS/selftest-1.log" SET)" &&
	test -n "$(mc_tps "$LOGS/selftest-1.log")" &&
	test -n "$(hb_time "$LOGS/selftest-1.log")" &&
	test -n "$(sb_tps "$LOGS/selftest-1.log")" &&
	test -n "$(kb_time "$LOGS/selftest-3.log")" &&
	test -n "$(sb_tps "$LOGS/selftest-2.log")"
'

test_expect_success 'apps --from-logs: every number of the real log, in the table and the database' '
	f="$LOGS/selftest-1.log" &&
	logs logs "$f" "$f" &&
	porttool bench 5.10 --suite apps --apps apache,redis,memcached,mysql,hackbench \
		--from-logs logs --db r.db >out 2>err || { cat err out; false; } &&
	cat out &&
	set -- $(row out apache) && same "$1" "$(ab_rps "$f")" && test "$3" = 1.000 && test "$4" = ops/s &&
	set -- $(row out redis-get) && same "$1" "$(redis_rps "$f" GET)" && test "$4" = ops/s &&
	set -- $(row out redis-set) && same "$1" "$(redis_rps "$f" SET)" &&
	set -- $(row out memcached) && same "$1" "$(mc_tps "$f")" &&
	set -- $(row out hackbench) && same "$1" "$(hb_time "$f")" && test "$4" = s &&
	set -- $(row out mysql) && same "$1" "$(sb_tps "$f")" && test "$4" = ops/s &&
	grep -q "^mongodb .*not in Debian" out &&
	! grep -q "^kbuild" out &&
	sql r.db "select benchmark, unit, hypervisor from measurements where suite = \"apps\" order by benchmark, hypervisor" >rows &&
	test "$(wc -l <rows)" = 12 &&
	grep -qx "apache|ops/s|kvm" rows && grep -qx "hackbench|s|sekvm" rows &&
	test "$(sql r.db "select value from measurements where benchmark = \"apache\" and hypervisor = \"sekvm\"")" = "$(ab_rps "$f")"
'

test_expect_success 'apps --from-logs: MariaDB alone; the kernel-build-like job' '
	f="$LOGS/selftest-2.log" &&
	logs logs "$f" "$f" &&
	porttool bench 5.10 --suite apps --apps mysql,hackbench --from-logs logs --db r.db >out 2>err ||
		{ cat err; false; } &&
	set -- $(row out mysql) && same "$1" "$(sb_tps "$f")" && test "$4" = ops/s &&
	set -- $(row out hackbench) && same "$1" "$(hb_time "$f")" &&
	test "$(row out apache)" = "" &&
	f="$LOGS/selftest-3.log" &&
	logs logs3 "$f" "$f" &&
	porttool bench 5.10 --suite apps --apps kbuild --from-logs logs3 --db r.db >out 2>err ||
		{ cat err; false; } &&
	set -- $(row out kbuild) && same "$1" "$(kb_time "$f")" && test "$4" = s
'

test_expect_success 'apps --from-logs: the ratio is SeKVM over KVM' '
	f="$LOGS/selftest-1.log" &&
	sed "s/^Requests per second: *\([0-9.]*\)/Requests per second:    200.00/" "$f" >a &&
	sed "s/^Requests per second: *\([0-9.]*\)/Requests per second:    100.00/" "$f" >b &&
	logs logs a b &&
	porttool bench 5.10 --suite apps --apps apache --from-logs logs --db r.db >out &&
	test "$(row out apache)" = "200.00 100.00 2.000 ops/s"
'

# refused LOG-EDIT WANT: the log without a piece fails naming what.
refused() {
	sed "$1" "$LOGS/selftest-1.log" >bad.log &&
	logs logs bad.log "$LOGS/selftest-1.log" &&
	test_expect_code 1 porttool bench 5.10 --suite apps --apps apache,redis,memcached,mysql,hackbench \
		--from-logs logs --db r.db >out 2>err &&
	grep -q "apps-sekvm-1.log: $2" err || { cat err; false; }
}

test_expect_success 'apps --from-logs: a missing result is named' '
	refused "/^Requests per second/d" "no result for apache$" &&
	refused "/^\"GET\"/d" "no result for redis-get$" &&
	refused "/^Time:/d" "no result for hackbench$" &&
	refused "/^    transactions:/d" "no result for mysql$" &&
	refused "/^Run time:/d" "no result for memcached$"
'

test_expect_success 'apps --from-logs: a step that failed is named with the missing result' '
	refused "s/^APPS-END: start-redis 0/APPS-END: start-redis 1/; /^\"SET\"/d; /^\"GET\"/d" \
		"no result for redis-get, redis-set; start-redis exited 1"
'

test_expect_success 'apps --from-logs: a result outside its frame does not count' '
	refused "/^APPS-BEGIN: apache/d" "no result for apache"
'

test_expect_success 'apps --from-logs: console tags and CR line ends are read through' '
	sed "s/^/BENCH-VMM: /; s/\$/\r/" "$LOGS/selftest-1.log" >tagged &&
	logs logs tagged tagged &&
	porttool bench 5.10 --suite apps --apps apache,redis,memcached,mysql,hackbench \
		--from-logs logs --db r.db >out 2>err || { cat err; false; } &&
	set -- $(row out apache) && same "$1" "$(ab_rps "$LOGS/selftest-1.log")"
'

test_expect_success 'apps --from-logs: of a line redrawn with CR, the last drawing counts' '
	sed "s/^\"GET\",\"[0-9.]*\"/GET: rps=1.0 (overall: 1.0) avg_msec=9.9\r\"GET\",\"4242.50\"/" \
		"$LOGS/selftest-1.log" >redrawn &&
	grep -q "avg_msec=9.9.\"GET\",\"4242.50\"" redrawn &&
	logs logs redrawn redrawn &&
	porttool bench 5.10 --suite apps --apps redis --from-logs logs --db r.db >out 2>err ||
		{ cat err; false; } &&
	test "$(row out redis-get)" = "4242.50 4242.50 1.000 ops/s"
'

# no-ext4.log: a real boot of 5.10's qemu build of before the apps config
# (no CONFIG_EXT4_FS) with the root filesystem on virtio-blk.
test_expect_success 'apps --from-logs: a kernel that cannot mount the root filesystem is named' '
	logs logs "$LOGS/no-ext4.log" "$LOGS/selftest-1.log" &&
	test_expect_code 1 porttool bench 5.10 --suite apps --apps hackbench --from-logs logs \
		--db r.db 2>err &&
	grep -q "apps-sekvm-1.log: the kernel could not mount the root filesystem .*CONFIG_EXT4_FS" err &&
	grep -v "^APPS-INIT: up" "$LOGS/selftest-1.log" >noinit &&
	logs logs noinit noinit &&
	test_expect_code 1 porttool bench 5.10 --suite apps --apps hackbench --from-logs logs \
		--db r.db 2>err &&
	grep -q "/init never started" err
'

test_expect_success 'apps: usage errors' '
	test_expect_code 2 porttool bench 5.10 --suite apps --apps nginx --from-logs x 2>err &&
	grep -q "'"'"'nginx'"'"' is none of" err &&
	test_expect_code 2 porttool bench 5.10 --suite apps --redis-requests 0 2>err &&
	grep -q -- "--redis-requests needs a number from 1" err &&
	test_expect_code 2 porttool bench 5.10 --suite guest --apache-requests 10 2>err &&
	grep -q "go with --suite apps" err &&
	test_expect_code 2 porttool bench 5.10 --suite apps --json x.json 2>err &&
	test_expect_code 2 porttool bench 5.10 --suite bogus 2>err &&
	grep -q "guest, micro, all or apps" err
'

test_done
