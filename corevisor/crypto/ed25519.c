// SPDX-License-Identifier: GPL-2.0-only
/*
 * Ed25519 signature verification, written from RFC 8032: 5.1 (curve
 * parameters), 5.1.2 (encoding), 5.1.3 (decoding), 5.1.4 (extended
 * coordinates, addition and doubling) and 5.1.7 (verify).
 *
 * Nothing here is secret, so nothing is constant time; the aim is code
 * that is easy to check.
 */
#include "ed25519.h"
#include "sha512.h"

/*
 * Field elements mod p = 2^255 - 19: five limbs, value sum v[i] * 2^(51 i).
 * Every fe_* function accepts limbs < 2^52 and returns limbs < 2^52
 * (not necessarily the least residue); fe_tobytes gives the canonical form.
 */
struct fe {
	uint64_t v[5];
};

/* A point in extended coordinates: x = X/Z, y = Y/Z, x y = T/Z. */
struct ge {
	struct fe x, y, z, t;
};

#define MASK51 ((1ULL << 51) - 1)

/* d = -121665/121666 mod p, and 2d, as limbs (checked by the tests). */
static const struct fe FE_D = { { 0x34dca135978a3ULL, 0x1a8283b156ebdULL,
	0x5e7a26001c029ULL, 0x739c663a03cbbULL, 0x52036cee2b6ffULL } };
static const struct fe FE_D2 = { { 0x69b9426b2f159ULL, 0x35050762add7aULL,
	0x3cf44c0038052ULL, 0x6738cc7407977ULL, 0x2406d9dc56dffULL } };
/* sqrt(-1) = 2^((p-1)/4) mod p. */
static const struct fe FE_SQRTM1 = { { 0x61b274a0ea0b0ULL, 0x0d5a5fc8f189dULL,
	0x7ef5e9cbd0c60ULL, 0x78595a6804c9eULL, 0x2b8324804fc1dULL } };
static const struct fe FE_ONE = { { 1, 0, 0, 0, 0 } };

/* The base point B = (x, 4/5) with x even, and T = x y. */
static const struct ge GE_BASE = {
	.x = { { 0x62d608f25d51aULL, 0x412a4b4f6592aULL, 0x75b7171a4b31dULL,
		0x1ff60527118feULL, 0x216936d3cd6e5ULL } },
	.y = { { 0x6666666666658ULL, 0x4ccccccccccccULL, 0x1999999999999ULL,
		0x3333333333333ULL, 0x6666666666666ULL } },
	.z = { { 1, 0, 0, 0, 0 } },
	.t = { { 0x68ab3a5b7dda3ULL, 0x00eea2a5eadbbULL, 0x2af8df483c27eULL,
		0x332b375274732ULL, 0x67875f0fd78b7ULL } },
};

/* Exponents, little-endian: p - 2 = 2^255 - 21 and (p - 5)/8 = 2^252 - 3. */
static const uint8_t EXP_P_MINUS_2[32] = { 0xeb, [1 ... 30] = 0xff, 0x7f };
static const uint8_t EXP_P_MINUS_5_DIV_8[32] = { 0xfd, [1 ... 30] = 0xff, 0x0f };

/* L = 2^252 + 27742317777372353535851937790883648493, 64-bit words. */
static const uint64_t SC_L[4] = {
	0x5812631a5cf5d3edULL, 0x14def9dea2f79cd6ULL,
	0x0000000000000000ULL, 0x1000000000000000ULL,
};

static bool bytes_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

/*
 * Limbs < 2^63 in, limbs < 2^52 out: limbs 1..4 end below 2^51, limb 0
 * below 2^51 + 2^17.  2^255 = 19 (mod p) folds the top carry back.
 */
static void fe_carry(struct fe *h)
{
	uint64_t c;
	int i;

	for (i = 0; i < 4; i++) {
		c = h->v[i] >> 51;
		h->v[i] &= MASK51;
		h->v[i + 1] += c;
	}
	c = h->v[4] >> 51;
	h->v[4] &= MASK51;
	h->v[0] += 19 * c;
}

static void fe_add(struct fe *r, const struct fe *a, const struct fe *b)
{
	int i;

	for (i = 0; i < 5; i++)
		r->v[i] = a->v[i] + b->v[i];
	fe_carry(r);
}

/* r = a + 4p - b: each limb of 4p is at least 2^53 - 76 > 2^52 > b's. */
static void fe_sub(struct fe *r, const struct fe *a, const struct fe *b)
{
	static const uint64_t four_p[5] = {
		4 * (MASK51 - 18), 4 * MASK51, 4 * MASK51, 4 * MASK51, 4 * MASK51,
	};
	int i;

	for (i = 0; i < 5; i++)
		r->v[i] = a->v[i] + four_p[i] - b->v[i];
	fe_carry(r);
}

