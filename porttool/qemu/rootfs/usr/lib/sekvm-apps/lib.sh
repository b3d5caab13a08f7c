# The application workloads, sourced by the scripts in this directory.
#
# Servers: start_SERVER starts it in the background and returns when it
# answers.  Clients: client_SERVER HOST runs the benchmark program against
# HOST, with the parameters in APPS_* (from apps.KEY=VALUE on the kernel
# command line, or the environment of the QEMU host's shell that runs it).
# Local workloads: run_hackbench, run_kbuild.  Every result is framed by
# "APPS-BEGIN: NAME" and "APPS-END: NAME rc", the program's own output in
# between, for porttool bench's parsers (bench_apps.c).

: "${APPS_REDIS_REQUESTS:=2000}" "${APPS_REDIS_CLIENTS:=10}"
: "${APPS_REDIS_TESTS:=get,set}"
: "${APPS_MEMCACHED_SECONDS:=10}" "${APPS_MEMCACHED_CONCURRENCY:=8}"
: "${APPS_APACHE_REQUESTS:=500}" "${APPS_APACHE_CONCURRENCY:=8}"
: "${APPS_MYSQL_ROWS:=1000}" "${APPS_MYSQL_SECONDS:=10}" "${APPS_MYSQL_THREADS:=2}"
: "${APPS_HACKBENCH_GROUPS:=2}" "${APPS_HACKBENCH_LOOPS:=20}"
: "${APPS_KBUILD_FILES:=24}" "${APPS_KBUILD_JOBS:=2}"

SBTEST="--db-driver=mysql --mysql-user=sbtest --mysql-password=sbtest --mysql-db=sbtest"

# Wait up to $2 seconds for "$1" to succeed.
wait_for() {
	i=0
	while ! eval "$1" >/dev/null 2>&1; do
		i=$((i + 1))
		[ "$i" -gt "$2" ] && return 1
		sleep 1
	done
}

# Entropy, for the guest's /init and the QEMU host's apps-host-init.sh
# (which runs this through the same root): a kernel before 5.6 blocks
# getrandom() until its input pool has been credited and gathers no
# jitter for a caller that waits, so whatever seeds OpenSSL waits with
# it.  haveged credits the pool from the CPU's timing jitter, on that
# machine only.
kernel_seeded() { dmesg | grep -q "random: crng init done"; }
kernel_before_5_6() {
	set -- $(uname -r | tr '.-' '  ')
	[ "$1" -lt 5 ] || { [ "$1" = 5 ] && [ "$2" -lt 6 ]; }
}

# seed_kernel BOUND: haveged until the kernel says it is seeded, at most
# BOUND seconds, then stopped, so that nothing measured runs beside it.
# Says "seeded by haveged in N s", or "not seeded after N s of haveged
# (B bits in the pool)" and fails; haveged's own log is /tmp/haveged.log.
seed_kernel() {
	haveged -F -v 1 -w 4096 >/tmp/haveged.log 2>&1 &
	pid=$! n=0
	until kernel_seeded || [ "$n" -ge "$1" ]; do
		sleep 1
		n=$((n + 1))
	done
	kill $pid 2>/dev/null
	wait $pid 2>/dev/null
	if kernel_seeded; then
		echo "seeded by haveged in $n s"
		return 0
	fi
	echo "not seeded after $n s of haveged" \
		"($(cat /proc/sys/kernel/random/entropy_avail) bits in the pool)"
	return 1
}

# Redis 7 on arm64 first probes the kernel for a copy-on-write bug that
# corrupts background saves, reading /proc/self/smaps, which the ports'
# small configs do not build (CONFIG_PROC_PAGE_MONITOR): it then exits
# ("Failed to test the kernel for a bug").  With persistence off there is
# no background save, so that warning is ignored; a failed start shows
# Redis's own log.
start_redis() {
	redis-server --daemonize yes --save "" --appendonly no \
		--ignore-warnings ARM64-COW-BUG \
		--protected-mode no --bind 0.0.0.0 --dir /var/lib/redis \
		--logfile /var/log/redis.log &&
	wait_for "redis-cli ping | grep -q PONG" 60 || {
		cat /var/log/redis.log
		return 1
	}
}

start_memcached() {
	memcached -u root -d -m 64 -p 11211 -l 0.0.0.0 -P /run/memcached.pid &&
	wait_for "echo stats | nc -w 1 127.0.0.1 11211 | grep -q pid" 60
}

start_apache() {
	apache2 -f /etc/sekvm-apps/httpd.conf -k start &&
	wait_for "wget -q -O /dev/null http://127.0.0.1/index.html" 60
}

