#!/bin/bash
# porttool patch-id against git patch-id, and the mail and status paths
# that use it on the diffs libgit2 1.5 reads otherwise than git: an empty
# file created or deleted has a header and no hunk, which libgit2 cannot
# parse and, given the "---"/"+++" lines it wants, hashes where git does
# not.  The inputs: commits of every shape git writes, the ports' own
# patches, this project's whole history, and hand-made diffs with wrong
# hunk counts, signatures and trailing text.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/port-lib.sh"
. "$(dirname "$0")/mail-lib.sh"

export GIT_AUTHOR_DATE="2024-03-04T05:06:07+0200"
export GIT_COMMITTER_DATE="2024-03-04T05:06:07+0200"

# same_ids: standard input's patch-ids, stable and unstable, are git's.
same_ids() {
	cat >input &&
	test -s input &&
	for mode in --stable --unstable; do
		git patch-id $mode <input >want &&
		porttool patch-id $mode <input >got &&
		test -s want && test_cmp want got || return 1
	done
}

# Commits of the shapes that are easy to read wrongly.
shape_commits() {
	(
		cd "$1" &&
		: >empty.txt && echo one >one.txt && git add . &&
		git commit -q -m "An empty file and a one-line file" &&
		git rm -q empty.txt && git commit -q -m "Delete the empty file" &&
		: >only-empty && git add only-empty && git commit -q -m "Only an empty file" &&
		chmod +x one.txt && git commit -q -a -m "Mode change only" &&
		: >e1 && : >e2 && chmod +x script.sh && git add . &&
		git commit -q -m "Two empty files and a mode change" &&
		git mv movable.txt moved.txt && git commit -q -m "Pure rename" &&
		git mv moved.txt moved-again.txt && echo 51 >>moved-again.txt &&
		git add . && git commit -q -m "Rename with a change" &&
		sed -i "5s/.*/five/" big.txt && git commit -q -a -m "One line at line 5" &&
		printf "no newline" >nonl && git add nonl && git commit -q -m "No newline at the end" &&
		printf "no newline, changed" >nonl && git commit -q -a -m "Change it, still none" &&
		printf "\001\002\000" >bin && git add bin && git commit -q -m "A binary file" &&
		printf "\001\003\000" >bin && git commit -q -a -m "Change the binary" &&
		git rm -q bin && git commit -q -m "Delete the binary" &&
		ln -s big.txt link && git add link && git commit -q -m "A symlink" &&
		sed -i "1d;100s/.*/hundred/;\$a tail" big.txt &&
		git commit -q -a -m "Three hunks in one file" &&
		git rm -q e1 && echo now >e2 && git commit -q -a -m "Empty deleted, empty filled"
	)
}

test_expect_success 'commits of every shape, as git log -p and format-patch write them: the ids are git patch-id'"'"'s' '
	make_synthetic_repo src && shape_commits src &&
	git -C src log -p | same_ids &&
	git -C src log -p --binary --full-index -M | same_ids &&
	git -C src format-patch -q --stdout base..HEAD | same_ids &&
	git -C src format-patch -q --stdout --binary -M base..HEAD | same_ids &&
	git -C src log -p --format=%H%n --reverse | same_ids &&
	git -C src log -p | git patch-id --stable | wc -l >n && test $(cat n) -ge 16
'

