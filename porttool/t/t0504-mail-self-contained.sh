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

test_expect_success 'a series with the corevisor marker needs a git tree, or --no-corevisor' '
	mail_setup && mkdir notgit &&
	test_expect_code 1 porttool mail 5.10 --tree notgit --dry-run 2>err &&
	grep "installs the corevisor, which the mail must carry" err &&
	grep -- "--no-corevisor" err &&
	porttool mail 5.10 --tree notgit --no-corevisor --dry-run >out 2>err &&
	! grep -q "^Subject: .*sekvm: install corevisor" out
'

test_done
