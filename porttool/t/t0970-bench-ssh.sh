#!/bin/bash
# porttool bench --target ssh://root@127.0.0.1:PORT for real: the 5.10
# builds boot in QEMU as the "board" (lib-ssh-board.sh: Debian's dropbear
# in a root filesystem porttool rootfs builds, user-mode networking
# forwarding PORT to its port 22, a key pair and a host key made here,
# known_hosts written here and StrictHostKeyChecking=yes), and the suites
# run there over ssh.  The SeKVM board fills the sekvm column, the
# stock-KVM board (booted on the same port) the kvm column of the same
# board; the same kernel without EL2 has no KVM and is refused.  The login
# failures (another key, a changed or unknown host key, nothing listening)
# are tried on the SeKVM board.  The apps suite runs on both boards (a
# guest's Redis driven from the SeKVM board's own user space) and is
# refused on a board that lacks what it needs.  About six minutes (the
# apps cases most of it); the builds are found as
# t0920 finds them (BENCH_SEKVM_OUT, BENCH_KVM_OUT, the chain test's, porttool
# build's defaults) and without them it skips: it builds no kernel.
. "$(dirname "$0")/lib.sh"
. "$T_DIR/lib-ssh-board.sh"

CHAIN=${PORTTOOL_CHAIN_DIR:-$TRASH_ROOT/t0900-work}
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/porttool/build

if missing=$(board_tools_missing); then
	test_skip "bench --target on a QEMU board" "no $missing here (ci/deps.sh installs it)"
	test_done
	exit
fi
if ! pick S "${BENCH_SEKVM_OUT:-}" "$CHAIN/qemu" "$CACHE/v5.10-qemu"; then
	test_skip "bench --target on a QEMU board" \
		"no SeKVM qemu build in \$BENCH_SEKVM_OUT, $CHAIN/qemu or $CACHE/v5.10-qemu"
	test_done
	exit
fi
K=
pick K "${BENCH_KVM_OUT:-}" "$CHAIN/qemu-kvm" "$CACHE/v5.10-qemu-kvm" || K=

BOARD_DIR=$TRASH/board
DB=$TRASH/r.db
mkdir -p "$BOARD_DIR"
trap board_stop EXIT
PORT=$(free_port)
URL=ssh://root@127.0.0.1:$PORT
CFG=$BOARD_DIR/config-$PORT
booted=false
board_prepare >"$TRASH/prepare.log" 2>&1 &&
	board_boot "$S/arch/arm64/boot/Image" "$PORT" >"$TRASH/boot-sekvm.log" 2>&1 &&
	booted=true

# rows WHERE: how many measurements match
rows() { sql "$DB" "select count(*) from measurements where $1"; }
# on_board CMD: run CMD on the board (the test's own login)
on_board() { ssh -F "$CFG" -p "$PORT" -o BatchMode=yes root@127.0.0.1 "$1"; }

test_expect_success "the board: $S's Image in QEMU, dropbear lets our key in" '
	$booted || { cat "$TRASH/prepare.log" "$TRASH/boot-sekvm.log"; exit 1; } &&
	on_board "uname -r" | grep "^5\.10\."
'

