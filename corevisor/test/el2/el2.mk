# EL2 test in QEMU, included by arch/aarch64/build.mk.
#
#   el2-test   build out/el2/test.elf (the test host, with corevisor.bin
#              inside) and boot it on QEMU virt at EL2 with 3 CPUs;
#              test/el2/run.sh checks the serial output.

EL2_TEST_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -ffreestanding \
	-nostdinc -isystem $(AA64_GCC_INC) $(INCLUDES) -mgeneral-regs-only \
	-mstrict-align -mno-outline-atomics -fno-pic -fno-pie \
	-fno-stack-protector -fno-builtin -fno-tree-loop-distribute-patterns \
	-fno-asynchronous-unwind-tables -ffile-prefix-map=$(CURDIR)=.
EL2_TEST_OBJS := out/el2/start.o out/el2/main.o

out/el2/start.o: test/el2/start.S out/corevisor.bin
	@mkdir -p $(dir $@)
	$(AA64_CC) $(EL2_TEST_CFLAGS) -D__ASSEMBLY__ \
		-DCOREVISOR_BIN='"out/corevisor.bin"' -c -o $@ $<

out/el2/main.o: test/el2/main.c test/el2/el2.h include/corevisor/abi.h
	@mkdir -p $(dir $@)
	$(AA64_CC) $(EL2_TEST_CFLAGS) -c -o $@ $<

out/el2/test.elf: test/el2/test.lds $(EL2_TEST_OBJS)
	$(AA64_LD) $(AA64_LDFLAGS) -T $< -o $@ $(EL2_TEST_OBJS)

el2-test: out/el2/test.elf
	test/el2/run.sh out/el2/test.elf
