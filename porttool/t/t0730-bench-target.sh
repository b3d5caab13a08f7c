#!/bin/bash
# porttool bench --target ssh://user@host[:port]: the URL, the options it
# goes with, and the failures that need no board: nothing listening, a
# name that does not resolve, a machine that is not arm64 (a stand-in ssh
# that runs the commands here).  t0970 runs the suite on a real board (a
# QEMU host with dropbear) and its login failures.
. "$(dirname "$0")/lib.sh"

# bad_target URL WORDS: the URL is refused before anything runs, exit 1,
# the error names it and says WORDS.
bad_target() {
	test_expect_code 1 porttool bench 5.10 --suite micro --target "$1" \
		--db "$TRASH/none.db" >out 2>err &&
	grep -F "error: --target '$1'" err &&
	grep -F "$2" err &&
	test ! -e "$TRASH/none.db"
}

test_expect_success 'bench --target: URLs that are not ssh://user@host[:port]' '
	bad_target "root@board" "is not an ssh:// URL" &&
	bad_target "http://root@board" "is not an ssh:// URL" &&
	bad_target "ssh://board" "names no user" &&
	bad_target "ssh://@board" "the user before the '\''@'\'' is empty" &&
	bad_target "ssh://root:secret@board" "the user '\''root:secret'\'' has a '\'':'\''" &&
	bad_target "ssh://root@" "no host after the '\''@'\''" &&
	bad_target "ssh://root@:22" "no host after the '\''@'\''" &&
	bad_target "ssh://root@bo ard" "the host '\''bo ard'\'' has a '\'' '\''" &&
	bad_target "ssh://root@board:0" "the port '\''0'\'' is not a number from 1 to 65535" &&
	bad_target "ssh://root@board:65536" "the port '\''65536'\''" &&
	bad_target "ssh://root@board:22x" "the port '\''22x'\''" &&
	bad_target "ssh://root@board:" "the port '\'''\''" &&
	bad_target "ssh://root@board/path" "'\''/path'\'' after the host is not '\'':PORT'\''" &&
	bad_target "ssh://root@board:22/path" "the port '\''22/path'\''" &&
	bad_target "ssh://root@[::1" "has no '\'']'\''" &&
	bad_target "ssh://root@[::1]x" "'\''x'\'' after the host is not '\'':PORT'\''"
'

test_expect_success 'bench --target: the options it does not go with' '
	for extra in "--from-logs ." "--kvm-out ." "--json x.json"; do
		test_expect_code 2 porttool bench 5.10 --target ssh://root@board $extra \
			>out 2>err &&
		grep -q "^porttool: error: --target runs the suites on one board" err ||
			{ echo "$extra: $(cat err)"; exit 1; }
	done &&
	test_expect_code 2 porttool bench --matrix --target ssh://root@board >out 2>err &&
	grep -q "^porttool: error: --target runs the suites on one board" err &&
	for extra in "--icount" "--halt-poll-ns 0"; do
		test_expect_code 2 porttool bench 5.10 --suite apps --target ssh://root@board \
			$extra >out 2>err &&
		grep -q "^porttool: error: --icount and --halt-poll-ns are the QEMU host.s" err ||
			{ echo "$extra: $(cat err)"; exit 1; }
	done &&
	test_expect_code 2 porttool bench 5.10 --ssh-config cfg >out 2>err &&
	grep -q "ssh-config goes with --target" err
'

# A board over ssh runs one kernel at a time, so porttool report takes each
# column of an ssh:// board from that hypervisor's latest run; a QEMU
# board's from its latest run.  The rows: t0710's real micro logs through
# --from-logs (board qemu), copied as three runs of one ssh board: an old
# SeKVM run (values x100, which must not show), a SeKVM run and a newer
# KVM run.
test_expect_success 'report: an ssh board'\''s columns are each kernel'\''s latest run' '
	mkdir logs &&
	cp "$T_DIR/bench-logs/micro-sekvm-stats-1.log" logs/micro-sekvm-1.log &&
	cp "$T_DIR/bench-logs/micro-kvm-stats-1.log" logs/micro-kvm-1.log &&
	XDG_CACHE_HOME="$PWD/cache" porttool bench 5.10 --suite micro --from-logs logs --db r.db >/dev/null &&
	python3 -c "
