#!/bin/bash
# Run each libFuzzer harness for a bounded time: fuzz/run.sh SECONDS BINARY...
# A harness fuzz/out/fuzz_NAME starts from the seed corpus fuzz/corpus/NAME
# (read only: new inputs go to a scratch directory) and runs in one process
# (the machine is shared).  Exit 1, with the crashing input kept, if any
# harness finds a crash, a leak or a broken invariant.
set -u
secs=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
status=0
for bin in "$@"; do
	name=$(basename "$bin")
	name=${name#fuzz_}
	work=$(mktemp -d "${TMPDIR:-/tmp}/porttool-fuzz-$name-XXXXXX")
	mkdir "$work/corpus"
	"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-max_len=4096 -close_fd_mask=2 -print_final_stats=1 \
		-artifact_prefix="$work/" "$work/corpus" "$here/corpus/$name" \
		>"$work/log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
	if [ "$rc" = 0 ] && [ -n "$runs" ]; then
		echo "fuzz $name: ${runs} runs in ${secs} s, no failure"
		rm -rf "$work"
	else
		echo "fuzz $name: FAILED (exit $rc); log and crashing input in $work:"
		grep -E "ERROR|SUMMARY|deadly|Test unit written" "$work/log" | head -n 20
		status=1
	fi
done
exit $status
