# EL2 test in QEMU, included by arch/aarch64/build.mk.
#
#   el2-test   check that the image builds reproducibly (repro.sh), build
#              the test host (test/el2, with corevisor.bin inside) twice,
#              loading the corevisor at two different bases (the second
#              region ends at the end of RAM), and boot them on QEMU virt
#              at EL2 with 3 CPUs; test/el2/run.sh checks the serial output.

EL2_TEST_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -ffreestanding \
	-nostdinc -isystem $(AA64_GCC_INC) $(INCLUDES) -mgeneral-regs-only \
	-mstrict-align -mno-outline-atomics -fno-pic -fno-pie \
	-fno-stack-protector -fno-builtin -fno-tree-loop-distribute-patterns \
	-fno-asynchronous-unwind-tables -ffile-prefix-map=$(CURDIR)=.

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

# region base of each test image (2 MiB aligned, 32 MiB, RAM is 256 MiB)
EL2_REGION_low := 0x48000000
EL2_REGION_top := 0x4e000000

out/el2/main-%.o: test/el2/main.c test/el2/el2.h include/corevisor/abi.h
	@mkdir -p $(dir $@)
	$(AA64_CC) $(EL2_TEST_CFLAGS) -DGUEST_IPA=$(EL2_GUEST_IPA)UL \
		-DREGION_BASE=$(EL2_REGION_$*)UL -c -o $@ $<

out/el2/test-%.elf: test/el2/test.lds out/el2/start.o out/el2/main-%.o
	$(AA64_LD) $(AA64_LDFLAGS) -T $< -o $@ $(filter %.o,$^)

# Cortex-A72 is the CPU of the boards; QEMU's "max" adds PAN, pointer
# authentication, SVE and the rest of ARMv8.x; Cortex-A53 has a 40-bit PA
# size, too small for a stage 2 that starts at level 0.
el2-test: out/el2/test-low.elf out/el2/test-top.elf
	@test/el2/repro.sh >out/el2/build-checks.log
	test/el2/run.sh out/el2/build-checks.log \
		out/el2/test-low.elf@cortex-a72 out/el2/test-top.elf@cortex-a72 \
		out/el2/test-low.elf@max out/el2/test-top.elf@cortex-a53

# The hostile-host fuzzer (test/el2/fuzz.c): the EL2 test's image with
# fuzz.c on top and its own guest (fuzzguest.S), signed with its own key.
#   fuzz-test   FUZZ_N calls (default 200000) with seed FUZZ_SEED
#               (default: from the commit, so a rerun of CI is the same);
#               ends with "fuzz: N passed, N failed".
#   FUZZ_HOLES  known holes whose checks count as failures (smmu, stop,
#               install;
#               see fuzz.c); others print "KNOWN" lines only.
FUZZ_N ?= 200000
FUZZ_SEED ?= 0x$(shell git rev-parse --short=8 HEAD 2>/dev/null || echo 1)
FUZZ_HOLES ?= smmu stop install
FUZZ_DEFS := -DEL2_FUZZ -DFUZZ_CALLS=$(FUZZ_N)UL -DFUZZ_SEED=$(FUZZ_SEED)UL \
	$(foreach h,$(FUZZ_HOLES),-DFUZZ_HOLE_$(shell echo $(h) | tr a-z A-Z)=1) \
	$(if $(FUZZ_TRACE_FROM),-DFUZZ_TRACE_FROM=$(FUZZ_TRACE_FROM)UL)

out/el2/fuzz/guest.o: test/el2/fuzzguest.S
	@mkdir -p $(dir $@)
	$(AA64_CC) $(EL2_TEST_CFLAGS) -D__ASSEMBLY__ -c -o $@ $<

out/el2/fuzz/guest.bin: out/el2/fuzz/guest.o
	$(AA64_OBJCOPY) -O binary -j .text $< $@
	@test "$$(stat -c %s $@)" = 4096 || { echo "$@: not one page"; exit 1; }

out/el2/fuzz/sig.bin: out/el2/fuzz/guest.bin test/el2/sign.sh
	test/el2/sign.sh $< $(EL2_GUEST_IPA) out/el2/fuzz

out/el2/fuzz/blob.o: test/el2/fuzzblob.S out/el2/fuzz/sig.bin
	$(AA64_CC) $(EL2_TEST_CFLAGS) -D__ASSEMBLY__ \
		-DFUZZ_GUEST_BIN='"out/el2/fuzz/guest.bin"' \
		-DFUZZ_PUB='"out/el2/fuzz/pub.bin"' \
		-DFUZZ_SIG='"out/el2/fuzz/sig.bin"' -c -o $@ $<

# Rebuilt every time: N, the seed and the holes are on its command line.
out/el2/fuzz/main.o: test/el2/fuzz.c test/el2/main.c test/el2/el2.h \
		include/corevisor/abi.h FORCE
	@mkdir -p $(dir $@)
	$(AA64_CC) $(EL2_TEST_CFLAGS) -DGUEST_IPA=$(EL2_GUEST_IPA)UL \
		-DREGION_BASE=$(EL2_REGION_low)UL $(FUZZ_DEFS) -c -o $@ $<

out/el2/test-fuzz.elf: test/el2/test.lds out/el2/start.o out/el2/fuzz/blob.o \
		out/el2/fuzz/main.o
	$(AA64_LD) $(AA64_LDFLAGS) -T $< -o $@ $(filter %.o,$^)

fuzz-test: out/el2/test-fuzz.elf
	test/el2/fuzz.sh $< $(FUZZ_N)

FORCE:
.PHONY: fuzz-test FORCE