test_expect_success 'the ports'"'"' patches and this project'"'"'s history: the ids are git patch-id'"'"'s' '
	cat "$PROJECT_DIR"/ports/*/*.patch | same_ids &&
	test $(wc -l <want) -ge 100 &&
	git -C "$PROJECT_DIR" log -p --binary -M -n 400 | same_ids
'

test_expect_success 'hand-made diffs: wrong hunk counts, a signature, text around, CRLF, no index line' '
	cat >d1 <<-\EOF &&
	From 1111111111111111111111111111111111111111 Mon Sep 17 00:00:00 2001
	Subject: [PATCH] counts too small

	diff --git a/a b/a
	index 1234567..89abcde 100644
	--- a/a
	+++ b/a
	@@ -1,1 +1,1 @@
	-x
	+y
	+z
	 w
	diff --git a/b b/b
	--- a/b
	+++ b/b
	@@ -3 +3 @@
	-p
	+q
	-- 
	2.39.5

	commit 2222222222222222222222222222222222222222
	trailing words
	diff --git a/c b/c
	new file mode 100644
	index 0000000..e69de29
	3333333333333333333333333333333333333333
	diff --git a/d b/d
	@@ -1,3 +1,2 @@
	 a
	-b
	 c
	not a diff line ends it
	diff --git a/e b/e
	EOF
	same_ids <d1 &&
	sed "s/\$/\r/" d1 | same_ids &&
	printf "diff --git a/x b/x\nindex 0000000..e69de29" | same_ids
'

test_expect_success 'usage: files are refused, --stable and --unstable together too' '
	test_expect_code 2 porttool patch-id file &&
	test_expect_code 2 porttool patch-id --stable --unstable </dev/null &&
	porttool patch-id </dev/null >out && test_cmp /dev/null out
'

# A port whose patches add and delete empty files (make_repo's tree).
empty_file_port() {
	make_repo repo &&
	(
		cd repo &&
		mkdir -p arch/arm64/kvm/sekvm && : >arch/arm64/kvm/sekvm/.keep &&
		echo "int sekvm;" >>arch/arm64/kvm/arm.c && git add -A &&
		git commit -q -s -m "KVM: arm64: sekvm: add an empty marker" -m "Why: a place for it." &&
		git rm -q arch/arm64/kvm/sekvm/.keep &&
		echo "int sekvm_more;" >>arch/arm64/kvm/arm.c && git add -A &&
		git commit -q -s -m "KVM: arm64: sekvm: drop the marker" -m "Why: not needed."
	) &&
	make_port ports repo
}

test_expect_success 'mail: a series that adds and deletes an empty file is formatted; git am rebuilds it' '
	mail_setup && empty_file_port &&
	mail 5.10 --tree repo --output out >/dev/null 2>err || { cat err; false; } &&
	c=out/0000-cover-letter.patch && cat $c &&
	git -C repo diff --stat v5.10.223 HEAD >want &&
	sed -n "/^ [^ ].* | /,/changed/p" $c >got && test_cmp want got &&
	mail 5.10 --output sum >/dev/null 2>err || { cat err; false; } &&
	grep -q "^ arch/arm64/kvm/sekvm/.keep *| 0$" sum/0000-cover-letter.patch &&
	grep -q "^ 2 files changed, 2 insertions(+)$" sum/0000-cover-letter.patch &&
	git clone -q repo copy && git -C copy reset -q --hard v5.10.223 &&
	git -C copy am -q "$PWD"/out/000[1-9]-*.patch &&
	test "$(git -C copy rev-parse HEAD^{tree})" = "$(git -C repo rev-parse HEAD^{tree})"
'

test_expect_success 'mail --since: the empty-file patches match themselves (same patch-ids)' '
	mail_setup && empty_file_port &&
	cp -r ports/v5.10 old &&
	mail 5.10 --tree repo --since old --output out >/dev/null 2>err || { cat err; false; } &&
	grep -E "^ *1: *[0-9a-f]+ = *1: " out/0000-cover-letter.patch &&
	grep -E "^ *2: *[0-9a-f]+ = *2: " out/0000-cover-letter.patch
'

test_expect_success 'status: the commits that add and delete an empty file read applied' '
	make_synthetic_repo src && shape_commits src &&
	make_synthetic_port &&
	git -C src format-patch -q --zero-commit --no-signature -N --full-index \
		-o "$PWD/ports/v9.9" base..HEAD &&
	(cd ports/v9.9 && ls 0*.patch) >>ports/v9.9/series &&
	make_synthetic_repo dst &&
	porttool --ports ports apply 9.9 --tree dst >/dev/null 2>err || { cat err; false; } &&
	porttool --ports ports status --tree dst >out 2>err || { cat out err; false; } &&
	cat out &&
	n=$(ls ports/v9.9/0*.patch | wc -l) &&
	test $(grep -c "^  applied  " out) = $n &&
	! grep -E "unreadable|changed|missing" out
'

test_done
