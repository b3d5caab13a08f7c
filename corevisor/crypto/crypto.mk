# SPDX-License-Identifier: GPL-2.0-only
#
# corevisor/crypto: SHA-512 and Ed25519 verification.
#
# Included from corevisor/Makefile, or used alone:
#   make -C corevisor -f crypto/crypto.mk crypto-test
# Paths are relative to corevisor/, the directory make runs in.  This file
# does not change the includer's default goal.
#
#   CRYPTO_SRCS    sources for the corevisor image (freestanding)
#   crypto-test    host tests, plain and under ASan+UBSan (needs -lcrypto),
#                  and the known-answer tests as aarch64 code under qemu-user
#   crypto-cross   compile CRYPTO_SRCS as the corevisor does, for aarch64
#   crypto-bench   instruction counts with valgrind --tool=callgrind

crypto_mk_goal := $(.DEFAULT_GOAL)

CRYPTO_SRCS := crypto/sha512.c crypto/ed25519.c
CRYPTO_HDRS := crypto/sha512.h crypto/ed25519.h

CRYPTO_OUT := build/crypto
CRYPTO_HOSTCC ?= gcc
CRYPTO_CROSS ?= aarch64-linux-gnu-
CRYPTO_TEST_SRCS := $(sort $(wildcard crypto/test/*.c))
CRYPTO_TEST_DEPS := $(CRYPTO_SRCS) $(CRYPTO_HDRS) $(CRYPTO_TEST_SRCS) \
		    $(wildcard crypto/test/*.h)
CRYPTO_TEST_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror
CRYPTO_SAN_CFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
		     -fno-omit-frame-pointer
CRYPTO_FREESTANDING_CFLAGS := -ffreestanding -mgeneral-regs-only \
			      -fno-stack-protector -O2 -Wall -Wextra -Werror
CRYPTO_QEMU ?= qemu-aarch64
CRYPTO_A64_OBJS := $(CRYPTO_SRCS:crypto/%.c=$(CRYPTO_OUT)/aarch64/%.o)
# The known-answer tests need no OpenSSL; these also run as aarch64 code.
CRYPTO_KAT_SRCS := crypto/test/main.c crypto/test/test_sha512.c \
		   crypto/test/test_ed25519.c

$(CRYPTO_OUT)/crypto-test: $(CRYPTO_TEST_DEPS)
	@mkdir -p $(@D)
	$(CRYPTO_HOSTCC) $(CRYPTO_TEST_CFLAGS) -o $@ $(CRYPTO_SRCS) \
		$(CRYPTO_TEST_SRCS) -lcrypto

$(CRYPTO_OUT)/crypto-test-san: $(CRYPTO_TEST_DEPS)
	@mkdir -p $(@D)
	$(CRYPTO_HOSTCC) $(CRYPTO_TEST_CFLAGS) $(CRYPTO_SAN_CFLAGS) -o $@ \
		$(CRYPTO_SRCS) $(CRYPTO_TEST_SRCS) -lcrypto

# The crypto objects are built exactly as for the corevisor image.
$(CRYPTO_OUT)/aarch64/%.o: crypto/%.c $(CRYPTO_HDRS)
	@mkdir -p $(@D)
	$(CRYPTO_CROSS)gcc $(CRYPTO_FREESTANDING_CFLAGS) -c $< -o $@

$(CRYPTO_OUT)/crypto-test-aarch64: $(CRYPTO_A64_OBJS) $(CRYPTO_TEST_DEPS)
	$(CRYPTO_CROSS)gcc -static $(CRYPTO_TEST_CFLAGS) \
		-DCRYPTO_TEST_NO_OPENSSL -o $@ $(CRYPTO_KAT_SRCS) $(CRYPTO_A64_OBJS)

# Runs every build; a run that does not end in its "N passed, N failed"
# line (a crash, a sanitizer report) counts as one failure.  The aarch64
# run needs qemu-user (ci/deps.sh) and is skipped, saying so, without it.
CRYPTO_RUNS := $(CRYPTO_OUT)/crypto-test $(CRYPTO_OUT)/crypto-test-san
ifneq ($(shell command -v $(CRYPTO_QEMU)),)
CRYPTO_RUNS += $(CRYPTO_OUT)/crypto-test-aarch64
endif

crypto-test: $(CRYPTO_RUNS)
	@p=0; f=0; \
	for t in $(CRYPTO_RUNS); do \
		case $$t in *aarch64) run="$(CRYPTO_QEMU) $$t";; *) run=$$t;; esac; \
		echo "== $$run"; \
		$$run > $$t.log 2>&1; rc=$$?; cat $$t.log; \
		set -- $$(tail -n 1 $$t.log); \
		if [ "$$2 $$4" = "passed, failed" ] && [ $$rc -eq 0 -o $$3 -ne 0 ]; then \
			p=$$((p + $$1)); f=$$((f + $$3)); \
		else \
			echo "$$t: exit $$rc without a summary line"; f=$$((f + 1)); \
		fi; \
	done; \
	case "$(CRYPTO_RUNS)" in *aarch64*) ;; \
	*) echo "crypto: $(CRYPTO_QEMU) not found, aarch64 run skipped";; esac; \
	echo "crypto: $$p passed, $$f failed"; \
	[ $$f -eq 0 ]

# The corevisor's own flags; only memcpy/memset may be left for it to provide.
crypto-cross: $(CRYPTO_A64_OBJS)
	@u=$$($(CRYPTO_CROSS)nm -u $(CRYPTO_A64_OBJS) | \
	      grep -v -e '^$$' -e ':$$' -e ' mem\(cpy\|set\)$$' -e ' sha512_' || true); \
	if [ -n "$$u" ]; then echo "crypto: unexpected externals:"; echo "$$u"; exit 1; fi
	@echo "crypto: aarch64 freestanding build OK"

$(CRYPTO_OUT)/crypto-bench: crypto/bench/bench.c crypto/test/ossl.c $(CRYPTO_SRCS) $(CRYPTO_HDRS)
	@mkdir -p $(@D)
	$(CRYPTO_HOSTCC) -std=gnu11 -O2 -g -Wall -Wextra -o $@ \
		crypto/bench/bench.c crypto/test/ossl.c $(CRYPTO_SRCS) -lcrypto

crypto-bench: $(CRYPTO_OUT)/crypto-bench
	@for what in verify sha512; do \
		fn=$$([ $$what = verify ] && echo ed25519_verify || echo sha512); \
		valgrind --tool=callgrind --toggle-collect=$$fn \
			--callgrind-out-file=$(CRYPTO_OUT)/callgrind.$$what \
			$(CRYPTO_OUT)/crypto-bench $$what 2>/dev/null; \
		n=$$(sed -n 's/^totals: //p' $(CRYPTO_OUT)/callgrind.$$what); \
		$(CRYPTO_OUT)/crypto-bench $$what $$n; \
	done

.PHONY: crypto-test crypto-cross crypto-bench

# Leave the default goal as it was: the includer's, or crypto-test alone.
ifeq ($(firstword $(MAKEFILE_LIST)),$(lastword $(MAKEFILE_LIST)))
.DEFAULT_GOAL := crypto-test
else
.DEFAULT_GOAL := $(crypto_mk_goal)
endif