# What mariadb-server's postinst does, then the sysbench user and table.
start_mysql() {
	mkdir -p /run/mysqld
	mariadb-install-db --defaults-file=/etc/sekvm-apps/my.cnf \
		--auth-root-authentication-method=normal --skip-test-db \
		>/var/log/mysql-install.log 2>&1 || {
		cat /var/log/mysql-install.log
		return 1
	}
	mariadbd --defaults-file=/etc/sekvm-apps/my.cnf >/var/log/mysql.log 2>&1 &
	wait_for "mariadb-admin --defaults-file=/etc/sekvm-apps/my.cnf ping" 300 || {
		cat /var/log/mysql.log
		return 1
	}
	mariadb --defaults-file=/etc/sekvm-apps/my.cnf -u root <<SQL
CREATE DATABASE sbtest;
CREATE USER 'sbtest'@'%' IDENTIFIED BY 'sbtest';
GRANT ALL ON sbtest.* TO 'sbtest'@'%';
SQL
	sysbench oltp_read_only $SBTEST --mysql-host=127.0.0.1 \
		--tables=1 --table-size="$APPS_MYSQL_ROWS" prepare >/var/log/sysbench-prepare.log 2>&1 || {
		cat /var/log/sysbench-prepare.log
		return 1
	}
}

client_redis() {
	redis-benchmark -h "$1" -n "$APPS_REDIS_REQUESTS" \
		-c "$APPS_REDIS_CLIENTS" -t "$APPS_REDIS_TESTS" --csv
}

client_memcached() {
	memcaslap -s "$1:11211" -t "${APPS_MEMCACHED_SECONDS}s" \
		-c "$APPS_MEMCACHED_CONCURRENCY" -T 1
}

client_apache() {
	ab -n "$APPS_APACHE_REQUESTS" -c "$APPS_APACHE_CONCURRENCY" \
		"http://$1/index.html"
}

client_mysql() {
	sysbench oltp_read_only $SBTEST --mysql-host="$1" --tables=1 \
		--table-size="$APPS_MYSQL_ROWS" --time="$APPS_MYSQL_SECONDS" \
		--threads="$APPS_MYSQL_THREADS" run
}

run_hackbench() {
	hackbench -g "$APPS_HACKBENCH_GROUPS" -l "$APPS_HACKBENCH_LOOPS"
}

# A fixed C project of APPS_KBUILD_FILES files, built with make -j; the
# time is the guest's monotonic clock (/proc/uptime).
run_kbuild() {
	d=/tmp/kbuild
	rm -rf "$d" && mkdir -p "$d" || return 1
	i=0
	objs=
	while [ "$i" -lt "$APPS_KBUILD_FILES" ]; do
		cat >"$d/f$i.c" <<C
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
struct item$i { int key; char name[32]; struct item$i *next; };
static int cmp$i(const void *a, const void *b)
{
	return ((const struct item$i *)a)->key - ((const struct item$i *)b)->key;
}
int work$i(int n)
{
	struct item$i *v = calloc(n, sizeof(*v));
	int sum = 0;
	for (int k = 0; k < n; k++) {
		v[k].key = (k * 7919 + $i) % 1009;
		snprintf(v[k].name, sizeof(v[k].name), "item-%d-%d", $i, k);
	}
	qsort(v, n, sizeof(*v), cmp$i);
	for (int k = 0; k < n; k++)
		sum += v[k].key + (int)strlen(v[k].name);
	free(v);
	return sum;
}
C
		objs="$objs f$i.o"
		i=$((i + 1))
	done
	printf 'int main(void) { return 0; }\n' >"$d/main.c"
	printf 'CFLAGS = -O2 -Wall\nprog: main.o%s\n\t$(CC) -o $@ $^\n' "$objs" >"$d/Makefile"
	t0=$(cut -d' ' -f1 /proc/uptime)
	make -s -C "$d" -j"$APPS_KBUILD_JOBS" CC=gcc || return 1
	t1=$(cut -d' ' -f1 /proc/uptime)
	echo "kbuild: $APPS_KBUILD_FILES files, make -j$APPS_KBUILD_JOBS, $(echo "$t0 $t1" | awk '{printf "%.2f", $2 - $1}') s"
}

# Run "$2..." framed for the parsers as result $1.
framed() {
	name=$1
	shift
	echo "APPS-BEGIN: $name"
	"$@" 2>&1
	rc=$?
	echo "APPS-END: $name $rc"
	return $rc
}
