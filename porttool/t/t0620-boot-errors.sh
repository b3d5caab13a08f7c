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
	test_cmp "$PROJECT_DIR/porttool/qemu/boot/init.sh" init &&
	cpio -i --quiet --to-stdout bin/busybox <../6/out/boot/initramfs.cpio >bb &&
	file_type=$(od -An -tx1 -j18 -N2 bb | tr -d " ") &&
	test "$file_type" = b700
'

# 5.10's qemu config builds the guest's devices (guest_disk.h): the good
# guest's ext4 disk, made by mke2fs -d, holds the file the judge looks for.
test_expect_success 'boot: the initramfs carries the guest'"'"'s ext4 disk with its file' '
	cpio -i --quiet --to-stdout guest/disk.img <../6/out/boot/initramfs.cpio >disk.img &&
	test "$(wc -c <disk.img)" = 4194304 &&
	test "$(od -An -tx1 -j1080 -N2 disk.img | tr -d " ")" = 53ef &&
	grep -qa "sekvm-disk-7c1f3a9e" disk.img &&
	cmp disk.img ../6/out/boot/guest-disk.img &&
	grep -q "^FAIL guest-blk" ../6/res && grep -q "^FAIL guest-net" ../6/res
'

test_expect_success 'boot: QEMU DTB of the boot machine is checked' '
	grep -q "^PASS dtb-gic (qemu-virt.dtb: /intc@8000000, arm,cortex-a15-gic, GICD/GICC/GICH/GICV)" ../6/res &&
	grep -q "^PASS dtb-uart (qemu-virt.dtb: /pl011@9000000, arm,pl011)" ../6/res
'

# A SeKVM boot signs the Image it boots (guest_keys.c), whatever the
# kernel then does: here a "kernel" of zeros that QEMU runs until killed.
test_expect_success 'boot (SeKVM): the initramfs carries the VM key, both signatures, the flipped Image' '
	mkdir -p out/arch/arm64/boot &&
	head -c 65536 /dev/zero >out/arch/arm64/boot/Image &&
	test_expect_code 1 porttool boot 5.10 --out "$PWD/out" --timeout 5 >res 2>err &&
	B=out/boot && IMG=out/arch/arm64/boot/Image &&
	cpio -it --quiet <$B/initramfs.cpio >list &&
	for f in guest/vm.pub guest/Image.sig guest/Image.sig.otherkey guest/Image.flipped; do
		grep -qx "$f" list || { echo "initramfs lacks $f"; exit 1; }
		cpio -i --quiet --to-stdout "$f" <$B/initramfs.cpio >got &&
		cmp got "$B/${f#guest/}" || exit 1
	done &&
	{ cmp -l $IMG $B/Image.flipped >diffs || :; } &&
	test "$(cat diffs | tr -s " ")" = "32769 0 1" &&
	SIGN=$PROJECT_DIR/vmm/build/sekvm-sign &&
	"$SIGN" verify $B/vm.pub $IMG $B/Image.sig &&
	"$SIGN" verify $B/other.pub $IMG $B/Image.sig.otherkey &&
	test_expect_code 1 "$SIGN" verify $B/vm.pub $IMG $B/Image.sig.otherkey &&
	test_expect_code 1 "$SIGN" verify $B/vm.pub $B/Image.flipped $B/Image.sig &&
	! cmp -s $B/vm.pub $B/other.pub &&
	grep -q "^FAIL guest-boot: init never reached the guest step" res &&
	grep -q "^FAIL image-bit-flip-refused: init never ran the vmm" res
'

test_expect_success 'boot (SeKVM): the keys are new on every boot' '
	cp ../$((t_n - 1))/out/boot/vm.pub old.pub &&
	cp -r ../$((t_n - 1))/out . &&
	test_expect_code 1 porttool boot 5.10 --out "$PWD/out" --timeout 5 >res 2>err &&
	! cmp -s old.pub out/boot/vm.pub
'

test_expect_success 'boot (SeKVM): an Image it cannot sign is a FAIL with the reason, the boot goes on' '
	mkdir -p out/arch/arm64/boot &&
	printf "sixteen bytes..." >out/arch/arm64/boot/Image &&
	test_expect_code 1 porttool boot 5.10 --out "$PWD/out" --timeout 5 >res 2>err &&
	grep -q "cannot sign the guest.s image: .*Image: 16 bytes, too short for an arm64 Image" err &&
	grep -q "^FAIL guest-boot: the guest image could not be signed: .*16 bytes, too short" res &&
	grep -q "^FAIL image-bit-flip-refused: no signed images to try: " res &&
	grep -q "^FAIL image-other-key-refused: no signed images to try: " res &&
	grep -q "^FAIL qemu-exit" res &&
	cpio -it --quiet <out/boot/initramfs.cpio >list &&
	grep -qx guest/Image list && ! grep -q "^guest/vm.pub" list
