#!/bin/bash
# porttool apply: on the real 5.10 tree and on synthetic repos; every
# error case leaves HEAD, refs, status and index exactly as they were.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/port-lib.sh"

SERIES="$PROJECT_DIR/ports/v5.10/series"
CV_PATH=arch/arm64/kvm/sekvm/corevisor

test_expect_success 'apply 5.10 makes the branch: corevisor commit, then one commit per patch' '
	K=$(real_clone) && back_to_base "$K" &&
	porttool apply 5.10 --tree "$K" >out &&
	cat out &&
	test "$(git -C "$K" symbolic-ref HEAD)" = refs/heads/sekvm/v5.10 &&
	n=$(series_patches "$SERIES" | wc -l) &&
	test "$(git -C "$K" rev-list --count v5.10.223..HEAD)" = $((n + 1)) &&
	test -z "$(git -C "$K" status --porcelain --untracked-files=no)" &&
	git -C "$K" log --format=%s --reverse v5.10.223..HEAD >subjects &&
	head -n 1 subjects >first && echo "sekvm: install corevisor" >expect &&
	test_cmp expect first &&
	for p in $(series_patches "$SERIES"); do
		patch_subject "$PROJECT_DIR/ports/v5.10/$p"
	done >expect_subjects &&
	tail -n +2 subjects >got_subjects &&
	test_cmp expect_subjects got_subjects
'

test_expect_success 'the corevisor commit holds the project HEAD corevisor without tests, with its tree id as trailer' '
	K=$(real_clone) &&
	cv=$(git -C "$K" rev-list --reverse v5.10.223..sekvm/v5.10 | head -n 1) &&
	trailer=$(git -C "$K" log -1 --format=%B $cv | sed -n "s/^Corevisor-Tree: //p") &&
	test "$trailer" = "$(git -C "$K" rev-parse $cv:$CV_PATH)^{tree}" &&
	test "$(git -C "$K" rev-parse "$trailer")" = "$(git -C "$K" rev-parse $cv:$CV_PATH)" &&
	git -C "$PROJECT_DIR" ls-tree -r --name-only HEAD:corevisor |
		grep -v -E "(^|/)tests?/|^(out|build)/" | sort >expect &&
	git -C "$K" ls-tree -r --name-only $cv:$CV_PATH | sort >got &&
	test_cmp expect got &&
	for f in $(cat got); do
		test "$(git -C "$K" rev-parse $cv:$CV_PATH/$f)" = \
		     "$(git -C "$PROJECT_DIR" rev-parse HEAD:corevisor/$f)" || exit 1
	done &&
	git -C "$K" log -1 --format="%an <%ae> %at" $cv >who &&
	echo "SeKVM porttool <porttool@sekvm.example.org> 1577836800" >expect &&
	test_cmp expect who &&
	test "$(git -C "$K" diff --name-only v5.10.223 $cv | grep -v "^$CV_PATH/")" = ""
'

test_expect_success 'the patch commits equal what git am makes of the same patches' '
	K=$(real_clone) &&
	cv=$(git -C "$K" rev-list --reverse v5.10.223..sekvm/v5.10 | head -n 1) &&
	git -C "$K" checkout -q -b am-check $cv &&
	for p in $(series_patches "$SERIES"); do
		echo "$PROJECT_DIR/ports/v5.10/$p"
	done >list &&
	git -C "$K" am -q $(cat list) &&
	test "$(git -C "$K" rev-parse am-check^{tree})" = "$(git -C "$K" rev-parse sekvm/v5.10^{tree})" &&
	git -C "$K" log --format="%an%n%ae%n%ad%n%B" v5.10.223..am-check >am &&
	git -C "$K" log --format="%an%n%ae%n%ad%n%B" $cv..sekvm/v5.10 >pt &&
	git -C "$K" log --format="%an%n%ae%n%ad%n%B" v5.10.223..$cv >cvlog &&
	cat pt cvlog >pt_all && test_cmp am pt_all &&
	git -C "$K" log --format="%cn <%ce>" -1 sekvm/v5.10 >c &&
	echo "Test Committer <committer@example.org>" >expect && test_cmp expect c &&
	git -C "$K" checkout -q sekvm/v5.10 && git -C "$K" branch -q -D am-check
'

