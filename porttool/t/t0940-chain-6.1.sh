#!/bin/bash
# The chain on Debian bookworm's 6.1 (ports/v6.1), as t0930 does for 5.11.
# Today: the base tree, reproducibly, from the embedded default (the series
# is not carried over yet: ports/v6.1/README.md).
#
# linux-source-6.1 is a 139 MB package and its import takes minutes, so
# this test never downloads it: it runs when the .deb is already in
# porttool's cache ($XDG_CACHE_HOME/porttool/debian/debs, where
# 'porttool tree 6.1' leaves it) or when a 6.1 tree is ($PORTTOOL_TREE_6_1,
# or the cache's trees/v6.1), and otherwise skips, saying how to get it.
# The work directory is kept between runs, so the import happens once.
. "$(dirname "$0")/lib.sh"

CONF="$PROJECT_DIR/ports/v6.1/port.conf"
conf() { git config -f "$CONF" "$1"; }
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/porttool
DEB="$CACHE/debian/debs/$(conf debian.package)_$(conf debian.version)_all.deb"
W=${PORTTOOL_CHAIN61_DIR:-$TRASH_ROOT/t0940-work}
TREE=$W/tree
SRC=${PORTTOOL_TREE_6_1:-$CACHE/trees/v6.1}
HOWTO="neither $DEB nor a 6.1 tree in $SRC: 'porttool tree 6.1' downloads and imports it (a few minutes), or set PORTTOOL_TREE_6_1 (ports/v6.1/README.md)"
CASES="tree-import tree-ids"

have_src() { git -C "$SRC" rev-parse -q --verify "refs/tags/$(conf base.tag)" >/dev/null 2>&1; }

if ! test -d "$TREE/.git" && ! test -f "$DEB" && ! have_src; then
	for c in $CASES; do test_skip "chain 6.1: $c" "$HOWTO"; done
	test_done
	exit
fi

mkdir -p "$W"
: >"$W/times"

# An apt configuration whose mirror never answers: proves no download.
offline_apt() {
	mkdir -p "$1/sources.list.d" &&
	printf 'deb http://127.0.0.1:9/debian bookworm main\ndeb http://127.0.0.1:9/debian-security bookworm-security main\n' \
		>"$1/sources.list"
}

test_expect_success 'chain 6.1: tree imports the cached linux-source-6.1 offline' '
	if test -d "$TREE/.git"; then
		echo "kept from an earlier run: $TREE"
	elif test -f "$DEB"; then
		offline_apt etc &&
		PORTTOOL_APT_ETC=$PWD/etc timed tree \
			porttool tree 6.1 --dir "$TREE" >out 2>err || { cat err; false; } &&
		test "$(cat out)" = "$TREE" &&
		grep -q "using cached $DEB" err &&
		! grep -q "downloading" err
	else
		timed tree porttool tree 6.1 --from "$SRC" --dir "$TREE"
	fi
'

test_expect_success 'chain 6.1: tag, commit and tree are those port.conf records' '
	test "$(git -C "$TREE" rev-parse "$(conf base.tag)^{commit}")" = "$(conf base.commit)" &&
	test "$(git -C "$TREE" rev-parse "$(conf base.tag)^{tree}")" = "$(conf base.tree)" &&
	test "$(git -C "$TREE" log -1 --format="%an <%ae> %s" "$(conf base.tag)")" = \
		"porttool <porttool@sekvm.invalid> Linux $(conf base.version)" &&
	# The boards port.conf lists have their DTs on this line.
	test -f "$TREE/arch/arm64/boot/dts/broadcom/bcm2711-rpi-4-b.dts" &&
	test -f "$TREE/arch/arm64/boot/dts/apm/apm-mustang.dts" &&
	if have_src; then
		test "$(git -C "$SRC" rev-parse "$(conf base.tag)^{commit}")" = "$(conf base.commit)"
	fi
'

test_done
