#!/bin/bash
# run.sh EXTRA_LOG TEST_ELF@CPU...: boot each EL2 test image on QEMU virt
# (with that -cpu model and an SMMUv3) at a real EL2 and check its serial
# output.  An image resets the machine once on purpose (the reset test:
# RAM survives it, the second boot looks for guest secrets), so QEMU
# runs without -no-reboot and ends at the image's PSCI SYSTEM_OFF.  Every check an image prints
# counts, plus one check per CPU for the corevisor's banner, plus the
# PASS/FAIL lines of EXTRA_LOG (the build checks).  A FAIL line, a
# missing banner or summary, or QEMU not finishing within the timeout
# fails the suite.  Ends with "el2: N passed, N failed".
set -u
extra=$1
shift
timeout_s=${EL2_TIMEOUT:-180}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
abi_h=$(dirname "$0")/../../include/corevisor/abi.h
major=$(sed -nE 's/^#define CV_ABI_MAJOR[[:space:]]+([0-9]+).*/\1/p' "$abi_h")
minor=$(sed -nE 's/^#define CV_ABI_MINOR[[:space:]]+([0-9]+).*/\1/p' "$abi_h")

p=0 f=0
pass() { echo "PASS $1"; p=$((p + 1)); }
fail() { echo "FAIL $1"; f=$((f + 1)); }

for run in "$@"; do
	elf=${run%@*} cpu=${run##*@}
	name=$(basename "$elf" .elf)-$cpu
	echo "== $name"
	timeout --foreground -k 5 "$timeout_s" qemu-system-aarch64 \
		-M virt,virtualization=on,gic-version=2,iommu=smmuv3 -cpu "$cpu" \
		-smp 4 -m 256M -nographic -monitor none \
		-serial stdio -kernel "$elf" </dev/null 2>&1 |
		tr -d '\r' >"$log"
	rc=${PIPESTATUS[0]}
	sed 's/^/| /' "$log"

	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		fail "$name: qemu: no power-off within ${timeout_s}s"
	elif [ "$rc" != 0 ]; then
		fail "$name: qemu: exit status $rc"
	fi
	for cpu in 0 1; do
		if grep -qx "corevisor: cpu $cpu up, ABI v$major.$minor, host stage-2 on" "$log"; then
			pass "$name: banner cpu $cpu"
		else
			fail "$name: banner cpu $cpu: missing"
		fi
	done
	tp=$(grep -c '^PASS ' "$log")
	tf=$(grep -c '^FAIL ' "$log")
	summary=$(grep -E '^el2: [0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
	if [ -z "$summary" ]; then
		fail "$name: no summary line (stopped early?)"
	elif [ "$summary" != "el2: $tp passed, $tf failed" ]; then
		fail "$name: summary '$summary' disagrees with its lines"
	fi
	if [ "$tp" = 0 ]; then
		fail "$name: no check ran"
	fi
	p=$((p + tp)) f=$((f + tf))
done
cat "$extra"
p=$((p + $(grep -c '^PASS ' "$extra"))) f=$((f + $(grep -c '^FAIL ' "$extra")))
echo "el2: $p passed, $f failed"
[ "$f" = 0 ]
