#!/bin/bash
# run-tests.sh BUILD_DIR: every vmm test suite, in order of cost.  Each
# suite prints its own "N passed, N failed" line (ci/test.sh adds them
# up), so this prints no total of its own, only which suites failed.
set -u
build=${1:?usage: run-tests.sh BUILD_DIR}
t=$(dirname "$0")
failed=
run() {
	local name=$1
	shift
	echo "== vmm $name"
	"$@" || failed="$failed $name"
}
run sign "$t/sign-test.sh" "$build/sekvm-sign" "$build/cv_verify"
if command -v qemu-aarch64 >/dev/null; then
	run sign-arm64 "$t/sign-test.sh" --runner qemu-aarch64 \
		"$build/sekvm-sign-arm64" "$build/cv_verify"
else
	echo "skipped: sekvm-sign-arm64 tests (no qemu-aarch64; ci/deps.sh installs qemu-user)"
fi
# A sanitizer report must not pass for an expected refusal (exit 1).
ASAN_OPTIONS=exitcode=99 UBSAN_OPTIONS=exitcode=99 \
	run sign-san "$t/sign-test.sh" "$build/sekvm-sign-san" "$build/cv_verify"
run unit "$build/unit-test"
run unit-san "$build/unit-test-san"
run cli "$t/cli-test.sh" "$build/vmm"
run boot-stock "$t/boot-stock.sh" "$build"
if [ -n "$failed" ]; then
	echo "vmm: failed suites:$failed"
	exit 1
fi
echo "vmm: every suite passed or was skipped as shown above"
