#!/bin/bash
# porttool bench for real: one SeKVM and one stock-KVM boot in QEMU (about
# two minutes under nested TCG), on the kernels an earlier build left.
# Numbered after t0900 so that in a suite run the chain has just built
# them from this checkout: before, it measured whatever an earlier run
# left in the scratch root, a stale kernel included.  Where it looks:
# BENCH_SEKVM_OUT and BENCH_KVM_OUT, else the chain test's
# ($PORTTOOL_CHAIN_DIR, default $TRASH_ROOT/t0900-work: qemu, qemu-kvm; kept
# between runs), else porttool build's defaults.  Without both kernels it
# skips, saying where it looked: this suite builds no kernel of its own.
. "$(dirname "$0")/lib.sh"

CHAIN=${PORTTOOL_CHAIN_DIR:-$TRASH_ROOT/t0900-work}
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/porttool/build

if ! pick S "${BENCH_SEKVM_OUT:-}" "$CHAIN/qemu" "$CACHE/v5.10-qemu" ||
   ! pick K "${BENCH_KVM_OUT:-}" "$CHAIN/qemu-kvm" "$CACHE/v5.10-qemu-kvm"; then
	test_skip "bench: one boot of each kernel" \
		"no SeKVM and stock-KVM qemu builds in \$BENCH_SEKVM_OUT/\$BENCH_KVM_OUT, $CHAIN or $CACHE"
	test_done
	exit
fi

test_expect_success "bench: one boot of each kernel ($S, $K) measures every workload" '
	porttool bench 5.10 --sekvm-out "$S" --kvm-out "$K" --reps 1 --db "$TRASH/r.db" \
		--dir "$TRASH/run" --json r.json >out 2>err || { cat out err; exit 1; } &&
	cat out &&
	grep -q "^guest benchmark: v5.10, SeKVM vs stock KVM, 1 boot each" out &&
	test "$(grep -c "[0-9]\.[0-9] *[0-9][0-9]*\.[0-9] *[0-9]*\.[0-9][0-9]x  [0-9]*-[0-9]* *[0-9]*-[0-9]*$" out)" = 6 &&
	grep -q "sekvm-guest: corevisor ABI v[0-9.]*, DMA buffers shared" "$TRASH/run/sekvm-1.log" &&
	grep -q "sekvm-guest: not a SeKVM guest" "$TRASH/run/kvm-1.log" &&
	python3 -c "
import json
r = json.load(open(\"r.json\"))
for w in r[\"workloads\"]:
    assert w[\"sekvm_median_ns\"] > 0 and w[\"kvm_median_ns\"] > 0, w
assert len(r[\"workloads\"]) == 6
"
'

test_expect_success 'bench: the kept logs give the same report again' '
	porttool bench 5.10 --from-logs "$TRASH/run" --db "$TRASH/r.db" >again &&
	grep -v "^serial logs:" "$TRASH/1/out" | diff - again
'

test_expect_success 'bench: the guest run is in the database, with its build' '
	test "$(sql "$TRASH/r.db" "select count(*) from measurements where suite = '\''guest'\'' and source = '\''boot'\''")" = 12 &&
	test "$(sql "$TRASH/r.db" "select count(distinct corevisor_sha256) from measurements where source = '\''boot'\'' and length(corevisor_sha256) = 64")" = 1
'

# The micro suite, few iterations: the guest is built, signed, booted on
# both kernels under -icount, and its rows land in the database.
test_expect_success "bench --suite micro: one boot of each kernel, 256 iterations" '
	porttool bench 5.10 --suite micro --sekvm-out "$S" --kvm-out "$K" --reps 1 \
		--iters 256 --db "$TRASH/r.db" --dir "$TRASH/micro" >out 2>err ||
		{ cat out err; exit 1; } &&
	cat out err &&
	grep -q "^micro benchmark: v5.10, SeKVM vs stock KVM, 1 boot each" out &&
	grep -q "instruction counts under QEMU -icount shift=0,sleep=off" out &&
	test "$(grep -c "^[A-Za-z].* 256 *[0-9][0-9]* *[0-9][0-9]* *[0-9]*\.[0-9][0-9]x$" out)" = 6 &&
	grep -q "^stage-2 fault on fresh memory *256 " out &&
	grep -q "porttool: boot 1 of 2: v5.10 qemu micro, sekvm rep 1 of 1 .*; [0-9]*s elapsed$" err &&
	grep -q "porttool: boot 2 of 2: v5.10 qemu micro, kvm rep 1 of 1 .*; [0-9ms]* elapsed, about [0-9ms]* left$" err &&
	grep -q "qemu-system-aarch64 .* -icount shift=0,sleep=off" "$TRASH/micro/micro-sekvm-1.log" &&
	grep -q "vmm: SeKVM: kernel image registered" "$TRASH/micro/micro-sekvm-1.log" &&
	test "$(sql "$TRASH/r.db" "select count(*) from measurements where suite = '\''micro'\'' and unit = '\''insn'\'' and value > 0")" = 12
'

test_expect_success 'report: the database renders as a page with its plots' '
	porttool report --db "$TRASH/r.db" --html html >out &&
	grep -q "^5.10 *qemu *hvc *iters=256 " out &&
	grep -q "<title>ratios</title>" html/index.html &&
	test -s html/spread-micro-hvc.svg && test -s html/spread-guest-mem.svg
'

test_done
