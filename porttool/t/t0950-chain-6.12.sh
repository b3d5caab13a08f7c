#!/bin/bash
# The chain on Debian's 6.12 (ports/v6.12, linux-source-6.12 from
# bookworm-security): t/lib-chain-debian.sh says what it runs and when it
# skips.
LINE=6.12
W=${PORTTOOL_CHAIN612_DIR:-}
WORK=t0950-work
SRC=${PORTTOOL_TREE_6_12:-${XDG_CACHE_HOME:-$HOME/.cache}/porttool/trees/v6.12}
# 6.12 names KVM's mode in its banner (6.1: "Hyp mode ...").
KVM_HYP="Hyp nVHE mode initialized successfully"
# Whether 6.12.118 still injects 6.1's wrong instruction-abort ESR is what
# the run records: bm-iabt passes, or fails with exactly that ESR.
KVM_IABT=either
# pKVM's hVHE is on this line: arm64_sw.hvhe=1 and kvm-arm.mode=protected
# on a VHE CPU are refused.
HVHE=1
# Its qemu config turns ARM64_PTR_AUTH on, as Debian's does.
PTRAUTH=1
. "$(dirname "$0")/lib-chain-debian.sh"
chain_debian_run
