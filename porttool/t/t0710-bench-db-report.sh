#!/bin/bash
# porttool bench's results database, the micro suite's log parser, the
# matrix and porttool report (table, gnuplot SVGs, the HTML page in
# headless Chromium), on kept and crafted serial logs, booting nothing.
#
# t/bench-logs/ holds a real log of 'porttool bench 5.10 --suite micro'
# (micro-sekvm-1.log); the crafted ones below follow its format
# (porttool/qemu/bench/micro-host-init.sh tagging the vmm's output).
. "$(dirname "$0")/lib.sh"

export XDG_CACHE_HOME="$TRASH/cache"
LOGS="$T_DIR/bench-logs"

# mkguest FILE KERNEL MEM_NS: a whole guest-suite log (as t0700's mklog).
mkguest() {
	local f=$1 k=$2 dma
	if [ "$k" = sekvm ]; then
		dma="sekvm-guest: corevisor ABI v1.1, DMA buffers shared with the host (1024 swiotlb pages)"
	else
		dma="sekvm-guest: not a SeKVM guest, DMA unchanged"
	fi
	cat >"$f" <<-EOF
	PORTTOOL-BENCH: vmm start
	BENCH-VMM: [    0.412345] $dma
	BENCH-VMM: BENCH-RESULT name=boot-to-init ns=2000000000 size=-
	BENCH-VMM: BENCH-RESULT name=mem ns=$3 size=64MiB
	BENCH-VMM: BENCH-RESULT name=compute ns=100000000 size=500000000rounds
	BENCH-VMM: BENCH-RESULT name=virtio ns=40000000 size=128KiB
	BENCH-VMM: BENCH-RESULT name=mmio ns=90000000 size=4KiB
	BENCH-VMM: BENCH-DONE
	BENCH-VMM: vmm: guest powered off after 6.000 s
	PORTTOOL-BENCH: vmm exit 0
	EOF
}

# mkmicro FILE KERNEL HVC_TICKS: a whole micro-suite log, 65536 iterations,
# the counter at 62.5 MHz (16 instructions a tick under -icount shift=0).
mkmicro() {
	local f=$1 k=$2 reg
	if [ "$k" = sekvm ]; then
		reg="vmm: SeKVM: kernel image registered at 0x40000000, 8192 bytes"
	else
		reg="vmm: stock KVM: image not registered"
	fi
	{
		echo "PORTTOOL-BENCH: host up: 5.10.223, 2 cpus online"
		echo "PORTTOOL-BENCH: vmm start"
		echo "BENCH-VMM: $reg"
		printf 'BENCH-VMM: MICRO-START cpus=2 cntfrq=62500000 iters=65536 psci=65538\r\n'
		printf 'BENCH-VMM: MICRO-RESULT name=hvc iters=65536 ticks=%s\r\n' "$3"
		echo "BENCH-VMM: MICRO-RESULT name=mmio-kernel iters=65536 ticks=8192"
		echo "BENCH-VMM: MICRO-RESULT name=mmio-user iters=65536 ticks=16384"
		echo "BENCH-VMM: MICRO-RESULT name=eoi iters=65536 ticks=4096"
		echo "BENCH-VMM: MICRO-RESULT name=s2fault iters=16384 ticks=32768"
		echo "BENCH-VMM: MICRO-RESULT name=ipi iters=65536 ticks=65536"
		echo "BENCH-VMM: MICRO-DONE"
		echo "BENCH-VMM: vmm: guest powered off after 1.250 s"
		echo "PORTTOOL-BENCH: vmm exit 0"
		echo "PORTTOOL-BENCH: done"
	} >"$f"
}

mkall() {
	mkdir -p logs
	mkguest logs/sekvm-1.log sekvm 300000000
	mkguest logs/sekvm-2.log sekvm 100000000
	mkguest logs/kvm-1.log kvm 150000000
	mkguest logs/kvm-2.log kvm 50000000
	mkmicro logs/micro-sekvm-1.log sekvm 4096
	mkmicro logs/micro-kvm-1.log kvm 2048
}

# refused WHY: the micro report on logs/ fails naming the log and why,
# and the database gets no row.
refused() {
	test_expect_code 1 porttool bench 5.10 --suite micro --from-logs logs --db r.db >out 2>err &&
	grep -q "$1" err || { cat err; return 1; } &&
	test "$(sql r.db "select count(*) from measurements")" = 0
}

