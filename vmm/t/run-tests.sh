#!/bin/bash
# run-tests.sh BUILD_DIR: every vmm test suite, in order of cost.
#
# Each suite's whole output goes to BUILD_DIR/test/NAME.log; the console
# gets its FAIL and "skipped" lines and a one-line summary, then the total
# as the last line, "vmm: N passed, N failed" (the one line of this run
# that ci/test.sh adds up).  A suite that exits non-zero or prints no
# "N passed, N failed" line counts as one more failure.
set -u
build=${1:?usage: run-tests.sh BUILD_DIR}
t=$(dirname "$0")
logs=$build/test
mkdir -p "$logs"
total_p=0 total_f=0 bad= skipped=
run() {
	local name=$1 log=$logs/$1.log line p f rc
	shift
	"$@" >"$log" 2>&1
	rc=$?
	grep -E '^(FAIL|skipped)' "$log"
	line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	p=$(echo "$line" | sed -nE 's/.*\b([0-9]+) passed, ([0-9]+) failed.*/\1/p')
	f=$(echo "$line" | sed -nE 's/.*\b([0-9]+) passed, ([0-9]+) failed.*/\2/p')
	if [ -z "$p" ]; then
		p=0 f=1
		echo "FAIL $name: no summary line (exit $rc), see $log"
	elif [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		f=1
		echo "FAIL $name: exit $rc, see $log"
	fi
	grep -q '^skipped' "$log" && skipped="$skipped $name"
	echo "== $name: $p ok, $f failing ($log)"
	[ "$f" = 0 ] || bad="$bad $name"
	total_p=$((total_p + p)) total_f=$((total_f + f))
}
run sign "$t/sign-test.sh" "$build/sekvm-sign" "$build/cv_verify"
if command -v qemu-aarch64 >/dev/null; then
	run sign-arm64 "$t/sign-test.sh" --runner qemu-aarch64 \
		"$build/sekvm-sign-arm64" "$build/cv_verify"
else
	echo "skipped: sekvm-sign-arm64 tests (no qemu-aarch64; ci/deps.sh installs qemu-user)"
	skipped="$skipped sign-arm64"
fi
# A sanitizer report must not pass for an expected refusal (exit 1).
ASAN_OPTIONS=exitcode=99 UBSAN_OPTIONS=exitcode=99 \
	run sign-san "$t/sign-test.sh" "$build/sekvm-sign-san" "$build/cv_verify"
run unit "$build/unit-test"
run unit-san "$build/unit-test-san"
run devices "$build/unit-devices"
run devices-san "$build/unit-devices-san"
run cli "$t/cli-test.sh" "$build/vmm"
run boot-stock "$t/boot-stock.sh" "$build"
[ -z "$skipped" ] || echo "skipped (counted neither passed nor failed):$skipped"
[ -z "$bad" ] || echo "failing suites:$bad"
echo "vmm: $total_p passed, $total_f failed"
[ "$total_f" = 0 ]
