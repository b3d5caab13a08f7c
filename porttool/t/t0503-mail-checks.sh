#!/bin/bash
# porttool mail: the checks before a series goes out: the tree's
# checkpatch.pl (errors stop the send unless --force) and --build-each
# (stop at the first patch that does not build).
. "$(dirname "$0")/lib.sh"
. "$T_DIR/mail-lib.sh"

send() { mail 5.10 --smtp-server 127.0.0.1 --smtp-port "$SMTP_PORT" "$@"; }

test_ktree 'checkpatch errors stop the send, naming the patch; --force sends' '
	mail_setup && std_port &&
	add_commit repo virt/kvm/kvm_main.c "int trailing;   " "KVM: a patch with trailing whitespace" &&
	make_port ports repo &&
	start_smtpd srv &&
	test_expect_code 1 send --tree "$KTREE" 2>err && cat err &&
	grep -q "checkpatch: ports/v5.10/0004-KVM-a-patch-with-trailing-whitespace.patch has errors" err &&
	grep -q "ERROR: trailing whitespace" err &&
	! grep -q "0001-KVM-arm64-add-the-SeKVM-hook.patch has errors" err &&
	grep -q "give --force" err &&
	test $(received srv) = 0 &&
	send --tree "$KTREE" --force 2>err2 &&
	grep -q "checkpatch errors ignored" err2 &&
	test $(received srv) = 5
'

test_ktree 'a clean series passes checkpatch; a tree without it skips the check' '
	mail_setup && std_port &&
	mail 5.10 --tree "$KTREE" --output out 2>err && test $(ls out | wc -l) = 4 &&
	add_commit repo virt/kvm/kvm_main.c "int trailing;   " "KVM: trailing" &&
	make_port ports repo &&
	mail 5.10 --tree repo --output out2 >/dev/null &&
	test $(ls out2 | wc -l) = 5
'

test_expect_success '--build-each stops at the first patch that does not build' '
	mail_setup && make_repo repo &&
	add_commit repo arch/arm64/kvm/arm.c "int one;" "KVM: arm64: one" &&
	add_commit repo broken "oops" "KVM: arm64: break the build" &&
	git -C repo rm -q broken && git -C repo commit -q -s -m "KVM: arm64: fix the build" &&
	make_port ports repo &&
	start_smtpd srv &&
	test_expect_code 1 send --tree repo --build-each --build-cmd "sh -c '"'"'! test -e broken'"'"'" 2>err &&
	cat err &&
	grep -q "patch 2/3 '"'"'KVM: arm64: break the build'"'"' (.*0002-KVM-arm64-break-the-build.patch) does not build" err &&
	! grep -q "build-each: 3/3" err &&
	test $(received srv) = 0
'

test_expect_success '--build-each: a bisectable series goes out; the base is not touched' '
	mail_setup && std_port && start_smtpd srv &&
	before=$(git -C repo rev-parse HEAD) &&
	send --tree repo --build-each --build-cmd "test -f include/linux/kvm_host.h && ! grep -q sekvm_host virt/kvm/kvm_main.c" 2>err &&
	grep -q "build-each: 3/3" err && grep -q "every patch builds" err &&
	test $(received srv) = 4 &&
	test "$(git -C repo rev-parse HEAD)" = "$before" &&
	test -z "$(git -C repo status --porcelain)"
'

test_expect_success '--build-each: a patch that does not apply is named; a tree that is not git is refused' '
	mail_setup && std_port &&
	git -C repo checkout -q v5.10.223 &&
	printf "int other;\n" >repo/include/linux/kvm_host.h &&
	git -C repo commit -q -a -m other && git -C repo tag -f v5.10.223 >/dev/null &&
	test_expect_code 1 mail 5.10 --tree repo --build-each --build-cmd true --dry-run 2>err &&
	cat err && grep -q "0003-KVM-declare-the-corevisor-interface.patch does not apply" err &&
	mkdir plain &&
	test_expect_code 1 mail 5.10 --tree plain --build-each --build-cmd true --dry-run 2>err2 &&
	grep -q "needs --tree to be a git repository" err2
'

test_done