test_expect_success 'db: --from-logs adds one row per measurement with what identifies it' '
	mkall &&
	porttool bench 5.10 --from-logs logs --db r.db >out &&
	test "$(sql r.db "select count(*) from measurements")" = 24 &&
	base=$(git config -f "$PROJECT_DIR/ports/v5.10/port.conf" base.commit) &&
	test "$(sql r.db "select distinct line, board, suite, base_commit, unit from measurements")" = "5.10|qemu|guest|$base|ns" &&
	test "$(sql r.db "select value, parameters from measurements where hypervisor = '\''sekvm'\'' and benchmark = '\''mem'\'' and rep = 1")" = "300000000.0|64MiB" &&
	sql r.db "select distinct qemu_version, host, date, source from measurements" >meta &&
	grep -q "^QEMU emulator version [0-9]" meta &&
	grep -q "|20[0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-9:]*Z|from-logs logs$" meta &&
	test "$(sql r.db "select count(*) from measurements where host = '\'''\'' or host is null")" = 0
'

test_expect_success 'db: every run adds rows, nothing is overwritten' '
	mkall &&
	porttool bench 5.10 --from-logs logs --db r.db >/dev/null &&
	mkguest logs/sekvm-1.log sekvm 900000000 &&
	porttool bench 5.10 --from-logs logs --db r.db >/dev/null &&
	test "$(sql r.db "select count(*) from measurements")" = 48 &&
	test "$(sql r.db "select count(distinct run) from measurements")" = 2 &&
	test "$(sql r.db "select group_concat(value) from (select value from measurements where hypervisor = '\''sekvm'\'' and benchmark = '\''mem'\'' and rep = 1 order by id)")" = "300000000.0,900000000.0"
'

test_expect_success 'db: the default is under the cache; a bad file is refused and kept' '
	mkall &&
	porttool bench 5.10 --from-logs logs >/dev/null &&
	test "$(sql "$XDG_CACHE_HOME/porttool/bench/results.sqlite" "select count(*) from measurements")" = 24 &&
	echo "not a database at all, just text" >bad.db && cp bad.db bad.orig &&
	test_expect_code 1 porttool bench 5.10 --from-logs logs --db bad.db >out 2>err &&
	grep -q "bad.db: not a results database" err &&
	cmp bad.db bad.orig &&
	python3 -c "import sqlite3; c = sqlite3.connect(\"new.db\"); c.execute(\"pragma user_version = 7\"); c.commit()" &&
	test_expect_code 1 porttool bench 5.10 --from-logs logs --db new.db 2>err &&
	grep -q "new.db: results database schema version 7 is newer than this porttool.s (1)" err &&
	python3 -c "import sqlite3; c = sqlite3.connect(\"other.db\"); c.execute(\"create table t (x)\"); c.execute(\"pragma user_version = 1\"); c.commit()" &&
	test_expect_code 1 porttool bench 5.10 --from-logs logs --db other.db 2>err &&
	grep -q "other.db: not a porttool results database" err &&
	test_expect_code 1 porttool report --db nowhere.db 2>err &&
	grep -q "no results database at nowhere.db" err
'

test_expect_success 'micro: the table is instructions per operation, said to be so' '
	mkall &&
	porttool bench 5.10 --suite micro --from-logs logs --db r.db >out &&
	cat out &&
	grep -q "^micro benchmark: v5.10, SeKVM vs stock KVM, 1 boot each" out &&
	grep -q "instruction counts under QEMU -icount shift=0,sleep=off" out &&
	test "$(grep "^hypercall" out | tr -s " ")" = "hypercall round trip (HVC) 65536 1 0 2.00x" &&
	test "$(grep "^stage-2 fault" out | tr -s " ")" = "stage-2 fault on fresh memory 16384 32 32 1.00x" &&
	test "$(grep "^MMIO read, VMM" out | tr -s " ")" = "MMIO read, VMM user space (PL011) 65536 4 4 1.00x" &&
	test "$(sql r.db "select distinct suite, unit from measurements")" = "micro|insn" &&
	test "$(sql r.db "select value from measurements where benchmark = '\''hvc'\'' and hypervisor = '\''sekvm'\''")" = 1.0 &&
	test "$(sql r.db "select parameters from measurements where benchmark = '\''s2fault'\'' and hypervisor = '\''kvm'\''")" = iters=16384
'

test_expect_success 'micro: the corevisor counters in a SeKVM log say where its time went' '
	mkall &&
	sed -i "/PORTTOOL-BENCH: vmm exit 0/i\\