static void fe_neg(struct fe *r, const struct fe *a)
{
	static const struct fe zero;

	fe_sub(r, &zero, a);
}

#define MUL(x, y) ((__uint128_t)(x) * (y))

/*
 * Schoolbook product; a term a[i] b[j] with i + j >= 5 has weight
 * 2^(51 (i + j - 5)) * 2^255 = 19 * 2^(51 (i + j - 5)) (mod p), so it is
 * added to column i + j - 5 as a[i] (19 b[j]).  With limbs < 2^52,
 * 19 b[j] < 2^57 and each column sum is < 5 * 2^109 < 2^112.
 */
static void fe_mul(struct fe *r, const struct fe *a, const struct fe *b)
{
	const uint64_t *x = a->v, *y = b->v;
	__uint128_t t[5];
	uint64_t y1 = 19 * y[1], y2 = 19 * y[2], y3 = 19 * y[3], y4 = 19 * y[4];
	int i;

	t[0] = MUL(x[0], y[0]) + MUL(x[1], y4) + MUL(x[2], y3) +
	       MUL(x[3], y2) + MUL(x[4], y1);
	t[1] = MUL(x[0], y[1]) + MUL(x[1], y[0]) + MUL(x[2], y4) +
	       MUL(x[3], y3) + MUL(x[4], y2);
	t[2] = MUL(x[0], y[2]) + MUL(x[1], y[1]) + MUL(x[2], y[0]) +
	       MUL(x[3], y4) + MUL(x[4], y3);
	t[3] = MUL(x[0], y[3]) + MUL(x[1], y[2]) + MUL(x[2], y[1]) +
	       MUL(x[3], y[0]) + MUL(x[4], y4);
	t[4] = MUL(x[0], y[4]) + MUL(x[1], y[3]) + MUL(x[2], y[2]) +
	       MUL(x[3], y[1]) + MUL(x[4], y[0]);

	for (i = 0; i < 4; i++) {
		t[i + 1] += t[i] >> 51;
		t[i] &= MASK51;
	}
	/* t[4] >> 51 < 2^61, so 19 times it still fits the 128-bit t[0]. */
	t[0] += 19 * (t[4] >> 51);
	t[4] &= MASK51;
	t[1] += t[0] >> 51;
	t[0] &= MASK51;
	for (i = 0; i < 5; i++)
		r->v[i] = (uint64_t)t[i];
}

/* r = a^e, e a 256-bit little-endian exponent; square and multiply. */
static void fe_pow(struct fe *r, const struct fe *a, const uint8_t e[32])
{
	struct fe acc = FE_ONE;
	int i;

	for (i = 255; i >= 0; i--) {
		fe_mul(&acc, &acc, &acc);
		if ((e[i / 8] >> (i % 8)) & 1)
			fe_mul(&acc, &acc, a);
	}
	*r = acc;
}

/* The least residue of a, as 32 little-endian bytes (bit 255 clear). */
static void fe_tobytes(uint8_t s[32], const struct fe *a)
{
	struct fe h = *a;
	uint64_t q;
	int i;

	/* After this h < 2^255 + 2^17 < 2p, so h mod p is h or h - p. */
	fe_carry(&h);
	/* q = 1 iff h >= p, that is iff h + 19 >= 2^255 (h + 19 < 2^256). */
	q = (h.v[0] + 19) >> 51;
	for (i = 1; i < 5; i++)
		q = (h.v[i] + q) >> 51;
	/* h - q p = h + 19 q - q 2^255: add 19 q, drop bit 255. */
	h.v[0] += 19 * q;
	for (i = 0; i < 4; i++) {
		h.v[i + 1] += h.v[i] >> 51;
		h.v[i] &= MASK51;
	}
	h.v[4] &= MASK51;

	for (i = 0; i < 32; i++)
		s[i] = 0;
	for (i = 0; i < 255; i++)
		s[i / 8] |= ((h.v[i / 51] >> (i % 51)) & 1) << (i % 8);
}

/* Bits 0..254 of s; bit 255 is ignored. The result may be >= p. */
static void fe_frombytes(struct fe *h, const uint8_t s[32])
{
	int i;

	for (i = 0; i < 5; i++)
		h->v[i] = 0;
	for (i = 0; i < 255; i++)
		h->v[i / 51] |= (uint64_t)((s[i / 8] >> (i % 8)) & 1) << (i % 51);
}

static bool fe_equal(const struct fe *a, const struct fe *b)
{
	uint8_t sa[32], sb[32];

	fe_tobytes(sa, a);
	fe_tobytes(sb, b);
	return bytes_equal(sa, sb, 32);
}

