# EL2 test in QEMU, included by arch/aarch64/build.mk.
#
#   el2-test   check that the image builds reproducibly (repro.sh), build
#              out/el2/test.elf (the test host, with corevisor.bin
#              inside) and boot it on QEMU virt at EL2 with 3 CPUs;
#              test/el2/run.sh checks the serial output.

EL2_TEST_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -ffreestanding \
	-nostdinc -isystem $(AA64_GCC_INC) $(INCLUDES) -mgeneral-regs-only \
	-mstrict-align -mno-outline-atomics -fno-pic -fno-pie \
	-fno-stack-protector -fno-builtin -fno-tree-loop-distribute-patterns \
	-fno-asynchronous-unwind-tables -ffile-prefix-map=$(CURDIR)=.
EL2_TEST_OBJS := out/el2/start.o out/el2/main.o

EL2_GUEST_IPA := 0x40000000

out/el2/start.o: test/el2/start.S out/corevisor.bin out/el2/sig.bin
	@mkdir -p $(dir $@)
	$(AA64_CC) $(EL2_TEST_CFLAGS) -D__ASSEMBLY__ \
		-DCOREVISOR_BIN='"out/corevisor.bin"' \
		-DGUEST_BIN='"out/el2/guest.bin"' \
		-DGUEST_PUB='"out/el2/pub.bin"' \
		-DGUEST_SIG='"out/el2/sig.bin"' -c -o $@ $<

# The VM test's guest: one page, signed with a key made for this build.
out/el2/guest.o: test/el2/guest.S
	@mkdir -p $(dir $@)
	$(AA64_CC) $(EL2_TEST_CFLAGS) -D__ASSEMBLY__ -c -o $@ $<

out/el2/guest.bin: out/el2/guest.o
	$(AA64_OBJCOPY) -O binary -j .text $< $@

out/el2/sig.bin: out/el2/guest.bin test/el2/sign.sh
	test/el2/sign.sh $< $(EL2_GUEST_IPA) out/el2

out/el2/main.o: test/el2/main.c test/el2/el2.h include/corevisor/abi.h
	@mkdir -p $(dir $@)
	$(AA64_CC) $(EL2_TEST_CFLAGS) -DGUEST_IPA=$(EL2_GUEST_IPA)UL -c -o $@ $<

out/el2/test.elf: test/el2/test.lds $(EL2_TEST_OBJS)
	$(AA64_LD) $(AA64_LDFLAGS) -T $< -o $@ $(EL2_TEST_OBJS)

el2-test: out/el2/test.elf
	@test/el2/repro.sh >out/el2/build-checks.log
	test/el2/run.sh out/el2/test.elf out/el2/build-checks.log
