// SPDX-License-Identifier: GPL-2.0-only
/*
 * White-box tests of ed25519.c: its constants against their definitions,
 * field and scalar arithmetic against OpenSSL BIGNUM as the reference
 * model, point decoding edge cases and scalar multiplication against
 * OpenSSL key derivation.
 *
 * The file includes ed25519.c to reach its static functions; the public
 * function is renamed so that it does not clash with the real one (calls
 * below go to this copy, compiled from the same source).
 */
#define ed25519_verify ed25519_verify_internal_copy
#include "../ed25519.c"

#include <string.h>
#include <openssl/bn.h>

#include "test.h"
#include "ossl.h"

static struct {
	BN_CTX *ctx;
	BIGNUM *p;
	BIGNUM *l;
} bn;

/* sum v[i] 2^(51 i), not reduced. */
static BIGNUM *fe_bn(const struct fe *a)
{
	BIGNUM *r = BN_new();
	int i;

	BN_zero(r);
	for (i = 4; i >= 0; i--) {
		BN_lshift(r, r, 51);
		BN_add_word(r, a->v[i]);
	}
	return r;
}

/* Does s (32 bytes, little-endian) equal b mod m? */
static bool same_mod(const uint8_t s[32], const BIGNUM *b, const BIGNUM *m)
{
	BIGNUM *r = BN_new();
	uint8_t t[32];

	BN_nnmod(r, b, m, bn.ctx);
	BN_bn2lebinpad(r, t, 32);
	BN_free(r);
	return !memcmp(s, t, 32);
}

static void fe_random(struct fe *a)
{
	uint64_t top = 1ULL << 52;
	int i, kind = (int)(rng_next() % 8);

	/* Mostly random loose limbs; sometimes the extremes. */
	for (i = 0; i < 5; i++)
		a->v[i] = kind == 0 ? top - 1 : kind == 1 ? MASK51 :
			  rng_next() % top;
	if (kind == 1)
		a->v[0] -= rng_next() % 40;	/* around p = 2^255 - 19 */
}

static void test_constants(void)
{
	struct fe t, u;
	uint8_t s[32], want[32];
	BIGNUM *b = BN_new();

	fe_mul(&t, &FE_D, &(struct fe){{ 121666 }});
	fe_add(&t, &t, &(struct fe){{ 121665 }});
	fe_tobytes(s, &t);
	memset(want, 0, 32);
	CHECK(!memcmp(s, want, 32), "d * 121666 != -121665");
	fe_add(&t, &FE_D, &FE_D);
	CHECK(fe_equal(&t, &FE_D2), "2d is not d + d");
	fe_mul(&t, &FE_SQRTM1, &FE_SQRTM1);
	fe_neg(&u, &FE_ONE);
	CHECK(fe_equal(&t, &u), "sqrt(-1)^2 != -1");

	fe_mul(&t, &GE_BASE.y, &(struct fe){{ 5 }});
	CHECK(fe_equal(&t, &(struct fe){{ 4 }}), "base y != 4/5");
	fe_mul(&t, &GE_BASE.x, &GE_BASE.y);
	CHECK(fe_equal(&t, &GE_BASE.t), "base T != x y");
	/* -x^2 + y^2 = 1 + d x^2 y^2 */
	fe_mul(&t, &GE_BASE.x, &GE_BASE.x);
	fe_mul(&u, &GE_BASE.y, &GE_BASE.y);
	{
		struct fe lhs, rhs;

		fe_sub(&lhs, &u, &t);
		fe_mul(&rhs, &t, &u);
		fe_mul(&rhs, &rhs, &FE_D);
		fe_add(&rhs, &rhs, &FE_ONE);
		CHECK(fe_equal(&lhs, &rhs), "base point is not on the curve");
	}
	CHECK(!fe_isodd(&GE_BASE.x), "base x is odd");
	ge_encode(s, &GE_BASE);
	unhex(want, 32, "5866666666666666666666666666666666666666666666666666666666666666");
	CHECK(!memcmp(s, want, 32), "base point encoding");

	BN_sub(b, bn.p, BN_value_one());
	BN_sub_word(b, 1);
	BN_bn2lebinpad(b, s, 32);
	CHECK(!memcmp(s, EXP_P_MINUS_2, 32), "p - 2 exponent");
	BN_sub_word(b, 3);
	BN_rshift(b, b, 3);
	BN_bn2lebinpad(b, s, 32);
	CHECK(!memcmp(s, EXP_P_MINUS_5_DIV_8, 32), "(p - 5)/8 exponent");
	BN_bn2lebinpad(bn.l, want, 32);
	{
		uint64_t l[4];

		sc_load(l, want);
		CHECK(!memcmp(l, SC_L, 32), "L");
	}
	BN_free(b);
}

