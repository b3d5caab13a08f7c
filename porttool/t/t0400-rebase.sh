#!/bin/bash
# porttool rebase: onto a new base without conflicts, with a conflict
# (--abort puts everything back, --continue finishes), and --as NEWVER.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/port-lib.sh"

# New bases on top of v5.10.223: one that touches only README, one that
# changes the lines the first patch edits in arch/arm64/kvm/Kconfig.
make_bases() {
	(
		cd "$1" &&
		if ! git rev-parse -q --verify v5.10.990 >/dev/null; then
			git checkout -q -f master &&
			git checkout -q -b bases &&
			echo "new base" >>README && git commit -q -a -m "Base without conflict" &&
			git tag v5.10.990 &&
			sed -i "s/^endif # KVM$/config KVM_NEW_OPTION\n\tbool \"new\"\n\nendif # KVM/" arch/arm64/kvm/Kconfig &&
			git commit -q -a -m "Base with a conflict" && git tag v5.10.991 &&
			git tag v5.99.1 v5.10.990 &&
			git checkout -q master && git branch -q -D bases
		fi
	)
}

test_expect_success 'rebase onto a base without conflicts moves the branch; same patches, new base' '
	K=$(real_clone) && back_to_base "$K" && make_bases "$K" &&
	porttool apply 5.10 --tree "$K" &&
	old=$(git -C "$K" rev-parse sekvm/v5.10) &&
	porttool rebase 5.10 --onto v5.10.990 --tree "$K" &&
	test "$(git -C "$K" symbolic-ref HEAD)" = refs/heads/sekvm/v5.10 &&
	test "$(git -C "$K" rev-list --count v5.10.990..sekvm/v5.10)" = "$(git -C "$K" rev-list --count v5.10.223..$old)" &&
	git -C "$K" merge-base --is-ancestor v5.10.990 sekvm/v5.10 &&
	test -z "$(git -C "$K" status --porcelain --untracked-files=no)" &&
	git -C "$K" diff --stat v5.10.990 sekvm/v5.10 >new && git -C "$K" diff --stat v5.10.223 $old >old &&
	test_cmp old new &&
	git -C "$K" log --format="%an %ad %B" v5.10.990..sekvm/v5.10 >new &&
	git -C "$K" log --format="%an %ad %B" v5.10.223..$old >old && test_cmp old new
'

test_expect_success 'the rebased commits equal what git rebase makes (same trees)' '
	K=$(real_clone) && back_to_base "$K" &&
	porttool apply 5.10 --tree "$K" &&
	git -C "$K" branch -q gitrb sekvm/v5.10 &&
	porttool rebase 5.10 --onto v5.10.990 --tree "$K" &&
	git -C "$K" rebase -q --onto v5.10.990 v5.10.223 gitrb &&
	git -C "$K" rev-list --reverse v5.10.990..gitrb | while read c; do git -C "$K" rev-parse $c^{tree}; done >git_trees &&
	git -C "$K" rev-list --reverse v5.10.990..sekvm/v5.10 | while read c; do git -C "$K" rev-parse $c^{tree}; done >pt_trees &&
	test_cmp git_trees pt_trees
'

test_expect_success 'a conflict stops with the patch and the files named; --abort puts everything back' '
	K=$(real_clone) && back_to_base "$K" &&
	porttool apply 5.10 --tree "$K" &&
	snapshot "$K" >before &&
	test_expect_code 1 porttool rebase 5.10 --onto v5.10.991 --tree "$K" 2>err &&
	cat err &&
	first=$(series_patches "$PROJECT_DIR/ports/v5.10/series" | head -n 1) &&
	grep "ports/v5.10/$first does not merge onto v5.10.991" err &&
	grep "conflict: arch/arm64/kvm/Kconfig" err &&
	git -C "$K" status --porcelain | grep "^UU arch/arm64/kvm/Kconfig" &&
	grep "^<<<<<<<" "$K/arch/arm64/kvm/Kconfig" &&
	porttool status --tree "$K" >st && grep "^rebase: stopped on a conflict" st &&
	grep "^HEAD: detached" st && grep "^working tree: [1-9][0-9]* modified" st &&
	test_expect_code 1 porttool rebase 5.10 --onto v5.10.990 --tree "$K" 2>err2 &&
	grep "already in progress" err2 &&
	porttool rebase --abort --tree "$K" &&
	snapshot "$K" >after && test_cmp before after &&
	test ! -d "$K/.git/porttool-rebase" &&
	! grep "^<<<<<<<" "$K/arch/arm64/kvm/Kconfig"
'

