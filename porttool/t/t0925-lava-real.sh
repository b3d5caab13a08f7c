#!/bin/bash
# porttool lava for real: lava-run (Debian's lava-dispatcher, no server)
# runs the qemu job 'porttool lava' writes for the 5.10 chain's SeKVM
# build, the job's monitors report the boot's checks as LAVA test cases,
# and 'porttool lava --results' puts them in the bench database.  About
# 80 s here for SeKVM (nested TCG), 30 s for stock KVM.  Numbered after
# t0900, whose chain builds the kernels ($PORTTOOL_CHAIN_DIR, default
# $TRASH_ROOT/t0900-work: qemu, qemu-kvm); without them it skips saying
# where it looked: this suite builds no kernel of its own.
. "$(dirname "$0")/lib.sh"

CHAIN=${PORTTOOL_CHAIN_DIR:-$TRASH_ROOT/t0900-work}

# lava_run BUILD HV [--kvm]: write the job and run it with lava-run.
# Leaves out/ (job, lava.log).
lava_run() {
	porttool lava 5.10 --board qemu ${3:-} --build-dir "$1" --out "$PWD/out" \
		--timeout 30 >gen &&
	grep -q "^LAVA job: $PWD/out/job.yaml" gen &&
	# lava-run's exit: 0 when the job ran to its end
	lava-run --job-id "lava-$2-$$" --output-dir "$PWD/out/run" \
		--device out/device.yaml out/job.yaml 2>out/lava.log ||
		{ grep "\"lvl\": \"error\"" out/lava.log | tail -5; return 1; }
}

# lava_job BUILD HV [--kvm]: lava_run, then the results into db.sqlite
# (porttool's output in res).
lava_job() {
	lava_run "$@" && porttool lava --results out --db db.sqlite >res
}

why=
if [ "$(id -u)" != 0 ]; then
	why="lava-run runs as root only"
elif ! command -v lava-run >/dev/null; then
	why="no lava-run (ci/deps.sh installs lava-dispatcher)"
elif [ ! -s "$CHAIN/qemu/arch/arm64/boot/Image" ]; then
	why="no SeKVM qemu build in $CHAIN/qemu (t0900 builds it)"
fi

if [ -n "$why" ]; then
	test_skip "lava: lava-run boots the 5.10 SeKVM build" "$why"
else
	test_expect_success 'lava: lava-run boots the 5.10 SeKVM build; its checks land in the database' '
		lava_job "$CHAIN/qemu" sekvm &&
		cat res &&
		for c in userspace dev-kvm no-panic kvm-handed-over hook-read_core \
			 hook-write_core hook-stub_hvc hook-garbage_hvc \
			 hook-guest-read_private hook-guest-map_other_vm \
			 hook-guest-give_core_page guest-boot \
			 image-bit-flip-refused image-other-key-refused \
			 bm-timer-virt bm-exit; do
			grep -qx "5.10 qemu sekvm $c: pass" res || { echo "no pass: $c"; exit 1; }
		done &&
		! grep ": fail$" res &&
		grep -q " 0 failed; LAVA job: pass$" res &&
		sql db.sqlite "select line, board, hypervisor, suite, benchmark, unit
			       from measurements order by benchmark" >rows &&
		printf "5.10|qemu|sekvm|boot|%s|s\n" boot-checks guest-up host-userspace >expect &&
		test_cmp expect rows &&
		sql db.sqlite "select count(*) from failures" >n && echo 0 >expect &&
		test_cmp expect n &&
		sql db.sqlite "select value from measurements where benchmark = \"guest-up\"" >v &&
		awk "{ exit !(\$1 > 0 && \$1 < 1800) }" v
	'
fi

if [ -n "$why" ] || [ ! -s "$CHAIN/qemu-kvm/arch/arm64/boot/Image" ]; then
	test_skip "lava: lava-run boots the 5.10 stock-KVM build" \
		"${why:-no stock-KVM qemu build in $CHAIN/qemu-kvm (t0900 builds it)}"
else
	test_expect_success 'lava: lava-run boots the 5.10 stock-KVM build' '
		lava_job "$CHAIN/qemu-kvm" kvm --kvm &&
		cat res &&
		for c in userspace dev-kvm no-panic kvm-hyp-init guest-boot bm-exit; do
			grep -qx "5.10 qemu kvm $c: pass" res || { echo "no pass: $c"; exit 1; }
		done &&
		! grep -q "image-bit-flip-refused" res &&
		grep -q " 0 failed; LAVA job: pass$" res
	'
fi

# The checks on the device can fail: the SeKVM job (signed guests, the
# refusals expected) on the stock-KVM kernel, where no corevisor refuses
# anything.
if [ -n "$why" ] || [ ! -s "$CHAIN/qemu-kvm/arch/arm64/boot/Image" ]; then
	test_skip "lava: the SeKVM job fails on a stock-KVM kernel" \
		"${why:-no stock-KVM qemu build in $CHAIN/qemu-kvm (t0900 builds it)}"
else
	test_expect_success 'lava: the SeKVM job fails on a stock-KVM kernel' '
		lava_run "$CHAIN/qemu-kvm" wrong &&
		test_expect_code 1 porttool lava --results out --db db.sqlite >res &&
		cat res &&
		grep -qx "5.10 qemu sekvm userspace: pass" res &&
		grep -qx "5.10 qemu sekvm kvm-handed-over: fail" res &&
		grep -qx "5.10 qemu sekvm image-bit-flip-refused: fail" res &&
		grep -qx "5.10 qemu sekvm image-other-key-refused: fail" res &&
		sql db.sqlite "select reason from failures order by reason" >fails &&
		grep -qx "LAVA test case kvm-handed-over failed" fails &&
		grep -qx "LAVA test case image-bit-flip-refused failed" fails
	'
fi

test_done