CV-STATS: cntfrq 62500000\\
CV-STAT: hc_vcpu_run 100 6250\\
CV-STAT: hc_map_page 0 0\\
CV-STAT: exit_abort 10 500\\
CV-STAT: answer_retry 4 0\\
CV-STAT: work_map 64 3x\\
CV-STAT: work_tlbi 4" logs/micro-sekvm-1.log &&
	porttool bench 5.10 --suite micro --from-logs logs --db r.db >out &&
	cat out &&
	grep -q "^where the corevisor.s time went: its exit counters over SeKVM boot 1" out &&
	test "$(grep "^hc_vcpu_run" out | tr -s " ")" = "hc_vcpu_run 100 100000 1000" &&
	test "$(grep "^exit_abort" out | tr -s " ")" = "exit_abort 10 8000 800" &&
	test "$(grep "^answer_retry" out | tr -s " ")" = "answer_retry 4 - -" &&
	! grep -q "^hc_map_page\|^work_map\|^work_tlbi" out &&
	test "$(sql r.db "select count(*) from measurements")" = 12 &&
	sed -i "/CV-STATS:/d" logs/micro-sekvm-1.log &&
	porttool bench 5.10 --suite micro --from-logs logs --db r.db >out &&
	! grep -q "exit counters" out
'

test_expect_success 'micro: --suite all reads both suites; usage errors' '
	mkall &&
	porttool bench 5.10 --suite all --from-logs logs --db r.db >out &&
	grep -q "^guest benchmark" out && grep -q "^micro benchmark" out &&
	test "$(sql r.db "select count(*) from measurements")" = 36 &&
	test_expect_code 2 porttool bench 5.10 --suite nano 2>err &&
	grep -q -- "--suite is guest, micro, all or apps, not .nano." err &&
	test_expect_code 2 porttool bench 5.10 --suite micro --json x.json 2>err &&
	grep -q -- "--json writes the guest suite" err &&
	test_expect_code 2 porttool bench 5.10 --iters 0 2>err &&
	grep -q -- "--iters needs a number from 1" err &&
	test_expect_code 2 porttool bench 5.10 --from-logs logs --iters 5 2>err &&
	grep -q -- "--from-logs boots nothing" err &&
	test_expect_code 2 porttool bench --matrix 5.10 2>err &&
	grep -q -- "--matrix benches every line" err &&
	test_expect_code 2 porttool bench 5.10 --lines 5.10 2>err &&
	grep -q -- "--lines and --boards go with --matrix" err
'

test_expect_success 'micro refused: a missing result, a guest error, a killed QEMU' '
	mkall && sed -i "/name=ipi/d" logs/micro-kvm-1.log &&
	refused "logs/micro-kvm-1.log: no result for ipi" &&
	mkall && sed -i "s/MICRO-RESULT name=ipi.*/MICRO-ERROR name=ipi: vCPU 1 never came up/" logs/micro-sekvm-1.log &&
	refused "logs/micro-sekvm-1.log: the guest reported an error: name=ipi: vCPU 1 never came up" &&
	mkall && echo "# porttool: QEMU killed after 600 s timeout" >>logs/micro-sekvm-1.log &&
	refused "QEMU was killed at its deadline" &&
	mkall && sed -i "/MICRO-DONE/d" logs/micro-kvm-1.log &&
	refused "logs/micro-kvm-1.log: the guest never said MICRO-DONE"
'

test_expect_success 'micro refused: no counter frequency, duplicates, malformed numbers' '
	mkall && sed -i "s/cntfrq=62500000//" logs/micro-sekvm-1.log &&
	refused "never said MICRO-START with its counter frequency" &&
	mkall && sed -i "s/\(.*name=eoi.*\)/\1\n\1/" logs/micro-sekvm-1.log &&
	refused "a benchmark has more than one result" &&
	mkall && sed -i "s/name=eoi iters=65536 ticks=4096/name=eoi iters=65536 ticks=40x6/" logs/micro-kvm-1.log &&
	refused "logs/micro-kvm-1.log: no result for eoi"
'

test_expect_success 'micro refused: SeKVM must have registered the image, KVM not' '
	mkall && sed -i "/kernel image registered/d" logs/micro-sekvm-1.log &&
	refused "logs/micro-sekvm-1.log: the vmm did not register the image with SeKVM" &&
	mkall && sed -i "s/vmm: stock KVM: image not registered/vmm: SeKVM: kernel image registered at 0x40000000, 8192 bytes/" logs/micro-kvm-1.log &&
	refused "logs/micro-kvm-1.log: the guest did not run under stock KVM" &&
	mkall && mkmicro logs/micro-kvm-1.log kvm 2048 && sed -i "s/iters=65536 ticks=8192/iters=1000 ticks=8192/" logs/micro-kvm-1.log &&
	refused "the runs do not compare: kvm run 1 did mmio-kernel 1000 times, sekvm run 1 65536 times"
