#!/bin/bash
# Run every porttool shell test and print one closing line with the totals.
cd "$(dirname "$0")" || exit 1
export TEST_RESULTS=$(mktemp)
# Scratch roots of checkouts that no longer exist (lib.sh names each
# root's checkout in .checkout): a clean clone per CI run leaves one.
for root in "${TMPDIR:-/tmp}"/porttool-tests-*; do
	[ -f "$root/.checkout" ] && [ ! -d "$(cat "$root/.checkout")" ] && rm -rf "$root"
done
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
