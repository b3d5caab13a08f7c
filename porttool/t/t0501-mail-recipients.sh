#!/bin/bash
# porttool mail: who a series goes to.  The project's MAINTAINERS for the
# port, the kernel tree's for the files the patches touch (checked against
# the tree's own scripts/get_maintainer.pl), --to/--cc, no duplicates.
. "$(dirname "$0")/lib.sh"
. "$T_DIR/mail-lib.sh"

# The To and Cc of the cover letter that --dry-run prints, one a line.
dry_to() { awk '/^---- dry run: message 0 /{f=1;n=0;next} /^---- dry run/{f=0} f && ++n>3' "$1" >"$1.hdr"; header To "$1.hdr" | tr ',' '\n' | sed 's/^[ \t]*//'; }
dry_cc() { header Cc "$1.hdr" | tr ',' '\n' | sed 's/^[ \t]*//'; }
addr_of() { sed 's/.*<\(.*\)>.*/\1/' | tr A-Z a-z; }

test_expect_success 'the project MAINTAINERS: the port to To, its list to Cc, a board config too' '
	mail_setup && std_port &&
	mail 5.10 --dry-run >out &&
	dry_to out >to && dry_cc out >cc &&
	grep -qx "\"SeKVM 5.10 Port Maintainers\" <v5.10@sekvm.example.org>" to &&
	grep -qx "sekvm-devel@sekvm.example.org" cc &&
	! grep -q "v5.4@" to &&
	mkdir ports/v5.10/configs && printf "CONFIG_KVM=y\n" >ports/v5.10/configs/qemu.config &&
	mail 5.10 --dry-run >out2 && dry_to out2 >to2 &&
	grep -q "<boards@sekvm.example.org>" to2 &&
	grep -q "^Recipients: v5.10@sekvm.example.org boards@sekvm.example.org sekvm-devel@sekvm.example.org author@example.org$" out2
'

test_ktree 'by default only the project MAINTAINERS; the kernel tree'"'"'s are opt-in (--upstream)' '
	mail_setup && std_port &&
	mail 5.10 --tree "$KTREE" --dry-run >out 2>err &&
	{ dry_to out; dry_cc out; } | addr_of >all &&
	grep -q "@sekvm.example.org$" all &&
	! grep -v "@sekvm.example.org$" all | grep -v "@example.org$" &&
	! grep -q "stable release" err
'

test_ktree 'the kernel tree MAINTAINERS with --upstream: M: to To, R: and L: to Cc; never THE REST; a warning on a stable base' '
	mail_setup && std_port &&
	mail 5.10 --tree "$KTREE" --upstream --dry-run >out 2>err &&
	grep -q "warning: --upstream: the port.s base 5.10.223 is a stable release, not mainline" err &&
	dry_to out >to && dry_cc out >cc &&
	grep -qx "Marc Zyngier <maz@kernel.org>" to &&
	grep -qx "Paolo Bonzini <pbonzini@redhat.com>" to &&
	grep -qx "James Morse <james.morse@arm.com>" cc &&
	grep -qx "linux-arm-kernel@lists.infradead.org" cc &&
	grep -qx "kvmarm@lists.cs.columbia.edu" cc &&
	grep -qx "kvm@vger.kernel.org" cc &&
	! grep -q "linux-kernel@vger.kernel.org" cc &&
	! grep -q torvalds to &&
	grep -q "<v5.10@sekvm.example.org>" to
'

