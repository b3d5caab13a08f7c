# Helpers for the apply/status/export/rebase tests (t02xx-t04xx).
# Source after lib.sh.

# Everything a failed command must leave alone, in one file: HEAD, the
# branch it names, every ref, the status and the index bytes.
snapshot() {
	(
		cd "$1"
		# The index bytes first: git status may refresh (rewrite) it.
		sha1sum .git/index
		git rev-parse HEAD
		git symbolic-ref -q HEAD || echo detached
		git for-each-ref
		GIT_OPTIONAL_LOCKS=0 git status --porcelain
	)
}

# Run a command that must fail with the given status and leave the tree
# exactly as it was: test_nothing_lost DIR STATUS CMD...
test_nothing_lost() {
	local dir=$1 want=$2
	shift 2
	snapshot "$dir" >snap.before
	test_expect_code "$want" "$@" 2>err
	cat err
	snapshot "$dir" >snap.after
	test_cmp snap.before snap.after
}

# One clone of the real 5.10 tree shared by the t02xx-t04xx scripts (a
# clone checks out 70,000 files, half a minute here), kept under
# TRASH_ROOT and named by the real tree's commit so that a new tree gets a
# new clone.  A case that changes it puts it back (back_to_base).
real_clone() {
	local src head dir
	src=$(real_tree) || return 1
	head=$(git -C "$src" rev-parse HEAD) || return 1
	dir="$TRASH_ROOT/kernel-$head"
	if ! git -C "$dir" rev-parse -q --verify HEAD >/dev/null 2>&1; then
		rm -rf "$dir"
		git clone -q --shared "$src" "$dir" || return 1
	fi
	echo "$dir"
}

# Back to the base commit, every port branch gone, the tree clean.
back_to_base() {
	(
		cd "$1"
		git checkout -q -f master
		git for-each-ref --format='%(refname:short)' refs/heads/ |
			grep -v '^master$' | xargs -r git branch -q -D
		rm -rf .git/porttool-rebase
		git clean -q -f -d -x
	)
}

# The patch files a series lists, in order.
series_patches() {
	grep -v '^[[:space:]]*#' "$1" | grep -v '^[[:space:]]*$' | awk '{print $1}'
}

# A copy of a port directory (and its siblings) to change freely.
copy_ports() {
	mkdir -p ports
	cp -r "$PROJECT_DIR/ports/$1" ports/
}

# A small synthetic kernel-like repository with a base tag, for corner
# cases: $1 = directory.  Fixed dates so runs are repeatable.
make_synthetic_repo() {
	(
		export GIT_AUTHOR_DATE="2024-03-04T05:06:07+0200"
		export GIT_COMMITTER_DATE="2024-03-04T05:06:07+0200"
		git init -q "$1" && cd "$1" &&
		mkdir -p dir/sub other &&
		seq 1 200 >dir/sub/numbers.txt &&
		printf 'a\r\nb\r\n' >win.txt &&
		printf '#!/bin/sh\necho hi\n' >script.sh &&
		echo keep >other/keep &&
		seq 1 50 >movable.txt &&
		seq 1 300 >big.txt &&
		git add -A && git commit -q -m base && git tag base
	)
}

# Corner-case commits on top of the synthetic base, as a port would carry.
add_corner_commits() {
	(
		export GIT_AUTHOR_DATE="2024-03-04T05:06:07+0200"
		export GIT_COMMITTER_DATE="2024-03-04T05:06:07+0200"
		cd "$1" &&
		git mv dir/sub/numbers.txt dir/numbers-moved.txt &&
		git commit -q -m "Rename numbers without change" &&
		chmod +x script.sh && git commit -q -a -m "Make script executable" &&
		printf 'no newline' >nonl.txt && git add nonl.txt &&
		git commit -q -m "Add file without newline at end" &&
		printf 'no newline\nnow there is' >nonl.txt &&
		git commit -q -a -m "Change file without newline" &&
		printf 'a\r\nB\r\nc\r\n' >win.txt && git commit -q -a -m "Edit CRLF file" &&
		sed -i 's/^2$/two/; s/^40$/forty/' movable.txt &&
		git mv movable.txt other/moved.txt &&
		git commit -q -a -m "Rename with edits, and a very long subject line that must be folded by format-patch at 78" &&
		git rm -q other/keep &&
		git commit -q -m "Delete a file" -m "Body paragraph.

Signed-off-by: A U Thor <a@example.org>" &&
		for i in $(seq 1 30); do
			echo "line $i" >"dir/a-very-long-file-name-that-will-need-truncation-in-the-diffstat-$i.txt"
		done &&
		git add -A && git commit -q -m "Many files with long names" &&
		sed -i 's/^1[0-9]$/changed/' big.txt && echo extra >>big.txt &&
		git commit -q -a -m "Mixed additions and deletions" &&
		chmod -x script.sh && echo "echo bye" >>script.sh &&
		git commit -q -a -m "Mode change with content" &&
		echo q >>win.txt &&
		GIT_AUTHOR_NAME="J. R. Dobbs, Jr." git commit -q -a -m "Author with specials" &&
		echo r >>big.txt &&
		GIT_AUTHOR_NAME="Jörg Ünicode" git commit -q -a -m "Author with a non-ASCII name" -m "Body with ünïcode." &&
		echo s >>big.txt &&
		GIT_AUTHOR_NAME="A Rather Long Author Name For Folding" \
		GIT_AUTHOR_EMAIL="a.rather.long.address@subdomain.example.org" \
			git commit -q -a -m "Author line folded before the address" &&
		printf "\0\1\2binary" >blob.bin && seq 1 2000 | gzip -1 -n >comp.gz &&
		git add blob.bin comp.gz && git commit -q -m "Add binary files" &&
		git rm -q blob.bin && git commit -q -m "Delete a binary file"
	)
}

# A port directory for a synthetic repo: ports/v9.9 with base tag 'base'.
make_synthetic_port() {
	mkdir -p ports/v9.9
	cat >ports/v9.9/port.conf <<-EOF
	[port]
		version = 9.9
	[base]
		version = 9.9.0
		tag = base
	[corevisor]
		path = sekvm/corevisor
	EOF
	printf '# synthetic port\n#@corevisor\n' >ports/v9.9/series
}

# The subject of a patch file, unfolded, "[PATCH] " removed.
patch_subject() {
	awk '/^Subject: / { s = substr($0, 10)
		while ((getline l) > 0 && l ~ /^[ \t]/) s = s l
		sub(/^\[PATCH[^]]*\] /, "", s); print s; exit }' "$1"
}
