#!/bin/bash
# porttool boot --kvm-unit-tests: the options and the kvm-unit-tests tree
# are checked before anything boots.  (The real run needs two kernel
# builds and a kvm-unit-tests build: ports/v5.10/README.md shows its table.)
. "$(dirname "$0")/lib.sh"

# kut NAME: a fake kvm-unit-tests tree with two tests of one image
kut() {
	mkdir -p "$1/arm" &&
	cat >"$1/arm/unittests.cfg" <<-CFG &&
	# a comment
	[selftest-setup]
	file = selftest.flat
	smp = 2
	test_args = 'setup smp=2 mem=256'
	[gicv2-ipi]
	file = gic.flat
	smp = \$(((\$MAX_SMP < 8)?\$MAX_SMP:8))
	test_args = ipi
	[arm32-only]
	file = nothere.flat
	arch = arm
	[debug-bp-migration]
	file = notthere.flat
	groups = debug migration
	CFG
	printf "flat" >"$1/arm/selftest.flat"
}

test_expect_success 'kut: not a kvm-unit-tests tree is named' '
	test_expect_code 1 porttool boot 5.10 --kvm-unit-tests nowhere 2>err &&
	grep -q "cannot read nowhere/arm/unittests.cfg: No such file or directory (is nowhere a kvm-unit-tests tree?)" err
'

test_expect_success 'kut: an image the tests name but the build lacks is named' '
	kut k1 &&
	test_expect_code 1 porttool boot 5.10 --kvm-unit-tests k1 --out . 2>err &&
	grep -q "k1/arm/gic.flat: no such file (test gicv2-ipi): build kvm-unit-tests for arm64 first" err &&
	! grep -q "nothere\|notthere" err
'

test_expect_success 'kut: an smp it cannot read is named with its line' '
	kut k2 && printf "flat" >k2/arm/gic.flat &&
	sed -i "s/^smp = 2$/smp = lots/" k2/arm/unittests.cfg &&
	test_expect_code 1 porttool boot 5.10 --kvm-unit-tests k2 --out . 2>err &&
	grep -q "unittests.cfg:4: \[selftest-setup\]: cannot read smp = lots" err
'

test_expect_success 'kut: with every image present, the missing kernel is what stops it' '
	kut k3 && printf "flat" >k3/arm/gic.flat &&
	test_expect_code 1 porttool boot 5.10 --kvm-unit-tests k3 --out out 2>err &&
	grep -q "no kernel at out/arch/arm64/boot/Image" err
'

test_expect_success 'kut: --kvm and --kvm-out are usage errors around it' '
	kut k4 &&
	test_expect_code 2 porttool boot 5.10 --kvm-unit-tests k4 --kvm 2>err &&
	grep -q "boots both builds" err &&
	test_expect_code 2 porttool boot 5.10 --kvm-out x 2>err &&
	grep -q "kvm-out and --kvm-judge go with --kvm-unit-tests" err
'

# logs A B: kept serial logs of the two boots; gicv2-ipi passes under
# stock KVM and fails (A=fail) or passes (A=pass) under SeKVM.
logs() {
	cat >kvm.log <<-LOG &&
	KUT selftest-setup: PASS: selftest: setup: smp: number of CPUs matches expectation
	KUT selftest-setup: SUMMARY: 2 tests
	KUT selftest-setup: EXIT: STATUS=1
	KUT selftest-setup: vmm exit 0
	KUT gicv2-ipi: SUMMARY: 6 tests
	KUT gicv2-ipi: EXIT: STATUS=1
	KUT gicv2-ipi: vmm exit 0
	LOG
	cp kvm.log sekvm.log &&
	if test "$1" = fail; then
		sed -i "s/^KUT gicv2-ipi: SUMMARY: 6 tests/KUT gicv2-ipi: SUMMARY: 6 tests, 2 unexpected failures/; s/^KUT gicv2-ipi: EXIT: STATUS=1/KUT gicv2-ipi: EXIT: STATUS=3/" sekvm.log
	fi
}

test_expect_success 'kut --judge: the same results under both hosts exit 0' '
	kut k5 && logs pass &&
	porttool boot 5.10 --kvm-unit-tests k5 --judge sekvm.log --kvm-judge kvm.log >res &&
	grep -q "^selftest-setup  *PASS  *PASS  *2 tests | 2 tests$" res &&
	grep -q "^gicv2-ipi  *PASS  *PASS " res &&
	grep -q "^2 tests: 2 the same under both, 0 differ; 0 pass under stock KVM but not under SeKVM$" res
'

test_expect_success 'kut --judge: a test that passes under KVM only exits 1, with its summary' '
	kut k6 && logs fail &&
	test_expect_code 1 porttool boot 5.10 --kvm-unit-tests k6 --judge sekvm.log --kvm-judge kvm.log >res &&
	grep -q "^gicv2-ipi  *FAIL  *PASS  *6 tests, 2 unexpected failures | 6 tests$" res &&
	grep -q "1 pass under stock KVM but not under SeKVM$" res
'

test_expect_success 'kut --judge: a test that never printed its status says why' '
	kut k7 && logs pass &&
	sed -i "/^KUT gicv2-ipi: EXIT/d; s/^KUT gicv2-ipi: vmm exit 0/KUT gicv2-ipi: vmm exit 137/" sekvm.log &&
	test_expect_code 1 porttool boot 5.10 --kvm-unit-tests k7 --judge sekvm.log --kvm-judge kvm.log >res &&
	grep -q "^gicv2-ipi  *no status (vmm exit 137)  *PASS" res
'

# kvm-unit-tests (1da1819e, lib/report.c) ends a run whose every check
# was skipped with exit(77 >> 1): "EXIT: STATUS=77".
test_expect_success 'kut --judge: STATUS=77 is a skip, not a failure' '
	kut k9 && logs pass &&
	sed -i "s/^KUT gicv2-ipi: SUMMARY: 6 tests/KUT gicv2-ipi: SUMMARY: 6 tests, 6 skipped/; s/^KUT gicv2-ipi: EXIT: STATUS=1/KUT gicv2-ipi: EXIT: STATUS=77/" sekvm.log kvm.log &&
	porttool boot 5.10 --kvm-unit-tests k9 --judge sekvm.log --kvm-judge kvm.log >res &&
	grep -q "^gicv2-ipi  *SKIP  *SKIP  *6 tests, 6 skipped | 6 tests, 6 skipped$" res
'

test_expect_success 'kut --judge: both logs are needed' '
	kut k8 &&
	test_expect_code 2 porttool boot 5.10 --kvm-unit-tests k8 --judge x.log 2>err &&
	grep -q "judges two logs" err
'

test_done
