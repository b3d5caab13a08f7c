#!/bin/bash
# porttool mail of the real 5.10 port: the series is self-contained.  The
# messages a real SMTP server on 127.0.0.1 receives, applied with git am
# onto the base, give the port branch's tree (the corevisor install commit
# is mailed at the series' marker).  Without a git tree, or with
# --no-corevisor, the command says what the mail lacks.
. "$(dirname "$0")/lib.sh"
. "$T_DIR/port-lib.sh"
. "$T_DIR/mail-lib.sh"

SERIES="$PROJECT_DIR/ports/v5.10/series"

test_expect_success 'the received messages, git am-ed onto the base, are the port branch' '
	K=$(real_clone) && mail_setup && start_smtpd srv --timeout 1200 &&
	porttool mail 5.10 --tree "$K" --force --no-trailer-cc --from "Tester <sender@example.org>" \
		--smtp-server 127.0.0.1 --smtp-port "$SMTP_PORT" \
		--to "Reviewer <rev@example.org>" 2>err || { cat err; false; } &&
	n=$(series_patches "$SERIES" | wc -l) &&
	test $(received srv) = $((n + 2)) &&
	test "$(header Subject srv/0002.eml)" = "[PATCH 01/$((n + 1))] sekvm: install corevisor" &&
	git clone -q --shared "$K" am && git -C am checkout -q -b from-mail v5.10.223 &&
	for f in srv/*.eml; do
		case $f in srv/0001.eml) continue ;; esac
		git -C am am -q "$PWD/$f" || exit 1
	done &&
	porttool apply 5.10 --tree am --branch from-apply &&
	test "$(git -C am rev-parse from-mail^{tree})" = "$(git -C am rev-parse from-apply^{tree})" &&
	test "$(git -C am rev-list --count v5.10.223..from-mail)" = $((n + 1))
'

# std_port with the corevisor marker first and an install path: a small
# port whose mail must carry the corevisor.
corevisor_port() {
	std_port &&
	sed -i "1i #@corevisor" ports/v5.10/series &&
	printf "[corevisor]\n\tpath = arch/arm64/kvm/sekvm/corevisor\n" >>ports/v5.10/port.conf
}

test_expect_success 'the mailed corevisor commit is signed off by --from, and git am keeps it' '
	mail_setup && corevisor_port &&
	mail 5.10 --tree repo --output out >/dev/null &&
	p=$(ls out/0001-*.patch) && grep "^Subject: .*sekvm: install corevisor" $p &&
	git -C repo checkout -q -b am v5.10.223 &&
	git -C repo am -q $(ls "$PWD"/out/*.patch | grep -v cover-letter) &&
	git -C repo log --format=%B -1 am~3 >msg && cat msg &&
	test "$(head -1 msg)" = "sekvm: install corevisor" &&
	grep -v "^\$" msg | tail -n 2 >trailers &&
	head -n 1 trailers | grep -x "Corevisor-Tree: [0-9a-f]\{40\}^{tree}" &&
	tail -n 1 trailers | grep -x "Signed-off-by: Sender Person <sender@example.org>" &&
	test "$(git -C repo log -1 --format="%an <%ae>" am~3)" = "Sender Person <sender@example.org>"
'

# checkpatch.pl wants the author'"'"'s own Signed-off-by and no bare commit-like
# ids in a message: the install commit, made by a tool, is mailed as the
# sender'"'"'s, and its trailer names the tree as a revision ("<id>^{tree}").
test_ktree 'the mailed corevisor commit passes the kernel'"'"'s checkpatch.pl --strict' '
	mail_setup && corevisor_port &&
	mail 5.10 --tree repo --output out >/dev/null &&
	p=$(ls "$PWD"/out/0001-*.patch) &&
	grep "^From: Sender Person <sender@example.org>" $p &&
	# From here, not from the kernel tree: checkpatch caches CamelCase
	# names in its working directory when that is a git tree, and the
	# kernel tree is the shared default tree (t0102 wants it clean).
	perl "$KTREE/scripts/checkpatch.pl" --strict --no-tree "$p" >cp.out 2>&1;
	cat cp.out &&
	grep -q "^total: 0 errors" cp.out &&
	! grep -q "GIT_COMMIT_ID\|nominal patch author\|commit description style" cp.out
'

test_expect_success 'without --from the sign-off is git config user; with neither, an error' '
	mail_setup && corevisor_port &&
	test_expect_code 1 porttool mail --ports ports 5.10 --tree repo --output o 2>err &&
	grep "carries your Signed-off-by: give --from, or set user.name and user.email" err &&
	test ! -e o &&
	git config --global user.name "Config User" &&
	git config --global user.email "config@example.org" &&
	porttool mail --ports ports 5.10 --tree repo --output out >/dev/null &&
	grep -x "Signed-off-by: Config User <config@example.org>" out/0001-*.patch
'

test_expect_success '--no-corevisor: the cover letter names the commit, its source and its patch-id' '
	mail_setup && corevisor_port &&
	mail 5.10 --tree repo --no-corevisor --output out >/dev/null &&
	! grep -l "^Subject: .*sekvm: install corevisor" out/*.patch &&
	cover=out/0000-cover-letter.patch && cat $cover &&
	porttool --ports ports apply 5.10 --tree repo --branch applied >/dev/null 2>&1 &&
	id=$(git -C repo rev-parse applied~3) &&
	test "$(git -C repo log -1 --format=%s $id)" = "sekvm: install corevisor" &&
	tr "\n" " " <$cover >flat &&
	grep -q "Before patch 1, apply the commit \"sekvm: install corevisor\" $id" flat &&
	grep -q "$(git -C "$PROJECT_DIR" rev-parse HEAD)" flat &&
	grep -q "arch/arm64/kvm/sekvm/corevisor" flat &&
	pid=$(git -C repo show $id | git patch-id --stable | cut -d" " -f1) &&
	grep -x "base-commit: $(git -C repo rev-parse v5.10.223)" $cover &&
	grep -A1 "^base-commit:" $cover | grep -x "prerequisite-patch-id: $pid" &&
	awk "length > 76" $cover >long && test_cmp /dev/null long
'

test_expect_success 'a series with the corevisor marker needs a git tree, or --no-corevisor' '
	mail_setup && mkdir notgit &&
	test_expect_code 1 porttool mail 5.10 --tree notgit --dry-run 2>err &&
	grep "installs the corevisor, which the mail must carry" err &&
	grep -- "--no-corevisor" err &&
	porttool mail 5.10 --tree notgit --no-corevisor --dry-run >out 2>err &&
	! grep -q "^Subject: .*sekvm: install corevisor" out &&
	tr "\n" " " <out | grep "does not carry the SeKVM corevisor. Before patch 1, apply the commit \"sekvm: install corevisor\", which"
'

test_done