test_expect_success '--continue refuses unresolved files, then finishes after git add' '
	K=$(real_clone) && back_to_base "$K" &&
	porttool apply 5.10 --tree "$K" &&
	n=$(git -C "$K" rev-list --count v5.10.223..sekvm/v5.10) &&
	test_expect_code 1 porttool rebase 5.10 --onto v5.10.991 --tree "$K" &&
	test_expect_code 1 porttool rebase --continue --tree "$K" 2>err &&
	grep "not resolved" err && grep "arch/arm64/kvm/Kconfig" err &&
	# Later patches may edit the same lines: resolve each stop the same
	# way (their side plus the new base option) until the rebase ends.
	for round in $(seq 1 20); do
		git -C "$K" show :3:arch/arm64/kvm/Kconfig >resolved &&
		sed -i "s/^endif # KVM$/config KVM_NEW_OPTION\n\tbool \"new\"\n\nendif # KVM/" resolved &&
		cp resolved "$K/arch/arm64/kvm/Kconfig" && git -C "$K" add -f arch/arm64/kvm/Kconfig &&
		if porttool rebase --continue --tree "$K" 2>err; then break; fi &&
		cat err && grep "does not merge onto v5.10.991" err || exit 1
	done &&
	test "$(git -C "$K" symbolic-ref HEAD)" = refs/heads/sekvm/v5.10 &&
	git -C "$K" merge-base --is-ancestor v5.10.991 sekvm/v5.10 &&
	grep -x "config KVM_NEW_OPTION" "$K/arch/arm64/kvm/Kconfig" && grep -x "config SEKVM" "$K/arch/arm64/kvm/Kconfig" &&
	test "$(git -C "$K" rev-list --count v5.10.991..sekvm/v5.10)" = "$n" &&
	test -z "$(git -C "$K" status --porcelain --untracked-files=no)" &&
	test ! -d "$K/.git/porttool-rebase" &&
	last=$(series_patches "$PROJECT_DIR/ports/v5.10/series" | tail -n 1) &&
	patch_subject "$PROJECT_DIR/ports/v5.10/$last" >expect &&
	git -C "$K" log -1 --format=%s sekvm/v5.10 >got && test_cmp expect got
'

test_expect_success '--as NEWVER writes a new port that applies to the same tree' '
	K=$(real_clone) && back_to_base "$K" &&
	porttool apply 5.10 --tree "$K" &&
	copy_ports v5.10 &&
	porttool --ports ports rebase 5.10 --onto v5.99.1 --as 5.99 --tree "$K" &&
	test "$(git -C "$K" symbolic-ref HEAD)" = refs/heads/sekvm/v5.99 &&
	test "$(git -C "$K" rev-parse sekvm/v5.10)" != "$(git -C "$K" rev-parse sekvm/v5.99)" &&
	test "$(git config -f ports/v5.99/port.conf port.version)" = 5.99 &&
	test "$(git config -f ports/v5.99/port.conf base.tag)" = v5.99.1 &&
	test "$(git config -f ports/v5.99/port.conf base.version)" = 5.99.1 &&
	test "$(git config -f ports/v5.99/port.conf base.commit)" = "$(git -C "$K" rev-parse v5.10.990)" &&
	test "$(git config -f ports/v5.99/port.conf base.tree)" = "$(git -C "$K" rev-parse v5.10.990^{tree})" &&
	test "$(git config -f ports/v5.99/port.conf corevisor.path)" = arch/arm64/kvm/sekvm/corevisor &&
	sed "/^#/s/v5\.10/v5.99/g" ports/v5.10/series >series.expect &&
	test_cmp series.expect ports/v5.99/series &&
	grep "^# Patch series for v5.99" ports/v5.99/series &&
	for c in qemu pi4b m400; do
		sed "/^#/s/v5\.10/v5.99/g" ports/v5.10/configs/$c.config >c.expect &&
		test_cmp c.expect ports/v5.99/configs/$c.config || exit 1
	done &&
	test "$(git config -f ports/v5.99/port.conf board.m400.defconfig)" = configs/m400.config &&
	! grep -i "debian\|bullseye\|5\.10\.223" ports/v5.99/port.conf &&
	test "$(git config -f ports/v5.99/port.conf port.description)" = "ports/v5.10 carried onto v5.99.1 by porttool rebase" &&
	n=$(series_patches ports/v5.10/series | wc -l) &&
	porttool --ports ports list | grep "^v5.99 .* $n *qemu,pi4b,m400" &&
	for p in $(series_patches ports/v5.10/series); do cmp ports/v5.10/$p ports/v5.99/$p || exit 1; done &&
	porttool --ports ports apply 5.99 --tree "$K" --branch check &&
	test "$(git -C "$K" rev-parse check^{tree})" = "$(git -C "$K" rev-parse sekvm/v5.99^{tree})"
'