test_expect_success 'branch exists: error suggests --branch, nothing changes' '
	K=$(real_clone) &&
	test_nothing_lost "$K" 1 porttool apply 5.10 --tree "$K" &&
	grep "branch .sekvm/v5.10. already exists" err && grep -- "--branch" err
'

test_expect_success '--branch NAME applies under another name' '
	K=$(real_clone) &&
	porttool apply 5.10 --tree "$K" --branch try/other &&
	test "$(git -C "$K" symbolic-ref HEAD)" = refs/heads/try/other &&
	test "$(git -C "$K" rev-parse try/other^{tree})" = "$(git -C "$K" rev-parse sekvm/v5.10^{tree})"
'

test_expect_success 'a modified tracked file stops apply, nothing lost' '
	K=$(real_clone) && back_to_base "$K" &&
	echo change >>"$K/README" &&
	test_nothing_lost "$K" 1 porttool apply 5.10 --tree "$K" &&
	grep "1 modified and 0 staged" err &&
	git -C "$K" checkout -q README
'

test_expect_success 'a staged file stops apply, nothing lost' '
	K=$(real_clone) && back_to_base "$K" &&
	echo change >>"$K/README" && git -C "$K" add README &&
	test_nothing_lost "$K" 1 porttool apply 5.10 --tree "$K" &&
	grep "staged" err &&
	git -C "$K" reset -q --hard
'

test_expect_success 'an untracked file in the way stops the checkout, nothing lost' '
	K=$(real_clone) && back_to_base "$K" &&
	mkdir -p "$K/arch/arm64/kvm/sekvm" &&
	echo mine >"$K/arch/arm64/kvm/sekvm/Makefile" &&
	test_nothing_lost "$K" 1 porttool apply 5.10 --tree "$K" &&
	grep "arch/arm64/kvm/sekvm/Makefile is in the way" err &&
	echo mine >expect && test_cmp expect "$K/arch/arm64/kvm/sekvm/Makefile" &&
	rm -r "$K/arch/arm64/kvm/sekvm"
'

test_expect_success 'a patch that does not apply names the patch, file and hunk; nothing lost' '
	K=$(real_clone) && back_to_base "$K" &&
	copy_ports v5.10 &&
	cat >ports/v5.10/9999-bad.patch <<-\EOF &&
	From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001
	From: Some One <some@example.org>
	Date: Mon, 1 Jan 2024 00:00:00 +0000
	Subject: [PATCH] Touch a line that is not there

	---
	 Makefile | 2 +-
	 1 file changed, 1 insertion(+), 1 deletion(-)

	diff --git a/Makefile b/Makefile
	--- a/Makefile
	+++ b/Makefile
	@@ -1,3 +1,3 @@
	 # SPDX-License-Identifier: GPL-2.0
	-VERSION = 9
	+VERSION = 10
	 PATCHLEVEL = 10
	EOF
	echo 9999-bad.patch >>ports/v5.10/series &&
	test_nothing_lost "$K" 1 porttool --ports ports apply 5.10 --tree "$K" &&
	grep "9999-bad.patch does not apply: Makefile: hunk .@@ -1,3 +1,3 @@. failed" err &&
	! git -C "$K" rev-parse -q --verify sekvm/v5.10
'

test_expect_success 'a patch changing a file the tree lacks names the patch and the file' '
	K=$(real_clone) && back_to_base "$K" &&
	copy_ports v5.10 &&
	cat >ports/v5.10/9999-gone.patch <<-\EOF &&
	From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001
	From: Some One <some@example.org>
	Date: Mon, 1 Jan 2024 00:00:00 +0000
	Subject: [PATCH] Touch a file that is not there

	---
	 arch/arm64/kvm/gone.c | 2 +-
	 1 file changed, 1 insertion(+), 1 deletion(-)

	diff --git a/arch/arm64/kvm/gone.c b/arch/arm64/kvm/gone.c
	--- a/arch/arm64/kvm/gone.c
	+++ b/arch/arm64/kvm/gone.c
	@@ -1,3 +1,3 @@
	 a
	-b
	+c
	 d
	EOF
	echo 9999-gone.patch >>ports/v5.10/series &&
	test_nothing_lost "$K" 1 porttool --ports ports apply 5.10 --tree "$K" &&
	grep "9999-gone.patch: arch/arm64/kvm/gone.c: does not exist in the tree the patch applies to" err
'

