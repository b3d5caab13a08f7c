#!/bin/bash
# make test-ports: every kernel line's chain (apply, build, check, boot,
# boot --kvm), on a machine that may not have the lines' base trees yet.
# The Debian lines' chains (5.10, 6.1, 6.12) download their linux-source
# .deb themselves (PORTTOOL_CHAIN_FETCH=1, as in ci/test.sh; 140-155 MB
# each, left in porttool's cache); 5.4, 4.18 and 5.11 come from public
# snapshots the user clones ('porttool tree VER --from CLONE',
# ports/vX.Y/README.md), and their chains skip, saying so, until then.
# A cold run builds two kernels per line (5-6 minutes each on a quiet
# 2-core machine); a second run is incremental.
set -u
cd "$(dirname "$0")/.."
make -s all || exit
. ci/chains.sh
export PORTTOOL_CHAIN_FETCH=${PORTTOOL_CHAIN_FETCH:-1}
status=0
cd porttool
for t in t/t0900-boot.sh t/t0930-chain-5.11.sh t/t0905-chain-5.4.sh \
	 t/t0918-chain-418.sh t/t0940-chain-6.1.sh t/t0950-chain-6.12.sh; do
	echo "== $t"
	bash "$t" || status=1
done
exit $status
