#!/bin/bash
# porttool export: round trip byte-identical, equal to git format-patch
# (--zero-commit --no-signature -N --full-index), series rewriting.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/port-lib.sh"

FP="format-patch -q --zero-commit --no-signature -N --full-index"

test_expect_success 'real tree: apply then export gives back ports/v5.10 byte for byte' '
	K=$(real_clone) && back_to_base "$K" &&
	porttool apply 5.10 --tree "$K" &&
	copy_ports v5.10 &&
	rm ports/v5.10/*.patch &&
	grep -E "^[[:space:]]*(#|$)" "$PROJECT_DIR/ports/v5.10/series" >ports/v5.10/series &&
	porttool --ports ports export 5.10 --tree "$K" &&
	diff -r "$PROJECT_DIR/ports/v5.10" ports/v5.10
'

test_expect_success 'real tree: export equals git format-patch of the commits after the corevisor' '
	K=$(real_clone) &&
	cv=$(git -C "$K" rev-list --reverse v5.10.223..sekvm/v5.10 | head -n 1) &&
	copy_ports v5.10 &&
	porttool --ports ports export 5.10 --tree "$K" &&
	git -C "$K" $FP -o "$PWD/fp" $cv..sekvm/v5.10 &&
	for f in fp/*.patch; do
		cmp "$f" "ports/v5.10/$(basename "$f")" || exit 1
	done &&
	test "$(ls fp | wc -l)" = "$(series_patches ports/v5.10/series | wc -l)"
'

test_expect_success 'real tree: a second export rewrites nothing' '
	K=$(real_clone) &&
	copy_ports v5.10 &&
	porttool --ports ports export 5.10 --tree "$K" &&
	cp -r ports/v5.10 first &&
	porttool --ports ports export 5.10 --tree "$K" &&
	diff -r first ports/v5.10
'

test_expect_success 'real tree: a new commit on the branch becomes a patch and a series line' '
	K=$(real_clone) && back_to_base "$K" &&
	porttool apply 5.10 --tree "$K" &&
	echo "# sekvm test" >>"$K/arch/arm64/kvm/sekvm/Makefile" &&
	git -C "$K" commit -q -a -m "KVM: arm64: sekvm: Test commit" &&
	copy_ports v5.10 &&
	porttool --ports ports export 5.10 --tree "$K" &&
	n=$(series_patches ports/v5.10/series | wc -l) &&
	last=$(series_patches ports/v5.10/series | tail -n 1) &&
	test "$last" = "$(printf "%04d" $n)-KVM-arm64-sekvm-Test-commit.patch" &&
	git -C "$K" $FP -1 --stdout >expect && test_cmp expect "ports/v5.10/$last" &&
	grep -x "#@corevisor" ports/v5.10/series &&
	head -n 2 "$PROJECT_DIR/ports/v5.10/series" >expect_head &&
	head -n 2 ports/v5.10/series >got_head && test_cmp expect_head got_head
'

test_expect_success 'synthetic: every corner case equals git format-patch byte for byte' '
	make_synthetic_repo src && add_corner_commits src &&
	make_synthetic_port && printf "# synthetic\n" >ports/v9.9/series &&
	git -C src branch sekvm/v9.9 &&
	porttool --ports ports export 9.9 --tree src &&
	git -C src $FP -o "$PWD/fp" base..sekvm/v9.9 &&
	(cd fp && ls) >expect && (cd ports/v9.9 && ls *.patch) >got && test_cmp expect got &&
	for f in fp/*.patch; do
		cmp "$f" "ports/v9.9/$(basename "$f")" || { diff -u "$f" "ports/v9.9/$(basename "$f")"; exit 1; }
	done &&
	grep -l "GIT binary patch" ports/v9.9/*.patch | wc -l | grep -x 2 &&
	grep -A1 "^From: A Rather Long" ports/v9.9/*folded*.patch | grep "^.* <a.rather.long" &&
	git -C src checkout -q -b check base &&
	git -C src am -q --keep-cr $(ls "$PWD"/ports/v9.9/*.patch) &&
	test "$(git -C src rev-parse check^{tree})" = "$(git -C src rev-parse sekvm/v9.9^{tree})"
'

test_expect_success 'synthetic: series keeps comments and the marker; dropped patches are removed' '
	make_synthetic_repo src && add_corner_commits src &&
	make_synthetic_port &&
	printf "# head comment\n\n#@corevisor\n# tail comment\nold-1.patch\nold-2.patch\n" >ports/v9.9/series &&
	touch ports/v9.9/old-1.patch ports/v9.9/old-2.patch ports/v9.9/stray.patch &&
	git -C src branch sekvm/v9.9 &&
	printf "# head comment\n\n#@corevisor\n" >ports/v9.9/series &&
	porttool --ports ports export 9.9 --tree src &&
	test ! -e ports/v9.9/old-1.patch && test ! -e ports/v9.9/stray.patch &&
	head -n 3 ports/v9.9/series >got && printf "# head comment\n\n0001-Rename-numbers-without-change.patch\n" >expect &&
	test_cmp expect got &&
	test "$(series_patches ports/v9.9/series | wc -l)" = "$(git -C src rev-list --count base..sekvm/v9.9)"
'

test_expect_success 'synthetic: the corevisor commit is the marker, patches before and after it keep their places' '
	make_synthetic_repo k && make_synthetic_port &&
	git -C k format-patch -q base..base &&
	(cd k && echo one >one && git add one && git commit -q -m "Before the corevisor") &&
	git -C k format-patch -q --zero-commit --no-signature -N --full-index -1 -o ../pre &&
	git -C k reset -q --hard base &&
	cp pre/0001-Before-the-corevisor.patch ports/v9.9/ &&
	printf "# c\n0001-Before-the-corevisor.patch\n#@corevisor\n" >ports/v9.9/series &&
	porttool --ports ports apply 9.9 --tree k &&
	(cd k && echo two >two && git add two && git commit -q -m "After the corevisor") &&
	porttool --ports ports export 9.9 --tree k &&
	printf "# c\n0001-Before-the-corevisor.patch\n#@corevisor\n0002-After-the-corevisor.patch\n" >expect &&
	test_cmp expect ports/v9.9/series
'

test_expect_success 'a branch with no commits after the base: export refuses to remove every patch' '
	make_synthetic_repo src && add_corner_commits src && make_synthetic_port &&
	git -C src branch sekvm/v9.9 && printf "# p\n" >ports/v9.9/series &&
	porttool --ports ports export 9.9 --tree src &&
	git -C src branch -f sekvm/v9.9 base && cp -r ports before &&
	test_expect_code 1 porttool --ports ports export 9.9 --tree src 2>err &&
	grep "the branch has no commits after the port.s base: export would remove all 15 patch(es) of ports/v9.9" err &&
	diff -r before ports &&
	porttool --ports ports export 9.9 --tree src --force &&
	test -z "$(ls ports/v9.9/*.patch 2>/dev/null)"
'

test_expect_success 'a patch file edited since ports/ was committed is not overwritten without --force' '
	make_synthetic_repo src && add_corner_commits src && make_synthetic_port &&
	git -C src branch sekvm/v9.9 && printf "# p\n" >ports/v9.9/series &&
	porttool --ports ports export 9.9 --tree src &&
	git init -q ports && git -C ports add -A && git -C ports commit -q -m ports &&
	p=ports/v9.9/0002-Make-script-executable.patch &&
	sed -i "s/^Subject: .*/&, edited by hand/" $p && cp -r ports/v9.9 before &&
	test_expect_code 1 porttool --ports ports export 9.9 --tree src 2>err &&
	grep "ports/v9.9/0002-Make-script-executable.patch has changes not committed to git that export would overwrite" err &&
	diff -r before ports/v9.9 &&
	git -C src branch -f sekvm/v9.9 sekvm/v9.9~1 &&
	test_expect_code 1 porttool --ports ports export 9.9 --tree src 2>err &&
	grep "0002-Make-script-executable.patch has changes" err &&
	git -C src branch -f sekvm/v9.9 HEAD &&
	porttool --ports ports export 9.9 --tree src --force &&
	git -C ports diff --quiet &&
	sed -i "s/^Subject: .*/&, edited/" $p && git -C ports commit -q -a -m edit &&
	porttool --ports ports export 9.9 --tree src &&
	git -C ports diff --quiet -- v9.9/0001-Rename-numbers-without-change.patch &&
	! git -C ports diff --quiet -- v9.9/0002-Make-script-executable.patch
'

test_expect_success 'export errors: no branch, usage' '
	make_synthetic_repo k && make_synthetic_port &&
	cp -r ports before &&
	test_expect_code 1 porttool --ports ports export 9.9 --tree k 2>err &&
	grep "no branch .sekvm/v9.9." err &&
	diff -r before ports &&
	test_expect_code 2 porttool export 2>err && grep usage err
'

test_done
