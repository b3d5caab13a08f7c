#!/bin/bash
# porttool boot: usage and input errors, the initramfs it makes, and the
# timeout: a "kernel" that never prints must be killed on time and leave
# no QEMU behind.  (t0900 boots real kernels.)
. "$(dirname "$0")/lib.sh"

# busybox-static is downloaded once and kept across runs.
export XDG_CACHE_HOME="$TRASH_ROOT/cache-boot"

# True when a process still has $1 on its command line (no procps needed;
# the pattern goes through a file so that grep does not find itself).
qemu_left() {
	printf "%s\n" "$1" >pattern &&
	grep -lFf pattern /proc/[0-9]*/cmdline 2>/dev/null | grep -q .
}

test_expect_success 'boot: no version is a usage error' '
	test_expect_code 2 porttool boot 2>err && grep -q "^usage: porttool boot" err
'

test_expect_success 'boot: --timeout must be positive' '
	test_expect_code 2 porttool boot 5.10 --timeout 0 2>err &&
	grep -q "positive number of seconds" err
'

test_expect_success 'boot: build-only boards are refused' '
	test_expect_code 1 porttool boot 5.10 --board pi4b --out . 2>err &&
	grep -q "board .pi4b. is build-only" err
'

test_expect_success 'boot: an unknown board is an error' '
	test_expect_code 1 porttool boot 5.10 --board vax 2>err &&
	grep -q "unknown board .vax." err
'

test_expect_success 'boot: no kernel says which build to run' '
	mkdir out &&
	test_expect_code 1 porttool boot 5.10 --out out 2>err &&
	grep -q "no kernel at .*out/arch/arm64/boot/Image; run .porttool build 5.10. first" err &&
	test_expect_code 1 porttool boot 5.10 --kvm --out out 2>err &&
	grep -q "run .porttool build 5.10 --kvm. first" err
'

test_expect_success 'boot: a kernel that hangs is killed at the timeout' '
	mkdir -p out/arch/arm64/boot &&
	head -c 65536 /dev/zero >out/arch/arm64/boot/Image &&
	start=$(date +%s) &&
	test_expect_code 1 porttool boot 5.10 --kvm --out "$PWD/out" --timeout 5 >res 2>err &&
	took=$(( $(date +%s) - start )) &&
	test "$took" -lt 60 &&
	grep -q "^FAIL qemu-exit: QEMU still running after 5 s and was killed" res &&
	grep -q "^FAIL userspace" res && grep -q "^FAIL kvm-hyp-init" res &&
	grep -q "QEMU killed after 5 s timeout" out/boot/serial.log &&
	grep -q "serial log: $PWD/out/boot/serial.log" res &&
	! qemu_left "$PWD/out/arch/arm64/boot/Image"
'

test_expect_success 'boot: the initramfs holds busybox, /init and /dev/console' '
	test -f ../6/out/boot/initramfs.cpio &&
	cpio -it --quiet <../6/out/boot/initramfs.cpio >list &&
	for f in init bin/busybox bin/sh dev/console proc sys; do
		grep -qx "$f" list || { echo "missing $f"; exit 1; }
	done &&
	cpio -itv --quiet <../6/out/boot/initramfs.cpio >long &&
	grep -q "^crw.*dev/console" long &&
	cpio -i --quiet --to-stdout init <../6/out/boot/initramfs.cpio >init &&
	test_cmp "$PROJECT_DIR/porttool/boot/init.sh" init &&
	cpio -i --quiet --to-stdout bin/busybox <../6/out/boot/initramfs.cpio >bb &&
	file_type=$(od -An -tx1 -j18 -N2 bb | tr -d " ") &&
	test "$file_type" = b700
'

test_expect_success 'boot: QEMU DTB of the boot machine is checked' '
	grep -q "^PASS dtb-gic (qemu-virt.dtb: /intc@8000000, arm,cortex-a15-gic, GICD/GICC/GICH/GICV)" ../6/res &&
	grep -q "^PASS dtb-uart (qemu-virt.dtb: /pl011@9000000, arm,pl011)" ../6/res
'

test_done
