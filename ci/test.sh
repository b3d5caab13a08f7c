#!/bin/bash
# Every test this machine can run, in order of the test pyramid:
# corevisor host tests, then porttool against a real kernel tree.
# Ends with one line of totals.
set -u
cd "$(dirname "$0")/.."
status=0
log=$(mktemp -d)
# The 5.10 chain runs from nothing on a fresh machine; the other lines'
# chains run only when their base tree is cached (make test-ports fetches
# the Debian lines' trees and runs them all).  ci/chains.sh keeps each
# chain's work directory in porttool's cache.
. ci/chains.sh
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
