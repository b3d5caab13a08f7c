#!/bin/bash
# porttool build: usage and input errors, and failures of the build itself,
# against small fake kernel trees whose Makefile stands in for kbuild (so
# these run in seconds; t0900 and t0910 build real kernels).
. "$(dirname "$0")/lib.sh"

export XDG_CACHE_HOME="$TRASH/cache"

# fake_tree DIR: enough of a kernel tree for porttool to accept it; its
# Makefile's behaviour is set by the FAKE_KBUILD environment variable.
fake_tree() {
	mkdir -p "$1/arch/arm64" && touch "$1/arch/arm64/Kconfig" &&
	cat >"$1/Makefile" <<-\MK
	# Stand-in for kbuild: writes a .config from KCONFIG_ALLCONFIG, and
	# "builds" according to FAKE_KBUILD.
	.RECIPEPREFIX = >
	allnoconfig:
	> @echo "  HOSTCC  scripts/kconfig/conf.o"
	> @grep -E "^(CONFIG_|# CONFIG_)" $(KCONFIG_ALLCONFIG) | grep -v "SEKVM" >$(O)/.config
	> @if [ "$(FAKE_KBUILD)" = badconfig ]; then sed -i "s/^CONFIG_SMP=y/# CONFIG_SMP is not set/" $(O)/.config; fi
	Image:
	> @echo "  CC      init/main.o"
	> @echo "  HOSTCC is [$(HOSTCC)]"
	> @if [ "$(FAKE_KBUILD)" = fail ]; then echo "init/main.c:42:1: error: expected ; before } token"; echo "make[1]: *** [init/main.o] Error 1"; exit 2; fi
	> @if [ "$(FAKE_KBUILD)" != noimage ]; then mkdir -p $(O)/arch/arm64/boot && echo image >$(O)/arch/arm64/boot/Image; fi
	modules:
	> @echo "  CC [M]  drivers/virtio/virtio_balloon.o"
	modules_install:
	> @mkdir -p $(INSTALL_MOD_PATH)/lib/modules
	%.dtb:
	> @mkdir -p $(O)/arch/arm64/boot/dts/$(dir $@)
	> @dtc -q -I dts -O dtb -o $(O)/arch/arm64/boot/dts/$@ $(CURDIR)/board$(FAKE_DTS).dts
	MK
	# A board with what the corevisor needs, and one whose GIC lacks
	# the GICH and GICV regions.
	board_dts "" "<0x0 0x40041000 0x0 0x1000 0x0 0x40042000 0x0 0x2000 0x0 0x40044000 0x0 0x2000 0x0 0x40046000 0x0 0x2000>" >"$1/board.dts" &&
	board_dts "" "<0x0 0x40041000 0x0 0x1000 0x0 0x40042000 0x0 0x2000>" >"$1/board-nogich.dts"
}

board_dts() {
	cat <<-EOF_DTS
	/dts-v1/;
	/ {
		#address-cells = <2>;
		#size-cells = <2>;
		chosen { stdout-path = "/serial@fe201000"; };
		memory@0 { device_type = "memory"; reg = <0x0 0x0 0x0 0x40000000>; };
		gic: interrupt-controller@40041000 {
			compatible = "arm,gic-400";
			interrupt-controller;
			#interrupt-cells = <3>;
			reg = $2;
		};
		serial@fe201000 { compatible = "arm,pl011", "arm,primecell"; reg = <0x0 0xfe201000 0x0 0x200>; };
	};
	EOF_DTS
}

test_expect_success 'build: no version is a usage error' '
	test_expect_code 2 porttool build 2>err &&
	grep -q "which version" err && grep -q "^usage: porttool build" err
'

test_expect_success 'build: --help lists the options' '
	porttool build --help >out &&
	grep -q -- "--board B" out && grep -q -- "--kvm" out && grep -q -- "--tree DIR" out
'

test_expect_success 'build: an unknown board names the board and the known ones' '
	fake_tree k &&
	test_expect_code 1 porttool build 5.10 --board vax --tree k 2>err &&
	grep -q "unknown board .vax." err && grep -q "qemu, pi4b, m400" err
'

test_expect_success 'build: an unknown version is an error' '
	test_expect_code 1 porttool build 9.99 --tree . 2>err &&
	grep -q "9.99" err
'

test_expect_success 'build: a missing tree is named' '
	test_expect_code 1 porttool build 5.10 --tree "$PWD/nothing" 2>err &&
	grep -q "kernel tree .*nothing. does not exist" err
'

test_expect_success 'build: a directory that is not a kernel tree is refused' '
	mkdir notkernel &&
	test_expect_code 1 porttool build 5.10 --tree notkernel 2>err &&
	grep -q "not an arm64 Linux tree" err
