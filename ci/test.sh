#!/bin/bash
# Every test this machine can run, in order of the test pyramid:
# corevisor host tests, then porttool against a real kernel tree.
# Ends with one line of totals.
set -u
cd "$(dirname "$0")/.."
status=0
log=$(mktemp -d)
# The Debian lines' chains (5.10, 6.1, 6.12) run from nothing on a fresh
# machine: each downloads its linux-source .deb (PORTTOOL_CHAIN_FETCH=1;
# PORTTOOL_CHAIN_FETCH=0 makes 6.1 and 6.12 skip when not cached), builds
# its SeKVM and stock-KVM qemu kernels, boots and benchmarks them.  The
# other lines (5.4, 4.18, 5.11: public snapshots) run only when their base
# tree is cached; make test-ports runs them all.  ci/chains.sh keeps each
# chain's work directory in porttool's cache, so a second run is
# incremental.
. ci/chains.sh
export PORTTOOL_CHAIN_FETCH=${PORTTOOL_CHAIN_FETCH:-1}
run() {
	local name=$1
	shift
	echo "== $name"
	local t0=$(date +%s)
	"$@" 2>&1 | tee "$log/$name.log"
	local rc=${PIPESTATUS[0]}
	echo "== $name: exit $rc, $(( $(date +%s) - t0 )) s"
	[ "$rc" = 0 ] || status=1
}
run corevisor make -C corevisor test
run porttool make -C porttool test
run vmm make -C vmm test
# Add up the last "N passed, N failed" line of each suite: that line is
# the suite's own total (earlier ones are its parts).
awk '/[0-9]+ passed, [0-9]+ failed/ { last[FILENAME] = $0 }
END {
	for (file in last) {
		n = split(last[file], w, " ")
		for (i = 1; i < n; i++) {
			if (w[i+1] ~ /^passed/) p += w[i]
			if (w[i+1] ~ /^failed/) f += w[i]
		}
	}
	printf "total: %d passed, %d failed\n", p, f
}' "$log"/*.log
rm -rf "$log"
exit $status
