/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Little-endian fields of 1 to 8 bytes at any alignment: the Image
 * header, virtio's device-specific config and requests.  Byte by byte, so
 * no unaligned access and no host byte order assumed.
 */
#ifndef VMM_LE_H
#define VMM_LE_H

#include <stdint.h>

static inline void put_le(uint8_t *p, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint64_t get_le(const uint8_t *p, int bytes)
{
	uint64_t v = 0;

	for (int i = 0; i < bytes; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

#endif
