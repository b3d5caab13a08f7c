#!/bin/bash
# porttool check: small real aarch64 ELF files stand in for vmlinux and the
# corevisor (built here with the cross toolchain), so each isolation check
# is seen to pass on a good build and to fail, naming why, on a bad one.
. "$(dirname "$0")/lib.sh"

export XDG_CACHE_HOME="$TRASH/cache"
CC=aarch64-linux-gnu-gcc

# A project dir whose corevisor/out holds a corevisor built from cv.c.
# $1: extra C source lines (e.g. a call to a host kernel function).
make_project() {
	mkdir -p proj/corevisor/out proj/corevisor/core proj/corevisor/arch/aarch64 &&
	ln -s "$PROJECT_DIR/ports" proj/ports &&
	printf "int counter;\nint corevisor_main(void)\n{\n\treturn ++counter;\n}\n%s\n" "$1" \
		>proj/corevisor/core/cv.c &&
	printf "\t.globl vectors\nvectors:\n\tb corevisor_main\n" >proj/corevisor/arch/aarch64/entry.S &&
	$CC -ffreestanding -nostdlib -static -Wl,-q -Wl,--unresolved-symbols=ignore-all \
		-Wl,-e,vectors -o proj/corevisor/out/corevisor.elf \
		proj/corevisor/core/cv.c proj/corevisor/arch/aarch64/entry.S &&
	aarch64-linux-gnu-objcopy -O binary proj/corevisor/out/corevisor.elf proj/corevisor/out/corevisor.bin
}

# A "vmlinux" that embeds $1 in .sekvm.corevisor between the symbols.
make_vmlinux() {
	mkdir -p out/arch/arm64/boot/dts/broadcom &&
	cp "$1" embed.bin &&
	cat >vm.S <<-EOF_S
	.text
	.globl _start
	_start: ret
	.section .sekvm.corevisor, "a"
	.globl __sekvm_corevisor_start
	__sekvm_corevisor_start:
	.incbin "embed.bin"
	.globl __sekvm_corevisor_end
	__sekvm_corevisor_end:
	EOF_S
	$CC -nostdlib -static -o out/vmlinux vm.S &&
	# The .config allnoconfig would make from the board's fragment, and
	# the "source" link an O= build leaves, to a tree whose Kconfig
	# defines every symbol the fragment sets.
	frag=$PROJECT_DIR/ports/v5.10/configs/pi4b.config &&
	grep "^CONFIG_\|^# CONFIG_.* is not set" "$frag" >out/.config &&
	mkdir -p src/arch/arm64 &&
	sed -n "s/^CONFIG_\([A-Z0-9_]*\)=.*/config \1\n\tbool \"\1\"/p" "$frag" >src/arch/arm64/Kconfig &&
	ln -sfn "$PWD/src" out/source &&
	dtc -q -I dts -O dtb -o out/arch/arm64/boot/dts/broadcom/bcm2711-rpi-4-b.dtb - <<-EOF_DTS
	/dts-v1/;
	/ {
		#address-cells = <2>;
		#size-cells = <2>;
		memory@0 { device_type = "memory"; reg = <0x0 0x0 0x0 0x40000000>; };
		interrupt-controller@40041000 {
			compatible = "arm,gic-400";
			reg = <0x0 0x40041000 0x0 0x1000 0x0 0x40042000 0x0 0x2000 0x0 0x40044000 0x0 0x2000 0x0 0x40046000 0x0 0x2000>;
		};
		serial@fe201000 { compatible = "arm,pl011"; reg = <0x0 0xfe201000 0x0 0x200>; };
	};
	EOF_DTS
}

check() {
	PORTTOOL_PROJECT_DIR="$PWD/proj" "$PORTTOOL" check 5.10 --board pi4b --out out "$@"
}

test_expect_success 'check: no version is a usage error' '
	test_expect_code 2 porttool check 2>err && grep -q "^usage: porttool check" err
'

