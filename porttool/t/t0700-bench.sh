#!/bin/bash
# porttool bench: argument and error handling, and the report on crafted
# serial logs (--from-logs), without booting anything.
#
# mklog writes a log the way a boot does (porttool/qemu/bench/host-init.sh
# tagging the vmm's output); each case then takes one piece away or
# contradicts it, and the benchmark must refuse the run, saying why.
. "$(dirname "$0")/lib.sh"
# The results database goes to this test's scratch, not the user's cache.
export XDG_CACHE_HOME="$TRASH/cache"

# mklog FILE KERNEL BOOT VMM_S MEM COMPUTE VIRTIO MMIO: one boot's log,
# times in ns but VMM_S, the vmm's seconds; KERNEL sekvm or kvm.
mklog() {
	local f=$1 k=$2 dma
	if [ "$k" = sekvm ]; then
		dma="sekvm-guest: corevisor ABI v1.1, DMA buffers shared with the host (1024 swiotlb pages)"
	else
		dma="sekvm-guest: not a SeKVM guest, DMA unchanged"
	fi
	{
		echo "# porttool boot: qemu-system-aarch64 -M virt,virtualization=on,gic-version=2"
		echo "[    0.000000] Booting Linux on physical CPU 0x0000000000 [0x410fd083]"
		printf 'PORTTOOL-BENCH: host up: 5.10.223, 2 cpus online\r\n'
		echo "PORTTOOL-BENCH: vmm start"
		echo "BENCH-VMM: vmm: stock KVM: image not registered"
		echo "BENCH-VMM: [    0.412345] $dma"
		printf 'BENCH-VMM: BENCH-RESULT name=boot-to-init ns=%s size=-\r\n' "$3"
		echo "BENCH-VMM: BENCH-GUEST cpus=2 kernel=5.10.223"
		echo "BENCH-VMM: BENCH-RESULT name=mem ns=$5 size=64MiB"
		echo "BENCH-VMM: BENCH-CHECKSUM compute 1234"
		echo "BENCH-VMM: BENCH-RESULT name=compute ns=$6 size=20000000rounds"
		echo "BENCH-VMM: BENCH-RESULT name=virtio ns=$7 size=256KiB"
		echo "BENCH-VMM: BENCH-RESULT name=mmio ns=$8 size=8KiB"
		echo "BENCH-VMM: BENCH-DONE"
		echo "BENCH-VMM: vmm: guest powered off after $4 s"
		echo "PORTTOOL-BENCH: vmm exit 0"
		echo "PORTTOOL-BENCH: done"
	} >"$f"
}

# Three boots each; SeKVM medians 2x KVM's for mem, equal for compute.
mklogs() {
	mkdir -p logs
	mklog logs/sekvm-1.log sekvm 2000000000 6.000 300000000 100000000 40000000 90000000
	mklog logs/sekvm-2.log sekvm 2200000000 6.500 100000000 120000000 60000000 80000000
	mklog logs/sekvm-3.log sekvm 2100000000 7.000 200000000 110000000 50000000 70000000
	mklog logs/kvm-1.log kvm 1000000000 3.000 150000000 110000000 25000000 35000000
	mklog logs/kvm-2.log kvm 1100000000 4.000 50000000 100000000 20000000 45000000
	mklog logs/kvm-3.log kvm 1050000000 3.500 100000000 120000000 30000000 40000000
}

# row WHAT: the table's row that starts with WHAT, squeezed.
row() { grep "^$1" out | tr -s ' '; }

# refused WHY-PATTERN: the report on logs/ fails, naming the log and why.
refused() {
	test_expect_code 1 porttool bench 5.10 --from-logs logs >out 2>err &&
	grep -q "$1" err || { cat err; return 1; } &&
	! grep -q "ms" out
}

test_expect_success 'usage: no version, extra argument, bad --reps and --timeout' '
	test_expect_code 2 porttool bench 2>err &&
	grep -q "which version" err &&
	test_expect_code 2 porttool bench 5.10 5.4 2>err &&
	grep -q "too many arguments" err &&
	test_expect_code 2 porttool bench 5.10 --reps 0 2>err &&
	grep -q -- "--reps needs a number from 1 to 100, not 0" err &&
	test_expect_code 2 porttool bench 5.10 --reps x 2>err &&
	grep -q -- "--reps. needs a number" err &&
	test_expect_code 2 porttool bench 5.10 --timeout -5 2>err &&
	grep -q -- "--timeout needs a positive" err &&
	test_expect_code 2 porttool bench 5.10 --from-logs d --kvm-out o 2>err &&
	grep -q -- "--from-logs boots nothing" err &&
	test_expect_code 2 porttool bench 5.10 --from-logs d --reps 3 2>err &&
	grep -q -- "--from-logs boots nothing" err &&
	test_expect_code 2 porttool bench 5.10 --frob 2>err
