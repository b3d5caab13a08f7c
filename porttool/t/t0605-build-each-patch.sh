#!/bin/bash
# porttool build --each-patch: every commit of a port's branch built with
# SEKVM on and off, against a small fake kernel (a git repository whose
# Makefile stands in for kbuild: O=, allnoconfig with KCONFIG_ALLCONFIG,
# Image, one object per kernel/*.c rebuilt only when its source or the
# .config changed) and a 3-patch port under a temporary --ports.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/port-lib.sh"

export XDG_CACHE_HOME="$TRASH/cache"

# The fake kbuild: a source containing BREAK_WITH_SEKVM does not compile
# when .config has CONFIG_SEKVM=y; one containing WARN_HERE warns.
fake_makefile() {
	cat <<-\MK
	.RECIPEPREFIX = >
	SRCS := $(wildcard $(CURDIR)/kernel/*.c)
	OBJS := $(patsubst $(CURDIR)/%.c,$(O)/%.o,$(SRCS))
	allnoconfig:
	> @echo "  HOSTCC  scripts/kconfig/conf.o"
	> @grep -E "^(CONFIG_|# CONFIG_)" $(KCONFIG_ALLCONFIG) >$(O)/.config.new
	> @cmp -s $(O)/.config.new $(O)/.config || mv $(O)/.config.new $(O)/.config
	Image: $(OBJS)
	> @mkdir -p $(O)/arch/arm64/boot && cat $(OBJS) /dev/null >$(O)/arch/arm64/boot/Image
	modules:
	> @:
	$(O)/%.o: $(CURDIR)/%.c $(O)/.config
	> @echo "  CC      $*.o"
	> @if grep -q BREAK_WITH_SEKVM $< && grep -q "^CONFIG_SEKVM=y" $(O)/.config; then echo "$<:2:1: error: broken with CONFIG_SEKVM"; exit 1; fi
	> @if grep -q WARN_HERE $<; then echo "$<:3:5: warning: unused variable 'x' [-Wunused-variable]"; fi
	> @mkdir -p $(dir $@) && cp $< $@
	MK
}

# fake_port DIR: the kernel repository at DIR (tag v9.1.0, base commit
# "Fake kernel 9.1.0") and ports/v9.1 here, whose patches were made in
# that repository and whose branch was then deleted.
fake_port() {
	(
		export GIT_AUTHOR_DATE="2024-03-04T05:06:07+0200"
		export GIT_COMMITTER_DATE="2024-03-04T05:06:07+0200"
		git init -q "$1" && cd "$1" &&
		mkdir -p arch/arm64 kernel && touch arch/arm64/Kconfig &&
		fake_makefile >Makefile &&
		printf 'int main;\nint y;\nWARN_HERE\n' >kernel/main.c &&
		printf 'int util;\n' >kernel/util.c &&
		git add -A && git commit -q -m "Fake kernel 9.1.0" &&
		git tag v9.1.0 && git checkout -q -b work &&
		printf 'int main;\nint y;\nWARN_HERE\nint sekvm_on;\n' >kernel/main.c &&
		printf 'int sekvm;\n' >kernel/sekvm.c && git add -A &&
		git commit -q -m "Add the SeKVM switch" &&
		printf 'int sekvm;\nBREAK_WITH_SEKVM\n' >kernel/sekvm.c &&
		git commit -q -a -m "Break the build with SEKVM on" &&
		printf 'int sekvm;\nint fixed;\n' >kernel/sekvm.c &&
		git commit -q -a -m "Mend the build with SEKVM on" &&
		git format-patch -q -o ../patches v9.1.0..work &&
		git checkout -q master && git branch -q -D work
	) &&
	mkdir -p ports/v9.1/configs && mv patches/*.patch ports/v9.1/ &&
	{ echo "#@corevisor"; (cd ports/v9.1 && ls *.patch); } >ports/v9.1/series &&
	printf 'CONFIG_SMP=y\n# CONFIG_ARM64_VHE is not set\nCONFIG_SEKVM=y\nCONFIG_SEKVM_GUEST=y\n' \
		>ports/v9.1/configs/qemu.config &&
	cat >ports/v9.1/port.conf <<-\EOF
	[port]
		version = 9.1
	[base]
		version = 9.1.0
		tag = v9.1.0
	[corevisor]
		path = corevisor
	[board "qemu"]
		defconfig = configs/qemu.config
		dtb = virt
	EOF
}

# A fake port applied: kernel repository k, branch sekvm/v9.1.
applied_port() {
	fake_port k && porttool apply 9.1 --ports "$PWD/ports" --tree k >/dev/null
}

each() { porttool build 9.1 --each-patch --ports "$PWD/ports" --tree k --out "$PWD/o" "$@"; }

# The seconds vary: "(12 s," -> "(N s,".
normalise() { sed -E 's/\([0-9]+ s,/(N s,/; s/^(each-patch: )[0-9]+ s in all/\1N s in all/'; }

test_expect_success 'each-patch: one line per commit and config, patch 2 fails with SEKVM on only' '
	applied_port &&
	test_expect_code 1 each >out 2>err &&
	cat out && normalise <out >got &&
	cat >expect <<-EOF &&
	base Fake kernel 9.1.0 SEKVM=on ok (N s, 1 warning)
	base Fake kernel 9.1.0 SEKVM=off ok (N s, 1 warning)
	corevisor sekvm: install corevisor SEKVM=on ok (N s, 0 warnings)
	corevisor sekvm: install corevisor SEKVM=off ok (N s, 0 warnings)
	0001/0003 Add the SeKVM switch SEKVM=on ok (N s, 1 warning)
	0001/0003 Add the SeKVM switch SEKVM=off ok (N s, 1 warning)
	0002/0003 Break the build with SEKVM on SEKVM=on FAILED (N s, 0 warnings)
	    $PWD/o/src/kernel/sekvm.c:2:1: error: broken with CONFIG_SEKVM
	EOF
	head -n 8 got | test_cmp expect - &&
	sed -n "9,\$p" got | grep -v "^    make" >rest &&
	cat >expect <<-EOF &&
	    log: $PWD/o/logs/0002-on.log
	0002/0003 Break the build with SEKVM on SEKVM=off ok (N s, 0 warnings)
	0003/0003 Mend the build with SEKVM on SEKVM=on ok (N s, 0 warnings)
	0003/0003 Mend the build with SEKVM on SEKVM=off ok (N s, 0 warnings)
	each-patch: 10 builds, 9 ok, 1 failed
	each-patch: N s in all; logs in $PWD/o/logs
	EOF
	test_cmp expect rest &&
	grep -q "error: broken with CONFIG_SEKVM" o/logs/0002-on.log &&
	grep -q "SEKVM=off: CONFIG_SEKVM, CONFIG_SEKVM_GUEST turned off" err
'

test_expect_success 'each-patch: the off build gets the fragment with every CONFIG_SEKVM* turned off' '
	applied_port &&
	test_expect_code 1 each >out 2>err &&
	printf "CONFIG_SMP=y\n# CONFIG_ARM64_VHE is not set\n# CONFIG_SEKVM is not set\n# CONFIG_SEKVM_GUEST is not set\n" >expect &&
	test_cmp expect o/sekvm-off.config &&
	test_cmp expect o/off/.config &&
	grep -q "KCONFIG_ALLCONFIG=$PWD/o/sekvm-off.config allnoconfig" o/logs/0001-off.log &&
	grep -q "KCONFIG_ALLCONFIG=$PWD/ports/v9.1/configs/qemu.config allnoconfig" o/logs/0001-on.log &&
	grep -q "ARCH=arm64" o/logs/0001-on.log && grep -q -- " -j2 " o/logs/0001-on.log &&
	grep -q " O=$PWD/o/on " o/logs/0001-on.log && grep -q " O=$PWD/o/off " o/logs/0001-off.log
'

test_expect_success 'each-patch: the user tree, index, HEAD and branches are untouched' '
	applied_port &&
	echo scratch >k/untracked-file &&
	snapshot k >before && find k -path k/.git -prune -o -type f -newer k/.git/HEAD -print | sort >newer.before &&
	sleep 1 &&
	test_expect_code 1 each >out 2>err &&
	snapshot k >after && find k -path k/.git -prune -o -type f -newer k/.git/HEAD -print | sort >newer.after &&
	test_cmp before after && test_cmp newer.before newer.after &&
	test "$(git -C k symbolic-ref HEAD)" = refs/heads/sekvm/v9.1 &&
	! test -e k/kernel/sekvm.c.orig && test -f o/src.index &&
	test "$(cat o/src.commit)" = "$(git -C k rev-parse sekvm/v9.1)"
'

test_expect_success 'each-patch: builds are incremental (only what the patch changed is rebuilt)' '
	applied_port &&
	test_expect_code 1 each >out 2>err &&
	grep -q "CC      kernel/main.o" o/logs/base-on.log &&
	grep -q "CC      kernel/util.o" o/logs/base-on.log &&
	! grep -q "^  CC " o/logs/corevisor-on.log &&
	grep -q "CC      kernel/sekvm.o" o/logs/0003-off.log &&
	! grep -q "CC      kernel/main.o" o/logs/0003-off.log &&
	! grep -q "CC      kernel/util.o" o/logs/0003-off.log &&
	! grep -q "CC      kernel/util.o" o/logs/0001-on.log
'

test_expect_success 'each-patch: a second run starts from the last commit checked out and says the same' '
	applied_port &&
	test_expect_code 1 each >out1 2>err1 &&
	test_expect_code 1 each >out2 2>err2 &&
	grep -q "o/src holds [0-9a-f]* from the last run" err2 &&
	normalise <out1 >n1 && normalise <out2 >n2 && test_cmp n1 n2 &&
	git -C k diff --quiet sekvm/v9.1 -- && diff -r --exclude=.git k o/src | grep -v "^Only in k: untracked" | { ! grep .; }
'

test_expect_success 'each-patch: a run killed while checking out starts the next one from nothing' '
	applied_port &&
	PORTTOOL_CRASH_AFTER=10 test_expect_code 137 each >out1 2>err1 &&
	grep -q "PORTTOOL_CRASH_AFTER=10: killed after checking out a file" err1 &&
	! test -e o/src.commit &&
	test_expect_code 1 each >out2 2>err2 &&
	! grep -q "from the last run" err2 &&
	grep -q "^each-patch: 10 builds, 9 ok, 1 failed$" out2 &&
	diff -r --exclude=.git k o/src
'

test_expect_success 'each-patch: --stop-on-failure stops at the first failed build' '
	applied_port &&
	test_expect_code 1 each --stop-on-failure >out 2>err &&
	tail -n 2 out | head -n 1 >summary &&
	echo "each-patch: 7 builds, 6 ok, 1 failed" >expect && test_cmp expect summary &&
	! grep -q "SEKVM=off" <(grep "^0002" out) && ! grep -q "^0003" out
'

test_expect_success 'each-patch: a new warning in a file the commit touches fails it; an old one does not' '
	applied_port &&
	(cd k && printf "int util;\nint z;\nWARN_HERE\n" >kernel/util.c &&
	 git commit -q -a -m "Warn in util, a subject long enough to be cut at a word") &&
	test_expect_code 1 each >out 2>err &&
	normalise <out >got &&
	grep -q "^0001/0004 Add the SeKVM switch SEKVM=on ok (N s, 1 warning)$" got &&
	grep -A2 "^0004/0004 Warn in util, a subject long enough to ... SEKVM=on" got >w &&
	cat >expect <<-EOF &&
	0004/0004 Warn in util, a subject long enough to ... SEKVM=on FAILED (N s, 1 warning, 1 new in files the patch touches)
	    $PWD/o/src/kernel/util.c:3:5: warning: unused variable '"'x'"' [-Wunused-variable]
	    log: $PWD/o/logs/0004-on.log
	EOF
	test_cmp expect w &&
	grep -q "^each-patch: 12 builds, 9 ok, 3 failed$" got
'

test_expect_success 'each-patch: a file whose blob the repository lacks is left out and named' '
	applied_port &&
	(cd k && echo "lost contents" >kernel/lost.txt && git add kernel/lost.txt &&
	 git commit -q -m "Add a file the snapshot will lack" &&
	 blob=$(git rev-parse HEAD:kernel/lost.txt) &&
	 rm .git/objects/${blob:0:2}/${blob:2}) &&
	test_expect_code 1 each >out 2>err &&
	grep -q "missing: kernel/lost.txt" err && ! test -e o/src/kernel/lost.txt &&
	grep -q "^0004/0004 Add a file the snapshot will lack SEKVM=on ok" out
'

test_expect_success 'each-patch: no port branch says how to make it' '
	fake_port k &&
	test_expect_code 1 each >out 2>err &&
	grep -q "branch .sekvm/v9.1. is not in .*k.; make it with .porttool apply 9.1 --tree" err
'

test_expect_success 'each-patch: a fragment without CONFIG_SEKVM* is refused' '
	applied_port &&
	sed -i "/SEKVM/d" ports/v9.1/configs/qemu.config &&
	test_expect_code 1 each >out 2>err &&
	grep -q "qemu.config sets no CONFIG_SEKVM\* symbol" err && ! test -s out
'

test_expect_success 'each-patch: --kvm and --stop-on-failure alone are usage errors' '
	test_expect_code 2 porttool build 5.10 --each-patch --kvm 2>err &&
	grep -q "choose one" err &&
	test_expect_code 2 porttool build 5.10 --stop-on-failure 2>err &&
	grep -q "goes with --each-patch" err
'

test_expect_success 'each-patch: --help says what it does and which symbols' '
	porttool build --help >out &&
	grep -q -- "--each-patch" out && grep -q -- "--stop-on-failure" out &&
	grep -q "CONFIG_SEKVM\* symbol the fragment sets" out
'

test_done
