#!/bin/bash
# porttool apply: hunks found at an offset, and with --fuzz N, on small
# synthetic repos; each result equals what git am (or git am -C) makes,
# and a hunk that matches nowhere changes nothing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/port-lib.sh"

export GIT_AUTHOR_DATE="2024-03-04T05:06:07+0200"
export GIT_COMMITTER_DATE="2024-03-04T05:06:07+0200"

# The synthetic repo plus a CRLF file and a file without a final newline,
# tagged base.
make_base() {
	make_synthetic_repo "$1" && (
		cd "$1" &&
		seq 1 30 | sed "s/\$/$(printf '\r')/" >crlf.txt &&
		{ seq 1 29; printf 30; } >nonl.txt &&
		git add crlf.txt nonl.txt && git commit -q -m "More files" &&
		git tag -f base >/dev/null
	)
}

# A base changed by the shell code $2 after the port's patches were made:
# the tree the port is applied to.
make_dst() {
	make_base "$1" && (
		cd "$1" && eval "$2" &&
		git commit -q -a -m "Later changes" && git tag -f base >/dev/null
	)
}

# The port: the corevisor and src's commits since base, as format-patch
# writes them.
make_port_from() {
	make_synthetic_port && printf "#@corevisor\n" >ports/v9.9/series &&
	git -C "$1" format-patch -q --zero-commit --no-signature -N \
		--full-index -o "$PWD/ports/v9.9" base..HEAD &&
	(cd ports/v9.9 && ls 0*.patch) >>ports/v9.9/series
}

# git am's result (options $2...) on dst's base, compared with the port
# branch outside the corevisor.
same_as_git_am() {
	local dir=$1
	shift
	git -C "$dir" checkout -q -b am-check base &&
	git -C "$dir" am -q "$@" "$PWD"/ports/v9.9/0*.patch &&
	git -C "$dir" diff --stat am-check sekvm/v9.9 -- . ":!sekvm" &&
	git -C "$dir" diff --quiet am-check sekvm/v9.9 -- . ":!sekvm" &&
	git -C "$dir" checkout -q sekvm/v9.9
}

prepend_lines='{ seq 1 5 | sed s/^/pre/; cat big.txt; } >tmp && mv tmp big.txt'

test_expect_success 'a hunk below lines added since the patch applies at an offset, as git am does' '
	make_base src && sed -i "s/^100\$/hundred/" src/big.txt &&
	git -C src commit -q -a -m "Edit line 100" && make_port_from src &&
	make_dst dst "$prepend_lines" &&
	porttool --ports ports apply 9.9 --tree dst 2>err && cat err &&
	grep -x "0001-Edit-line-100.patch: file big.txt: hunk 1 applied at offset +5" err &&
	test "$(grep -n -x hundred dst/big.txt | cut -d: -f1)" = 105 &&
	test -z "$(git -C dst status --porcelain)" &&
	same_as_git_am dst
'

test_expect_success 'two hunks of one file at different offsets, as git am does' '
	make_base src && sed -i "s/^50\$/fifty/; s/^150\$/one-fifty/" src/big.txt &&
	git -C src commit -q -a -m "Edit lines 50 and 150" && make_port_from src &&
	test "$(grep -c "^@@" ports/v9.9/0001-*.patch)" = 2 &&
	make_dst dst "$prepend_lines && sed -i \"s/^100\\\$/&\\nx\\ny\\nz/\" big.txt" &&
	test "$(grep -n -x 150 dst/big.txt | cut -d: -f1)" = 158 &&
	porttool --ports ports apply 9.9 --tree dst 2>err && cat err &&
	grep -x "0001-Edit-lines-50-and-150.patch: file big.txt: hunk 1 applied at offset +5" err &&
	grep -x "0001-Edit-lines-50-and-150.patch: file big.txt: hunk 2 applied at offset +8" err &&
	same_as_git_am dst
'

test_expect_success 'hunks of later patches and of several files move too; exact hunks say nothing' '
	make_base src && sed -i "s/^100\$/hundred/" src/big.txt &&
	sed -i "s/^10\$/ten/" src/movable.txt &&
	git -C src commit -q -a -m "Edit two files" &&
	sed -i "s/^hundred\$/HUNDRED/" src/big.txt && echo new >src/added.txt &&
	git -C src add added.txt && git -C src commit -q -a -m "Edit again, add a file" &&
	make_port_from src &&
	make_dst dst "$prepend_lines" &&
	porttool --ports ports apply 9.9 --tree dst 2>err && cat err &&
	test "$(grep -c "applied at offset" err)" = 2 &&
	grep "0001-Edit-two-files.patch: file big.txt: hunk 1 applied at offset +5" err &&
	grep "0002-Edit-again-add-a-file.patch: file big.txt: hunk 1 applied at offset +5" err &&
	! grep movable err &&
	same_as_git_am dst