'

test_expect_success 'help: bench is in the command list and has its own help' '
	porttool --help >out &&
	grep -q "^  bench " out &&
	porttool bench --help >out &&
	grep -q -- "--from-logs DIR" out && grep -q "not hardware numbers" out
'

test_expect_success 'errors: unknown port, missing builds name the Image and the build command' '
	test_expect_code 1 porttool bench 9.99 2>err &&
	test -s err &&
	test_expect_code 1 porttool bench 5.10 --sekvm-out nosuch --kvm-out nokvm 2>err &&
	grep -q "no SeKVM kernel at nosuch/arch/arm64/boot/Image; run .porttool build 5.10. first" err &&
	mkdir -p s/arch/arm64/boot && : >s/arch/arm64/boot/Image &&
	test_expect_code 1 porttool bench 5.10 --sekvm-out s --kvm-out nokvm 2>err &&
	grep -q "no stock-KVM kernel at nokvm/arch/arm64/boot/Image; run .porttool build 5.10 --kvm. first" err
'

test_expect_success 'report: medians and ratios of three boots each' '
	mklogs &&
	porttool bench 5.10 --from-logs logs >out 2>err &&
	grep -q "^guest benchmark: v5.10, SeKVM vs stock KVM, 3 boots each" out &&
	grep -q "not hardware numbers" out &&
	test "$(row "boot: guest kernel clock")" = "boot: guest kernel clock at /init - 2100.0 1050.0 2.00x 2000-2200 1000-1100" &&
	test "$(row "whole guest run")" = "whole guest run (vmm: on to off) - 6500.0 3500.0 1.86x 6000-7000 3000-4000" &&
	test "$(row "memory")" = "memory: touch fresh anonymous 64MiB 200.0 100.0 2.00x 100-300 50-150" &&
	test "$(row "compute")" = "compute: xorshift loop 20000000rounds 110.0 110.0 1.00x 100-120 100-120" &&
	test "$(row "I/O")" = "I/O: write /dev/hvc0 (virtio) 256KiB 50.0 25.0 2.00x 40-60 20-30" &&
	test "$(row "MMIO")" = "MMIO: write /dev/ttyAMA0 (PL011) 8KiB 80.0 40.0 2.00x 70-90 35-45"
'

test_expect_success 'report: the corevisor counters of SeKVM boot 1, in ns' '
	mklogs &&
	printf "CV-STATS: cntfrq 62500000\nCV-STAT: work_tlbi 1024 62500\nCV-STAT: exit_irq 0 0\n" >>logs/sekvm-1.log &&
	printf "CV-STATS: cntfrq 62500000\nCV-STAT: work_tlbi 9 9\n" >>logs/sekvm-2.log &&
	porttool bench 5.10 --from-logs logs >out 2>err &&
	grep -q "^where the corevisor.s time went: its exit counters over SeKVM boot 1.s vmm run (the whole guest)" out &&
	grep -q "^counter *events *EL2 ns *ns/event" out &&
	test "$(row work_tlbi)" = "work_tlbi 1024 1000000 977" &&
	! grep -q "^exit_irq" out
'

test_expect_success 'report: an even number of boots takes the mean of the middle two' '
	mklogs && rm logs/sekvm-3.log logs/kvm-3.log &&
	porttool bench 5.10 --from-logs logs >out &&
	test "$(row "memory")" = "memory: touch fresh anonymous 64MiB 200.0 100.0 2.00x 100-300 50-150"
'

test_expect_success 'report: --json has every run and the medians' '
	mklogs &&
	porttool bench 5.10 --from-logs logs --json r.json >out &&
	python3 -c "
