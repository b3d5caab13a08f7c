# Shared helpers of the benchmarks: a scratch clone of the real 5.10 tree
# and a median timer.  Scratch lives outside the project (BENCH_DIR).
set -eu
PROJECT_DIR=$(cd "$(dirname "$0")/.." && pwd)
PORTTOOL="$PROJECT_DIR/porttool/porttool"
export PORTTOOL_PROJECT_DIR="$PROJECT_DIR"
BENCH_DIR=${BENCH_DIR:-/var/tmp/porttool-bench}
REPS=${REPS:-7}
export GIT_AUTHOR_NAME="Bench Author" GIT_AUTHOR_EMAIL="bench@example.org"
export GIT_COMMITTER_NAME="Bench Committer" GIT_COMMITTER_EMAIL="bench@example.org"
export GIT_CONFIG_NOSYSTEM=1

# A clone of the default 5.10 tree that the benchmarks may change.
bench_tree() {
	local src
	if [ ! -d "$BENCH_DIR/kernel/.git" ]; then
		mkdir -p "$BENCH_DIR"
		src=$("$PORTTOOL" tree 5.10 | tail -n 1)
		git clone -q --shared "$src" "$BENCH_DIR/kernel"
	fi
	K="$BENCH_DIR/kernel"
	git -C "$K" checkout -q -f master
	git -C "$K" for-each-ref --format='%(refname:short)' refs/heads/ |
		grep -v '^master$' | xargs -r git -C "$K" branch -q -D
	rm -rf "$K/.git/porttool-rebase" "$K/.git/rebase-apply" "$K/.git/rebase-merge"
}

now_ns() { date +%s%N; }

# time_once VAR CMD...: run CMD quietly, add its wall time (ms) to VAR's list.
time_once() {
	local var=$1 t0 t1
	shift
	t0=$(now_ns)
	"$@" >/dev/null 2>&1 || { echo "bench: command failed: $*" >&2; exit 1; }
	t1=$(now_ns)
	eval "$var=\"\${$var:-} $(( (t1 - t0) / 1000000 ))\""
}

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# report NAME_A "list" NAME_B "list"
report() {
	local ma mb
	ma=$(echo "$2" | median)
	mb=$(echo "$4" | median)
	printf '%-34s median %6d ms   (runs:%s)\n' "$1" "$ma" "$2"
	printf '%-34s median %6d ms   (runs:%s)\n' "$3" "$mb" "$4"
	awk -v a="$ma" -v b="$mb" -v na="$1" -v nb="$3" 'BEGIN {
		if (a > 0) printf "ratio: %s takes %.2fx the time of %s\n", nb, b / a, na }'
}
