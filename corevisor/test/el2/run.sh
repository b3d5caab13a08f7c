#!/bin/bash
# run.sh TEST_ELF [EXTRA_LOG]: boot the EL2 test on QEMU virt with a real
# EL2 and check its serial output.  Every check the test image prints
# counts, plus one check per CPU for the corevisor's banner, plus the
# PASS/FAIL lines of EXTRA_LOG (the build checks).  A FAIL line, a
# missing banner or summary, or QEMU not finishing within the timeout
# fails the suite.  Ends with "el2: N passed, N failed".
set -u
elf=$1
extra=${2:-/dev/null}
timeout_s=${EL2_TIMEOUT:-60}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

timeout --foreground -k 5 "$timeout_s" qemu-system-aarch64 \
	-M virt,virtualization=on,gic-version=2 -cpu cortex-a72 -smp 3 \
	-m 256M -nographic -no-reboot -monitor none -serial stdio \
	-kernel "$elf" </dev/null >"$log" 2>&1
rc=$?
abi_h=$(dirname "$0")/../../include/corevisor/abi.h
major=$(sed -nE 's/^#define CV_ABI_MAJOR[[:space:]]+([0-9]+).*/\1/p' "$abi_h")
minor=$(sed -nE 's/^#define CV_ABI_MINOR[[:space:]]+([0-9]+).*/\1/p' "$abi_h")
tr -d '\r' <"$log" | sed 's/^/| /'

p=0 f=0
pass() { echo "PASS $1"; p=$((p + 1)); }
fail() { echo "FAIL $1"; f=$((f + 1)); }

if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
	fail "qemu: no power-off within ${timeout_s}s"
elif [ "$rc" != 0 ]; then
	fail "qemu: exit status $rc"
fi
for cpu in 0 1; do
	if tr -d '\r' <"$log" | grep -qx "corevisor: cpu $cpu up, ABI v$major.$minor, host stage-2 on"; then
		pass "banner cpu $cpu"
	else
		fail "banner cpu $cpu: missing"
	fi
done
tp=$(tr -d '\r' <"$log" | grep -c '^PASS ')
tf=$(tr -d '\r' <"$log" | grep -c '^FAIL ')
summary=$(tr -d '\r' <"$log" | grep -E '^el2: [0-9]+ passed, [0-9]+ failed$' | tail -n 1)
if [ -z "$summary" ]; then
	fail "test image: no summary line (stopped early?)"
elif [ "$summary" != "el2: $tp passed, $tf failed" ]; then
	fail "test image: summary '$summary' disagrees with its lines"
fi
if [ "$tp" = 0 ]; then
	fail "test image: no check ran"
fi
p=$((p + tp)) f=$((f + tf))
cat "$extra"
p=$((p + $(grep -c '^PASS ' "$extra"))) f=$((f + $(grep -c '^FAIL ' "$extra")))
echo "el2: $p passed, $f failed"
[ "$f" = 0 ]
