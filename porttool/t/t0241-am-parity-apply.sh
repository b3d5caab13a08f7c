#!/bin/bash
# git am parity of whole commits: the same patch files applied by porttool
# apply and by git am give the same trees, authors, dates and messages;
# and porttool export equals git format-patch byte for byte.  The inputs
# are patches git am accepts that porttool once refused or read otherwise.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/port-lib.sh"

export GIT_AUTHOR_DATE="2024-03-04T05:06:07+0200"
export GIT_COMMITTER_DATE="2024-03-04T05:06:07+0200"

# Commits git am takes without fuss but that are easy to get wrong.
odd_commits() {
	(
		cd "$1" &&
		: >empty.txt && git add empty.txt && git commit -q -m "Add an empty file" &&
		git rm -q empty.txt && git commit -q -m "Delete an empty file" &&
		echo z >>big.txt &&
		git commit -q -a -m "Trailing space and blank lines in the message   " -m "Body line with trailing spaces   


Second paragraph.

" --cleanup=verbatim &&
		echo w >>big.txt &&
		GIT_AUTHOR_NAME="Jörg Ünicode" git commit -q -a -m "Sübject with ümlauts" &&
		ln -s big.txt link && git add link && git commit -q -m "Add a symlink" &&
		printf "\001\002" >bin && git add bin && git commit -q -m "Add a tiny binary"
	)
}

# Names with spaces, a tab, a backslash, quotes and non-ASCII bytes: git
# C-quotes all but the first ("tab\tname", "caf\303\251 \"q\"") in the diff
# headers, the diffstat and the summary, and a name with spaces ends its
# "diff --git" line ambiguously.
space_commits() {
	(
		cd "$1" &&
		mkdir -p "dir with space" && echo x >"dir with space/file name.txt" &&
		git add -A && git commit -q -m "A file name with spaces" &&
		echo y >>"dir with space/file name.txt" &&
		git commit -q -a -m "Change a file whose name has spaces" &&
		git mv "dir with space/file name.txt" "dir with space/new name.txt" &&
		git commit -q -m "Rename a file whose name has spaces" &&
		printf "t\n" >$'tab\tname' && printf "c\n" >$'caf\303\251 "q"' &&
		printf "b\n" >"back\\slash" &&
		git add -A && git commit -q -m "Names git quotes" &&
		echo u >>$'tab\tname' && echo v >>$'caf\303\251 "q"' &&
		echo w >>"back\\slash" &&
		git commit -q -a -m "Change names git quotes" &&
		git mv $'tab\tname' $'moved\ttab' &&
		git commit -q -m "Rename a name git quotes"
	)
}

# A file that becomes a symlink and a symlink that becomes a file: git
# diff shows each as a delete and an add of the same path.
type_change_commits() {
	(
		cd "$1" &&
		echo target >target.txt && echo plain >was-file &&
		ln -s target.txt was-link && git add -A &&
		git commit -q -m "A file and a symlink" &&
		rm was-file was-link && ln -s target.txt was-file &&
		echo now a file >was-link && git add -A &&
		git commit -q -m "The file becomes a symlink, the symlink a file"
	)
}

# The port: format-patch output of src's commits since base.
port_from() {
	make_synthetic_port && printf "#@corevisor\n" >ports/v9.9/series &&
	git -C "$1" format-patch -q --zero-commit --no-signature -N \
		--full-index -o "$PWD/ports/v9.9" base..HEAD &&
	(cd ports/v9.9 && ls 0*.patch) >>ports/v9.9/series
}

# Apply with both and compare everything a commit is, outside sekvm/.
same_as_git_am() {
	make_synthetic_repo dst &&
	porttool --ports ports apply 9.9 --tree dst >out 2>err || { cat err; return 1; }
	git -C dst checkout -q -b am-check base &&
	git -C dst am -q "$PWD"/ports/v9.9/0*.patch &&
	git -C dst diff --stat am-check sekvm/v9.9 -- . ":!sekvm" &&
	git -C dst diff --quiet am-check sekvm/v9.9 -- . ":!sekvm" &&
	git -C dst log --format="%an|%ae|%ad|%B" base..am-check >am &&
	git -C dst log --format="%an|%ae|%ad|%B" base..sekvm/v9.9 | head -n -0 >pt_all &&
	n=$(git -C dst rev-list --count base..am-check) &&
	git -C dst log --format="%an|%ae|%ad|%B" -n $n sekvm/v9.9 >pt &&
	test_cmp am pt
}

