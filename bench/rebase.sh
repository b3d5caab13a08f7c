#!/bin/bash
# Benchmark: 'porttool rebase 5.10 --onto NEWBASE' against 'git rebase
# --onto NEWBASE v5.10.223' of the same commits on the real 5.10 tree.
# NEWBASE is v5.10.223 plus one commit touching 40 files under drivers/.
. "$(dirname "$0")/lib.sh"
bench_tree

if ! git -C "$K" rev-parse -q --verify bench-newbase >/dev/null; then
	git -C "$K" checkout -q -b newbase v5.10.223
	for f in $(git -C "$K" ls-files drivers/net/ethernet | grep '\.c$' | head -n 40); do
		echo "/* bench */" >>"$K/$f"
	done
	git -C "$K" commit -q -a -m "Bench: a newer base"
	git -C "$K" tag bench-newbase
	git -C "$K" checkout -q master
	git -C "$K" branch -q -D newbase
fi
"$PORTTOOL" apply 5.10 --tree "$K" >/dev/null
orig=$(git -C "$K" rev-parse sekvm/v5.10)
ncommits=$(git -C "$K" rev-list --count v5.10.223..$orig)

reset_tree() {
	git -C "$K" checkout -q -f master
	git -C "$K" branch -q -f sekvm/v5.10 "$orig"
	git -C "$K" branch -q -f gitrb "$orig"
}

pt= rb=
for i in $(seq "$REPS"); do
	reset_tree
	git -C "$K" checkout -q sekvm/v5.10
	time_once pt "$PORTTOOL" rebase 5.10 --onto bench-newbase --tree "$K"
	pt_tree=$(git -C "$K" rev-parse sekvm/v5.10^{tree})
	reset_tree
	git -C "$K" checkout -q gitrb
	time_once rb git -C "$K" rebase -q --onto bench-newbase v5.10.223 gitrb
	[ "$(git -C "$K" rev-parse gitrb^{tree})" = "$pt_tree" ] ||
		{ echo "bench: git rebase and porttool rebase differ" >&2; exit 1; }
done
git -C "$K" checkout -q -f master
echo "rebase: $ncommits commits from v5.10.223 onto a base 40 files newer, $REPS runs each, load $(cut -d' ' -f1 /proc/loadavg)"
report "porttool rebase 5.10 --onto" "$pt" "git rebase --onto (same commits)" "$rb"