'

# A project whose vmm/ cannot make sekvm-sign (its Makefile fails), with
# a working vmm binary: the boot goes on and says why nothing was signed.
test_expect_success 'boot (SeKVM): sekvm-sign that cannot be built is a FAIL with the reason' '
	mkdir -p proj/porttool/qemu/boot proj/vmm/guest proj/vmm/build out/arch/arm64/boot &&
	cp "$PROJECT_DIR/porttool/qemu/boot/init.sh" proj/porttool/qemu/boot/ &&
	cp "$PROJECT_DIR/vmm/guest/init.sh" proj/vmm/guest/ &&
	printf "build/sekvm-sign:\n\t@echo no OpenSSL here; exit 1\n" >proj/vmm/Makefile &&
	touch -d "1 hour ago" proj/vmm/Makefile &&
	cp "$PROJECT_DIR/vmm/build/vmm" proj/vmm/build/ &&
	head -c 65536 /dev/zero >out/arch/arm64/boot/Image &&
	PORTTOOL_PROJECT_DIR=$PWD/proj test_expect_code 1 porttool boot 5.10 \
		--ports "$PROJECT_DIR/ports" --out "$PWD/out" --timeout 5 >res 2>err &&
	grep -q "no OpenSSL here" err &&
	grep -q "could not build .*proj/vmm/build/sekvm-sign" err &&
	grep -q "^FAIL guest-boot: the guest image could not be signed: no sekvm-sign: .make -C .*proj/vmm build/sekvm-sign. failed" res &&
	grep -q "^FAIL image-other-key-refused: no signed images to try: no sekvm-sign" res
'

test_expect_success 'boot: --guest-image must exist, and --judge takes none' '
	mkdir -p out/arch/arm64/boot && echo x >out/arch/arm64/boot/Image &&
	test_expect_code 1 porttool boot 5.10 --out out --guest-image nothere 2>err &&
	grep -q "^porttool: error: --guest-image nothere: no such file" err &&
	test_expect_code 2 porttool boot 5.10 --judge log --guest-image out/arch/arm64/boot/Image 2>err &&
	grep -q "no --guest-image" err
'

# --cpu: QEMU's -cpu model, and kvm-arm.mode=nvhe for the kernel (a VHE
# CPU keeps the host at EL1 on 5.12 and later); the default is the
# boards' Cortex-A72 with the command line as it was.  A kernel that
# never prints, killed at the timeout, leaves the command in the log.
test_expect_success 'boot: --cpu picks QEMU'"'"'s CPU model and tells the kernel kvm-arm.mode=nvhe' '
	mkdir -p out/arch/arm64/boot &&
	head -c 65536 /dev/zero >out/arch/arm64/boot/Image &&
	test_expect_code 1 porttool boot 5.10 --kvm --out "$PWD/out" --timeout 3 --cpu max >res 2>err &&
	head -1 out/boot/serial.log >cmd &&
	grep -q " -cpu max -smp 2 " cmd && grep -q "rdinit=/init kvm-arm.mode=nvhe " cmd &&
	test_expect_code 1 porttool boot 5.10 --kvm --out "$PWD/out" --timeout 3 >res 2>err &&
	head -1 out/boot/serial.log >cmd &&
	grep -q " -cpu cortex-a72 -smp 2 " cmd && ! grep -q "kvm-arm.mode" cmd
'

test_expect_success 'boot: --cpu with no model, with --judge, or a model QEMU lacks is an error' '
	test_expect_code 2 porttool boot 5.10 --cpu "" 2>err &&
	grep -q "^porttool: error: --cpu needs a QEMU CPU model, e.g. max" err &&
	test_expect_code 2 porttool boot 5.10 --judge log --cpu max 2>err &&
	grep -q "no --cpu" err &&
	mkdir -p out/arch/arm64/boot &&
	head -c 65536 /dev/zero >out/arch/arm64/boot/Image &&
	test_expect_code 1 porttool boot 5.10 --kvm --out "$PWD/out" --timeout 3 --cpu vax-11 >res 2>err &&
	grep -q "vax-11" err && grep -q "could not dump its device tree" err
'

test_done