import json, sys
r = json.load(open(\"r.json\"))
assert r[\"version\"] == \"5.10\" and r[\"reps\"] == 3, r
w = {x[\"name\"]: x for x in r[\"workloads\"]}
assert list(w) == [\"boot-to-init\", \"vmm-run\", \"mem\", \"compute\", \"virtio\", \"mmio\"], list(w)
assert w[\"mem\"][\"sekvm_ns\"] == [300000000, 100000000, 200000000], w[\"mem\"]
assert w[\"mem\"][\"kvm_median_ns\"] == 100000000 and w[\"mem\"][\"ratio\"] == 2.0, w[\"mem\"]
assert w[\"vmm-run\"][\"sekvm_median_ns\"] == 6500000000, w[\"vmm-run\"]
assert \"not hardware numbers\" in r[\"note\"]
"
'

test_expect_success 'report: of two power-off lines (one a vCPU) the first counts' '
	mklogs &&
	sed -i "s/\(.*guest powered off after 6.500 s\)/\1\nBENCH-VMM: vmm: guest powered off after 9.900 s/" logs/sekvm-2.log &&
	test "$(grep -c "guest powered off" logs/sekvm-2.log)" = 2 &&
	porttool bench 5.10 --from-logs logs >out &&
	test "$(row "whole guest run")" = "whole guest run (vmm: on to off) - 6500.0 3500.0 1.86x 6000-7000 3000-4000"
'

test_expect_success 'refused: a missing workload result, by name' '
	mklogs && sed -i "/name=virtio/d" logs/kvm-2.log &&
	refused "logs/kvm-2.log: no result for virtio"
'

test_expect_success 'refused: no vmm power-off line' '
	mklogs && sed -i "/guest powered off/d" logs/sekvm-3.log &&
	refused "logs/sekvm-3.log: no result for vmm-run"
'

test_expect_success 'refused: the vmm failed, quoting its last line' '
	mklogs &&
	sed -i "s/vmm exit 0/vmm exit 1/; s/vmm: guest powered off after 7.000 s/vmm: KVM_RUN: Bad address/" logs/sekvm-3.log &&
	refused "logs/sekvm-3.log: the vmm exited 1; its last line: .vmm: KVM_RUN: Bad address."
'

test_expect_success 'refused: the host never ran the vmm; QEMU killed' '
	mklogs && sed -i "/vmm exit/d" logs/kvm-1.log &&
	refused "logs/kvm-1.log: the host never finished a vmm run" &&
	mklogs && echo "# porttool: QEMU killed after 600 s timeout" >>logs/kvm-1.log &&
	refused "logs/kvm-1.log: QEMU was killed at its deadline"
'

test_expect_success 'refused: a guest error, a duplicate result, no BENCH-DONE' '
	mklogs && sed -i "s/BENCH-RESULT name=mmio.*/BENCH-ERROR name=mmio: open \/dev\/ttyAMA0: No such file/" logs/sekvm-1.log &&
	refused "the guest reported an error: name=mmio: open /dev/ttyAMA0" &&
	mklogs && sed -i "s/\(.*name=mem .*\)/\1\n\1/" logs/sekvm-1.log &&
	refused "a workload has more than one result" &&
	mklogs && sed -i "/BENCH-DONE/d" logs/kvm-3.log &&
	refused "logs/kvm-3.log: the guest never said BENCH-DONE"
'

test_expect_success 'refused: malformed results do not count' '
	mklogs && sed -i "s/name=compute ns=[0-9]*/name=compute ns=12x/" logs/kvm-2.log &&
	refused "logs/kvm-2.log: no result for compute" &&
	mklogs && sed -i "s/name=compute ns=[0-9]*/name=compute ns=0/" logs/kvm-2.log &&
	refused "logs/kvm-2.log: no result for compute"
'

test_expect_success 'refused: the SeKVM column must have run as a SeKVM guest, the KVM one not' '
	mklogs && sed -i "/DMA buffers shared/d" logs/sekvm-2.log &&
	refused "logs/sekvm-2.log: the guest did not run as a SeKVM guest" &&
	mklogs && sed -i "s/not a SeKVM guest, DMA unchanged/corevisor ABI v1.1, DMA buffers shared with the host (1024 swiotlb pages)/" logs/kvm-2.log &&
	refused "logs/kvm-2.log: the guest did not run under stock KVM"
'

test_expect_success 'refused: runs that measured different sizes do not compare' '
	mklogs && sed -i "s/size=64MiB/size=32MiB/" logs/kvm-3.log &&
	refused "the runs do not compare: kvm run 3 measured mem over 32MiB, sekvm run 1 over 64MiB"
'

test_expect_success 'refused: unequal or no logs, a missing directory' '
	mklogs && rm logs/kvm-3.log &&
	refused "holds 3 sekvm-N.log and 2 kvm-N.log" &&
	mkdir empty &&
	test_expect_code 1 porttool bench 5.10 --from-logs empty 2>err &&
	grep -q "holds 0 sekvm-N.log and 0 kvm-N.log" err &&
	test_expect_code 1 porttool bench 5.10 --from-logs nowhere 2>err &&
	grep -q "log directory nowhere does not exist" err
'

test_done