test_expect_success 'empty files, spaces in names, message whitespace, non-ASCII, symlink, binary: same as git am' '
	make_synthetic_repo src && odd_commits src && port_from src &&
	same_as_git_am
'

test_expect_success 'the same patches saved with CRLF line ends: same as git am' '
	make_synthetic_repo src && odd_commits src && port_from src &&
	for p in ports/v9.9/0*.patch; do sed -i "s/\$/\r/" "$p"; done &&
	same_as_git_am
'

test_expect_success 'a mail in ISO-8859-1 and one in ISO-2022-JP: UTF-8 commits as git am makes' '
	make_synthetic_repo src && (cd src && echo a >>big.txt && git commit -q -a -m "Latin-1" &&
		echo b >>big.txt && git commit -q -a -m "Japanese") && port_from src &&
	p1=ports/v9.9/0001-Latin-1.patch p2=ports/v9.9/0002-Japanese.patch &&
	sed -i "s/^From: .*/From: J\xf6rg Ma\xdfmann <j@example.org>/; s/^Subject: .*/Subject: [PATCH] Gr\xfc\xdfe/; s/^Date: .*/&\nMIME-Version: 1.0\nContent-Type: text\/plain; charset=ISO-8859-1\nContent-Transfer-Encoding: 8bit/" $p1 &&
	sed -i "s/^From: .*/From: =?ISO-2022-JP?B?GyRCNEE7ehsoQg==?= <k@example.org>/; s/^Subject: .*/Subject: [PATCH] =?ISO-2022-JP?B?GyRCJEgkaiQiJCgkOiQ5GyhC?=/" $p2 &&
	same_as_git_am &&
	git -C dst log -2 --format=%an%n%s sekvm/v9.9 >names && cat names &&
	iconv -f UTF-8 -t UTF-8 names >/dev/null &&
	grep -x "Jörg Maßmann" names
'

test_expect_success 'in-body From: and Subject: and an address comment: same as git am' '
	make_synthetic_repo src && (cd src && echo a >>big.txt && git commit -q -a -m "Mail subject") &&
	port_from src && p=ports/v9.9/0001-Mail-subject.patch &&
	sed -i "s/^From: .*/From: a.u.thor@example.com (A U Thor)/" $p &&
	sed -i "0,/^\$/s//\nFrom: Real Author <real@example.org>\nSubject: Real subject\n/" $p &&
	cat $p | head -12 &&
	same_as_git_am &&
	git -C dst log -1 --format="%an <%ae>|%s" sekvm/v9.9 >got &&
	echo "Real Author <real@example.org>|Real subject" >expect && test_cmp expect got
'

test_expect_success 'names with spaces, tabs, quotes and non-ASCII bytes: same as git am' '
	make_synthetic_repo src && space_commits src && port_from src &&
	same_as_git_am
'

test_expect_success 'a file that becomes a symlink and back: same as git am' '
	make_synthetic_repo src && type_change_commits src && port_from src &&
	same_as_git_am
'

test_expect_success 'export of the odd commits equals git format-patch byte for byte' '
	make_synthetic_repo src && odd_commits src && space_commits src &&
	type_change_commits src &&
	make_synthetic_port && printf "# p\n" >ports/v9.9/series &&
	git -C src branch sekvm/v9.9 &&
	porttool --ports ports export 9.9 --tree src &&
	git -C src format-patch -q --zero-commit --no-signature -N --full-index -o "$PWD/fp" base..sekvm/v9.9 &&
	diff -r fp ports/v9.9 -x series -x port.conf
'

test_done
