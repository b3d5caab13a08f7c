#!/bin/bash
# porttool mail: the messages themselves, written with --output (no SMTP):
# subjects, threading, stable ids, the cover letter, range-diff, and a
# git am round trip.
. "$(dirname "$0")/lib.sh"
. "$T_DIR/mail-lib.sh"

test_expect_success 'usage errors exit 2' '
	mail_setup && std_port &&
	test_expect_code 2 porttool mail --ports ports &&
	test_expect_code 2 porttool mail --ports ports 5.10 5.11 &&
	test_expect_code 2 porttool mail --ports ports 5.10 -v 0 --output o &&
	test_expect_code 2 porttool mail --ports ports 5.10 --build-each &&
	test_expect_code 2 porttool mail --ports ports 5.10 --bogus &&
	porttool mail --help | grep -q -- "--smtp-server"
'

test_expect_success 'an unknown port and a broken patch fail with the file named' '
	mail_setup && std_port &&
	test_expect_code 1 mail 6.1 --output o 2>err && grep -q "unknown version" err &&
	printf "garbage\n" >ports/v5.10/0002-KVM-call-the-corevisor-on-VM-creation.patch &&
	test_expect_code 1 mail 5.10 --output o 2>err &&
	grep -q "0002-KVM-call-the-corevisor-on-VM-creation.patch" err &&
	test ! -e o
'

test_expect_success '--output writes a cover letter and numbered patches' '
	mail_setup && std_port &&
	mail 5.10 --output out >files &&
	test $(wc -l <files) = 4 &&
	ls out >names &&
	printf "%s\n" 0000-cover-letter.patch 0001-KVM-arm64-add-the-SeKVM-hook.patch \
		0002-KVM-call-the-corevisor-on-VM-creation.patch \
		0003-KVM-declare-the-corevisor-interface.patch >expect &&
	test_cmp expect names &&
	test "$(header Subject out/0000-cover-letter.patch)" = "[PATCH 0/3] SeKVM hostvisor for Linux 5.10.223" &&
	test "$(header Subject out/0001-*)" = "[PATCH 1/3] KVM: arm64: add the SeKVM hook" &&
	test "$(header Subject out/0003-*)" = "[PATCH 3/3] KVM: declare the corevisor interface" &&
	test "$(header From out/0002-*)" = "Sender Person <sender@example.org>" &&
	grep -q "^From: Test Author <author@example.org>$" out/0002-* &&
	for f in out/*; do test -n "$(header Date $f)" || exit 1; done
'

test_expect_success 'a saved patch with "Re:" and a folded Subject: the mail says what git am would' '
	mail_setup && std_port &&
	p=$(ls ports/v5.10/0001-*.patch) &&
	sed -i "s/^Subject: .*/Subject: Re: [PATCH] KVM: arm64:\n\tadd the  SeKVM hook/" $p &&
	grep -A1 "^Subject: Re:" $p &&
	mail 5.10 --output out >/dev/null &&
	test "$(header Subject out/0001-*)" = "[PATCH 1/3] KVM: arm64: add the SeKVM hook" &&
	porttool mailinfo $p | grep -x "Subject: KVM: arm64: add the SeKVM hook"
'

test_expect_success '-v N numbers as git does: [PATCH vN MM/NN], vN- files' '
	mail_setup && make_repo repo &&
	for i in 1 2 3 4 5 6 7 8 9 10; do
		add_commit repo arch/arm64/kvm/arm.c "int x$i;" "KVM: arm64: step $i"
	done &&
	make_port ports repo &&
	mail 5.10 -v 2 --output out >/dev/null &&
	test "$(header Subject out/v2-0000-cover-letter.patch)" = "[PATCH v2 00/10] SeKVM hostvisor for Linux 5.10.223" &&
	test "$(header Subject out/v2-0007-*)" = "[PATCH v2 07/10] KVM: arm64: step 7" &&
	mail 5.10 --reroll-count=3 --rfc --output out3 >/dev/null &&
	test "$(header Subject out3/v3-0010-*)" = "[RFC PATCH v3 10/10] KVM: arm64: step 10"
'

