# Shell test library for porttool, in the manner of git's t/test-lib.sh.
# Each t/tNNNN-*.sh sources this, declares cases with test_expect_success,
# and ends with test_done.  Every case runs in its own subshell in a fresh
# scratch directory, so cases are independent.
set -u

T_DIR=$(cd "$(dirname "$0")" && pwd)
PROJECT_DIR=$(cd "$T_DIR/../.." && pwd)
PORTTOOL=${PORTTOOL:-"$PROJECT_DIR/porttool/porttool"}
export PORTTOOL_PROJECT_DIR="$PROJECT_DIR"
TEST_NAME=$(basename "$0" .sh)
# One scratch root per checkout, so that two checkouts (a developer's and a
# CI clone) can run the suite at the same time without sharing files.
TRASH_ROOT=${TRASH_ROOT:-${TMPDIR:-/tmp}/porttool-tests-$(printf %s "$PROJECT_DIR" | cksum | cut -d' ' -f1)}
TRASH="$TRASH_ROOT/$TEST_NAME"
rm -rf "$TRASH" && mkdir -p "$TRASH"
# Whose scratch root this is: run.sh removes the roots of checkouts that
# are gone (each CI clone leaves one, gigabytes of kernel copies).
echo "$PROJECT_DIR" >"$TRASH_ROOT/.checkout"
# Results go to a file so that the runner can add them up.
RESULTS=${TEST_RESULTS:-$TRASH/results}
t_pass=0 t_fail=0 t_skip=0 t_n=0

porttool() { "$PORTTOOL" "$@"; }

# Git for the tests' own setup and checks (porttool itself never runs git).
export GIT_AUTHOR_NAME="Test Author" GIT_AUTHOR_EMAIL="author@example.org"
export GIT_COMMITTER_NAME="Test Committer" GIT_COMMITTER_EMAIL="committer@example.org"
export GIT_CONFIG_NOSYSTEM=1

# The shared real tree: Debian's linux-source-5.10, imported by
# 'porttool tree 5.10' on first use and cached under XDG_CACHE_HOME (the
# first call takes about a minute, later ones are instant).  Prints its path;
# progress and errors go to stderr.
real_tree() {
	local out
	out=$("$PORTTOOL" tree 5.10) || return 1
	printf '%s\n' "${out##*$'\n'}"
}

# Whether clang can build a libFuzzer harness (the fuzz smoke tests need it).
have_libfuzzer() {
	echo 'int LLVMFuzzerTestOneInput(const char *d, long n) { return 0; }' |
		clang -x c -fsanitize=fuzzer,address -o "$TRASH/probe" - 2>/dev/null
}

test_expect_success() {
	local name=$1 body=$2 dir
	t_n=$((t_n + 1))
	dir="$TRASH/$t_n"
	mkdir -p "$dir"
	if (cd "$dir" && set -e && eval "$body") >"$dir.log" 2>&1; then
		t_pass=$((t_pass + 1))
		echo "ok $t_n - $name"
	else
		t_fail=$((t_fail + 1))
		echo "not ok $t_n - $name"
		sed 's/^/#   /' "$dir.log" | tail -n 40
	fi
}

test_skip() {
	t_n=$((t_n + 1)) t_skip=$((t_skip + 1))
	echo "ok $t_n # skip $1 ($2)"
}

# Fail with a message unless a command fails with the given exit status.
test_expect_code() {
	local want=$1 got=0
	shift
	"$@" || got=$?
	if [ "$got" != "$want" ]; then
		echo "expected exit $want, got $got: $*"
		return 1
	fi
}

test_cmp() { diff -u "$1" "$2"; }

# A test file's scratch directory goes when every case passed, as git's
# trash directories do; a failure keeps it to look at, and so does
# PORTTOOL_TEST_KEEP=1.  What is shared between files and runs on
# purpose (the *-work chains, kernel-* copies, cache-*) is beside it.
test_done() {
	echo "$TEST_NAME: $t_pass passed, $t_fail failed, $t_skip skipped"
	echo "$t_pass $t_fail $t_skip" >>"$RESULTS"
	if [ "$t_fail" = 0 ] && [ -z "${PORTTOOL_TEST_KEEP:-}" ] &&
	   [ "$RESULTS" != "$TRASH/results" ]; then
		cd "$TRASH_ROOT" && rm -rf "$TRASH"
	fi
	[ "$t_fail" = 0 ]
}

# timed NAME CMD...: run CMD, note how long it took in $W/times (the
# kernel chain tests' step times).
timed() {
	local name=$1 t0=$(date +%s) rc=0
	shift
	"$@" || rc=$?
	echo "$name: $(( $(date +%s) - t0 )) s (exit $rc)" >>"$W/times"
	return $rc
}

# sql DB QUERY: the rows of a SQLite query (porttool bench's results
# database), one a line, fields separated by '|', NULL as empty.
sql() {
	python3 -c 'import sqlite3, sys
for row in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]):
    print("|".join("" if v is None else str(v) for v in row))' "$1" "$2"
}

# pick VAR DIR...: the first DIR holding a kernel Image, in VAR (the
# bench tests take the first build that is there).
pick() {
	local var=$1 d
	shift
	for d in "$@"; do
		if [ -n "$d" ] && [ -s "$d/arch/arm64/boot/Image" ]; then
			eval "$var=\$d"
			return 0
		fi
	done
	return 1
}

# chain_summary LINE OUT...: what each step of a chain said ($W/OUT.out,
# whether it passed or not) and how long the steps took, as comments.
chain_summary() {
	local line=$1 f
	shift
	for f in "$@"; do
		test -f "$W/$f.out" && echo "# porttool $f $line:" && sed 's/^/#   /' "$W/$f.out"
	done
	echo "# step times:"
	sed 's/^/#   /' "$W/times"
}

# sekvm_stats_listed SERIAL_LOG: a SeKVM boot's log shows debugfs
# sekvm/stats (a port's 0020, corevisor ABI 1.4): the clock and the 23
# counters, the boot's initramfs reading every sekvm/ file before the
# guest runs.
sekvm_stats_listed() {
	local log=stats.log c
	tr -d "\r" <"$1" >"$log" &&
	grep -q "^SEKVM-HOOK stats: sekvm-stats: cntfrq [1-9][0-9]*$" "$log" || return 1
	for c in hc_vcpu_run hc_map_page hc_map_pages host_s2_fault exit_abort \
		 work_map work_tlbi guest lock_wait; do
		grep -q "^SEKVM-HOOK stats: $c [0-9]* [0-9]*$" "$log" ||
		{ echo "no counter $c in $1"; return 1; }
	done
	test "$(grep -c "^SEKVM-HOOK stats: [a-z_0-9]* [0-9]* [0-9]*$" "$log")" = 23
}

# The bare-metal test guest's checks (issue 14; vmm/bmguest): a port that
# carries 5.10's 0017 and 0018 passes them all, under SeKVM and stock KVM.
BM_CHECKS="bm-timer-virt bm-timer-phys bm-timer-phys-tval bm-iabt bm-breakpoint
	bm-watchpoint bm-single-step bm-exit"