/* "Negative" in RFC 8032's sense: the least residue is odd. */
static int fe_isodd(const struct fe *a)
{
	uint8_t s[32];

	fe_tobytes(s, a);
	return s[0] & 1;
}

/* RFC 8032 5.1.4 addition: complete, so also valid for p == q. */
static void ge_add(struct ge *r, const struct ge *p, const struct ge *q)
{
	struct fe a, b, c, d, e, f, g, h, t;

	fe_sub(&a, &p->y, &p->x);
	fe_sub(&t, &q->y, &q->x);
	fe_mul(&a, &a, &t);		/* A = (Y1 - X1) (Y2 - X2) */
	fe_add(&b, &p->y, &p->x);
	fe_add(&t, &q->y, &q->x);
	fe_mul(&b, &b, &t);		/* B = (Y1 + X1) (Y2 + X2) */
	fe_mul(&c, &p->t, &q->t);
	fe_mul(&c, &c, &FE_D2);		/* C = T1 2d T2 */
	fe_mul(&d, &p->z, &q->z);
	fe_add(&d, &d, &d);		/* D = Z1 2 Z2 */
	fe_sub(&e, &b, &a);
	fe_sub(&f, &d, &c);
	fe_add(&g, &d, &c);
	fe_add(&h, &b, &a);
	fe_mul(&r->x, &e, &f);
	fe_mul(&r->y, &g, &h);
	fe_mul(&r->t, &e, &h);
	fe_mul(&r->z, &f, &g);
}

/* RFC 8032 5.1.4 doubling. */
static void ge_double(struct ge *r, const struct ge *p)
{
	struct fe a, b, c, e, f, g, h;

	fe_mul(&a, &p->x, &p->x);	/* A = X1^2 */
	fe_mul(&b, &p->y, &p->y);	/* B = Y1^2 */
	fe_mul(&c, &p->z, &p->z);
	fe_add(&c, &c, &c);		/* C = 2 Z1^2 */
	fe_add(&h, &a, &b);		/* H = A + B */
	fe_add(&e, &p->x, &p->y);
	fe_mul(&e, &e, &e);
	fe_sub(&e, &h, &e);		/* E = H - (X1 + Y1)^2 */
	fe_sub(&g, &a, &b);		/* G = A - B */
	fe_add(&f, &c, &g);		/* F = C + G */
	fe_mul(&r->x, &e, &f);
	fe_mul(&r->y, &g, &h);
	fe_mul(&r->t, &e, &h);
	fe_mul(&r->z, &f, &g);
}

static void ge_neg(struct ge *r, const struct ge *p)
{
	fe_neg(&r->x, &p->x);
	r->y = p->y;
	r->z = p->z;
	fe_neg(&r->t, &p->t);
}

/* RFC 8032 5.1.2: y with bit 255 set to the parity of x. */
static void ge_encode(uint8_t s[32], const struct ge *p)
{
	struct fe zinv, x, y;

	fe_pow(&zinv, &p->z, EXP_P_MINUS_2);
	fe_mul(&x, &p->x, &zinv);
	fe_mul(&y, &p->y, &zinv);
	fe_tobytes(s, &y);
	s[31] |= (uint8_t)(fe_isodd(&x) << 7);
}

/* RFC 8032 5.1.3. Fails on y >= p, on no square root, on x = 0 with sign 1. */
static bool ge_decode(struct ge *p, const uint8_t s[32])
{
	struct fe u, v, v3, x, vxx, t;
	uint8_t canon[32];
	int sign = s[31] >> 7;

	fe_frombytes(&p->y, s);
	/* y is canonical iff re-encoding it gives back bits 0..254 of s. */
	fe_tobytes(canon, &p->y);
	canon[31] |= (uint8_t)(sign << 7);
	if (!bytes_equal(canon, s, 32))
		return false;

	/* x^2 = u / v with u = y^2 - 1, v = d y^2 + 1 (v is never 0). */
	fe_mul(&u, &p->y, &p->y);
	fe_mul(&v, &u, &FE_D);
	fe_add(&v, &v, &FE_ONE);
	fe_sub(&u, &u, &FE_ONE);

	/* Candidate root x = u v^3 (u v^7)^((p-5)/8). */
	fe_mul(&v3, &v, &v);
	fe_mul(&v3, &v3, &v);		/* v^3 */
	fe_mul(&t, &v3, &v3);
	fe_mul(&t, &t, &v);		/* v^7 */
	fe_mul(&t, &t, &u);		/* u v^7 */
	fe_pow(&t, &t, EXP_P_MINUS_5_DIV_8);
	fe_mul(&x, &u, &v3);
	fe_mul(&x, &x, &t);

	fe_mul(&vxx, &x, &x);
	fe_mul(&vxx, &vxx, &v);
	if (!fe_equal(&vxx, &u)) {
		fe_neg(&t, &u);
		if (!fe_equal(&vxx, &t))
			return false;	/* u / v is not a square */
		fe_mul(&x, &x, &FE_SQRTM1);
	}

	if (fe_isodd(&x) != sign) {
		fe_neg(&t, &x);
		if (fe_equal(&t, &x))
			return false;	/* x = 0 but sign bit 1 */
		x = t;
	}
	p->x = x;
	p->z = FE_ONE;
	fe_mul(&p->t, &p->x, &p->y);
	return true;
}

