#!/bin/bash
# Fuzzing smoke test of the format-patch mail parser (patch.c): the seed
# corpus must pass and a short run must find no crash, leak or broken
# invariant.  'make -C porttool fuzz' runs every harness longer.
. "$(dirname "$0")/lib.sh"

FUZZ_DIR="$PROJECT_DIR/porttool/fuzz"
FUZZ_SECS=${PORTTOOL_FUZZ_SECS:-10}

if ! have_libfuzzer; then
	test_skip "patch fuzz smoke" "clang with libFuzzer is not installed (ci/deps.sh)"
	test_done
	exit
fi

test_expect_success 'fuzz_patch builds' '
	make -s -C "$PROJECT_DIR/porttool" fuzz/out/fuzz_patch >log 2>&1 || { cat log; false; } &&
	test -x "$FUZZ_DIR/out/fuzz_patch"
'

test_expect_success 'fuzz_patch: the seed corpus (real and corner-case patches) runs clean' '
	test $(ls "$FUZZ_DIR/corpus/patch" | wc -l) -ge 10 &&
	"$FUZZ_DIR/out/fuzz_patch" -runs=0 -close_fd_mask=2 "$FUZZ_DIR/corpus/patch" >log 2>&1 ||
		{ tail -n 30 log; false; }
'

test_expect_success "fuzz_patch for $FUZZ_SECS s finds nothing" '
	"$FUZZ_DIR/run.sh" '"$FUZZ_SECS"' "$FUZZ_DIR/out/fuzz_patch" >out &&
	cat out && grep "no failure" out
'

test_expect_success 'the harness catches a broken promise (an address-less author is refused)' '
	printf "From: Nobody <>\nDate: Mon, 1 Jan 2024 00:00:00 +0000\nSubject: [PATCH] x\n\n---\ndiff --git a/a b/a\n" >bad.patch &&
	"$FUZZ_DIR/out/fuzz_patch" -runs=0 -close_fd_mask=2 bad.patch >log 2>&1 &&
	mkdir -p ports/v9.9 && cp bad.patch ports/v9.9/0001-x.patch &&
	printf "[port]\n\tversion = 9.9\n[base]\n\tversion = 9.9.0\n\ttag = base\n" >ports/v9.9/port.conf &&
	echo 0001-x.patch >ports/v9.9/series &&
	git init -q k && (cd k && echo a >a && git add a && git commit -q -m a && git tag base) &&
	test_expect_code 1 porttool --ports ports apply 9.9 --tree k 2>err &&
	grep "0001-x.patch: cannot read the author" err
'

test_done