test_expect_success '--as fills a placeholder port: its description, [tarball] and [debian] stay' '
	K=$(real_clone) && back_to_base "$K" &&
	porttool apply 5.10 --tree "$K" &&
	copy_ports v5.10 && mkdir ports/v5.99 &&
	printf "[port]\n\tversion = 5.99\n\tdescription = the next line\n[base]\n\tversion = 5.99\n\ttag = v5.99\n[tarball]\n\turl = https://example.org/linux-{version}.tar.xz\n\tsha256 = %064d\n[debian]\n\tpackage = linux-source-5.99\n\tversion = 5.99.1-1\n\tsuite = trixie-security\n" 0 >ports/v5.99/port.conf &&
	printf "# Patch series for v5.99\n#@corevisor\n" >ports/v5.99/series &&
	porttool --ports ports rebase 5.10 --onto v5.99.1 --as 5.99 --tree "$K" 2>err && cat err &&
	grep "ports/v5.99 is a placeholder (no patches): the rebase fills it" err &&
	test "$(git config -f ports/v5.99/port.conf port.description)" = "the next line" &&
	test "$(git config -f ports/v5.99/port.conf tarball.url)" = "https://example.org/linux-{version}.tar.xz" &&
	test "$(git config -f ports/v5.99/port.conf debian.package)" = linux-source-5.99 &&
	test "$(git config -f ports/v5.99/port.conf debian.version)" = 5.99.1-1 &&
	test "$(git config -f ports/v5.99/port.conf debian.suite)" = trixie-security &&
	porttool --ports ports list | grep "^v5.99 .*debian linux-source-5.99=5.99.1-1 (trixie-security)" &&
	test "$(git config -f ports/v5.99/port.conf base.version)" = 5.99.1 &&
	test $(series_patches ports/v5.99/series | wc -l) = $(series_patches ports/v5.10/series | wc -l)
'

# A snapshot missing a blob: the new base adds a file whose object is then
# deleted.  The rebase names it, leaves it out of the work tree and ends
# with a clean status; the old code failed with "object not found".
test_expect_success 'a base whose blob the repository lacks: named, left out, rebase completes' '
	K=$(real_clone) && back_to_base "$K" &&
	porttool apply 5.10 --tree "$K" &&
	copy_ports v5.10 &&
	git -C "$K" checkout -q -b snap v5.10.990 &&
	seq 1 1000 >"$K/drivers/huge_sh_mask.h" && git -C "$K" add -f drivers/huge_sh_mask.h &&
	seq 1 777 >>"$K/CREDITS" && git -C "$K" add -f CREDITS &&
	git -C "$K" commit -q -m "snapshot with a blob that will be lost" && git -C "$K" tag -f v5.99.2 &&
	blob=$(git -C "$K" rev-parse HEAD:drivers/huge_sh_mask.h) &&
	credits=$(git -C "$K" rev-parse HEAD:CREDITS) &&
	rm "$K/.git/objects/${credits:0:2}/${credits:2}" &&
	git -C "$K" checkout -q sekvm/v5.10 && git -C "$K" branch -q -D snap &&
	rm "$K/.git/objects/${blob:0:2}/${blob:2}" &&
	test_must_fail_silently() { ! "$@" >/dev/null 2>&1; } &&
	test_must_fail_silently git -C "$K" cat-file -e $blob &&
	porttool --ports ports rebase 5.10 --onto v5.99.2 --as 5.99 --tree "$K" 2>err && cat err &&
	grep "names 2 file(s) whose contents this repository does not have" err &&
	grep "^  missing: drivers/huge_sh_mask.h$" err && grep "^  missing: CREDITS$" err &&
	! grep "object not found" err &&
	test ! -e "$K/drivers/huge_sh_mask.h" &&
	test -z "$(git -C "$K" status --porcelain --untracked-files=no)" &&
	porttool --ports ports status --tree "$K" >st && grep "^working tree: clean" st &&
	git -C "$K" merge-base --is-ancestor v5.99.2 sekvm/v5.99 &&
	test ! -e "$K/CREDITS" &&
	# Back to a base that has the files: they come back, nothing conflicts.
	porttool --ports ports apply 5.10 --tree "$K" --branch back 2>err2 && cat err2 &&
	git -C "$K" diff --quiet v5.10.223 -- CREDITS &&
	test -z "$(git -C "$K" status --porcelain --untracked-files=no)"
'

test_expect_success 'rebase errors: no branch, bad --onto, existing --as port, dirty tree, usage' '
	K=$(real_clone) && back_to_base "$K" &&
	test_nothing_lost "$K" 1 porttool rebase 5.10 --onto v5.10.990 --tree "$K" &&
	grep "no branch .sekvm/v5.10." err &&
	porttool apply 5.10 --tree "$K" &&
	test_nothing_lost "$K" 1 porttool rebase 5.10 --onto no-such-ref --tree "$K" &&
	grep "no-such-ref. is not a commit" err &&
	grep "git -C $K/\? fetch DIR tag no-such-ref" err &&
	test_nothing_lost "$K" 1 porttool rebase 5.10 --onto v5.10.990 --as 5.10 --tree "$K" &&
	grep "ports/v5.10. already exists with patches; move it away" err &&
	echo x >>"$K/README" &&
	test_nothing_lost "$K" 1 porttool rebase 5.10 --onto v5.10.990 --tree "$K" &&
	git -C "$K" checkout -q README &&
	test_nothing_lost "$K" 1 porttool rebase --continue --tree "$K" &&
	grep "no porttool rebase in progress" err &&
	test_expect_code 2 porttool rebase 5.10 --tree "$K" &&
	test_expect_code 2 porttool rebase --continue --abort --tree "$K"
'

test_done