'

# t/bench-logs/micro-sekvm-1.log is a real SeKVM boot's log (porttool
# bench 5.10 --suite micro --iters 256, ports/v5.10 at 5819d16's series):
# every line but its numbers is checked by the parser.
test_expect_success 'micro: the kept real SeKVM log parses; as a KVM log it is refused' '
	mkdir logs && cp "$LOGS/micro-sekvm-1.log" logs/micro-sekvm-1.log &&
	cp "$LOGS/micro-sekvm-1.log" logs/micro-kvm-1.log &&
	refused "logs/micro-kvm-1.log: the guest did not run under stock KVM" &&
	sed "s/vmm: SeKVM: kernel image registered.*/vmm: stock KVM: image not registered/; /vmm: SeKVM: VM key set/d" \
		"$LOGS/micro-sekvm-1.log" >logs/micro-kvm-1.log &&
	porttool bench 5.10 --suite micro --from-logs logs --db r.db >out &&
	cat out &&
	test "$(grep -c "^[A-Za-z].* 256 *[0-9][0-9]* *[0-9][0-9]* *1\.00x$" out)" = 6 &&
	test "$(grep "^hypercall" out | tr -s " ")" = "hypercall round trip (HVC) 256 1482 1482 1.00x" &&
	test "$(sql r.db "select count(*) from measurements where value > 0")" = 12
'

# t/bench-logs/micro-{sekvm,kvm}-stats-1.log: a real pair (issue 18: the
# SeKVM build of ports/v5.10 0001-0020 with a corevisor of ABI 1.4,
# --iters 16384): the SeKVM log carries the corevisor's counters.
test_expect_success 'micro: a kept real pair with the corevisor counters' '
	mkdir logs && cp "$LOGS/micro-sekvm-stats-1.log" logs/micro-sekvm-1.log &&
	cp "$LOGS/micro-kvm-stats-1.log" logs/micro-kvm-1.log &&
	porttool bench 5.10 --suite micro --from-logs logs --db r.db >out &&
	cat out &&
	test "$(grep "^stage-2 fault" out | tr -s " ")" = "stage-2 fault on fresh memory 16384 4725 4793 0.99x" &&
	test "$(grep "^hc_map_pages" out | tr -s " ")" = "hc_map_pages 1026 18238272 17776" &&
	test "$(grep "^work_tlbi" out | tr -s " ")" = "work_tlbi 1028 59584 58" &&
	test "$(grep "^answer_retry" out | tr -s " ")" = "answer_retry 1026 - -" &&
	test "$(sql r.db "select count(*) from measurements")" = 12
'

# The project's ports plus a placeholder line (port.conf, no series): the
# matrix says "no port yet" for it.
P=$TRASH/ports
rm -rf "$P" && cp -r "$PROJECT_DIR/ports" "$P" && mkdir -p "$P/v9.9" &&
printf '[port]\n\tversion = 9.9\n[base]\n\tversion = 9.9\n\ttag = v9.9\n[corevisor]\n\tpath = arch/arm64/kvm/sekvm/corevisor\n[board "qemu"]\n\tdefconfig = configs/qemu.config\n\tdtb = virt\n' >"$P/v9.9/port.conf"

test_expect_success 'matrix: lines without builds say so, in the output and the database' '
	porttool bench --matrix --ports "$P" --db r.db --reps 1 --suite micro >out 2>err &&
	cat out &&
	grep -q "^5.10 *qemu *- *not built: no SeKVM kernel at $XDG_CACHE_HOME/porttool/build/v5.10-qemu/arch/arm64/boot/Image (porttool build 5.10)" out &&
	grep -q "^9.9 *qemu *- *no port yet (ports/v9.9 has no series)" out &&
	test "$(sql r.db "select count(*) from failures where suite = '\''micro'\''")" = "$(ls -d "$P"/v* | wc -l)" &&
	porttool bench --matrix --db r.db --lines 5.10 --boards qemu,pi4b,nosuch --suite micro >out &&
	grep -q "^5.10 *pi4b *- *board pi4b is build-only here" out &&
	grep -q "^5.10 *nosuch *- *no board nosuch in ports/v5.10/port.conf" out &&
	test_expect_code 1 porttool bench --matrix --db r.db --lines 9.99 2>err &&
	test -s err
'

