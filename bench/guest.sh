#!/bin/bash
# The guest benchmark: 'porttool bench 5.10', the same guest under SeKVM
# and under stock KVM, alternating, REPS boots each (default 3), in QEMU.
# Needs both qemu builds (bench/README.md, "Guest: SeKVM vs stock KVM"):
#   porttool apply 5.10 && porttool build 5.10 && porttool build 5.10 --kvm
# SEKVM_OUT and KVM_OUT name other build directories; the JSON goes to
# BENCH_DIR/guest.json.
GUEST_REPS=${REPS:-3}	# lib.sh defaults REPS to 7, too many boots
. "$(dirname "$0")/lib.sh"

args=(--reps "$GUEST_REPS")
[ -n "${SEKVM_OUT:-}" ] && args+=(--sekvm-out "$SEKVM_OUT")
[ -n "${KVM_OUT:-}" ] && args+=(--kvm-out "$KVM_OUT")
mkdir -p "$BENCH_DIR"
exec "$PORTTOOL" bench 5.10 "${args[@]}" --json "$BENCH_DIR/guest.json"
