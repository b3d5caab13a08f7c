#!/bin/bash
# porttool apply killed (SIGKILL, as kill -9) after each of its writes in
# turn: afterwards either nothing changed, or 'porttool status' names the
# half-done apply and both 'porttool apply --abort' (back to exactly the
# state before) and a rerun of 'porttool apply' (the full result) work.
# PORTTOOL_CRASH_AFTER=N kills porttool after its N-th crash point.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/port-lib.sh"

# What a user sees of a tree: HEAD, refs, index entries, status, journal.
state() {
	(
		cd "$1"
		git symbolic-ref -q HEAD || echo detached
		git rev-parse HEAD
		git for-each-ref --format='%(refname) %(objectname)'
		git ls-files -s
		git status --porcelain --untracked-files=all
		ls .git/porttool-apply 2>/dev/null || true
	)
}

# The applied result, without commit ids (committer dates differ per run).
result() {
	(
		cd "$1"
		git symbolic-ref HEAD
		git rev-parse HEAD^{tree}
		git log --format='%an %ae %ad %T %s' base..HEAD
		git ls-files -s
		git status --porcelain --untracked-files=all
		ls .git/porttool-apply 2>/dev/null || true
	)
}

# The synthetic corner-case port and a fresh tree dst0; ref is the result
# of an apply that nobody killed.
setup() {
	make_synthetic_repo src && add_corner_commits src &&
	make_synthetic_port && git -C src branch sekvm/v9.9 &&
	printf "# synthetic port\n" >ports/v9.9/series &&
	porttool --ports ports export 9.9 --tree src >/dev/null &&
	make_synthetic_repo dst0 && echo untracked >dst0/notes.txt &&
	cp -a dst0 ref && porttool --ports ports apply 9.9 --tree ref &&
	result ref >result.ref && state dst0 >state.before
}

# Kill apply at point $1 in a copy of dst0; then $2 (abort or rerun).
crash_then() {
	local n=$1 how=$2 rc=0
	rm -rf dst && cp -a dst0 dst &&
	PORTTOOL_CRASH_AFTER=$n "$PORTTOOL" --ports ports apply 9.9 --tree dst \
		>out 2>err || rc=$?
	if [ $rc = 0 ]; then
		result dst >result.got && test_cmp result.ref result.got &&
		echo done >"last"
		return
	fi
	test $rc = 137 || { cat err; return 1; }
	grep "killed after" err
	if [ ! -e dst/.git/porttool-apply ]; then
		# Killed before the journal or after it was removed.
		state dst >state.got
		if ! cmp -s state.before state.got; then
			result dst >result.got && test_cmp result.ref result.got
		fi
		return
	fi
	porttool --ports ports status --tree dst >status &&
	grep "apply: interrupted while switching to branch sekvm/v9.9 (ports/v9.9); run .porttool apply 9.9. again" status &&
	if [ "$how" = abort ]; then
		porttool --ports ports apply 9.9 --tree dst --abort &&
		state dst >state.got && test_cmp state.before state.got &&
		porttool --ports ports apply 9.9 --tree dst &&
		result dst >result.got && test_cmp result.ref result.got
	else
		porttool --ports ports apply 9.9 --tree dst >out2 &&
		grep "Finished the interrupted apply" out2 &&
		result dst >result.got && test_cmp result.ref result.got
	fi
}

test_expect_success 'killed after every write in turn: abort restores, rerun finishes' '
	setup &&
	rm -f last && n=1 &&
	while [ ! -e last ] && [ $n -lt 200 ]; do
		echo "== kill at point $n" &&
		if [ $((n % 2)) = 1 ]; then how=abort; else how=rerun; fi &&
		crash_then $n $how || { echo "FAILED at point $n ($how)"; exit 1; }
		n=$((n + 1))
	done &&
	echo "points: $((n - 2))" && test -e last &&
	test $n -gt 20
'

test_expect_success 'killed at every point, each rerun first (the other half of the pairs)' '
	setup &&
	rm -f last && n=1 &&
	while [ ! -e last ] && [ $n -lt 200 ]; do
		if [ $((n % 2)) = 1 ]; then how=rerun; else how=abort; fi &&
		crash_then $n $how || { echo "FAILED at point $n ($how)"; exit 1; }
		n=$((n + 1))
	done && test -e last && test $n -gt 20
'

test_expect_success 'abort and rerun without an interrupted apply' '
	make_synthetic_port && make_synthetic_repo dst &&
	test_expect_code 1 porttool --ports ports apply 9.9 --tree dst --abort 2>err &&
	grep "no interrupted apply" err
'

test_expect_success 'an untracked file in the way: nothing written, no journal left' '
	setup && rm -rf dst && cp -a dst0 dst && echo mine >dst/nonl.txt &&
	state dst >before &&
	test_expect_code 1 porttool --ports ports apply 9.9 --tree dst 2>err &&
	cat err && state dst >after && test_cmp before after &&
	grep "dst/nonl.txt is in the way (untracked, ignored or modified)" err
'

test_done