test_expect_success 'report: the latest run of each line; failures with their reason' '
	mkall &&
	porttool bench 5.10 --suite all --from-logs logs --db r.db >/dev/null &&
	mkguest logs/sekvm-1.log sekvm 700000000 && mkguest logs/sekvm-2.log sekvm 700000000 &&
	porttool bench 5.10 --from-logs logs --db r.db >/dev/null &&
	porttool bench --matrix --ports "$P" --db r.db --lines 9.9 --reps 1 >/dev/null &&
	porttool report --db r.db >out &&
	cat out &&
	grep -q "^bench report: r.db, 60 measurements, 1 failure" out &&
	test "$(grep "^5.10 *qemu *mem " out | tr -s " ")" = "5.10 qemu mem 64MiB 700.0 ms 100.0 ms 7.00x" &&
	test "$(grep "^5.10 *qemu *hvc " out | tr -s " ")" = "5.10 qemu hvc iters=65536 1 insn 0 insn 2.00x" &&
	grep -q "^9.9 *qemu *- *no port yet" out &&
	grep -q "suite micro: instruction counts under QEMU -icount" out
'

# A database with two lines, two runs and a failure, for the page.
mkreportdb() {
	mkall &&
	porttool bench 5.10 --suite all --from-logs logs --db r.db >/dev/null &&
	mkguest logs/sekvm-1.log sekvm 400000000 &&
	porttool bench 5.10 --from-logs logs --db r.db >/dev/null &&
	porttool bench --matrix --ports "$P" --db r.db --lines 9.9 --reps 1 >/dev/null
}

test_expect_success 'report --html: gnuplot draws the ratios and every benchmark, titled' '
	mkreportdb &&
	porttool report --db r.db --html html >out &&
	grep -q "^report: html/index.html" out &&
	test -s html/ratios.svg && test -s html/spread-guest-mem.svg && test -s html/spread-micro-ipi.svg &&
	test "$(ls html/*.svg | wc -l)" = 13 &&
	grep -q "<desc>Produced by GNUPLOT" html/ratios.svg &&
	grep -q "<title>ratios</title>" html/ratios.svg &&
	grep -q "SeKVM / KVM per benchmark and kernel line" html/ratios.svg &&
	grep -q "guest/mem: every run.s values (ms)" html/spread-guest-mem.svg &&
	grep -q "micro/hvc: every run.s values (instructions)" html/spread-micro-hvc.svg &&
	grep -q "micro/hvc" html/ratios.svg &&
	grep -q "<td>9.9</td><td>qemu</td><td>-</td><td colspan=\"4\" class=\"missing\">no port yet" html/index.html &&
	test "$(grep -c "<figure class=\"plot\"" html/index.html)" = 13
'

test_expect_success 'report --html: without gnuplot, a clear error' '
	mkreportdb &&
	mkdir bin && for p in qemu-system-aarch64; do ln -s "$(command -v $p)" bin/; done &&
	test_expect_code 1 env PATH="$PWD/bin" "$PORTTOOL" report --db r.db --html html >out 2>err &&
	grep -q "gnuplot not found in PATH; install the Debian package gnuplot-nox" err
'

if ! command -v chromium >/dev/null; then
	test_skip "report --html in headless Chromium" "no chromium (Debian package chromium)"
	test_done
	exit
fi

# chrome ARGS...: headless Chromium with a fresh profile, no network.
chrome() {
	timeout 120 chromium --headless --no-sandbox --disable-gpu \
		--disable-background-networking --disable-component-update \
		--disable-sync --no-first-run --user-data-dir="$PWD/profile-$#-$RANDOM" "$@"
}

test_expect_success 'report --html in headless Chromium: the plots are there and labelled' '
	mkreportdb &&
	porttool report --db r.db --html html >/dev/null &&
	chrome --dump-dom "file://$PWD/html/index.html" >dom.html 2>chrome.err ||
		{ cat chrome.err; exit 1; } &&
	test "$(grep -c "<svg" dom.html)" = 13 &&
	grep -q "<title>ratios</title>" dom.html &&
	grep -q "<title>spread_micro_s2fault</title>" dom.html &&
	grep -q ">SeKVM / KVM per benchmark and kernel line<" dom.html &&
	grep -q ">SeKVM / KVM (1 = no overhead)<" dom.html &&
	grep -q ">guest/mem: every run.s values (ms)<" dom.html &&
	grep -q "<table id=\"matrix-micro\">" dom.html &&
	chrome --window-size=1200,3000 --screenshot="$PWD/shot.png" "file://$PWD/html/index.html" 2>chrome.err ||
		{ cat chrome.err; exit 1; } &&
	test "$(head -c 8 shot.png | od -An -tx1 | tr -d " ")" = 89504e470d0a1a0a &&
	test "$(stat -c %s shot.png)" -gt 50000 &&
	cp shot.png "$TRASH/report-screenshot.png"
'

test_done
