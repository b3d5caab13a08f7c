#!/bin/bash
# The chain on Debian bookworm's 6.1 (ports/v6.1, linux-source-6.1):
# t/lib-chain-debian.sh says what it runs and when it skips.
LINE=6.1
W=${PORTTOOL_CHAIN61_DIR:-}
WORK=t0940-work
SRC=${PORTTOOL_TREE_6_1:-${XDG_CACHE_HOME:-$HOME/.cache}/porttool/trees/v6.1}
KVM_HYP="Hyp mode initialized successfully"
# Stock 6.1.192 KVM injects the wrong ESR for an instruction abort
# (lib-chain-debian.sh, IABT_WRONG): bm-iabt is expected to fail with
# exactly that ESR until the base carries a fix.
KVM_IABT=fails
. "$(dirname "$0")/lib-chain-debian.sh"
chain_debian_run
