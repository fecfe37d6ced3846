/* bloom.c - see bloom.h. Three probes derived from one 64-bit key by
 * double hashing (Kirsch-Mitzenmacher): h1 + i*h2, h2 odd. */
#include "ingest/bloom.h"
#include "core/err.h"

#include <stdlib.h>
#include <string.h>

#define BLOOM_PROBES 3

int bloom_init(struct bloom *b, size_t bytes)
{
	memset(b, 0, sizeof(*b));
	if (bytes < 8 || (bytes & (bytes - 1)))
		return AIU_EARG;
	/* calloc: untouched pages cost no resident memory */
	if (!(b->bits = calloc(bytes / 8, 8)))
		return AIU_ENOMEM;
	b->mask = (uint64_t)bytes * 8 - 1;
	return AIU_OK;
}

/* splitmix64 finaliser: the usage key is a hash already, but mixing makes
 * the probes independent of how it was made. */
static uint64_t mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

void bloom_add(struct bloom *b, uint64_t key)
{
	uint64_t h1 = mix(key), h2 = mix(h1) | 1;
	if (!b->bits)
		return;
	for (int i = 0; i < BLOOM_PROBES; i++) {
		uint64_t bit = (h1 + (uint64_t)i * h2) & b->mask;
		b->bits[bit >> 6] |= (uint64_t)1 << (bit & 63);
	}
	b->n++;
}

bool bloom_maybe(const struct bloom *b, uint64_t key)
{
	uint64_t h1 = mix(key), h2 = mix(h1) | 1;
	if (!b->bits)
		return true;
	for (int i = 0; i < BLOOM_PROBES; i++) {
		uint64_t bit = (h1 + (uint64_t)i * h2) & b->mask;
		if (!(b->bits[bit >> 6] & ((uint64_t)1 << (bit & 63))))
			return false;
	}
	return true;
}

void bloom_clear(struct bloom *b)
{
	if (b->bits)
		memset(b->bits, 0, (size_t)(b->mask + 1) / 8);
	b->n = 0;
}

void bloom_release(struct bloom *b)
{
	free(b->bits);
	memset(b, 0, sizeof(*b));
}
