/* kmap.c - see kmap.h. Linear probing, load factor <= 3/4. */
#include "core/kmap.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#define HDR 8 /* used flag + padding keeps keys 8-byte aligned */

uint64_t hash64(const void *data, size_t n)
{
	return XXH3_64bits(data, n);
}

static size_t align8(size_t n) { return (n + 7) & ~(size_t)7; }

void kmap_init(struct kmap *m, size_t ksize, size_t vsize, size_t max_entries)
{
	memset(m, 0, sizeof(*m));
	m->ksize = ksize;
	m->vsize = vsize;
	m->stride = HDR + align8(ksize) + align8(vsize);
	m->max_entries = max_entries;
}

static unsigned char *slot(const struct kmap *m, size_t i)
{
	return m->slots + i * m->stride;
}

const void *kmap_key(const struct kmap *m, size_t i)
{
	unsigned char *s = slot(m, i);
	return s[0] ? s + HDR : NULL;
}

void *kmap_val(const struct kmap *m, size_t i)
{
	return slot(m, i) + HDR + align8(m->ksize);
}

static size_t find(const struct kmap *m, const void *key, bool *hit)
{
	size_t mask = m->cap - 1, i = (size_t)hash64(key, m->ksize) & mask;
	for (;;) {
		unsigned char *s = slot(m, i);
		if (!s[0]) {
			*hit = false;
			return i;
		}
		if (memcmp(s + HDR, key, m->ksize) == 0) {
			*hit = true;
			return i;
		}
		i = (i + 1) & mask;
	}
}

void *kmap_get(const struct kmap *m, const void *key)
{
	bool hit;
	size_t i;
	if (!m->cap)
		return NULL;
	i = find(m, key, &hit);
	return hit ? kmap_val(m, i) : NULL;
}

static int grow(struct kmap *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 64;
	struct kmap nm = *m;
	nm.cap = ncap;
	nm.n = 0;
	nm.slots = calloc(ncap, m->stride);
	if (!nm.slots)
		return -1;
	for (size_t i = 0; i < m->cap; i++) {
		unsigned char *s = slot(m, i);
		bool hit;
		size_t j;
		if (!s[0])
			continue;
		j = find(&nm, s + HDR, &hit);
		memcpy(slot(&nm, j), s, m->stride);
		nm.n++;
	}
	free(m->slots);
	*m = nm;
	return 0;
}

void *kmap_put(struct kmap *m, const void *key, bool *created)
{
	bool hit;
	size_t i;
	unsigned char *s;

	if ((m->n + 1) * 4 > m->cap * 3 && grow(m) < 0)
		return NULL;
	i = find(m, key, &hit);
	if (created)
		*created = !hit;
	if (hit)
		return kmap_val(m, i);
	if (m->max_entries && m->n >= m->max_entries)
		return NULL;
	s = slot(m, i);
	s[0] = 1;
	memcpy(s + HDR, key, m->ksize);
	memset(kmap_val(m, i), 0, m->vsize);
	m->n++;
	return kmap_val(m, i);
}

void kmap_clear(struct kmap *m)
{
	if (m->slots)
		memset(m->slots, 0, m->cap * m->stride);
	m->n = 0;
}

void kmap_release(struct kmap *m)
{
	free(m->slots);
	kmap_init(m, m->ksize, m->vsize, m->max_entries);
}