test_expect_success 'every patch replies to the cover letter; ids are unique and stable' '
	mail_setup && std_port &&
	mail 5.10 --output a >/dev/null && mail 5.10 --output b >/dev/null &&
	cover=$(header Message-ID a/0000-cover-letter.patch) &&
	case "$cover" in "<"*@*">") ;; *) echo "bad id $cover"; false;; esac &&
	test -z "$(header In-Reply-To a/0000-cover-letter.patch)" &&
	for f in a/000[1-3]-*; do
		test "$(header In-Reply-To $f)" = "$cover" &&
		test "$(header References $f)" = "$cover" || exit 1
	done &&
	for f in a/*; do header Message-ID $f; done | sort -u >ids &&
	test $(wc -l <ids) = 4 &&
	for f in b/*; do header Message-ID $f; done | sort -u >ids2 &&
	test_cmp ids ids2 &&
	mail 5.10 -v 2 --output c >/dev/null &&
	test "$(header Message-ID c/v2-0000-cover-letter.patch)" != "$cover" &&
	add_commit repo Makefile "# more" "build: a fourth patch" && make_port ports repo &&
	mail 5.10 --output d >/dev/null &&
	test "$(header Message-ID d/0000-cover-letter.patch)" != "$cover"
'

test_expect_success '--in-reply-to threads the cover letter under an earlier message' '
	mail_setup && std_port &&
	mail 5.10 --output v1 >/dev/null &&
	v1=$(header Message-ID v1/0000-cover-letter.patch) &&
	bare=${v1#<} && bare=${bare%>} &&
	mail 5.10 -v 2 --in-reply-to "$bare" --output v2 >/dev/null &&
	c=v2/v2-0000-cover-letter.patch &&
	cover=$(header Message-ID $c) &&
	test "$(header In-Reply-To $c)" = "$v1" &&
	test "$(header References $c)" = "$v1" &&
	test "$(header In-Reply-To v2/v2-0002-*)" = "$cover" &&
	test "$(header References v2/v2-0002-*)" = "$v1 $cover" &&
	test_expect_code 2 mail 5.10 --in-reply-to "not an id" --output v3
'

test_expect_success 'the cover letter has the summary, shortlog, diffstat and base-commit' '
	mail_setup && std_port &&
	mail 5.10 --tree repo --output out >/dev/null &&
	c=out/0000-cover-letter.patch &&
	grep -q "a synthetic port for the mail tests" $c &&
	grep -q "^Test Author (3):$" $c &&
	grep -q "^  KVM: arm64: add the SeKVM hook$" $c &&
	grep -q "^ arch/arm64/kvm/arm.c *| 1 +$" $c &&
	grep -q "^ include/linux/kvm_host.h | 1 +$" $c &&
	grep -q "^ 3 files changed, 3 insertions(+)$" $c &&
	grep -q "^base-commit: $(git -C repo rev-parse v5.10.223)$" $c
'

test_expect_success 'with the tree the diffstat is base..tip: a change undone later nets out' '
	mail_setup && make_repo repo &&
	add_commit repo virt/kvm/kvm_main.c "int tmp;" "KVM: a temporary line" &&
	add_commit repo arch/arm64/kvm/arm.c "int keep;" "KVM: arm64: keep this" &&
	(cd repo && sed -i "/int tmp;/d" virt/kvm/kvm_main.c && git commit -q -a -s -m "KVM: drop the temporary line") &&
	make_port ports repo &&
	git -C repo count-objects >before &&
	mail 5.10 --tree repo --output out >/dev/null &&
	git -C repo count-objects >after && test_cmp before after &&
	c=out/0000-cover-letter.patch &&
	git -C repo diff --stat v5.10.223 HEAD >want &&
	sed -n "/^ [^ ].* | /,/changed/p" $c >got &&
	test_cmp want got &&
	! grep -q kvm_main.c $c &&
	mail 5.10 --output sum >/dev/null &&
	grep -q "^ virt/kvm/kvm_main.c *| 2 +-$" sum/0000-cover-letter.patch &&
	grep -q "^ 2 files changed, 2 insertions(+), 1 deletion(-)$" sum/0000-cover-letter.patch
'

test_expect_success 'base-commit comes from port.conf base.commit; --cover FILE gives the summary' '
	mail_setup && std_port &&
	id=$(git -C repo rev-parse v5.10.223) &&
	git config -f ports/v5.10/port.conf base.commit $id &&
	printf "KVM: arm64: SeKVM for 5.10\n\nThis carries the hostvisor.\nSecond line.\n" >cover &&
	mail 5.10 --cover cover --output out >/dev/null &&
	c=out/0000-cover-letter.patch &&
	test "$(header Subject $c)" = "[PATCH 0/3] KVM: arm64: SeKVM for 5.10" &&
	grep -q "^This carries the hostvisor.$" $c &&
	! grep -q "synthetic port" $c &&
	grep -q "^base-commit: $id$" $c &&
	printf "" >empty && test_expect_code 1 mail 5.10 --cover empty --output o2 2>err &&
	grep -q "empty:1" err &&
	test_expect_code 1 mail 5.10 --cover missing --output o3 2>err && grep -q "missing" err
'

test_expect_success 'git am of the --output files rebuilds the same commits' '
	mail_setup && std_port &&
	mail 5.10 --output out >/dev/null &&
	git clone -q repo copy && git -C copy reset -q --hard v5.10.223 &&
	git -C copy am -q "$PWD"/out/000[1-9]-*.patch &&
	test "$(git -C copy rev-parse HEAD^{tree})" = "$(git -C repo rev-parse HEAD^{tree})" &&
	git -C repo log --format="%an <%ae>%n%ad%n%B" v5.10.223.. >want &&
	git -C copy log --format="%an <%ae>%n%ad%n%B" v5.10.223.. >got &&
	test_cmp want got
'

test_expect_success 'non-ASCII authors and subjects: encoded words, and git am gets them back' '
	mail_setup && make_repo repo &&
	subj="KVM: arm64: réglage du corevisor, avec un sujet très long qui dépasse soixante-quinze caractères" &&
	(cd repo && printf "int r;\n" >>arch/arm64/kvm/arm.c && git add . &&
	 GIT_AUTHOR_NAME="Jérôme Müller" GIT_COMMITTER_NAME="Jérôme Müller" \
		git commit -q -s -m "$subj" -m "Corps : déjà vu.") &&
	make_port ports repo &&
	mail 5.10 --output out >/dev/null &&
	f=$(ls out/0001-*) &&
	grep -q "^Subject: =?UTF-8?q?=5BPATCH_1/1=5D_KVM=3A_arm64=3A_r=C3=A9glage" $f &&
	! grep -q "^Subject:.*é" $f &&
	grep -o "=?UTF-8?q?[^ ]*?=" $f | awk "length(\$0) > 75 { bad = 1 } END { exit bad }" &&
	grep -q "^From: =?UTF-8?q?J=C3=A9r=C3=B4me_M=C3=BCller?= <author@example.org>$" $f &&
	git clone -q repo copy && git -C copy reset -q --hard v5.10.223 &&
	git -C copy am -q "$PWD"/$f &&
	test "$(git -C copy log -1 --format=%an)" = "Jérôme Müller" &&
	test "$(git -C copy log -1 --format=%s)" = "$subj" &&
	test "$(git -C copy rev-parse HEAD^{tree})" = "$(git -C repo rev-parse HEAD^{tree})"
'

test_expect_success '--since DIR: range-diff shows unchanged, changed, added and removed' '
	mail_setup && std_port &&
	cp -r ports/v5.10 v1 &&
	git -C repo reset -q --hard v5.10.223 &&
	add_commit repo arch/arm64/kvm/arm.c "int sekvm_arm;" "KVM: arm64: add the SeKVM hook" &&
	add_commit repo virt/kvm/kvm_main.c "int sekvm_main_v2;" "KVM: call the corevisor on VM creation" &&
	add_commit repo Makefile "# sekvm" "build: a new patch in v2" &&
	make_port ports repo &&
	mail 5.10 -v 2 --since v1 --output out >/dev/null &&
	c=out/v2-0000-cover-letter.patch && cat $c &&
	grep -q "^Range-diff against v1:$" $c &&
	grep -E -q "^1: +[0-9a-f]{7} = 1: +[0-9a-f]{7} KVM: arm64: add the SeKVM hook$" $c &&
	grep -E -q "^2: +[0-9a-f]{7} ! 2: +[0-9a-f]{7} KVM: call the corevisor on VM creation$" $c &&
	grep -q "^    -+int sekvm_main;$" $c &&
	grep -q "^    ++int sekvm_main_v2;$" $c &&
	grep -E -q "^-: +------- > 3: +[0-9a-f]{7} build: a new patch in v2$" $c &&
	grep -E -q "^3: +[0-9a-f]{7} < -: +------- KVM: declare the corevisor interface$" $c
'

test_expect_success '--since REV: the old series from the tree, base..REV' '
	mail_setup && std_port &&
	git -C repo tag sekvm-v1 &&
	git -C repo reset -q --hard HEAD~1 &&
	git -C repo commit -q --amend -m "KVM: call the corevisor on VM creation" -m "Reworded." &&
	make_port ports repo &&
	mail 5.10 -v 2 --tree repo --since sekvm-v1 --output out >/dev/null &&
	c=out/v2-0000-cover-letter.patch &&
	grep -E -q "^1: +[0-9a-f]{7} = 1: " $c &&
	grep -E -q "^2: +[0-9a-f]{7} ! 2: " $c &&
	grep -q "^    +Reworded.$" $c &&
	grep -E -q "^3: +[0-9a-f]{7} < -: " $c &&
	sed -n "/^Interdiff against v1:$/,/^base-commit/p" $c >idiff &&
	grep -q "^    diff --git a/include/linux/kvm_host.h b/include/linux/kvm_host.h$" idiff &&
	grep -q "^    -int sekvm_host;$" idiff &&
	! grep -q "kvm_main.c" idiff &&
	test_expect_code 1 mail 5.10 --tree repo --since no-such-ref --output o2 2>err &&
	grep -q "no-such-ref" err
'

test_done
