#!/bin/bash
# porttool status: which port, which patches, drift, corevisor, worktree.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/port-lib.sh"

SERIES="$PROJECT_DIR/ports/v5.10/series"

test_expect_success 'real tree after apply: every patch applied, in sync, clean' '
	K=$(real_clone) && back_to_base "$K" &&
	porttool apply 5.10 --tree "$K" &&
	porttool status --tree "$K" >out && cat out &&
	grep "^branch: sekvm/v5.10$" out &&
	grep "^port: .*ports/v5.10 on v5.10.223" out &&
	grep "^corevisor: current" out &&
	for p in $(series_patches "$SERIES"); do grep -x "  applied  $p" out || exit 1; done &&
	grep "^in sync with" out && grep "^working tree: clean$" out
'

test_expect_success 'real tree: added, changed and missing commits are drift' '
	K=$(real_clone) &&
	git -C "$K" checkout -q -b drift sekvm/v5.10 &&
	echo "# more" >>"$K/arch/arm64/kvm/sekvm/Makefile" &&
	git -C "$K" commit -q --amend -a --no-edit &&
	echo x >>"$K/README" && git -C "$K" commit -q -a -m "Local: extra commit" &&
	porttool status --tree "$K" >out && cat out &&
	last=$(series_patches "$SERIES" | tail -n 1) &&
	grep "  changed  $last (same subject, different diff)" out &&
	grep "  added    [0-9a-f]* Local: extra commit" out &&
	grep "^drifted from .*: 1 added, 1 changed, 0 missing" out &&
	git -C "$K" checkout -q -b short sekvm/v5.10~1 &&
	porttool status --tree "$K" >out2 && cat out2 &&
	last=$(series_patches "$SERIES" | tail -n 1) &&
	grep "  missing  $last" out2 &&
	git -C "$K" checkout -q sekvm/v5.10
'

test_expect_success 'real tree: modified and staged files are shown' '
	K=$(real_clone) &&
	echo x >>"$K/README" && echo y >>"$K/Makefile" && git -C "$K" add Makefile &&
	porttool status --tree "$K" >out &&
	grep "^working tree: 1 modified, 1 staged$" out &&
	git -C "$K" reset -q --hard
'

test_expect_success 'an out-of-date corevisor is reported' '
	mkdir -p proj/corevisor && echo "v1" >proj/corevisor/core.c &&
	make_synthetic_port && mv ports proj/ &&
	make_synthetic_repo k &&
	PORTTOOL_PROJECT_DIR=$PWD/proj porttool --ports proj/ports apply 9.9 --tree k &&
	PORTTOOL_PROJECT_DIR=$PWD/proj porttool --ports proj/ports status --tree k >out &&
	grep "^corevisor: current" out && grep "^in sync" out &&
	echo "v2" >proj/corevisor/core.c &&
	PORTTOOL_PROJECT_DIR=$PWD/proj porttool --ports proj/ports status --tree k >out &&
	cat out && grep "^corevisor: out of date" out && grep "corevisor out of date" out &&
	echo "v1" >proj/corevisor/core.c &&
	echo hack >k/sekvm/corevisor/core.c && git -C k commit -q -a -m "Touch the corevisor" &&
	PORTTOOL_PROJECT_DIR=$PWD/proj porttool --ports proj/ports status --tree k >out &&
	cat out && grep "was changed on the branch after the install commit" out
'

# The trailer was a bare id before 2026-12-06 ("Corevisor-Tree: <id>"),
# now "<id>^{tree}"; a branch applied by the older porttool reads the same.
test_expect_success 'the corevisor trailer: the bare id of older branches still reads' '
	mkdir -p proj/corevisor && echo "v1" >proj/corevisor/core.c &&
	make_synthetic_port && mv ports proj/ &&
	make_synthetic_repo k &&
	PORTTOOL_PROJECT_DIR=$PWD/proj porttool --ports proj/ports apply 9.9 --tree k &&
	cv=$(git -C k log --format=%H --grep="^sekvm: install corevisor" -1) &&
	git -C k log -1 --format=%B $cv | grep -x "Corevisor-Tree: [0-9a-f]\{40\}^{tree}" &&
	git -C k log -1 --format=%B $cv | sed "s/\^{tree}$//" >msg &&
	grep -x "Corevisor-Tree: [0-9a-f]\{40\}" msg &&
	old=$(git -C k commit-tree -p $cv~1 -F "$PWD/msg" $cv^{tree}) &&
	git -C k rebase -q --onto $old $cv &&
	PORTTOOL_PROJECT_DIR=$PWD/proj porttool --ports proj/ports status --tree k >out &&
	cat out && grep "^corevisor: current" out &&
	git -C k log --format=%B --grep="^sekvm: install corevisor" -1 |
		sed "s/^\(Corevisor-Tree: [0-9a-f]*\)$/\1 and more/" >msg2 &&
	cv=$(git -C k log --format=%H --grep="^sekvm: install corevisor" -1) &&
	bad=$(git -C k commit-tree -p $cv~1 -F "$PWD/msg2" $cv^{tree}) &&
	git -C k rebase -q --onto $bad $cv &&
	PORTTOOL_PROJECT_DIR=$PWD/proj porttool --ports proj/ports status --tree k >out2 &&
	cat out2 && grep "has no Corevisor-Tree trailer" out2
'

test_expect_success 'a tree without a port says so; usage errors' '
	git init -q k && (cd k && echo a >a && git add a && git commit -q -m a) &&
	porttool status --tree k >out && grep "^port: none" out &&
	test_expect_code 1 porttool status --tree nowhere &&
	test_expect_code 2 porttool status extra --tree k
'

test_done