'

test_expect_success 'build: no cross compiler names the Debian package' '
	fake_tree k && mkdir emptybin &&
	PATH="$PWD/emptybin" test_expect_code 1 "$PORTTOOL" build 5.10 --tree k 2>err &&
	grep -q "aarch64-linux-gnu-gcc not found" err &&
	grep -q "gcc-aarch64-linux-gnu" err
'

test_expect_success 'build: an output directory inside the tree is refused, nothing made' '
	fake_tree k &&
	test_expect_code 1 porttool build 5.10 --tree k --out k/build/x 2>err &&
	grep -q "inside the kernel tree" err && ! test -e k/build
'

test_expect_success 'build: a compile error names the log and shows the error line' '
	fake_tree k &&
	FAKE_KBUILD=fail test_expect_code 1 porttool build 5.10 --tree k --out o 2>err &&
	grep -q "stage .compile. failed" err &&
	grep -q "full log: .*o/build.log" err &&
	grep -q "init/main.c:42:1: error: expected" err &&
	grep -q "init/main.c:42:1: error" o/build.log
'

test_expect_success 'build: a config the fragment does not get is an error' '
	fake_tree k &&
	FAKE_KBUILD=badconfig test_expect_code 1 porttool build 5.10 --tree k --out o 2>err &&
	grep -q "qemu.config:[0-9]*: CONFIG_SMP=y, but the kernel.s Kconfig made it n" err
'

test_expect_success 'build: symbols the tree lacks are warned about, not fatal' '
	fake_tree k &&
	porttool build 5.10 --tree k --out o >out 2>err &&
	grep -q "warning: .*qemu.config:[0-9]*: CONFIG_SEKVM=y: not in .*o/.config (this tree.s Kconfig does not define it)" err &&
	grep -q "^Image: .*o/arch/arm64/boot/Image" out
'

# What the 6.x pi4b kernel's ARCH_BCM2835 did: the tree's Kconfig has the
# symbol, but allnoconfig dropped it (a dependency the fragment did not
# set).  That board would silently lack what its fragment promises.
test_expect_success 'build: a symbol the tree defines that .config lacks (unmet dependency) is an error' '
	fake_tree k &&
	printf "config SEKVM\n\tbool \"SeKVM\"\n\tdepends on KVM\n" >k/arch/arm64/Kconfig &&
	test_expect_code 1 porttool build 5.10 --tree k --out o >out 2>err &&
	grep -q "error: .*qemu.config:[0-9]*: CONFIG_SEKVM=y: not in .*o/.config (its Kconfig dependencies are not met)" err &&
	grep -q "the config does not match .*qemu.config" err &&
	! test -e o/arch/arm64/boot/Image
'

test_expect_success 'build: a build without an Image fails' '
	fake_tree k &&
	FAKE_KBUILD=noimage test_expect_code 1 porttool build 5.10 --tree k --out o 2>err &&
	grep -q "Image is missing" err
'

test_expect_success 'build: pi4b asks kbuild for its DTB only, and checks it was made' '
	fake_tree k &&
	porttool build 5.10 --board pi4b --tree k --out o >out 2>err &&
	grep -q "broadcom/bcm2711-rpi-4-b.dtb" o/build.log &&
	! grep -q " dtbs" o/build.log &&
	grep -q "^DTB: .*o/arch/arm64/boot/dts/broadcom/bcm2711-rpi-4-b.dtb" out &&
	grep -q "^PASS dtb-gic (bcm2711-rpi-4-b.dtb: /interrupt-controller@40041000, arm,gic-400" out &&
	grep -q "^PASS dtb-uart (bcm2711-rpi-4-b.dtb: /serial@fe201000, arm,pl011)" out &&
	grep -q "^PASS dtb-memory" out
'

test_expect_success 'build: a board DTB whose GIC lacks GICH/GICV fails, naming them' '
	fake_tree k &&
	FAKE_DTS=-nogich test_expect_code 1 porttool build 5.10 --board m400 --tree k --out o >out 2>err &&
	grep -q "^FAIL dtb-gic: apm-mustang.dtb: GIC /interrupt-controller@40041000 (arm,gic-400) has 2 reg regions; missing GICH and GICV" out &&
	grep -q "apm-mustang.dtb lacks what the corevisor needs" err
'

test_expect_success 'build: kbuild gets ARCH, CROSS_COMPILE, -j2 and O=' '
	fake_tree k &&
	porttool build 5.10 --tree k --out o >out 2>err &&
	grep "porttool stage compile" o/build.log >cmd &&
	grep -q "ARCH=arm64" cmd && grep -q "CROSS_COMPILE=aarch64-linux-gnu-" cmd &&
	grep -q " -j2" cmd && grep -q "O=$PWD/o" cmd &&
	grep -q "INSTALL_MOD_PATH=$PWD/o/modules modules_install" o/build.log
