#!/bin/bash
# Every test this machine can run, in order of the test pyramid:
# corevisor host tests, then porttool against a real kernel tree.
# Ends with one line of totals.
set -u
cd "$(dirname "$0")/.."
status=0
log=$(mktemp -d)
# The 5.10 chain's work directory (base tree, kernel builds, boot logs) is
# kept outside the clone, so that a second run on the same machine builds
# incrementally; on a fresh machine it starts empty and the chain builds
# every kernel from nothing.  A link left dangling by a cleaned /tmp goes.
# The other lines' chains run only when their base tree is cached, and
# keep their work directories beside it.
chains=${XDG_CACHE_HOME:-$HOME/.cache}/porttool
for line in 5.10:PORTTOOL_CHAIN_DIR 5.11:PORTTOOL_CHAIN511_DIR \
	    5.4:PORTTOOL_CHAIN54_DIR 4.18:PORTTOOL_CHAIN418_DIR 6.1:PORTTOOL_CHAIN61_DIR \
	    6.12:PORTTOOL_CHAIN612_DIR; do
	chain=$chains/ci-chain-${line%%:*}
	var=${line#*:}
	[ -L "$chain" ] && [ ! -e "$chain" ] && rm -f "$chain"
	export "$var=${!var:-$chain}"
done
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
