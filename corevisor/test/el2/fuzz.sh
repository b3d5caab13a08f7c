#!/bin/bash
# fuzz.sh TEST_ELF N: boot the fuzzer's image (test/el2/fuzz.c) on QEMU
# virt at a real EL2, with an SMMUv3 on the board, and check its serial
# output.  Every PASS/FAIL line of the image counts; a missing summary,
# a corevisor panic or QEMU not finishing in time (60 s plus 1 s per
# 1000 calls, FUZZ_TIMEOUT overrides) fails the suite.  Ends with
# "fuzz: N passed, N failed".
set -u
elf=$1 n=$2
timeout_s=${FUZZ_TIMEOUT:-$((60 + n / 1000))}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
p=0 f=0
fail() { echo "FAIL $1"; f=$((f + 1)); }

start=$(date +%s)
timeout --foreground -k 5 "$timeout_s" qemu-system-aarch64 \
	-M virt,virtualization=on,gic-version=2,iommu=smmuv3 -cpu cortex-a72 \
	-smp 3 -m 256M -nographic -no-reboot -monitor none \
	-serial stdio -kernel "$elf" </dev/null 2>&1 | tr -d '\r' |
	tee "$log" | sed 's/^/| /'
rc=${PIPESTATUS[0]}
secs=$(($(date +%s) - start))

if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
	fail "fuzz: qemu: no power-off within ${timeout_s}s"
elif [ "$rc" != 0 ]; then
	fail "fuzz: qemu: exit status $rc"
fi
if grep -q 'corevisor: panic' "$log"; then
	fail "fuzz: the corevisor panicked"
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