test_expect_success 'check: an unknown board is an error' '
	test_expect_code 1 porttool check 5.10 --board vax --out . 2>err &&
	grep -q "unknown board .vax." err
'

test_expect_success 'check: a build without vmlinux says to build first' '
	mkdir out &&
	test_expect_code 1 porttool check 5.10 --out out 2>err &&
	grep -q "out/vmlinux does not exist; run .porttool build 5.10 --board qemu" err
'

test_expect_success 'check: a good build passes every check and sizes the trusted base' '
	make_project "" && make_vmlinux proj/corevisor/out/corevisor.bin &&
	check >out.txt 2>err &&
	for c in vmlinux corevisor-section corevisor-bounds corevisor-bytes \
		 corevisor-no-undefined corevisor-relocs-internal dtb-memory dtb-gic dtb-uart config; do
		grep -q "^PASS $c" out.txt || { echo "no PASS $c"; exit 1; }
	done &&
	! grep -q "^FAIL" out.txt &&
	grep -q "^trusted base: 6 lines of C, 3 lines of asm in 2 files" out.txt &&
	grep -q "^trusted base: .*corevisor.elf: .text [1-9][0-9]*, " out.txt &&
	size=$(stat -c %s proj/corevisor/out/corevisor.bin) &&
	grep -q "^PASS corevisor-bytes ($size bytes equal" out.txt &&
	grep -qx "corevisor sha256: $(sha256sum <proj/corevisor/out/corevisor.bin | cut -d" " -f1)" out.txt &&
	n=$(grep -c "^CONFIG_\|^# CONFIG_.* is not set" "$PROJECT_DIR/ports/v5.10/configs/pi4b.config") &&
	grep -q "^PASS config ($n symbols as .*ports/v5.10/configs/pi4b.config sets them)" out.txt &&
	grep -q "^10 passed, 0 failed" out.txt
'

test_expect_success 'check: one changed byte in the embedded image fails corevisor-bytes' '
	make_project "" &&
	cp proj/corevisor/out/corevisor.bin changed.bin &&
	printf "\377" | dd of=changed.bin bs=1 seek=5 conv=notrunc 2>/dev/null &&
	make_vmlinux changed.bin &&
	test_expect_code 1 check >out.txt 2>err &&
	grep -q "^FAIL corevisor-bytes: embedded image differs from .*corevisor.bin first at offset 0x5" out.txt
'

test_expect_success 'check: an embedded image of another size fails' '
	make_project "" && head -c 100 /dev/zero >short.bin && make_vmlinux short.bin &&
	test_expect_code 1 check >out.txt 2>err &&
	grep -q "^FAIL corevisor-bytes: vmlinux embeds 100 bytes" out.txt
'

test_expect_success 'check: a corevisor calling a host kernel function fails both symbol checks' '
	make_project "extern int printk(const char *fmt, ...); int leak(void) { return printk(\"x\"); }" &&
	make_vmlinux proj/corevisor/out/corevisor.bin &&
	test_expect_code 1 check >out.txt 2>err &&
	grep -q "^FAIL corevisor-no-undefined: 1 undefined symbol in" out.txt &&
	grep -q "undefined: printk" out.txt &&
	grep -q "^FAIL corevisor-relocs-internal: 1 relocation against symbols outside" out.txt &&
	grep -q "relocation: .rela.text+0x[0-9a-f]* -> printk" out.txt
'

test_expect_success 'check: a vmlinux without the corevisor section (stock KVM) fails' '
	make_project "" && mkdir -p out && printf ".text\n.globl _start\n_start: ret\n" >s.S &&
	$CC -nostdlib -static -o out/vmlinux s.S &&
	test_expect_code 1 check >out.txt 2>err &&
	grep -q "^FAIL corevisor-section: vmlinux has no .sekvm.corevisor section" out.txt
'