static int bit(const uint8_t s[32], int i)
{
	return (s[i / 8] >> (i % 8)) & 1;
}

/* r = [s1] p1 + [s2] p2, both scalars scanned together, top bit first. */
static void ge_double_scalarmult(struct ge *r,
				 const uint8_t s1[32], const struct ge *p1,
				 const uint8_t s2[32], const struct ge *p2)
{
	struct ge acc = { .y = FE_ONE, .z = FE_ONE };	/* neutral (0, 1) */
	struct ge p12;
	int i;

	ge_add(&p12, p1, p2);
	for (i = 255; i >= 0; i--) {
		ge_double(&acc, &acc);
		if (bit(s1, i) && bit(s2, i))
			ge_add(&acc, &acc, &p12);
		else if (bit(s1, i))
			ge_add(&acc, &acc, p1);
		else if (bit(s2, i))
			ge_add(&acc, &acc, p2);
	}
	*r = acc;
}

/* Scalars: little-endian 256-bit numbers in four 64-bit words. */
static bool sc_less_than_l(const uint64_t a[4])
{
	int i;

	for (i = 3; i >= 0; i--)
		if (a[i] != SC_L[i])
			return a[i] < SC_L[i];
	return false;
}

static void sc_load(uint64_t a[4], const uint8_t s[32])
{
	int i;

	for (i = 0; i < 4; i++)
		a[i] = 0;
	for (i = 31; i >= 0; i--)
		a[i / 8] = (a[i / 8] << 8) | s[i];
}

/* out = in mod L, in a 512-bit little-endian number (Horner, bit by bit). */
static void sc_reduce(uint8_t out[32], const uint8_t in[64])
{
	uint64_t r[4] = { 0 };
	uint64_t borrow;
	int i, j;

	for (i = 511; i >= 0; i--) {
		/* r = 2 r + bit: r < L < 2^253, so this fits in 256 bits. */
		for (j = 3; j > 0; j--)
			r[j] = (r[j] << 1) | (r[j - 1] >> 63);
		r[0] = (r[0] << 1) | (uint64_t)((in[i / 8] >> (i % 8)) & 1);
		/* Now r < 2 L: one subtraction restores r < L. */
		if (sc_less_than_l(r))
			continue;
		borrow = 0;
		for (j = 0; j < 4; j++) {
			__uint128_t d = (__uint128_t)r[j] - SC_L[j] - borrow;

			r[j] = (uint64_t)d;
			borrow = (uint64_t)(d >> 64) & 1;
		}
	}
	for (i = 0; i < 32; i++)
		out[i] = (uint8_t)(r[i / 8] >> (8 * (i % 8)));
}

/*
 * RFC 8032 5.1.7.  This is the cofactorless check: [S]B - [k]A is encoded
 * and compared byte for byte with R, i.e. [S]B = R + [k]A exactly (the RFC
 * allows this in place of [8][S]B = [8]R + [8][k]A; the two differ only
 * for keys or R with a small-order component, never for honest signers).
 */
bool ed25519_verify(const uint8_t sig[64], const uint8_t *msg, size_t len,
		    const uint8_t pk[32])
{
	struct sha512_ctx ctx;
	struct ge a, r, q;
	uint64_t s[4];
	uint8_t h[64], k[32], rcheck[32];

	/* S must be canonical: S < L. */
	sc_load(s, sig + 32);
	if (!sc_less_than_l(s))
		return false;
	/*
	 * A and R must be canonical points on the curve.  For R the final
	 * byte comparison would catch a bad encoding too; decode it anyway,
	 * as step 1 says.
	 */
	if (!ge_decode(&a, pk) || !ge_decode(&r, sig))
		return false;

	/* k = SHA-512(R || A || M) mod L, using the encodings as given. */
	sha512_init(&ctx);
	sha512_update(&ctx, sig, 32);
	sha512_update(&ctx, pk, 32);
	sha512_update(&ctx, msg, len);
	sha512_final(&ctx, h);
	sc_reduce(k, h);

	ge_neg(&a, &a);
	ge_double_scalarmult(&q, sig + 32, &GE_BASE, k, &a);
	ge_encode(rcheck, &q);
	return bytes_equal(rcheck, sig, 32);
}
