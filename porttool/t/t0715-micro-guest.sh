#!/bin/bash
# The micro-benchmark guest (porttool/qemu/bench/micro/) on its own: built by
# its Makefile as porttool builds it, it must carry the arm64 Image header
# the vmm requires, and, run bare in QEMU (virt at EL1, no hypervisor:
# QEMU itself answers PSCI over HVC), report every operation and power
# off; under -icount its counts are the same from run to run.  The real
# runs, under SeKVM and KVM, are t0920's.
. "$(dirname "$0")/lib.sh"

SRC="$PROJECT_DIR/porttool/qemu/bench/micro"

if ! command -v aarch64-linux-gnu-gcc >/dev/null || ! command -v qemu-system-aarch64 >/dev/null; then
	test_skip "micro guest" "no aarch64-linux-gnu-gcc or qemu-system-aarch64"
	test_done
	exit
fi

# run ITERS LOG: the guest bare in QEMU with -icount, 2 CPUs.
run() {
	timeout 120 qemu-system-aarch64 -M virt,gic-version=2 -cpu cortex-a72 -smp 2 \
		-m 512 -nographic -no-reboot -icount shift=0,sleep=off \
		-kernel out/micro.img -append "micro.iters=$1" >"$2" 2>&1
}

test_expect_success 'micro guest: builds, with the arm64 Image header' '
	make -s -C "$SRC" OUT="$PWD/out" &&
	test -s out/micro.img &&
	python3 -c "
import struct, os
b = open(\"out/micro.img\", \"rb\").read()
assert b[56:60] == b\"ARM\x64\", b[56:60]
text_offset, image_size, flags = struct.unpack(\"<QQQ\", b[8:32])
assert text_offset == 0, text_offset
assert image_size >= len(b) and image_size % 4096 == 0, (image_size, len(b))
assert flags & 1 == 0, flags
assert struct.unpack(\"<I\", b[0:4])[0] >> 26 == 0b000101, \"not a branch\"
"
'

test_expect_success 'micro guest: bare in QEMU, every operation, then power-off' '
	make -s -C "$SRC" OUT="$PWD/out" &&
	run 1000 log &&
	cat log &&
	grep -q "^MICRO-START cpus=2 cntfrq=[1-9][0-9]* iters=1000 psci=" log &&
	for b in hvc mmio-kernel mmio-user eoi ipi; do
		grep -q "^MICRO-RESULT name=$b iters=1000 ticks=[0-9]*.$" log || exit 1
	done &&
	grep -q "^MICRO-RESULT name=s2fault iters=1000 ticks=" log &&
	grep -q "^MICRO-DONE" log && ! grep -q MICRO-ERROR log
'

test_expect_success 'micro guest: without micro.iters, 65536; s2fault at most 16384 pages' '
	make -s -C "$SRC" OUT="$PWD/out" &&
	timeout 300 qemu-system-aarch64 -M virt,gic-version=2 -cpu cortex-a72 -smp 2 \
		-m 512 -nographic -no-reboot -icount shift=0,sleep=off \
		-kernel out/micro.img >log 2>&1 &&
	grep -q "^MICRO-RESULT name=hvc iters=65536 " log &&
	grep -q "^MICRO-RESULT name=s2fault iters=16384 " log &&
	grep -q "^MICRO-DONE" log
'

test_expect_success 'micro guest: under -icount the counts repeat exactly' '
	make -s -C "$SRC" OUT="$PWD/out" &&
	run 2000 a && run 2000 b &&
	grep "^MICRO-RESULT" a >ra &&
	grep "^MICRO-RESULT" b >rb &&
	test "$(wc -l <ra)" = 6 &&
	test_cmp ra rb
'

test_expect_success 'micro guest: a porttool log of it parses (the vmm tags added)' '
	make -s -C "$SRC" OUT="$PWD/out" &&
	run 500 bare &&
	mkdir logs &&
	for k in sekvm kvm; do
		if [ $k = sekvm ]; then
			reg="vmm: SeKVM: kernel image registered at 0x40000000, 8192 bytes"
		else
			reg="vmm: stock KVM: image not registered"
		fi
		{ echo "PORTTOOL-BENCH: vmm start"; echo "BENCH-VMM: $reg"
		  sed "s/^/BENCH-VMM: /" bare
		  echo "PORTTOOL-BENCH: vmm exit 0"; } >logs/micro-$k-1.log
	done &&
	XDG_CACHE_HOME="$PWD/cache" porttool bench 5.10 --suite micro --from-logs logs --db r.db >table &&
	grep -q "^hypercall round trip (HVC) *500 " table &&
	grep -q "1.00x$" table
'

test_done
