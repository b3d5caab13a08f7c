#!/bin/bash
# A short fuzzing smoke test of the series parser and the port.conf loader
# (libFuzzer, clang): the seed corpus must pass, and 10 s of fuzzing per
# harness must find no crash, leak or broken invariant.  'make fuzz' runs
# them longer.
. "$(dirname "$0")/lib.sh"

FUZZ_DIR="$PROJECT_DIR/porttool/fuzz"
FUZZ_SECS=${PORTTOOL_FUZZ_SECS:-10}

if ! have_libfuzzer; then
	test_skip "fuzz smoke" "clang with libFuzzer is not installed (ci/deps.sh)"
	test_done
	exit
fi

test_expect_success 'fuzz: the harnesses build' '
	make -s -C "$PROJECT_DIR/porttool" fuzz-build >log 2>&1 || { cat log; false; } &&
	test -x "$FUZZ_DIR/out/fuzz_series" && test -x "$FUZZ_DIR/out/fuzz_portconf" &&
	test -x "$FUZZ_DIR/out/fuzz_aptsources"
'

for name in series portconf aptsources; do
	test_expect_success "fuzz: $name seed corpus runs clean" '
		test $(ls "$FUZZ_DIR/corpus/'$name'" | wc -l) -ge 5 &&
		"$FUZZ_DIR/out/fuzz_'$name'" -runs=0 -close_fd_mask=2 \
			"$FUZZ_DIR/corpus/'$name'" >log 2>&1 || { tail -n 30 log; false; }
	'
	test_expect_success "fuzz: $name for $FUZZ_SECS s finds nothing" '
		"$FUZZ_DIR/run.sh" '"$FUZZ_SECS"' "$FUZZ_DIR/out/fuzz_'$name'" >out &&
		cat out &&
		runs=$(sed -n "s/^fuzz '$name': \([0-9]*\) runs.*/\1/p" out) &&
		test "$runs" -gt 200
	'
done

test_done