static void test_field(void)
{
	unsigned int bad[7] = { 0 }, i;
	struct fe a, b, r;
	BIGNUM *ba, *bb, *want = BN_new();
	uint8_t s[32], s2[32];

	for (i = 0; i < 3000; i++) {
		fe_random(&a);
		fe_random(&b);
		ba = fe_bn(&a);
		bb = fe_bn(&b);

		fe_tobytes(s, &a);
		bad[0] += !same_mod(s, ba, bn.p);
		fe_mul(&r, &a, &b);
		fe_tobytes(s, &r);
		BN_mod_mul(want, ba, bb, bn.p, bn.ctx);
		bad[1] += !same_mod(s, want, bn.p);
		fe_add(&r, &a, &b);
		fe_tobytes(s, &r);
		BN_add(want, ba, bb);
		bad[2] += !same_mod(s, want, bn.p);
		fe_sub(&r, &a, &b);
		fe_tobytes(s, &r);
		BN_sub(want, ba, bb);
		bad[3] += !same_mod(s, want, bn.p);
		/* Outputs stay loose: limbs < 2^52. */
		bad[4] += r.v[0] >> 52 || r.v[1] >> 52 || r.v[2] >> 52 ||
			  r.v[3] >> 52 || r.v[4] >> 52;
		fe_frombytes(&r, s);
		fe_tobytes(s2, &r);
		bad[5] += !!memcmp(s, s2, 32);
		if (i % 30 == 0) {
			fe_pow(&r, &a, EXP_P_MINUS_2);
			fe_tobytes(s, &r);
			if (!BN_is_zero(want) && BN_mod_inverse(want, ba, bn.p,
								bn.ctx))
				bad[6] += !same_mod(s, want, bn.p);
		}
		BN_free(ba);
		BN_free(bb);
	}
	BN_free(want);
	CHECK(!bad[0], "fe_tobytes: %u wrong", bad[0]);
	CHECK(!bad[1], "fe_mul: %u wrong", bad[1]);
	CHECK(!bad[2], "fe_add: %u wrong", bad[2]);
	CHECK(!bad[3], "fe_sub: %u wrong", bad[3]);
	CHECK(!bad[4], "fe_sub: %u outputs not loose", bad[4]);
	CHECK(!bad[5], "fe_frombytes(fe_tobytes(x)): %u wrong", bad[5]);
	CHECK(!bad[6], "fe_pow(p - 2): %u wrong inverses", bad[6]);
}

static void test_scalar(void)
{
	static const char *const edges[] = {
		"00", "01", "ff", "edd3f55c1a631258d69cf7a2def9de14", /* low L */
	};
	uint8_t in[64], out[32];
	BIGNUM *b = BN_new();
	unsigned int bad = 0, i;

	for (i = 0; i < 2000; i++) {
		if (i < 4) {
			memset(in, i == 2 ? 0xff : 0, 64);
			unhex(in, 64, edges[i]);
		} else if (i < 40) {
			/* k L - 16 .. k L + 19, k >= 1 */
			BN_set_word(b, 1 + rng_next() % 1000);
			BN_mul(b, b, bn.l, bn.ctx);
			if (i < 20)
				BN_sub_word(b, i - 4);
			else
				BN_add_word(b, i - 20);
			BN_bn2lebinpad(b, in, 64);
		} else {
			rng_bytes(in, 64);
		}
		sc_reduce(out, in);
		BN_lebin2bn(in, 64, b);
		bad += !same_mod(out, b, bn.l);
	}
	CHECK(!bad, "sc_reduce: %u of 2000 differ from BN_nnmod", bad);
	BN_free(b);
}

