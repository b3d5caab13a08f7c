#!/bin/bash
# porttool mail: sending over SMTP (libcurl) to a real server on 127.0.0.1
# (t/smtpd.py, aiosmtpd): what arrives, config, failures, resume, STARTTLS.
. "$(dirname "$0")/lib.sh"
. "$T_DIR/mail-lib.sh"

send() { mail 5.10 --smtp-server 127.0.0.1 --smtp-port "$SMTP_PORT" "$@"; }
ids_of() { for f in "$1"/*.eml; do header Message-ID "$f"; done; }

test_expect_success 'the series arrives: cover first, every recipient, threaded, dated' '
	mail_setup && std_port && start_smtpd srv &&
	send --to "Reviewer <rev@example.org>" 2>err &&
	test $(received srv) = 4 &&
	for f in srv/*.env; do
		grep -qx "MAIL FROM: sender@example.org" $f &&
		grep -qx "RCPT TO: rev@example.org" $f &&
		grep -qx "RCPT TO: v5.10@sekvm.example.org" $f &&
		grep -qx "RCPT TO: sekvm-devel@sekvm.example.org" $f || exit 1
	done &&
	test "$(header Subject srv/0001.eml)" = "[PATCH 0/3] SeKVM hostvisor for Linux 5.10.223" &&
	test "$(header Subject srv/0004.eml)" = "[PATCH 3/3] KVM: declare the corevisor interface" &&
	cover=$(header Message-ID srv/0001.eml) &&
	for f in srv/000[2-4].eml; do
		test "$(header In-Reply-To $f)" = "$cover" || exit 1
	done &&
	! grep -q "^From [0-9a-f]* Mon Sep 17" srv/0002.eml &&
	for f in srv/*.eml; do header Date $f; done >dates &&
	test $(sort -u dates | wc -l) = 4 &&
	grep -q "sent 4 messages" err &&
	test -z "$(ls cache/porttool/mail 2>/dev/null)"
'

test_expect_success 'git am of the received messages rebuilds the commits (dots, UTF-8)' '
	mail_setup && std_port &&
	(cd repo && printf ".dot\n" >>Makefile && git add . &&
	 GIT_AUTHOR_NAME="Zoë Ångström" git commit -q -s -m "build: ünïcode" \
		-m ".a line that starts with a dot" -m "." -m "From the start of a line") &&
	make_port ports repo && start_smtpd srv &&
	send 2>err &&
	test $(received srv) = 5 &&
	git clone -q repo copy && git -C copy reset -q --hard v5.10.223 &&
	git -C copy am -q "$PWD"/srv/000[2-5].eml &&
	test "$(git -C copy rev-parse HEAD^{tree})" = "$(git -C repo rev-parse HEAD^{tree})" &&
	git -C repo log --format="%an <%ae>%n%B" v5.10.223.. >want &&
	git -C copy log --format="%an <%ae>%n%B" v5.10.223.. >got &&
	test_cmp want got
'

test_expect_success 'dry-run prints every message and sends nothing' '
	mail_setup && std_port && start_smtpd srv &&
	send --dry-run >out &&
	test $(grep -c "^---- dry run: message" out) = 4 &&
	grep -q "^Subject: \[PATCH 2/3\] KVM: call the corevisor on VM creation$" out &&
	grep -q "^Recipients: v5.10@sekvm.example.org sekvm-devel@sekvm.example.org author@example.org$" out &&
	sleep 0.5 && test $(received srv) = 0
'

test_expect_success 'git send-email config: sendemail.* from the global git config; flags override' '
	mail_setup && std_port && start_smtpd srv &&
	git config --global sendemail.smtpServer 127.0.0.1 &&
	git config --global sendemail.smtpServerPort $SMTP_PORT &&
	git config --global sendemail.from "Config Sender <config@example.org>" &&
	git config --global --add sendemail.to "To One <to1@example.org>" &&
	git config --global --add sendemail.to "to2@example.org" &&
	git config --global --add sendemail.cc "Cc One <cc1@example.org>" &&
	porttool mail --ports ports 5.10 2>err &&
	test $(received srv) = 4 &&
	test "$(header To srv/0002.eml)" = "To One <to1@example.org>, to2@example.org, \"SeKVM 5.10 Port Maintainers\" <v5.10@sekvm.example.org>" &&
	header Cc srv/0002.eml | grep -q "^Cc One <cc1@example.org>, " &&
	grep -qx "RCPT TO: to2@example.org" srv/0003.env &&
	grep -qx "MAIL FROM: config@example.org" srv/0001.env &&
	test "$(header From srv/0001.eml)" = "Config Sender <config@example.org>" &&
	git config --global sendemail.smtpServerPort 1 &&
	porttool mail --ports ports 5.10 -v 2 --smtp-port $SMTP_PORT --from "Flag <flag@example.org>" 2>err &&
	test $(received srv) = 8 &&
	grep -qx "MAIL FROM: flag@example.org" srv/0005.env &&
	git config --global --add sendemail.cc "nobody at all" &&
	test_expect_code 1 porttool mail --ports ports 5.10 --dry-run 2>err3 &&
	grep -q "sendemail.cc '"'"'nobody at all'"'"' is not a mail address" err3
'

test_expect_success 'the repo config of --tree counts too; user.name/user.email as sender' '
	mail_setup && std_port && start_smtpd srv &&
	git -C repo config sendemail.smtpServer 127.0.0.1 &&
	git -C repo config sendemail.smtpServerPort $SMTP_PORT &&
	git -C repo config user.name "Repo User" &&
	git -C repo config user.email "repo@example.org" &&
	porttool mail --ports ports 5.10 --tree repo 2>err &&
	test $(received srv) = 4 &&
	grep -qx "MAIL FROM: repo@example.org" srv/0001.env
'

test_expect_success 'a refused connection: a clear error, exit 1, nothing sent' '
	mail_setup && std_port && start_smtpd srv --refuse-connections &&
	test_expect_code 1 send 2>err && cat err &&
	grep -q "cannot connect to the SMTP server smtp://127.0.0.1:$SMTP_PORT" err &&
	grep -q "nothing was sent" err
'

test_expect_success 'a refused recipient: the error names it, exit 1' '
	mail_setup && std_port && start_smtpd srv --refuse-rcpt bad@example.org &&
	test_expect_code 1 send --cc "Bad <bad@example.org>" 2>err && cat err &&
	grep -q "RCPT TO:<bad@example.org>" err && grep -q "550" err &&
	test $(received srv) = 0
'

test_expect_success 'AUTH: bad credentials fail clearly; good ones (flag or config) work' '
	mail_setup && std_port && start_smtpd srv --auth alice:s3cret &&
	test_expect_code 1 send --smtp-user alice --smtp-pass N0tTh1s 2>err && cat err &&
	grep -q "refused the login of user '"'"'alice'"'"'" err &&
	! grep -q N0tTh1s err &&
	! grep -q "$(printf "\0alice\0N0tTh1s" | base64)" err &&
	! grep -q "$(printf "N0tTh1s" | base64)" err &&
	test $(received srv) = 0 &&
	test_expect_code 1 send 2>err2 && grep -q "refused" err2 &&
	test_expect_code 1 send --smtp-user alice 2>err3 && grep -q "no password" err3 &&
	git config --global sendemail.smtpUser alice &&
	git config --global sendemail.smtpPass s3cret &&
	send 2>err4 &&
	test $(received srv) = 4
'

test_expect_success 'a failure mid-series: says what went; --resume sends the rest exactly once' '
	mail_setup && std_port && start_smtpd srv --fail-after 2 &&
	test_expect_code 1 send 2>err && cat err &&
	test $(received srv) = 2 &&
	grep -q "451" err &&
	grep -q "^porttool: sent: 0/3 1/3$" err &&
	grep -q "^porttool: not sent: 2/3 3/3$" err &&
	test_expect_code 1 send 2>err2 && grep -q "partly sent" err2 &&
	test $(received srv) = 2 &&
	stop_smtpd $SMTPD_PID && start_smtpd srv &&
	send --resume 2>err3 && cat err3 &&
	test $(received srv) = 4 &&
	grep -q "already sent: \[PATCH 1/3\]" err3 &&
	ids_of srv | sort >got && ids_of srv | sort -u >uniq && test_cmp uniq got &&
	mail 5.10 --output out >/dev/null &&
	for f in out/*; do header Message-ID $f; done | sort >want &&
	test_cmp want got &&
	test_expect_code 1 send --resume 2>err4 && grep -q "no partly sent series" err4
'

test_expect_success 'no sender or no server: clear errors, exit 1' '
	mail_setup && std_port &&
	test_expect_code 1 porttool mail --ports ports 5.10 --smtp-server 127.0.0.1 2>err &&
	grep -q "no sender" err &&
	test_expect_code 1 mail 5.10 2>err2 && grep -q "no SMTP server" err2 &&
	test_expect_code 1 mail 5.10 --smtp-server 127.0.0.1 --smtp-encryption rot13 2>err3 &&
	grep -q "rot13" err3 &&
	git config --global sendemail.smtpServerPort 25x &&
	test_expect_code 1 mail 5.10 --smtp-server 127.0.0.1 2>err4 &&
	grep -q "sendemail.smtpServerPort '"'"'25x'"'"' is not a port number" err4 &&
	test_expect_code 2 mail 5.10 --smtp-port 25x 2>err5 &&
	: >empty-maintainers &&
	test_expect_code 1 mail 5.10 --maintainers empty-maintainers --no-trailer-cc --smtp-server 127.0.0.1 2>err6 &&
	grep -q "nobody to send to" err6 &&
	test_expect_code 1 mail 5.10 --maintainers no-such-file --dry-run 2>err7 &&
	grep -q "no-such-file" err7
'

test_expect_success 'STARTTLS with a self-signed certificate (--smtp-ssl-cert-path)' '
	mail_setup && std_port &&
	openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
		-addext subjectAltName=IP:127.0.0.1 -keyout key.pem -out cert.pem 2>/dev/null &&
	start_smtpd srv --starttls cert.pem key.pem --auth alice:s3cret &&
	test_expect_code 1 send --smtp-encryption tls --smtp-user alice --smtp-pass s3cret 2>err &&
	grep -q "TLS with the SMTP server" err &&
	test_expect_code 1 send --smtp-user alice --smtp-pass s3cret 2>err2 && cat err2 &&
	test $(received srv) = 0 &&
	send --smtp-encryption tls --smtp-ssl-cert-path cert.pem \
		--smtp-user alice --smtp-pass s3cret 2>err3 &&
	test $(received srv) = 4
'

test_expect_success 'SMTPS (sendemail.smtpEncryption ssl) with the CA from config' '
	mail_setup && std_port &&
	openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
		-addext subjectAltName=IP:127.0.0.1 -keyout key.pem -out cert.pem 2>/dev/null &&
	start_smtpd srv --smtps cert.pem key.pem &&
	test_expect_code 1 send --smtp-encryption ssl 2>err && cat err &&
	grep -q "TLS with the SMTP server smtps://127.0.0.1:$SMTP_PORT failed" err &&
	test $(received srv) = 0 &&
	git config --global sendemail.smtpEncryption ssl &&
	git config --global sendemail.smtpSslCertPath "$PWD/cert.pem" &&
	send 2>err2 &&
	test $(received srv) = 4
'

test_done