test_expect_success 'check: a vmlinux that is not ELF fails' '
	make_project "" && mkdir -p out && echo "not elf" >out/vmlinux &&
	test_expect_code 1 check >out.txt 2>err &&
	grep -q "^FAIL vmlinux" out.txt && grep -q "not an ELF file" err
'

test_expect_success 'check: a missing corevisor build says how to make it' '
	make_project "" && make_vmlinux proj/corevisor/out/corevisor.bin &&
	rm proj/corevisor/out/corevisor.* &&
	test_expect_code 1 check >out.txt 2>err &&
	grep -q "^FAIL corevisor-bytes: cannot read .*corevisor.bin.*make -C corevisor" out.txt &&
	grep -q "^FAIL corevisor-no-undefined: cannot open" out.txt
'

# The 6.x pi4b kernel that lost every Broadcom driver: ARCH_BCM2835 needs a
# menu symbol the fragment did not set, and allnoconfig dropped it without
# a word.
test_expect_success 'check: a symbol the tree defines but .config lacks (unmet dependency) fails config' '
	make_project "" && make_vmlinux proj/corevisor/out/corevisor.bin &&
	sed -i "/^CONFIG_ARCH_BCM2835=/d" out/.config &&
	test_expect_code 1 check >out.txt 2>err &&
	line=$(grep -n "^CONFIG_ARCH_BCM2835=y" "$PROJECT_DIR/ports/v5.10/configs/pi4b.config" | cut -d: -f1) &&
	grep -q "^FAIL config: 1 of [0-9]* symbols of .*pi4b.config not as it sets them, first: .*pi4b.config:$line: CONFIG_ARCH_BCM2835=y: not in out/.config (its Kconfig dependencies are not met)$" out.txt &&
	grep -q "^porttool: error: .*pi4b.config:$line: CONFIG_ARCH_BCM2835=y" err &&
	grep -q "^9 passed, 1 failed" out.txt
'

test_expect_success 'check: a symbol set otherwise than the fragment sets it fails config' '
	make_project "" && make_vmlinux proj/corevisor/out/corevisor.bin &&
	sed -i "s/^CONFIG_SMP=y/# CONFIG_SMP is not set/" out/.config &&
	test_expect_code 1 check >out.txt 2>err &&
	grep -q "^FAIL config: .*pi4b.config:[0-9]*: CONFIG_SMP=y, but the kernel.s Kconfig made it n$" out.txt
'

# A symbol of another line (or CONFIG_SEKVM in the stock tree) is not the
# board losing anything: a note, and the check passes.
test_expect_success 'check: a symbol this tree does not define is a note, not a failure' '
	make_project "" && make_vmlinux proj/corevisor/out/corevisor.bin &&
	sed -i "/^CONFIG_ARCH_BCM2835=/d" out/.config &&
	sed -i "/^config ARCH_BCM2835$/,+1d" src/arch/arm64/Kconfig &&
	check >out.txt 2>err &&
	grep -q "^PASS config" out.txt &&
	grep -q "^porttool: note: .*CONFIG_ARCH_BCM2835=y: not in out/.config (this tree.s Kconfig does not define it)" err
'

test_expect_success 'check: without the source link, a lacking symbol fails: nothing tells why it lacks' '
	make_project "" && make_vmlinux proj/corevisor/out/corevisor.bin &&
	sed -i "/^CONFIG_ARCH_BCM2835=/d" out/.config && rm out/source &&
	test_expect_code 1 check >out.txt 2>err &&
	grep -q "^FAIL config: .*CONFIG_ARCH_BCM2835=y: not in out/.config (no source tree to tell an unknown symbol from an unmet dependency)" out.txt
'

test_expect_success 'check: a build without .config fails config, naming the file' '
	make_project "" && make_vmlinux proj/corevisor/out/corevisor.bin &&
	rm out/.config &&
	test_expect_code 1 check >out.txt 2>err &&
	grep -q "^FAIL config: cannot read out/.config: No such file or directory" out.txt
'

test_done
