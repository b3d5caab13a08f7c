#!/bin/bash
# porttool apply on patches git am refuses: each is refused with git am's
# reason, within a bounded time, and nothing changes.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/port-lib.sh"

export GIT_AUTHOR_DATE="2024-03-04T05:06:07+0200"
export GIT_COMMITTER_DATE="2024-03-04T05:06:07+0200"

# src: the synthetic repo with one commit made by the shell code $1; its
# patch is p/0001-*.patch.
make_patch() {
	make_synthetic_repo src && (cd src && eval "$1" && git add -A &&
		git commit -q -m "The change" &&
		git format-patch -q --zero-commit --no-signature -N --full-index \
			-1 -o ../p)
}

# Put patch file $1 in the synthetic port as its only patch.
port_of() {
	make_synthetic_port && cp "$1" ports/v9.9/0001-x.patch &&
	echo 0001-x.patch >>ports/v9.9/series
}

# git am must refuse ports/v9.9/0001-x.patch too (the refusal is git's).
git_am_refuses() {
	git -C dst checkout -q -b am-check base &&
	test_expect_code 128 git -C dst am -q "$PWD/ports/v9.9/0001-x.patch" &&
	git -C dst am --abort && git -C dst checkout -q master &&
	git -C dst branch -q -D am-check
}

for cut in 16,40d 16,73d 30,73d 73d 77d; do
test_expect_success "a binary hunk cut with sed $cut is corrupt, at once, as git am says" "
	make_patch 'head -c 3000 /dev/urandom >rnd.bin' &&
	sed $cut p/0001-The-change.patch >bad.patch && port_of bad.patch &&
	make_synthetic_repo dst &&
	test_nothing_lost dst 1 timeout 60 \$PORTTOOL --ports ports apply 9.9 --tree dst &&
	grep 'ports/v9.9/0001-x.patch: corrupt binary patch at line [0-9]' err &&
	git_am_refuses
"
done

test_expect_success 'a whole binary patch still applies' '
	make_patch "head -c 3000 /dev/urandom >rnd.bin" &&
	port_of p/0001-The-change.patch && make_synthetic_repo dst &&
	porttool --ports ports apply 9.9 --tree dst &&
	cmp src/rnd.bin dst/rnd.bin
'

test_expect_success 'a new file over an existing path is refused, as git am refuses it' '
	make_patch "echo new >newfile.txt" &&
	sed "s,newfile.txt,script.sh,g" p/0001-The-change.patch >bad.patch &&
	port_of bad.patch && make_synthetic_repo dst &&
	test_nothing_lost dst 1 porttool --ports ports apply 9.9 --tree dst &&
	grep "0001-x.patch: script.sh: already exists in the tree" err &&
	git_am_refuses
'

test_expect_success 'a rename onto an existing path is refused' '
	make_patch "git mv script.sh moved.sh" &&
	sed "s,moved.sh,win.txt,g" p/0001-The-change.patch >bad.patch &&
	port_of bad.patch && make_synthetic_repo dst &&
	test_nothing_lost dst 1 porttool --ports ports apply 9.9 --tree dst &&
	grep "0001-x.patch: win.txt: already exists in the tree" err
'

test_expect_success 'a change to a file the tree lacks names the patch and the file' '
	make_patch "echo more >>script.sh" &&
	sed "s,script.sh,gone.sh,g" p/0001-The-change.patch >bad.patch &&
	port_of bad.patch && make_synthetic_repo dst &&
	test_nothing_lost dst 1 porttool --ports ports apply 9.9 --tree dst &&
	grep "0001-x.patch: gone.sh: does not exist in the tree" err
'

for evil in '/tmp/evil.txt' '../evil.txt' 'dir/../../evil.txt' '.git/hooks/evil' 'dir//evil.txt'; do
test_expect_success "the path '$evil' is invalid, as git am says; nothing lands outside" "
	make_patch 'echo new >newfile.txt' &&
	sed 's,a/newfile.txt,a/$evil,g; s,b/newfile.txt,b/$evil,g' \
		p/0001-The-change.patch >bad.patch &&
	port_of bad.patch && make_synthetic_repo dst &&
	test_nothing_lost dst 1 \$PORTTOOL --ports ports apply 9.9 --tree dst &&
	grep 'invalid path' err &&
	git_am_refuses
"
done

# The same in git's C-quoted form ("a/\056\056/x" is "a/../x").
for evil in '/tmp/evil.txt' '\\056\\056/evil.txt' 'dir/\\056\\056/\\056\\056/evil.txt'; do
test_expect_success "the quoted path \"$evil\" is invalid too" "
	make_patch 'echo new >newfile.txt' &&
	sed 's,a/newfile.txt,\"a/$evil\",g; s,b/newfile.txt,\"b/$evil\",g' \
		p/0001-The-change.patch >bad.patch &&
	grep -F '\"b/' bad.patch &&
	port_of bad.patch && make_synthetic_repo dst &&
	test_nothing_lost dst 1 \$PORTTOOL --ports ports apply 9.9 --tree dst &&
	grep 'invalid path' err &&
	git_am_refuses
"
done

test_expect_success 'a port without a series file is an error, not 0 patches' '
	make_synthetic_port && rm ports/v9.9/series && make_synthetic_repo dst &&
	test_nothing_lost dst 1 porttool --ports ports apply 9.9 --tree dst &&
	grep "ports/v9.9/series: no such file" err
'

test_expect_success 'apply --branch @ (git: HEAD) and --branch -x (an option) are refused' '
	make_synthetic_port && make_synthetic_repo dst &&
	test_nothing_lost dst 1 porttool --ports ports apply 9.9 --tree dst --branch @ &&
	grep "is not a valid branch name" err &&
	test_nothing_lost dst 1 porttool --ports ports apply 9.9 --tree dst --branch -x &&
	grep "is not a valid branch name" err
'

test_expect_success 'mail --from, --to, --cc with a line break are refused before anything is read' '
	test_expect_code 2 porttool mail 5.10 --dry-run --from "$(printf "a@b.org\nBcc: x@y.org")" 2>err &&
	grep -- "--from holds a line break" err &&
	test_expect_code 2 porttool mail 5.10 --dry-run --to "$(printf "a@b.org\r\nBcc: x@y.org")" 2>err &&
	grep -- "--to holds a line break" err &&
	test_expect_code 2 porttool mail 5.10 --dry-run --cc "$(printf "a@b.org\nX: y")" 2>err &&
	grep -- "--cc holds a line break" err
'

test_expect_success 'a 300 KB port.conf value is cut in the error, not echoed whole' '
	make_synthetic_port && make_synthetic_repo dst &&
	{ printf "[base]\n\tcommit = "; head -c 300000 /dev/zero | tr "\\0" x; echo; } >>ports/v9.9/port.conf &&
	test_expect_code 1 porttool --ports ports apply 9.9 --tree dst 2>err &&
	grep "base.commit .xxx" err && grep "more bytes not shown" err &&
	test $(wc -c <err) -lt 2000
'

test_done