test_expect_success 'a malformed patch is named; nothing lost' '
	K=$(real_clone) && back_to_base "$K" &&
	copy_ports v5.10 &&
	printf "From: x@example.org\nSubject: [PATCH] no date\n\nbody\n" >ports/v5.10/9999-bad.patch &&
	echo 9999-bad.patch >>ports/v5.10/series &&
	test_nothing_lost "$K" 1 porttool --ports ports apply 5.10 --tree "$K" &&
	grep "9999-bad.patch: missing Date: header" err
'

test_expect_success 'a malformed series is named with its line; nothing lost' '
	K=$(real_clone) && back_to_base "$K" &&
	copy_ports v5.10 &&
	first=$(series_patches ports/v5.10/series | head -n 1) &&
	echo "$first" >>ports/v5.10/series &&
	test_nothing_lost "$K" 1 porttool --ports ports apply 5.10 --tree "$K" &&
	grep "series:[0-9]*: patch .$first. listed twice" err
'

test_expect_success 'a malformed port.conf is named; nothing lost' '
	K=$(real_clone) && back_to_base "$K" &&
	copy_ports v5.10 &&
	echo "[base" >>ports/v5.10/port.conf &&
	test_nothing_lost "$K" 1 porttool --ports ports apply 5.10 --tree "$K" &&
	grep "port.conf" err
'

test_expect_success 'a missing base is an error; nothing lost' '
	K=$(real_clone) && back_to_base "$K" &&
	copy_ports v5.10 &&
	sed -i "/commit = /d; /tree = /d; s/tag = v5.10.223/tag = v5.10.999/" ports/v5.10/port.conf &&
	test_nothing_lost "$K" 1 porttool --ports ports apply 5.10 --tree "$K" &&
	grep "base.tag v5.10.999. is not in the kernel tree" err
'

test_expect_success 'unknown version, not a repository, usage errors' '
	K=$(real_clone) &&
	test_nothing_lost "$K" 1 porttool apply 7.77 --tree "$K" &&
	mkdir plain &&
	test_expect_code 1 porttool apply 5.10 --tree plain 2>err &&
	grep "not a git repository" err &&
	test_expect_code 2 porttool apply 2>err && grep usage err &&
	test_expect_code 2 porttool apply 5.10 5.11 --tree "$K" &&
	test_expect_code 2 porttool apply 5.10 --frobnicate &&
	porttool apply --help | grep -- "--branch NAME"
'

test_expect_success 'synthetic: exported corner cases apply back to the same trees' '
	make_synthetic_repo src && add_corner_commits src &&
	make_synthetic_port && git -C src branch sekvm/v9.9 &&
	printf "# synthetic port\n" >ports/v9.9/series &&
	porttool --ports ports export 9.9 --tree src &&
	make_synthetic_repo dst &&
	porttool --ports ports apply 9.9 --tree dst &&
	test "$(git -C dst rev-parse HEAD^{tree})" = "$(git -C src rev-parse sekvm/v9.9^{tree})" &&
	git -C src log --format="%an|%ae|%ad|%B" base..sekvm/v9.9 >expect &&
	git -C dst log --format="%an|%ae|%ad|%B" base..HEAD >got &&
	test_cmp expect got &&
	test "$(git -C dst ls-files -s script.sh | cut -c1-6)" = 100644 &&
	test -z "$(git -C dst status --porcelain)"
'

test_expect_success 'synthetic: a hunk at an offset is shifted as git am shifts it (more in t0210)' '
	make_synthetic_repo src &&
	sed -i "s/^100$/hundred/" src/big.txt && git -C src commit -q -a -m "Edit line 100" &&
	git -C src format-patch -q --zero-commit --no-signature -N --full-index -1 -o ../p &&
	make_synthetic_port && printf "#@corevisor\n" >ports/v9.9/series &&
	cp p/0001-Edit-line-100.patch ports/v9.9/ && echo 0001-Edit-line-100.patch >>ports/v9.9/series &&
	make_synthetic_repo dst &&
	(seq 1 5 | sed s/^/pre/; cat dst/big.txt) >tmp && mv tmp dst/big.txt &&
	git -C dst commit -q -a -m "Shift lines" && git -C dst tag -f base &&
	porttool --ports ports apply 9.9 --tree dst 2>err &&
	grep "0001-Edit-line-100.patch: file big.txt: hunk 1 applied at offset +5" err &&
	test "$(grep -n -x hundred dst/big.txt | cut -d: -f1)" = 105
