/* sha256.h - SHA-256 (FIPS 180-4), for hashing API tokens before they are
 * stored. Pure and allocation-free; checked against the FIPS test vectors
 * in tests/unit/test_sha256.c. */
#ifndef AIU_SHA256_H
#define AIU_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t h[8];
	uint64_t len;          /* bytes hashed so far */
	unsigned char blk[64];
	size_t nblk;
};

void sha256_init(struct sha256 *c);
void sha256_update(struct sha256 *c, const void *data, size_t n);
void sha256_final(struct sha256 *c, unsigned char out[32]);
/* One call: out = SHA-256(data). */
void sha256(const void *data, size_t n, unsigned char out[32]);
/* Lower-case hex of SHA-256(data) into out (65 bytes incl. NUL). */
void sha256_hex(const void *data, size_t n, char out[65]);

#endif