import sqlite3
c = sqlite3.connect(\"r.db\")
cols = [r[1] for r in c.execute(\"pragma table_info(measurements)\") if r[1] != \"id\"]
rows = c.execute(\"select %s from measurements\" % \",\".join(cols)).fetchall()
for run, hv, scale in ((\"2026-01-01T00:00:00.000Z-0000001\", \"sekvm\", 100),
                       (\"2026-01-02T00:00:00.000Z-0000002\", \"sekvm\", 1),
                       (\"2026-01-03T00:00:00.000Z-0000003\", \"kvm\", 1)):
    for r in rows:
        d = dict(zip(cols, r))
        if d[\"hypervisor\"] != hv:
            continue
        d.update(run=run, board=\"ssh://root@b:22\", source=\"ssh\", value=d[\"value\"] * scale)
        c.execute(\"insert into measurements (%s) values (%s)\" % (\",\".join(cols), \",\".join(\"?\" * len(cols))), [d[k] for k in cols])
c.commit()
" &&
	porttool report --db r.db >out &&
	cat out &&
	q=$(grep "^5.10 *qemu *hvc " out | sed "s/.*iters=[0-9]* *//") &&
	s=$(grep "^5.10 *ssh://root@b:22 *hvc " out | sed "s/.*iters=[0-9]* *//") &&
	test -n "$q" && test "$q" = "$s" &&
	! grep "ssh://root@b:22" out | grep -q "no value"
'

if ! command -v ssh >/dev/null; then
	test_skip "bench --target: nothing listening" "no ssh client (Debian: openssh-client)"
	test_done
	exit
fi

test_expect_success 'bench --target: nothing listening on the port is "connection refused", exit 1' '
	port=$(python3 -c "import socket; s = socket.socket(); s.bind((\"127.0.0.1\", 0)); print(s.getsockname()[1])") &&
	test_expect_code 1 porttool bench 5.10 --suite micro --target "ssh://root@127.0.0.1:$port" \
		--db "$TRASH/refused.db" --dir run >out 2>err &&
	cat err &&
	grep "error: ssh://root@127.0.0.1:$port: connection refused" err &&
	grep -q "ssh: connect to host 127.0.0.1 port $port: Connection refused" err &&
	! grep -q "^micro benchmark" out
'

test_expect_success 'bench --target: a host name that does not resolve says so' '
	test_expect_code 1 porttool bench 5.10 --suite micro \
		--target ssh://root@no-such-board.invalid --dir run >out 2>err &&
	cat err &&
	grep "error: ssh://root@no-such-board.invalid: no such host" err
'

# A stand-in ssh that runs the command here, as a board's shell would:
# this x86 machine answers the probe, and is not an arm64 board.
test_expect_success 'bench --target: a board that is not aarch64 is refused, its directory removed' '
	test "$(uname -m)" != aarch64 || { echo "this machine is arm64"; exit 0; } &&
	mkdir bin &&
	printf "%s\n" "#!/bin/sh" "for a; do cmd=\$a; done" "echo \"\$cmd\" >>\"$PWD/commands\"" \
		"exec sh -c \"\$cmd\"" >bin/ssh &&
	chmod +x bin/ssh &&
	PATH="$PWD/bin:$PATH" test_expect_code 1 porttool bench 5.10 --suite micro \
		--target ssh://me@here:2222 --db "$TRASH/x86.db" --dir run >out 2>err &&
	cat err &&
	grep "error: ssh://me@here:2222: the board is '\''$(uname -m)'\'', not aarch64" err &&
	dir=$(sed -n "s/^D=\([^;]*\); set -e.*/\1/p" commands) &&
	test -n "$dir" && grep -q "^D=$dir; B=.*; rm -rf \"\$D\"$" commands && test ! -e "$dir" &&
	test ! -e "$TRASH/x86.db"
'

test_done
