#!/bin/bash
# make test-ports: every kernel line's chain (apply, build, check, boot,
# boot --kvm), on a machine that may not have the lines' base trees yet.
# The Debian lines (6.1, 6.12) are fetched and imported first with
# 'porttool tree VER' (Debian's linux-source .deb, 140-155 MB each, left
# in porttool's cache); 5.4, 4.18 and 5.11 come from public snapshots the
# user clones ('porttool tree VER --from CLONE', ports/vX.Y/README.md),
# and their chains skip, saying so, until then.  A cold run builds two
# kernels per line: hours on two cores; a second run is incremental.
set -u
cd "$(dirname "$0")/.."
make -s all || exit
. ci/chains.sh
status=0
for ver in 6.1 6.12; do
	echo "== porttool tree $ver"
	porttool/porttool tree "$ver" || status=1
done
cd porttool
for t in t/t0900-boot.sh t/t0930-chain-5.11.sh t/t0905-chain-5.4.sh \
	 t/t0918-chain-418.sh t/t0940-chain-6.1.sh t/t0950-chain-6.12.sh; do
	echo "== $t"
	bash "$t" || status=1
done
exit $status
