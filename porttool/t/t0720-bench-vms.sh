#!/bin/bash
# porttool bench --vms N: the report on crafted serial logs of boots that
# ran N guests at once (--from-logs), without booting anything.
#
# mkvmlog writes a log the way host-init.sh does with VMS=N: "vms N",
# then each vmm's output tagged "BENCH-VMM<i>: " and its "vmm<i> exit"
# marker.  Each VM gets its own times, so a line that went to the wrong
# VM shows in the per-VM table.
. "$(dirname "$0")/lib.sh"
export XDG_CACHE_HOME="$TRASH/cache"

# mkvmlog FILE KERNEL N BOOT: VM v of boot BOOT takes (100 v + 10 BOOT)
# ms for mem on kvm, twice that on sekvm; the rest is the same pattern.
mkvmlog() {
	local f=$1 k=$2 n=$3 b=$4 x=1 dma v ms
	if [ "$k" = sekvm ]; then
		x=2
		dma="sekvm-guest: corevisor ABI v1.5, DMA buffers shared with the host (1024 swiotlb pages)"
	else
		dma="sekvm-guest: not a SeKVM guest, DMA unchanged"
	fi
	{
		echo "[    0.000000] Booting Linux on physical CPU 0x0000000000 [0x410fd083]"
		echo "PORTTOOL-BENCH: host up: 5.10.223, 2 cpus online"
		echo "PORTTOOL-BENCH: vms $n"
		echo "PORTTOOL-BENCH: vmm start"
		for v in $(seq 1 "$n"); do
			ms=$(( (100 * v + 10 * b) * x ))
			t="BENCH-VMM$v:"
			echo "$t [    0.412345] $dma"
			echo "$t BENCH-RESULT name=boot-to-init ns=${ms}000000 size=-"
			echo "$t BENCH-RESULT name=mem ns=${ms}000000 size=64MiB"
			echo "$t BENCH-RESULT name=compute ns=${ms}000000 size=20000000rounds"
			echo "$t BENCH-RESULT name=virtio ns=${ms}000000 size=128KiB"
			echo "$t BENCH-RESULT name=mmio ns=${ms}000000 size=4KiB"
			echo "$t BENCH-DONE"
			echo "$t vmm: guest powered off after $ms.000 s"
			echo "PORTTOOL-BENCH: vmm$v exit 0"
		done
		echo "PORTTOOL-BENCH: done"
	} >"$f"
}

mklogs() {
	rm -rf logs && mkdir -p logs &&
	for b in 1 2; do
		mkvmlog logs/sekvm-$b.log sekvm "${1:-3}" $b &&
		mkvmlog logs/kvm-$b.log kvm "${1:-3}" $b || return 1
	done
}

row() { grep "^$1" out | tr -s ' '; }

test_expect_success 'usage: --vms from 1 to 10, guest suite only' '
	test_expect_code 2 porttool bench 5.10 --vms 0 2>err &&
	grep -q -- "--vms needs a number from 1 to 10" err &&
	test_expect_code 2 porttool bench 5.10 --vms 11 2>err &&
	grep -q -- "--vms needs a number from 1 to 10" err &&
	test_expect_code 2 porttool bench 5.10 --vms 2 --suite micro 2>err &&
	grep -q -- "--vms runs the guest suite" err &&
	test_expect_code 2 porttool bench 5.10 --vms 2 --suite all 2>err &&
	grep -q -- "--vms runs the guest suite" err &&
	porttool bench --help >out && grep -q -- "--vms N" out
'

test_expect_success 'report: every VM of every boot, aggregate and per VM' '
	mklogs 3 &&
	porttool bench 5.10 --from-logs logs --vms 3 >out 2>err &&
	grep -q "^guest benchmark: v5.10, SeKVM vs stock KVM, 2 boots each" out &&
	grep -q "^3 guests at once in each boot: medians and ranges over every guest.s run (6 per kernel)" out &&
	test "$(row "memory")" = "memory: touch fresh anonymous 64MiB 430.0 215.0 2.00x 220-640 110-320" &&
	test "$(row "whole guest run")" = "whole guest run (vmm: on to off) - 430000.0 215000.0 2.00x 220000-640000 110000-320000" &&
	grep -q "^per VM (medians over its 2 boots; SeKVM ms / KVM ms):" out &&
	test "$(row "1   ")" = "1 230/115 230000/115000 230/115 230/115 230/115 230/115" &&
	test "$(row "2   ")" = "2 430/215 430000/215000 430/215 430/215 430/215 430/215" &&
	test "$(row "3   ")" = "3 630/315 630000/315000 630/315 630/315 630/315 630/315"
'

test_expect_success 'refused: a VM that did not finish fails the boot, named' '
	mklogs 3 &&
	sed -i "/BENCH-VMM3: BENCH-DONE/d" logs/kvm-2.log &&
	test_expect_code 1 porttool bench 5.10 --from-logs logs --vms 3 >out 2>err &&
	grep -q "logs/kvm-2.log: VM 3 of 3: " err &&
	! grep -q " ms" out
'

test_expect_success 'refused: a vmm that failed, and a lost exit marker' '
	mklogs 3 &&
	sed -i "s/^PORTTOOL-BENCH: vmm2 exit 0/PORTTOOL-BENCH: vmm2 exit 1/" logs/sekvm-1.log &&
	test_expect_code 1 porttool bench 5.10 --from-logs logs --vms 3 >out 2>err &&
	grep -q "logs/sekvm-1.log: VM 2 of 3: the vmm exited 1" err &&
	mklogs 3 &&
	sed -i "/^PORTTOOL-BENCH: vmm1 exit/d" logs/sekvm-2.log &&
	test_expect_code 1 porttool bench 5.10 --from-logs logs --vms 3 >out 2>err &&
	grep -q "logs/sekvm-2.log: VM 1 of 3: the host never finished a vmm run" err
'

test_expect_success 'refused: logs of another number of VMs' '
	mklogs 2 &&
	test_expect_code 1 porttool bench 5.10 --from-logs logs --vms 3 >out 2>err &&
	grep -q "the host ran 2 VMs at once, not 3" err &&
	test_expect_code 1 porttool bench 5.10 --from-logs logs >out 2>err &&
	grep -q "the host ran 2 VMs at once, not 1" err
'

test_done