'

test_expect_success 'a moved hunk in a patch that also renames, deletes and changes a mode' '
	make_base src && sed -i "s/^100\$/hundred/" src/big.txt &&
	git -C src rm -q other/keep && chmod +x src/script.sh &&
	git -C src mv dir/sub/numbers.txt dir/numbers.txt &&
	git -C src commit -q -a -m "Edit, delete, chmod, rename" && make_port_from src &&
	make_dst dst "$prepend_lines" &&
	porttool --ports ports apply 9.9 --tree dst 2>err && cat err &&
	grep "file big.txt: hunk 1 applied at offset +5" err &&
	test "$(git -C dst ls-files -s script.sh | cut -c1-6)" = 100755 &&
	! test -e dst/other/keep && test -f dst/dir/numbers.txt &&
	same_as_git_am dst
'

test_expect_success 'CRLF lines are compared as bytes at an offset (git am --keep-cr)' '
	make_base src && sed -i "s/^15\\r\$/fifteen\\r/" src/crlf.txt &&
	git -C src commit -q -a -m "Edit a CRLF line" && make_port_from src &&
	grep -q "fifteen$(printf "\\r")\$" ports/v9.9/0001-*.patch &&
	make_dst dst "{ printf \"x\\r\\ny\\r\\n\"; cat crlf.txt; } >tmp && mv tmp crlf.txt" &&
	porttool --ports ports apply 9.9 --tree dst 2>err && cat err &&
	grep "file crlf.txt: hunk 1 applied at offset +2" err &&
	same_as_git_am dst --keep-cr &&
	test "$(sed -n 17p dst/crlf.txt | od -c | head -n 1 | tr -s " ")" = "0000000 f i f t e e n \\r \\n"
'

test_expect_success 'a hunk ending at a last line without newline stays at the end of the file' '
	make_base src && sed -i "s/^29\$/twenty-nine/" src/nonl.txt &&
	git -C src commit -q -a -m "Edit next to the last line" && make_port_from src &&
	grep -q "No newline at end of file" ports/v9.9/0001-*.patch &&
	make_dst dst "{ seq 1 4 | sed s/^/pre/; cat nonl.txt; } >tmp && mv tmp nonl.txt" &&
	porttool --ports ports apply 9.9 --tree dst 2>err && cat err &&
	grep "file nonl.txt: hunk 1 applied at offset +4" err &&
	test "$(tail -c 3 dst/nonl.txt)" = "
30" &&
	same_as_git_am dst
'

test_expect_success 'changed outer context fails without --fuzz, applies with --fuzz 1 as git am -C1' '
	make_base src && sed -i "s/^100\$/hundred/" src/big.txt &&
	git -C src commit -q -a -m "Edit line 100" && make_port_from src &&
	make_dst dst "sed -i \"s/^97\\\$/ninety-seven/\" big.txt" &&
	test_nothing_lost dst 1 porttool --ports ports apply 9.9 --tree dst &&
	grep "0001-Edit-line-100.patch does not apply: big.txt: hunk .@@ -97,7 +97,7 @@. failed (hunk 1 of the file matches nowhere" err &&
	grep -- "--fuzz N" err &&
	porttool --ports ports apply 9.9 --tree dst --fuzz 1 2>err && cat err &&
	grep -x "0001-Edit-line-100.patch: file big.txt: hunk 1 applied at offset +0 with fuzz 1 (1 leading and 1 trailing context lines ignored)" err &&
	grep -x hundred dst/big.txt && grep -x ninety-seven dst/big.txt &&
	same_as_git_am dst -C1
'

test_expect_success 'fuzz and offset together, as git am -C1' '
	make_base src && sed -i "s/^100\$/hundred/" src/big.txt &&
	git -C src commit -q -a -m "Edit line 100" && make_port_from src &&
	make_dst dst "$prepend_lines && sed -i \"s/^103\\\$/hundred-three/\" big.txt" &&
	test_nothing_lost dst 1 porttool --ports ports apply 9.9 --tree dst &&
	porttool --ports ports apply 9.9 --tree dst --fuzz 1 2>err && cat err &&
	grep -x "0001-Edit-line-100.patch: file big.txt: hunk 1 applied at offset +5 with fuzz 1 (1 leading and 1 trailing context lines ignored)" err &&
	same_as_git_am dst -C1
