/* kmap.h - open-addressing hash map with fixed-size keys and values.
 *
 * Keys are compared with memcmp, so callers must zero struct keys before
 * filling them (padding bytes count). Values are stored inline and zeroed on
 * creation. The map owns its slot array; pointers returned by kmap_get/put
 * stay valid until the next kmap_put or kmap_clear.
 */
#ifndef AIU_KMAP_H
#define AIU_KMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct kmap {
	size_t ksize, vsize, stride;
	size_t cap, n;          /* cap is a power of two or 0 */
	size_t max_entries;     /* cap on n; 0 = unbounded */
	unsigned char *slots;   /* per slot: 1 used byte, pad, key, value */
};

void kmap_init(struct kmap *m, size_t ksize, size_t vsize, size_t max_entries);
void *kmap_get(const struct kmap *m, const void *key);
/* Returns the value slot for key, creating a zeroed one if absent (then
 * *created = true). NULL on allocation failure or when max_entries is hit. */
void *kmap_put(struct kmap *m, const void *key, bool *created);
void kmap_clear(struct kmap *m);   /* forget entries, keep memory */
void kmap_release(struct kmap *m); /* free memory */

/* Iteration: for (size_t i = 0; i < m->cap; i++) if (kmap_key(m, i)) ... */
const void *kmap_key(const struct kmap *m, size_t i);
void *kmap_val(const struct kmap *m, size_t i);

uint64_t hash64(const void *data, size_t n);

#endif
