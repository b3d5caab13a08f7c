# Sourced by ci/test.sh and ci/test-ports.sh: each kernel line's chain
# work directory (base tree, kernel builds, boot logs) is kept outside the
# clone, in porttool's cache, so that a second run on the same machine
# builds incrementally; on a fresh machine it starts empty.  A link left
# dangling by a cleaned /tmp goes.
chains=${XDG_CACHE_HOME:-$HOME/.cache}/porttool
for line in 5.10:PORTTOOL_CHAIN_DIR 5.11:PORTTOOL_CHAIN511_DIR \
	    5.4:PORTTOOL_CHAIN54_DIR 4.18:PORTTOOL_CHAIN418_DIR 6.1:PORTTOOL_CHAIN61_DIR \
	    6.12:PORTTOOL_CHAIN612_DIR; do
	chain=$chains/ci-chain-${line%%:*}
	var=${line#*:}
	[ -L "$chain" ] && [ ! -e "$chain" ] && rm -f "$chain"
	export "$var=${!var:-$chain}"
done
