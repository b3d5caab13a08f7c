#!/bin/bash
# bench/insnprof (bench/README.md, "where the instructions go"): the QEMU
# plugin counts the instructions of each phase of the micro guest, run bare
# in QEMU under -icount as t0715 runs it; its count of the hypercall loop
# must be the guest's own (CNTVCT under -icount counts instructions), and
# insnprof.py must name where they ran and refuse a phase with nothing.
. "$(dirname "$0")/lib.sh"

SRC="$PROJECT_DIR/porttool/qemu/bench/micro"
PROF="$PROJECT_DIR/bench/insnprof"

# swap-corevisor.py on a made-up build: a blob of the same size replaced
# where it is, anything else refused with the reason.  Needs no QEMU, so
# it runs where the rest skips.
swap_corevisor_case() {
	test_expect_success 'swap-corevisor.py: the blob replaced in place, or a reason' '
		mkdir -p b/arch/arm64/boot b/arch/arm64/kvm/sekvm &&
		printf "OLDBLOB!" >b/arch/arm64/kvm/sekvm/corevisor.bin &&
		printf "headOLDBLOB!tail" >b/arch/arm64/boot/Image &&
		echo version=5.10 >b/porttool-build.conf &&
		printf "NEWBLOB!" >new.bin &&
		"$PROF/swap-corevisor.py" b new.bin o &&
		test "$(cat o/arch/arm64/boot/Image)" = headNEWBLOB!tail &&
		cmp new.bin o/arch/arm64/kvm/sekvm/corevisor.bin &&
		cmp b/porttool-build.conf o/porttool-build.conf &&
		printf "NEWBLOB!!" >long.bin &&
		! "$PROF/swap-corevisor.py" b long.bin o2 2>err && grep -q "same size" err &&
		test ! -e o2 &&
		printf "headOLDBLOB!OLDBLOB!" >b/arch/arm64/boot/Image &&
		! "$PROF/swap-corevisor.py" b new.bin o3 2>err &&
		grep -q "more than once" err
	'
}

if ! command -v aarch64-linux-gnu-gcc >/dev/null || ! command -v qemu-system-aarch64 >/dev/null ||
   ! command -v gcc >/dev/null; then
	test_skip "insnprof" "no aarch64-linux-gnu-gcc, gcc or qemu-system-aarch64"
	swap_corevisor_case
	test_done
	exit
fi

# QEMU loads an arm64 Image 2 MiB into RAM (the vmm: at its start)
GUEST_LO=0x40200000
GUEST_HI=0x40204000

# run ITERS LOG PROFILE: the guest bare in QEMU with -icount and the plugin.
run() {
	timeout 300 qemu-system-aarch64 -M virt,gic-version=2 -cpu cortex-a72 -smp 2 \
		-m 512 -nographic -no-reboot -icount shift=0,sleep=off \
		-plugin "$PWD/insnprof.so,out=$3,lo=$GUEST_LO,hi=$GUEST_HI" \
		-kernel out/micro.img -append "micro.iters=$1" >"$2" 2>&1
}

# one working directory for the three: one build, one boot
W=$TRASH/w
mkdir -p "$W"

test_expect_success 'insnprof: the plugin builds and QEMU loads it' '
	cd "$W" &&
	make -s -C "$PROF" OUT="$PWD" &&
	make -s -C "$SRC" OUT="$PWD/out" &&
	run 1000 log prof &&
	grep -q "^MICRO-DONE" log &&
	grep -q "^P 1 0x4020" prof && grep -q "^T 1 0x4020" prof
'

# The first counter read of micro_main starts the hypercall loop: phase 1
# runs from it to the next read, which the guest subtracts from it.
test_expect_success 'insnprof: its count of the hvc loop is the guest own' '
	cd "$W" &&
	python3 - log prof <<-\PY
	import sys, re
	log, prof = open(sys.argv[1]).read(), open(sys.argv[2]).read()
	hz = int(re.search(r"cntfrq=(\d+)", log).group(1))
	ticks = int(re.search(r"name=hvc iters=1000 ticks=(\d+)", log).group(1))
	per_tick = 10**9 // hz              # -icount shift=0: 1 ns an instruction
	guest = ticks * per_tick
	counted = sum(int(l.split()[3]) * int(l.split()[4])
	              for l in prof.splitlines() if l.startswith("T 1 "))
	print("guest", guest, "plugin", counted)
	# the two reads bracket the loop; one tick of resolution either way
	assert abs(counted - guest) <= 2 * per_tick, (counted, guest)
	PY
'

test_expect_success 'insnprof.py: names the region, refuses an empty phase' '
	cd "$W" &&
	"$PROF/insnprof.py" prof --phase 1 --iters 1000 \
		--guest $GUEST_LO:$GUEST_HI >summary &&
	cat summary &&
	grep -q "^phase 1: [0-9.]* instructions per operation" summary &&
	grep -q "^  guest " summary &&
	! "$PROF/insnprof.py" prof --phase 63 --iters 1000 2>err &&
	grep -q "no instruction in phase 63" err
'

swap_corevisor_case

test_done
