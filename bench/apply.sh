#!/bin/bash
# Benchmark: 'porttool apply 5.10' against 'git am' of the same commits
# (the corevisor install commit and every patch of ports/v5.10, as one
# mbox), on the real 5.10 tree, alternating, REPS times each.
. "$(dirname "$0")/lib.sh"
bench_tree

# The same commits as an mbox for git am, made from one porttool apply.
"$PORTTOOL" apply 5.10 --tree "$K" >/dev/null
git -C "$K" format-patch -q --stdout v5.10.223..sekvm/v5.10 >"$BENCH_DIR/port.mbox"
ncommits=$(git -C "$K" rev-list --count v5.10.223..sekvm/v5.10)
pt_tree=$(git -C "$K" rev-parse sekvm/v5.10^{tree})

reset_tree() {
	git -C "$K" checkout -q -f master
	git -C "$K" branch -q -D sekvm/v5.10 2>/dev/null || true
	git -C "$K" branch -q -D am 2>/dev/null || true
}

pt= am=
for i in $(seq "$REPS"); do
	reset_tree
	time_once pt "$PORTTOOL" apply 5.10 --tree "$K"
	reset_tree
	git -C "$K" checkout -q -b am v5.10.223
	time_once am git -C "$K" am -q --keep-cr "$BENCH_DIR/port.mbox"
	# Same result, or the comparison means nothing.
	[ "$(git -C "$K" rev-parse am^{tree})" = "$pt_tree" ] ||
		{ echo "bench: git am and porttool apply differ" >&2; exit 1; }
done
reset_tree
echo "apply: $ncommits commits onto v5.10.223 (70k files), $REPS runs each, load $(cut -d' ' -f1 /proc/loadavg)"
report "porttool apply 5.10" "$pt" "git am (same mbox)" "$am"