'

test_expect_success 'build: --kvm without the base tag in the tree is an error' '
	fake_tree k && git -C k init -q && git -C k add -A && git -C k commit -q -m x &&
	test_expect_code 1 porttool build 5.10 --kvm --tree k --out o 2>err &&
	grep -q "tag .v5.10.223. (the port.s base.tag) not found" err &&
	test -z "$(git -C k status --porcelain)"
'

test_expect_success 'build: --kvm builds the base tag, not the checked-out branch' '
	fake_tree k && git -C k init -q && git -C k add -A && git -C k commit -q -m base &&
	git -C k tag v5.10.223 && echo port >k/PORTED && git -C k add PORTED &&
	git -C k commit -q -m port &&
	porttool build 5.10 --kvm --tree k --out o >out 2>err &&
	src=$XDG_CACHE_HOME/porttool/src/v5.10-base &&
	test -f "$src/Makefile" && ! test -e "$src/PORTED" &&
	grep -q "source=$src" o/porttool-build.conf &&
	test -z "$(git -C k status --porcelain)" && test -f k/PORTED
'

# ports/v5.10 with a [build] section added: a port that needs HOSTCC.
port_with_hostcc() {
	mkdir -p ports && cp -r "$PROJECT_DIR/ports/v5.10" ports/ &&
	printf '[build]\n\thostcc = %s\n' "$1" >>ports/v5.10/port.conf
}

test_expect_success 'build: port.conf build.hostcc reaches every make as HOSTCC' '
	fake_tree k && port_with_hostcc "gcc -fcommon" &&
	porttool build 5.10 --ports "$PWD/ports" --tree k --out o >out 2>err &&
	grep -q "HOSTCC=gcc -fcommon (port.conf build.hostcc)" err &&
	test "$(grep -c "^### porttool stage .* HOSTCC=gcc -fcommon" o/build.log)" = 3 &&
	grep -q "HOSTCC is \[gcc -fcommon\]" o/build.log
'

test_expect_success 'build: a relative --ports works (make runs in the tree)' '
	fake_tree k && mkdir -p ports && cp -r "$PROJECT_DIR/ports/v5.10" ports/ &&
	porttool build 5.10 --ports ports --tree k --out o >out 2>err &&
	test -s o/arch/arm64/boot/Image &&
	grep -q "KCONFIG_ALLCONFIG=$PWD/ports/v5.10/configs/qemu.config" o/build.log
'

test_expect_success 'build: without build.hostcc kbuild keeps its own HOSTCC' '
	fake_tree k &&
	porttool build 5.10 --tree k --out o >out 2>err &&
	! grep -q "HOSTCC=" o/build.log && ! grep -q "build.hostcc" err &&
	grep -q "HOSTCC is \[\]" o/build.log
'

test_expect_success 'build: an empty build.hostcc is an error naming the key' '
	fake_tree k && mkdir -p ports && cp -r "$PROJECT_DIR/ports/v5.10" ports/ &&
	printf "[build]\n\thostcc\n" >>ports/v5.10/port.conf &&
	test_expect_code 1 porttool build 5.10 --ports "$PWD/ports" --tree k --out o 2>err &&
	grep -q "port.conf: build.hostcc has no value" err && ! test -e o/build.log
'

# A snapshot that lacks a blob of the base (the public 5.11.14 one lacks
# four amdgpu headers): --kvm names it and builds without it; the old code
# stopped on "object not found".
test_expect_success 'build: --kvm names base files whose blobs the repository lacks' '
	fake_tree k && git -C k init -q && git -C k add -A &&
	seq 1 500 >k/huge_sh_mask.h && git -C k add huge_sh_mask.h &&
	git -C k commit -q -m base && git -C k tag v5.10.223 &&
	blob=$(git -C k rev-parse HEAD:huge_sh_mask.h) &&
	rm "k/.git/objects/${blob:0:2}/${blob:2}" &&
	porttool build 5.10 --kvm --tree k --out o >out 2>err && cat err &&
	grep "has no contents for 1 file(s) of" err &&
	grep "wrote $(( $(git -C k ls-files | wc -l) - 1 )) files of" err &&
	grep "^  missing: huge_sh_mask.h$" err &&
	! grep "object not found" err &&
	src=$XDG_CACHE_HOME/porttool/src/v5.10-base &&
	test -f "$src/Makefile" && ! test -e "$src/huge_sh_mask.h"
'

test_done