test_ktree 'the same people as the tree'"'"'s get_maintainer.pl finds' '
	mail_setup && make_repo repo &&
	mkdir -p repo/drivers/net/ethernet/intel/e1000 repo/arch/arm64/kvm/hyp/nvhe repo/Documentation/virt/kvm &&
	add_commit repo drivers/net/ethernet/intel/e1000/e1000_main.c "int e;" "e1000: touch" &&
	add_commit repo arch/arm64/kvm/hyp/nvhe/switch.c "int s;" "KVM: arm64: nvhe" &&
	add_commit repo Documentation/virt/kvm/api.rst "text" "KVM: doc" &&
	add_commit repo arch/arm64/kvm/arm.c "int a2;" "KVM: arm64: arm" &&
	make_port ports repo &&
	mail 5.10 --tree "$KTREE" --upstream --no-trailer-cc --dry-run >out &&
	{ dry_to out; dry_cc out; } | addr_of | grep -v "@sekvm.example.org" | sort -u >ours &&
	(cd "$KTREE" && perl scripts/get_maintainer.pl --nogit --nogit-fallback \
		--norolestats --nokeywords "$OLDPWD"/ports/v5.10/*.patch) 2>/dev/null |
		addr_of | grep -v -x -e torvalds@linux-foundation.org \
			-e linux-kernel@vger.kernel.org | sort -u >theirs &&
	test -s theirs && cat theirs &&
	test_cmp theirs ours
'

test_expect_success 'F:, X:, N: patterns: directories, globs, depth, exclusions' '
	mail_setup && make_repo repo &&
	add_commit repo arch/arm64/kvm/hyp/switch.c "int s;" "KVM: arm64: hyp only" &&
	make_port ports repo &&
	mkdir -p mt/arch/arm64/kvm &&
	cat >mt/MAINTAINERS <<-\EOM &&
	DIR WITHOUT SLASH, HYP EXCLUDED
	M:	Foo <foo@x.org>
	F:	arch/arm64/kvm
	X:	arch/arm64/kvm/hyp/

	GLOB
	M:	Glob <glob@x.org>
	F:	virt/kvm/*.c

	QUESTION MARK
	R:	Q <q@x.org>
	F:	include/linux/kvm_hos?.h

	REGEX
	L:	nlist@x.org
	N:	kvm_ma.n

	TOO SHALLOW
	M:	Deep <deep@x.org>
	M:	Nobody Without An Address
	F:	virt/*.c

	HYP
	M:	Hyp <hyp@x.org>
	F:	arch/*/kvm/hyp/
	EOM
	mail 5.10 --tree mt --upstream --no-trailer-cc --dry-run >out 2>err &&
	grep -q "mt/MAINTAINERS:20: '"'"'Nobody Without An Address'"'"' is not a mail address; ignored" err &&
	dry_to out | addr_of >to &&
	grep -qx hyp@x.org to && ! grep -q foo@x.org to &&
	add_commit repo arch/arm64/kvm/arm.c "int a;" "KVM: arm64: arm" &&
	add_commit repo virt/kvm/kvm_main.c "int m;" "KVM: main" &&
	add_commit repo include/linux/kvm_host.h "int h;" "KVM: host" &&
	make_port ports repo &&
	mail 5.10 --tree mt --upstream --no-trailer-cc --dry-run >out2 &&
	{ dry_to out2; dry_cc out2; } | addr_of | grep -v sekvm | sort >all &&
	printf "%s\n" foo@x.org glob@x.org hyp@x.org nlist@x.org q@x.org >expect &&
	test_cmp expect all
'

test_ktree '--to/--cc add; duplicates go (any case), the first name stays; --no-tree-maintainers' '
	mail_setup && std_port &&
	mail 5.10 --tree "$KTREE" --upstream --to "Marc Z <MAZ@kernel.org>" --cc "maz@kernel.org" \
		--cc "Extra <extra@example.org>" --cc "v5.10@SEKVM.example.org" --dry-run >out &&
	dry_to out >to && dry_cc out >cc &&
	test "$(head -1 to)" = "Marc Z <MAZ@kernel.org>" &&
	test $(cat to cc | addr_of | grep -c "^maz@kernel.org$") = 1 &&
	test $(cat to cc | addr_of | grep -c "^v5.10@sekvm.example.org$") = 1 &&
	grep -qx "Extra <extra@example.org>" cc &&
	test $(cat to cc | addr_of | sort | uniq -d | wc -l) = 0 &&
	mail 5.10 --tree "$KTREE" --upstream --no-tree-maintainers --dry-run >out2 &&
	dry_to out2 >to2 && ! grep -q kernel.org to2 && grep -q v5.10@ to2 &&
	test_expect_code 1 mail 5.10 --to "not an address" --dry-run 2>err &&
	grep -q "not an address" err
'

test_expect_success 'authors and trailer people are Cc'"'"'d, as git send-email does; --no-trailer-cc' '
	mail_setup && std_port &&
	(cd repo && printf "int t;\n" >>Makefile && git add . &&
	 GIT_AUTHOR_NAME="Other Author" GIT_AUTHOR_EMAIL="other@example.org" \
		git commit -q -m "build: with trailers" -m "Body." \
		-m "Reported-by: Rep Orter <rep@example.org>
Cc: Carbon Copy <cc@example.org>
Reviewed-by: Rev Iewer <rev@example.org>
Link: https://example.org/not-a-person
Signed-off-by: Other Author <other@example.org>") &&
	make_port ports repo &&
	mail 5.10 --dry-run >out && dry_to out >to && dry_cc out | addr_of >cc &&
	for a in author@example.org other@example.org rep@example.org cc@example.org rev@example.org; do
		test $(grep -c "^$a$" cc) = 1 || exit 1
	done &&
	! grep -q "not-a-person" cc &&
	mail 5.10 --to "Rev <REV@example.org>" --dry-run >out2 && dry_to out2 >to2 && dry_cc out2 | addr_of >cc2 &&
	grep -q "REV@example.org" to2 && ! grep -q "^rev@example.org$" cc2 &&
	mail 5.10 --no-trailer-cc --dry-run >out3 && dry_to out3 >to3 && dry_cc out3 | addr_of >cc3 &&
	! grep -q "@example.org$" cc3
'

test_expect_success 'names that need it are quoted or RFC 2047-encoded' '
	mail_setup && std_port &&
	mail 5.10 --no-tree-maintainers --to "James E.J. Bottomley <jejb@example.org>" \
		--to "Jérôme Glisse <jglisse@example.org>" --dry-run >out &&
	dry_to out >to &&
	grep -qx "\"James E.J. Bottomley\" <jejb@example.org>" to &&
	grep -qx "=?UTF-8?q?J=C3=A9r=C3=B4me_Glisse?= <jglisse@example.org>" to
'

test_ktree 'the default tree from the porttool cache is used when present' '
	mail_setup && std_port &&
	mail 5.10 --dry-run >out && ! grep -q maz@kernel.org out &&
	mkdir -p "$XDG_CACHE_HOME/porttool/trees" &&
	ln -s "$KTREE" "$XDG_CACHE_HOME/porttool/trees/v5.10" &&
	mail 5.10 --dry-run --force --upstream >out2 && grep -q "maz@kernel.org" out2
'

test_done
