/* SPDX-License-Identifier: GPL-2.0-only */
/* The fuzzer's guest (fuzzguest.S), its public key and signature. */
	.section .rodata
	.balign	4096
	.globl	fuzz_guest
	.globl	fuzz_guest_end
	.globl	fuzz_pub
	.globl	fuzz_sig
fuzz_guest:
	.incbin	FUZZ_GUEST_BIN
fuzz_guest_end:
	.balign	8
fuzz_pub:
	.incbin	FUZZ_PUB
fuzz_sig:
	.incbin	FUZZ_SIG
