/* bloom.h - a fixed-size Bloom filter over 64-bit keys that are already
 * hashes (usage keys).
 *
 * A first sync into an empty store uses it to answer "was this request
 * written earlier in this run?" without a store lookup and without keeping
 * every key: "no" is exact, "maybe" sends the caller to the store. Its
 * size is fixed at init, so memory stays flat however many keys go in;
 * past its design load the "maybe" answers (false positives) grow and only
 * cost lookups, never correctness. */
#ifndef AIU_BLOOM_H
#define AIU_BLOOM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bloom {
	uint64_t *bits;    /* owned; NULL = not allocated (every answer "maybe") */
	uint64_t mask;     /* number of bits - 1 (a power of two) */
	int64_t n;         /* keys added */
};

/* bytes: a power of two >= 8. Returns 0, or AIU_ENOMEM. */
int bloom_init(struct bloom *b, size_t bytes);
void bloom_add(struct bloom *b, uint64_t key);
bool bloom_maybe(const struct bloom *b, uint64_t key);
void bloom_clear(struct bloom *b);     /* forget every key, keep memory */
void bloom_release(struct bloom *b);

#endif
