#!/bin/bash
# porttool tree 5.10 on the real embedded default: Debian's linux-source-5.10.
# Uses the real cache (XDG_CACHE_HOME or ~/.cache), so the package is
# downloaded and imported once (about a minute), and every later run, here
# and in the other tests (lib.sh real_tree), finds it ready.
. "$(dirname "$0")/lib.sh"

CONF="$PROJECT_DIR/ports/v5.10/port.conf"
conf() { git config -f "$CONF" "$1"; }
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/porttool
DEB="$CACHE/debian/debs/$(conf debian.package)_$(conf debian.version)_all.deb"

# An apt configuration whose mirror never answers: proves no download.
offline_apt() {
	mkdir -p "$1/sources.list.d" &&
	printf 'deb http://127.0.0.1:9/debian bookworm main\ndeb http://127.0.0.1:9/debian-security bookworm-security main\n' \
		>"$1/sources.list"
}

# The inner tarball's listing, as tar sees it (type, mode, name).
tar_listing() {
	dpkg-deb --fsys-tarfile "$DEB" |
		tar -xO "./usr/src/$(conf debian.package).tar.xz" | tar tvJ
}

test_expect_success 'tree 5.10: prepares (or finds) the default tree' '
	porttool tree 5.10 >out 2>err || { cat err; false; } &&
	test "$(wc -l <out)" = 1 &&
	test "$(cat out)" = "$CACHE/trees/v5.10" &&
	test -d "$CACHE/trees/v5.10/.git" && test -f "$DEB"
'

test_expect_success 'tree 5.10: tag, commit and tree are those port.conf records' '
	dir=$(real_tree) &&
	test "$(git -C "$dir" rev-parse "$(conf base.tag)^{commit}")" = "$(conf base.commit)" &&
	test "$(git -C "$dir" rev-parse "$(conf base.tag)^{tree}")" = "$(conf base.tree)" &&
	test "$(git -C "$dir" rev-parse master)" = "$(conf base.commit)" &&
	test "$(git -C "$dir" log -1 --format="%an <%ae> %s" "$(conf base.tag)")" = \
		"porttool <porttool@sekvm.invalid> Linux $(conf base.version)"
'

test_expect_success 'tree 5.10: the base commit holds every file of the tarball' '
	dir=$(real_tree) &&
	tar_listing >listing &&
	git -C "$dir" ls-tree -r "$(conf base.tag)" >tree &&
	test "$(grep -vc "^d" listing)" = "$(wc -l <tree)" &&
	test "$(grep -c "^l" listing)" = "$(grep -c "^120000 " tree)" &&
	test "$(grep "^-" listing | cut -c1-10 | grep -c x)" = "$(grep -c "^100755 " tree)" &&
	test "$(wc -l <tree)" -gt 60000 &&
	grep -qx "/\\*" "$dir/.gitignore" &&
	for f in .gitignore Makefile COPYING MAINTAINERS arch/arm64/kvm/hyp/nvhe/Makefile; do
		grep -q "	$f\$" tree || { echo "missing $f"; false; }
	done
'

# The cached tree is shared: 'porttool apply 5.10' (later tests, or people)
# checks its branch out there.  Right after the import (a fresh machine, where
# this test runs before any apply) HEAD is the base on master and everything
# is clean; after an apply, at least nothing ignored (no build output) is in it.
test_expect_success 'tree 5.10: the checkout is clean, nothing untracked or ignored' '
	dir=$(real_tree) &&
	git -C "$dir" status --porcelain --ignored >st &&
	if test "$(git -C "$dir" rev-parse HEAD)" = "$(conf base.commit)"; then
		test ! -s st &&
		test "$(git -C "$dir" symbolic-ref HEAD)" = refs/heads/master
	else
		echo "note: HEAD moved on from the base (an apply ran here)" &&
		! grep "^!!" st
	fi
'

test_expect_success 'tree 5.10: a second call is instant and downloads nothing' '
	offline_apt etc &&
	start=$(date +%s) &&
	PORTTOOL_APT_ETC=$PWD/etc porttool tree 5.10 >out 2>err &&
	test "$(cat out)" = "$CACHE/trees/v5.10" &&
	test $(( $(date +%s) - start )) -le 2 &&
	! grep -q "downloading" err &&
	! grep -q "reading tarball" err
'

test_expect_success 'tree 5.10 --dir: interrupted, it leaves nothing behind' '
	offline_apt etc &&
	# "$PORTTOOL", not the porttool function: $! must be porttool itself.
	{ PORTTOOL_APT_ETC=$PWD/etc "$PORTTOOL" tree 5.10 --dir t >out 2>err & pid=$!; } &&
	for i in $(seq 300); do grep -q "^porttool: unpacking" err && break; sleep 0.1; done &&
	kill -INT $pid &&
	test_expect_code 1 wait $pid &&
	grep -q "interrupted while reading" err &&
	test ! -e t && test -z "$(ls -A | grep "^\.t\.tmp")" &&
	test ! -s out
'

test_expect_success 'tree 5.10: a cached tree that does not match is refused' '
	export XDG_CACHE_HOME=$PWD/cache &&
	mkdir -p cache/porttool/trees/v5.10 &&
	git -C cache/porttool/trees/v5.10 init -q &&
	git -C cache/porttool/trees/v5.10 commit -q --allow-empty -m other &&
	git -C cache/porttool/trees/v5.10 tag v5.10.223 &&
	test_expect_code 1 porttool tree 5.10 >out 2>err &&
	grep -q "tag v5.10.223 is commit [0-9a-f]*, but port v5.10 records base.commit" err &&
	grep -q "does not match port v5.10; move it away" err &&
	test ! -s out
'

test_done