# --dir relative: the micro guest is built there, not in its sources
# (make -C runs in them).
test_expect_success 'bench --target, micro on the SeKVM board: the sekvm column, rows in the database' '
	porttool bench 5.10 --suite micro --target "$URL" --ssh-config "$CFG" --reps 1 \
		--iters 256 --db "$DB" --dir run >out 2>err || { cat out err; exit 1; } &&
	cat out err &&
	test -s run/micro.img &&
	grep -q "^porttool: $URL: Linux 5\.10\.[^,]*, SeKVM: its kernel log says .*corevisor ABI v" err &&
	grep -q "^micro benchmark: v5.10 on $URL, SeKVM (the kernel it runs), 1 run" out &&
	test "$(grep -c "^[A-Za-z].* 256 *[0-9][0-9]*\.[0-9]$" out)" = 6 &&
	grep -q "BENCH-VMM: vmm: SeKVM: kernel image registered" run/micro-sekvm-1.log &&
	test "$(rows "board = '\''$URL'\'' and suite = '\''micro'\'' and hypervisor = '\''sekvm'\'' and unit = '\''ns'\'' and source = '\''ssh'\'' and value > 0 and host like '\''% (aarch64, Linux 5.10.%'\'' and qemu_version is null")" = 6 &&
	test "$(rows "hypervisor = '\''kvm'\''")" = 0 &&
	test "$(sql "$DB" "select group_concat(benchmark) from measurements")" = "hvc,mmio-kernel,mmio-user,ipi,eoi,s2fault" &&
	test -z "$(on_board "ls /tmp | grep porttool-bench")"
'

test_expect_success 'bench --target, guest on the SeKVM board: the same host script, every workload' '
	porttool bench 5.10 --suite guest --target "$URL" --ssh-config "$CFG" --reps 1 \
		--sekvm-out "$S" --db "$DB" --dir "$TRASH/run" >out 2>err || { cat out err; exit 1; } &&
	cat out &&
	grep -q "^guest benchmark: v5.10 on $URL, SeKVM" out &&
	grep -q "sekvm-guest: corevisor ABI v[0-9.]*, DMA buffers shared" "$TRASH/run/sekvm-1.log" &&
	test "$(rows "board = '\''$URL'\'' and suite = '\''guest'\'' and hypervisor = '\''sekvm'\'' and value > 0")" = 6
'

# apps: the guest's disk (porttool rootfs's image, gzipped) and the
# client programs' tree go to the board; the guest runs hackbench and
# Redis's server, redis-benchmark runs on the board in the tree's chroot
# over a tap.  The smallest parameters: about a minute and a half.
APPS_FLAGS="--apps hackbench,redis --hackbench-loops 2 --redis-requests 50 --redis-clients 2"

test_expect_success 'bench --target, apps on the SeKVM board: a guest'"'"'s servers driven from the board, rows in the database' '
	porttool bench 5.10 --suite apps --target "$URL" --ssh-config "$CFG" --reps 1 \
		--sekvm-out "$S" --db "$DB" --dir "$TRASH/run" $APPS_FLAGS >out 2>err ||
		{ cat out err; exit 1; } &&
	cat out &&
	log="$TRASH/run/apps-sekvm-1.log" &&
	grep -q "^apps v5.10 on $URL, SeKVM (the kernel it runs): 1 run" out &&
	grep -q "^in a 2-vCPU guest of the board.s kernel, its servers driven from the board" out &&
	grep -q "^hackbench  *[0-9][0-9.]*  *s$" out &&
	grep -q "^redis-get  *[0-9][0-9.]*  *ops/s$" out &&
	grep -q "^APPS-VMM: sekvm-guest: corevisor ABI" "$log" &&
	grep -q "^APPS-HOST: \"GET\",\"[0-9]" "$log" &&
	grep -q "^APPS-EXITS: hackbench cv exit_irq [0-9]" "$log" &&
	grep -q "^PORTTOOL-BENCH: guest: 512 MiB, 2 vCPUs, --disk /tmp/porttool-bench-.*/guest/rootfs.img,ro" "$log" &&
	test "$(rows "board = '\''$URL'\'' and suite = '\''apps'\'' and hypervisor = '\''sekvm'\'' and source = '\''ssh'\'' and value > 0 and host like '\''% (aarch64, Linux 5.10.%'\'' and qemu_version is null and parameters like '\''%hackbench_loops=2 % run=guest'\''")" = 3 &&
	test "$(sql "$DB" "select group_concat(benchmark) from measurements where suite = '\''apps'\''")" = "redis-get,redis-set,hackbench" &&
	test "$(rows "suite = '\''apps-exits'\'' and board = '\''$URL'\'' and benchmark = '\''hackbench kvm.exits'\'' and value > 0")" = 1 &&
	test "$(rows "suite like '\''apps%'\'' and hypervisor = '\''kvm'\''")" = 0 &&
	test -z "$(on_board "ls /tmp | grep porttool-bench")" &&
	test -z "$(on_board "grep porttool-bench /proc/mounts")" &&
	! on_board "ls /sys/class/net" | grep -q tap
'

# apps_refused WORDS PLAIN: the apps suite is refused before the image
# goes, the check's words (WORDS, a grep pattern) in the error and (PLAIN,
# a part of them) in the database's failure; nothing left there.  Its
# own database: the report case below reads each column's latest run.
apps_refused() {
	rm -f refused.db &&
	test_expect_code 1 porttool bench 5.10 --suite apps --target "$URL" --ssh-config "$CFG" \
		--reps 1 --sekvm-out "$S" --db refused.db --dir "$TRASH/run" $APPS_FLAGS >out 2>err &&
	cat err &&
	grep -q "error: $URL cannot run the apps suite: $1 (log .*/apps-check.log)" err &&
	! grep -q "sending the root filesystem" err &&
	test "$(sql refused.db "select count(*) from measurements")" = 0 &&
	test "$(sql refused.db "select count(*) from failures where suite = 'apps' and board = '$URL' and reason like '%$2%'")" = 1 &&
	test -z "$(on_board "ls /tmp | grep porttool-bench")"
}

test_expect_success 'bench --target, apps: a board without /dev/net/tun is refused, naming it' '
	on_board "mv /dev/net/tun /dev/net/tun.away" &&
	apps_refused "no /dev/net/tun (CONFIG_TUN) for the guest.s NIC" "no /dev/net/tun"; rc=$? &&
	on_board "mv /dev/net/tun.away /dev/net/tun" && test $rc = 0
'

test_expect_success 'bench --target, apps: a board with an address in the guests'"'"' network is refused, naming it' '
	on_board "ip addr add 10.0.2.1/32 dev lo" &&
	apps_refused "the board already has an address in 10.0.2.0/24 (inet 10.0.2.1/32 .*lo): guest 1 and its tap take that network" \
		"already has an address in 10.0.2.0/24"; rc=$? &&
	on_board "ip addr del 10.0.2.1/32 dev lo" && test $rc = 0
'

# from_run_dir: the board's processes running a program from a run's
# directory (/tmp/porttool-bench-*), as "PID EXE" lines.
from_run_dir() {
	on_board 'for p in /proc/[0-9]*; do e=$(readlink $p/exe) && echo "${p#/proc/} $e"; done' |
		grep " /tmp/porttool-bench-"
}

test_expect_success 'bench --target: a run cut at --timeout leaves nothing running, mounted or in /tmp' '
	test_expect_code 1 porttool bench 5.10 --suite micro --target "$URL" --ssh-config "$CFG" \
		--reps 1 --timeout 2 --db cut.db --dir run >out 2>err &&
	cat err &&
	grep -q "error: $URL: no answer in 2 s; ssh killed" err &&
	! grep -q "could not remove" err &&
	! from_run_dir &&
	test -z "$(on_board "ls /tmp | grep porttool-bench")"
'

test_expect_success 'bench --target: a key the board does not take is "authentication failed", exit 1' '
	board_config other "$BOARD_DIR/other-id" "$BOARD_DIR/known_hosts-$PORT" &&
	before=$(rows 1) &&
	test_expect_code 1 porttool bench 5.10 --suite micro --target "$URL" \
		--ssh-config "$BOARD_DIR/other" --db "$DB" --dir run >out 2>err &&
	cat err &&
	grep -q "error: $URL: authentication failed" err &&
	grep -q "Permission denied (publickey)" err &&
	test "$(rows 1)" = "$before"
'

test_expect_success 'bench --target: a host key other than known_hosts has is refused, exit 1' '
	echo "[127.0.0.1]:$PORT $(cut -d" " -f1,2 "$BOARD_DIR/wrong-hostkey.pub")" >kh &&
	board_config changed "$BOARD_DIR/id" "$PWD/kh" &&
	test_expect_code 1 porttool bench 5.10 --suite micro --target "$URL" \
		--ssh-config "$BOARD_DIR/changed" --db "$DB" --dir run >out 2>err &&
	cat err &&
	grep -q "error: $URL: the board'\''s host key is not the one known_hosts has" err
'

test_expect_success 'bench --target: an unknown host key is refused (no prompt), exit 1' '
	: >kh &&
	board_config unknown "$BOARD_DIR/id" "$PWD/kh" &&
	test_expect_code 1 porttool bench 5.10 --suite micro --target "$URL" \
		--ssh-config "$BOARD_DIR/unknown" --db "$DB" --dir run >out 2>err </dev/null &&
	cat err &&
	grep -q "error: $URL: its host key is unknown" err &&
	test ! -s kh
'

test_expect_success 'bench --target: a port nothing listens on is "connection refused", exit 1' '
	p=$(free_port) &&
	test_expect_code 1 porttool bench 5.10 --suite micro --target "ssh://root@127.0.0.1:$p" \
		--ssh-config "$CFG" --db "$DB" --dir run >out 2>err &&
	grep -q "error: ssh://root@127.0.0.1:$p: connection refused" err
'

test_expect_success 'bench --target: the board runs 5.10, not the 6.1 asked for; its /tmp left clean' '
	test_expect_code 1 porttool bench 6.1 --suite micro --target "$URL" \
		--ssh-config "$CFG" --db "$DB" --dir run >out 2>err &&
	cat err &&
	grep -q "error: $URL: the board runs Linux 5\.10\.[^ ]*, not a v6.1 kernel" err &&
	test -z "$(on_board "ls /tmp | grep porttool-bench")"
'
board_stop

if [ -z "$K" ]; then
	test_skip "bench --target on a stock-KVM board" \
		"no stock-KVM qemu build in \$BENCH_KVM_OUT, $CHAIN/qemu-kvm or $CACHE/v5.10-qemu-kvm"
	test_done
	exit
fi

# The same port: the same board, rebooted into the other kernel.
booted=false
board_boot "$K/arch/arm64/boot/Image" "$PORT" >"$TRASH/boot-kvm.log" 2>&1 && booted=true

test_expect_success 'bench --target, micro on the stock-KVM board: the kvm column of the same board' '
	$booted || { cat "$TRASH/boot-kvm.log"; exit 1; } &&
	porttool bench 5.10 --suite micro --target "$URL" --ssh-config "$CFG" --reps 1 \
		--iters 256 --db "$DB" --dir "$TRASH/run" >out 2>err || { cat out err; exit 1; } &&
	cat out err &&
	grep -q "^porttool: $URL: Linux 5\.10\.[^,]*, stock KVM: /dev/kvm, and no corevisor line" err &&
	grep -q "^micro benchmark: v5.10 on $URL, stock KVM" out &&
	grep -q "BENCH-VMM: vmm: stock KVM: image not registered" "$TRASH/run/micro-kvm-1.log" &&
	test "$(rows "board = '\''$URL'\'' and suite = '\''micro'\'' and hypervisor = '\''kvm'\'' and unit = '\''ns'\'' and value > 0")" = 6 &&
	test "$(sql "$DB" "select count(distinct hypervisor) from measurements where board = '\''$URL'\'' and suite = '\''micro'\''")" = 2
'

# hackbench alone here: the servers and clients are the SeKVM board's case.
test_expect_success 'bench --target, apps on the stock-KVM board: the kvm column of the same board' '
	porttool bench 5.10 --suite apps --target "$URL" --ssh-config "$CFG" --reps 1 \
		--sekvm-out "$S" --db "$DB" --dir "$TRASH/run" --apps hackbench \
		--hackbench-loops 2 >out 2>err || { cat out err; exit 1; } &&
	cat out &&
	grep -q "^apps v5.10 on $URL, stock KVM (the kernel it runs): 1 run" out &&
	grep -q "^APPS-VMM: sekvm-guest: not a SeKVM guest" "$TRASH/run/apps-kvm-1.log" &&
	! grep -q "^APPS-EXITS: [a-z-]* cv " "$TRASH/run/apps-kvm-1.log" &&
	grep -q "^hackbench  *[0-9][0-9.]*  *s$" out &&
	test "$(rows "board = '\''$URL'\'' and suite = '\''apps'\'' and hypervisor = '\''kvm'\'' and source = '\''ssh'\'' and benchmark = '\''hackbench'\'' and value > 0")" = 1 &&
	test "$(sql "$DB" "select count(distinct hypervisor) from measurements where board = '\''$URL'\'' and suite = '\''apps'\''")" = 2
'

test_expect_success 'porttool report: both columns of the board, from its two runs' '
	porttool report --db "$DB" >out &&
	cat out &&
	grep "^5.10 *$URL *hvc " out | grep -q " ms  *[0-9.]* ms  *[0-9.]*x$" &&
	grep -q "^   ssh:// boards (bench --target): run on the board" out
'
board_stop

# The same kernel on a machine without EL2: KVM does not start.
booted=false
board_boot "$K/arch/arm64/boot/Image" "$PORT" virt,gic-version=2 >"$TRASH/boot-noel2.log" 2>&1 &&
	booted=true

test_expect_success 'bench --target: a board whose kernel has no KVM is refused, naming it; /tmp left clean' '
	$booted || { cat "$TRASH/boot-noel2.log"; exit 1; } &&
	before=$(rows 1) &&
	test_expect_code 1 porttool bench 5.10 --suite micro --target "$URL" --ssh-config "$CFG" \
		--db "$DB" --dir run >out 2>err &&
	cat err &&
	grep -q "error: $URL: the board'\''s kernel (Linux 5\.10\.[^)]*) has no /dev/kvm" err &&
	test "$(rows 1)" = "$before" &&
	test -z "$(on_board "ls /tmp | grep porttool-bench")"
'
board_stop

test_done