'

test_expect_success 'synthetic: changed context is not fuzzed over (git am refuses it too)' '
	make_synthetic_repo src &&
	sed -i "s/^100$/hundred/" src/big.txt && git -C src commit -q -a -m "Edit line 100" &&
	git -C src format-patch -q --zero-commit --no-signature -N --full-index -1 -o ../p &&
	make_synthetic_port && printf "#@corevisor\n" >ports/v9.9/series &&
	cp p/0001-Edit-line-100.patch ports/v9.9/ && echo 0001-Edit-line-100.patch >>ports/v9.9/series &&
	make_synthetic_repo dst && sed -i "s/^99$/ninety-nine/" dst/big.txt &&
	git -C dst commit -q -a -m "Change context" && git -C dst tag -f base &&
	test_nothing_lost dst 1 porttool --ports ports apply 9.9 --tree dst &&
	grep "0001-Edit-line-100.patch does not apply: big.txt" err
'

test_expect_success 'corevisor from the working directory when the project is not a git checkout' '
	mkdir -p proj/corevisor/core proj/corevisor/test proj/corevisor/out &&
	echo "int core;" >proj/corevisor/core/core.c &&
	echo "test" >proj/corevisor/test/t.c && echo obj >proj/corevisor/core/core.o &&
	echo bin >proj/corevisor/out/image &&
	make_synthetic_port && mv ports proj/ &&
	make_synthetic_repo dst &&
	PORTTOOL_PROJECT_DIR=$PWD/proj porttool --ports proj/ports apply 9.9 --tree dst &&
	git -C dst ls-tree -r --name-only HEAD sekvm >got &&
	echo sekvm/corevisor/core/core.c >expect && test_cmp expect got
'

test_expect_success 'real tree: killed during the checkout, status names the apply; --abort undoes it, a rerun finishes it' '
	K=$(real_clone) && back_to_base "$K" &&
	test_expect_code 137 env PORTTOOL_CRASH_AFTER=30 "$PORTTOOL" apply 5.10 --tree "$K" 2>err &&
	grep "killed after checking out a file" err &&
	test -n "$(git -C "$K" status --porcelain --untracked-files=no)" &&
	porttool status --tree "$K" >st &&
	grep "^apply: interrupted while switching to branch sekvm/v5.10" st &&
	porttool apply 5.10 --tree "$K" --abort &&
	test "$(git -C "$K" symbolic-ref HEAD)" = refs/heads/master &&
	test -z "$(git -C "$K" status --porcelain --untracked-files=no)" &&
	! test -e "$K/$CV_PATH" &&
	! git -C "$K" rev-parse -q --verify refs/heads/sekvm/v5.10 &&
	test_expect_code 137 env PORTTOOL_CRASH_AFTER=50 "$PORTTOOL" apply 5.10 --tree "$K" 2>err &&
	porttool apply 5.10 --tree "$K" >out &&
	grep "Finished the interrupted apply" out &&
	test "$(git -C "$K" symbolic-ref HEAD)" = refs/heads/sekvm/v5.10 &&
	test -z "$(git -C "$K" status --porcelain --untracked-files=no)" &&
	! test -e "$K/.git/porttool-apply" &&
	back_to_base "$K"
'

test_expect_success 'apply leaves the real tree on the branch with a clean status' '
	K=$(real_clone) && back_to_base "$K" &&
	porttool apply 5.10 --tree "$K" &&
	test -z "$(git -C "$K" status --porcelain --untracked-files=no)" &&
	git -C "$K" diff --quiet sekvm/v5.10 -- arch/arm64/kvm
'

test_expect_success 'without --tree, apply works on the default tree in the cache' '
	K=$(real_clone) && back_to_base "$K" &&
	mkdir -p cache/porttool/trees && ln -s "$K" cache/porttool/trees/v5.10 &&
	XDG_CACHE_HOME=$PWD/cache porttool apply 5.10 &&
	test "$(git -C "$K" symbolic-ref HEAD)" = refs/heads/sekvm/v5.10 &&
	XDG_CACHE_HOME=$PWD/cache porttool status >out &&
	grep "^in sync with" out &&
	back_to_base "$K"
'

test_done
