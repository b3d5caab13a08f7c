# aarch64 EL2 build of the corevisor, included by corevisor/Makefile.
#
#   out/corevisor.elf   linked at 0, with symbols
#   out/corevisor.bin   objcopy -O binary of the ELF: what ports embed
#   el2-test            boot the image at a real EL2 in QEMU (test/el2/)
#
# Checks run on every build of the .bin, and fail it:
#   - no undefined symbol (nm -u prints nothing): no libc, no libgcc;
#   - position independence: the image is linked a second time at another
#     base and the two .bin files must be byte-identical;
#   - the header's image_size equals the size of the .bin.
# Reproducible: no timestamps or build ids, sorted inputs, source paths
# mapped to relative ones.
#
# Files here cannot run in the host tests (they only run at EL2):
# arch/aarch64/*.c, arch/aarch64/*.S.  test/el2/ covers them in QEMU.

AA64_CROSS ?= aarch64-linux-gnu-
AA64_CC := $(AA64_CROSS)gcc
AA64_LD := $(AA64_CROSS)ld
AA64_OBJCOPY := $(AA64_CROSS)objcopy
AA64_NM := $(AA64_CROSS)nm

AA64_GCC_INC := $(shell $(AA64_CC) -print-file-name=include 2>/dev/null)
AA64_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Wno-unused-parameter \
	-ffreestanding -nostdinc -isystem $(AA64_GCC_INC) $(INCLUDES) \
	-mgeneral-regs-only -mstrict-align -mno-outline-atomics \
	-fno-pic -fno-pie -mcmodel=small -fno-stack-protector -fno-common \
	-fno-tree-loop-distribute-patterns -fno-asynchronous-unwind-tables \
	-fno-unwind-tables -ffile-prefix-map=$(CURDIR)=. -march=armv8-a \
	-Wframe-larger-than=4096 \
	-MMD -MP
AA64_ASFLAGS := $(filter-out -std=gnu11,$(AA64_CFLAGS)) -D__ASSEMBLY__
AA64_LDFLAGS := -nostdlib -static --build-id=none -z noexecstack \
	--no-warn-rwx-segments

AA64_LDS := arch/aarch64/corevisor.lds.S
AA64_ARCH_SRCS := $(filter-out $(AA64_LDS),$(sort $(wildcard arch/aarch64/*.c arch/aarch64/*.S)))
AA64_SRCS := $(AA64_ARCH_SRCS) $(sort $(CORE_SRCS) $(CRYPTO_SRCS))
AA64_OBJS := $(patsubst %,out/obj/%.o,$(basename $(AA64_SRCS)))

# The image is only built once every core source it links exists.
ifeq ($(filter-out $(wildcard $(CORE_SRCS)),$(CORE_SRCS)),)
all: out/corevisor.elf out/corevisor.bin
endif

out/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(AA64_CC) $(AA64_CFLAGS) -c -o $@ $<

out/obj/%.o: %.S
	@mkdir -p $(dir $@)
	$(AA64_CC) $(AA64_ASFLAGS) -c -o $@ $<

out/corevisor-%.lds: $(AA64_LDS)
	@mkdir -p out
	$(AA64_CC) -E -P -x c -DCV_LINK_BASE=$* -o $@ $<

out/corevisor.elf: out/corevisor-0x0.lds $(AA64_OBJS)
	$(AA64_LD) $(AA64_LDFLAGS) -T $< -o $@ $(AA64_OBJS)

out/pic-check.elf: out/corevisor-0x40200000.lds $(AA64_OBJS)
	$(AA64_LD) $(AA64_LDFLAGS) -T $< -o $@ $(AA64_OBJS)

out/%.bin: out/%.elf
	$(AA64_OBJCOPY) -O binary $< $@

out/corevisor.bin: out/corevisor.elf out/pic-check.bin
	@undef=$$($(AA64_NM) -u out/corevisor.elf); \
	if [ -n "$$undef" ]; then \
		echo "corevisor.elf: undefined symbols:"; echo "$$undef"; \
		rm -f $@; exit 1; fi
	$(AA64_OBJCOPY) -O binary out/corevisor.elf $@
	@cmp -s $@ out/pic-check.bin || { \
		echo "corevisor.bin: not position independent" \
		     "(differs when linked at another base)"; rm -f $@; exit 1; }
	@size=$$(od -An -t u8 -j 8 -N 8 $@ | tr -d ' '); \
	if [ "$$size" != "$$(stat -c %s $@)" ]; then \
		echo "corevisor.bin: header image_size $$size != file size"; \
		rm -f $@; exit 1; fi

-include $(AA64_OBJS:.o=.d)

-include test/el2/el2.mk

.PHONY: el2-test