static void test_points(void)
{
	uint8_t enc[32], s[32], sk[32], pk[32], sig[64], h[64], msg[1] = { 0 };
	static const uint8_t zero[32];
	struct ge p, q;
	unsigned int bad = 0, i;

	/* y = 0 decodes to (sqrt(-1), 0); y = p, its non-canonical twin, not. */
	memset(enc, 0, 32);
	CHECK(ge_decode(&p, enc), "y = 0 rejected");
	unhex(enc, 32, "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
	CHECK(!ge_decode(&p, enc), "y = p accepted");
	/* y = 1: the neutral point; x = 0 so the sign bit must be 0. */
	memset(enc, 0, 32);
	enc[0] = 1;
	CHECK(ge_decode(&p, enc), "y = 1 rejected");
	enc[31] = 0x80;
	CHECK(!ge_decode(&p, enc), "x = 0 with sign 1 accepted");
	enc[0] = 2;
	enc[31] = 0;
	CHECK(!ge_decode(&p, enc), "y = 2 (not on the curve) accepted");

	/* [a]B against OpenSSL: pk = [clamp(SHA-512(sk)[0..31])]B. */
	for (i = 0; i < 50; i++) {
		rng_bytes(sk, 32);
		ossl_sign(sk, msg, 0, sig, pk);
		sha512(sk, 32, h);
		h[0] &= 248;
		h[31] = (h[31] & 127) | 64;
		ge_double_scalarmult(&p, h, &GE_BASE, zero, &GE_BASE);
		ge_encode(enc, &p);
		bad += !!memcmp(enc, pk, 32);
		/* decode(encode(P)) is P */
		bad += !ge_decode(&q, enc);
		ge_encode(s, &q);
		bad += !!memcmp(s, enc, 32);
	}
	CHECK(!bad, "[a]B or its decoding differs from OpenSSL %u times", bad);

	/* [L]B is the neutral point (0, 1). */
	BN_bn2lebinpad(bn.l, s, 32);
	ge_double_scalarmult(&p, s, &GE_BASE, zero, &GE_BASE);
	ge_encode(enc, &p);
	memset(s, 0, 32);
	s[0] = 1;
	CHECK(!memcmp(enc, s, 32), "[L]B is not the neutral point");
}

/*
 * With A the neutral point, [S]B = R + [k]A holds for R = [S]B whatever
 * k is.  RFC 8032 verification accepts that (small-order keys are not
 * rejected), so the canonical key is accepted; the same point written
 * with y = p + 1 must be refused only because it is not canonical.
 */
static void test_noncanonical_key(void)
{
	uint8_t sig[64], pk[32], msg[3] = "abc";
	static const uint8_t zero[32];
	struct ge p;

	rng_bytes(sig + 32, 31);
	sig[63] = 0x0f;			/* S < 2^252 < L */
	ge_double_scalarmult(&p, sig + 32, &GE_BASE, zero, &GE_BASE);
	ge_encode(sig, &p);

	memset(pk, 0, 32);
	pk[0] = 1;
	CHECK(ed25519_verify(sig, msg, 3, pk),
	      "neutral key, canonical: the RFC check should pass");
	unhex(pk, 32, "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
	CHECK(!ed25519_verify(sig, msg, 3, pk),
	      "neutral key written as y = p + 1 accepted");
}

void test_ed25519_internal(void)
{
	bn.ctx = BN_CTX_new();
	bn.p = BN_new();
	bn.l = BN_new();
	BN_set_bit(bn.p, 255);
	BN_sub_word(bn.p, 19);
	BN_dec2bn(&bn.l, "27742317777372353535851937790883648493");
	BN_set_bit(bn.l, 252);

	test_constants();
	test_field();
	test_scalar();
	test_points();
	test_noncanonical_key();

	BN_free(bn.p);
	BN_free(bn.l);
	BN_CTX_free(bn.ctx);
}