'

test_expect_success 'every moved and fuzzed hunk is listed at the end with file and line, and by status' '
	make_base src && sed -i "s/^100\$/hundred/" src/big.txt &&
	sed -i "s/^20\$/twenty/" src/dir/sub/numbers.txt &&
	git -C src commit -q -a -m "Edit two files" && make_port_from src &&
	make_dst dst "$prepend_lines && sed -i \"s/^103\\\$/hundred-three/\" big.txt && sed -i 1d dir/sub/numbers.txt" &&
	porttool --ports ports apply 9.9 --tree dst --fuzz 1 >out 2>err && cat out &&
	grep -x "Hunks applied elsewhere than their patch says (check each; .porttool status. lists them again):" out &&
	grep -x "  0001-Edit-two-files.patch: big.txt:103: hunk 1 at offset +5 with fuzz 1" out &&
	grep -x "  0001-Edit-two-files.patch: dir/sub/numbers.txt:16: hunk 1 at offset -1" out &&
	test "$(sed -n 103p dst/big.txt)" = 98 && test "$(sed -n 16p dst/dir/sub/numbers.txt)" = 17 &&
	grep "^Applied ports/v9.9: 1 patch(es) .*; NEEDED FUZZ: 1 hunk(s) with fuzz, 1 at an offset$" out &&
	porttool --ports ports status --tree dst >st && cat st &&
	grep "^hunks applied elsewhere than their patch says (by the apply that made [0-9a-f]\{12\}):" st &&
	grep -x "  0001-Edit-two-files.patch: big.txt:103: hunk 1 at offset +5 with fuzz 1" st &&
	grep -x "  0001-Edit-two-files.patch: dir/sub/numbers.txt:16: hunk 1 at offset -1" st
'

test_expect_success 'an apply whose hunks all matched lists nothing and status neither' '
	make_base src && sed -i "s/^100\$/hundred/" src/big.txt &&
	git -C src commit -q -a -m "Edit line 100" && make_port_from src &&
	make_base dst && porttool --ports ports apply 9.9 --tree dst >out 2>err &&
	! grep -i "elsewhere\|fuzz\|offset" out err &&
	porttool --ports ports status --tree dst >st && ! grep elsewhere st
'

test_expect_success 'a hunk that matches nowhere is named, even with --fuzz; nothing changes' '
	make_base src && sed -i "s/^100\$/hundred/" src/big.txt &&
	git -C src commit -q -a -m "Edit line 100" && make_port_from src &&
	make_dst dst "$prepend_lines && sed -i \"s/^100\\\$/changed/\" big.txt" &&
	test_nothing_lost dst 1 porttool --ports ports apply 9.9 --tree dst &&
	grep "ports/v9.9/0001-Edit-line-100.patch does not apply: big.txt: hunk .@@ -97,7 +97,7 @@. failed (hunk 1 of the file matches nowhere, not even at an offset" err &&
	test_nothing_lost dst 1 porttool --ports ports apply 9.9 --tree dst --fuzz 2 &&
	grep "hunk 1 of the file matches nowhere, not at an offset and not with up to 2 context lines ignored" err &&
	! git -C dst rev-parse -q --verify sekvm/v9.9 &&
	test "$(git -C dst for-each-ref | wc -l)" = 2
'

test_expect_success 'hunks apply in order: a second hunk never matches above the first' '
	make_base src && sed -i "s/^50\$/fifty/; s/^150\$/one-fifty/" src/big.txt &&
	git -C src commit -q -a -m "Edit lines 50 and 150" && make_port_from src &&
	make_dst dst "sed -i \"/^14[7-9]\\\$/d; /^15[0-3]\\\$/d\" big.txt && sed -i \"s/^40\\\$/147\\n148\\n149\\n150\\n151\\n152\\n153\\n40/\" big.txt" &&
	test_nothing_lost dst 1 porttool --ports ports apply 9.9 --tree dst &&
	grep "hunk 2 of the file matches nowhere" err
'

test_expect_success 'apply --fuzz takes a number >= 0' '
	make_base dst && make_synthetic_port &&
	test_expect_code 2 porttool --ports ports apply 9.9 --tree dst --fuzz x &&
	test_expect_code 2 porttool --ports ports apply 9.9 --tree dst --fuzz -1 2>err &&
	grep -- "--fuzz" err &&
	porttool apply --help | grep -- "--fuzz N"
'

test_done
