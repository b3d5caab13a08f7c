#!/bin/bash
# Run every porttool shell test and print one closing line with the totals.
cd "$(dirname "$0")" || exit 1
export TEST_RESULTS=$(mktemp)
status=0
for t in t[0-9]*.sh; do
	[ -e "$t" ] || continue
	bash "$t" || status=1
done
read -r p f s < <(awk '{p+=$1; f+=$2; s+=$3} END {print p+0, f+0, s+0}' "$TEST_RESULTS")
rm -f "$TEST_RESULTS"
echo "porttool: $p passed, $f failed, $s skipped"
[ "$f" = 0 ] && exit $status
exit 1
