#!/bin/bash
# fuzz.sh TEST_ELF N: boot the fuzzer's image (test/el2/fuzz.c) on QEMU
# virt at a real EL2, with an SMMUv3 on the board, and check its serial
# output.  Every PASS/FAIL line of the image counts; a missing summary,
# a corevisor panic or QEMU not finishing in time fails the suite.  The
# time allowed is 120 s plus 1 s per 500 calls (520 s for CI's 200,000;
# a quiet machine takes 40-80 s, one at load 13 took up to 253 s):
# a hang fails in minutes, not at CI's limit.  FUZZ_TIMEOUT overrides.
# Ends with "fuzz: N passed, N failed".
set -u
elf=$1 n=$2
timeout_s=${FUZZ_TIMEOUT:-$((120 + n / 500))}
dir=$(mktemp -d)
log=$dir/log
trap 'rm -rf "$dir"' EXIT
p=0 f=0
fail() { echo "FAIL $1"; f=$((f + 1)); }

start=$(date +%s)
timeout -k 5 "$timeout_s" qemu-system-aarch64 \
	-M virt,virtualization=on,gic-version=2,iommu=smmuv3 \
	-cpu cortex-a72 -smp 4 -m 256M -nographic -no-reboot \
	-monitor none -serial stdio -kernel "$elf" </dev/null \
	>"$dir/raw" 2>&1 &
qemu=$!
# A panicked corevisor halts the machine: stop waiting for it.
while kill -0 "$qemu" 2>/dev/null; do
	if grep -qs 'corevisor: panic' "$dir/raw"; then
		sleep 2
		kill "$qemu"
		break
	fi
	sleep 1
done
wait "$qemu"
rc=$?
tr -d '\r' <"$dir/raw" >"$log"
sed 's/^/| /' "$log"
secs=$(($(date +%s) - start))

if grep -q 'corevisor: panic' "$log"; then
	fail "fuzz: the corevisor panicked"
elif [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
	fail "fuzz: qemu: no power-off within ${timeout_s}s"
	seed=$(sed -n 's/^fuzz: seed \(0x[0-9a-f]*\),.*/\1/p' "$log")
	echo "fuzz: a hang; print every call to find the one it hangs in:"
	echo "  make -C corevisor fuzz N=$n SEED=${seed:-?} TRACE_FROM=0"
elif [ "$rc" != 0 ]; then
	fail "fuzz: qemu: exit status $rc"
fi
tp=$(grep -c '^PASS ' "$log")
tf=$(grep -c '^FAIL ' "$log")
summary=$(grep -E '^el2: [0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
if [ -z "$summary" ]; then
	fail "fuzz: no summary line (stopped early?)"
elif [ "$summary" != "el2: $tp passed, $tf failed" ]; then
	fail "fuzz: summary '$summary' disagrees with its lines"
fi
if ! grep -q '^PASS fuzz: phase 2' "$log"; then
	fail "fuzz: the fuzzer did not finish"
fi
p=$((p + tp)) f=$((f + tf))
echo "fuzz: $n calls in ${secs}s"
echo "fuzz: $p passed, $f failed"
[ "$f" = 0 ]
