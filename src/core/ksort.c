/* ksort.c - see ksort.h. Eight 8-bit passes, skipping passes where every
 * key has the same byte. */
#include "core/ksort.h"

#include <stdlib.h>
#include <string.h>

int ksort(struct key_idx *v, size_t n)
{
	struct key_idx *tmp, *src = v, *dst;
	size_t count[256];

	if (n < 2)
		return 0;
	if (!(tmp = malloc(n * sizeof(*tmp))))
		return -1;
	dst = tmp;
	for (unsigned shift = 0; shift < 64; shift += 8) {
		size_t sum = 0;
		memset(count, 0, sizeof(count));
		for (size_t i = 0; i < n; i++)
			count[((uint64_t)src[i].key >> shift) & 0xff]++;
		if (count[((uint64_t)src[0].key >> shift) & 0xff] == n)
			continue; /* all equal in this byte */
		for (unsigned b = 0; b < 256; b++) {
			size_t c = count[b];
			count[b] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[count[((uint64_t)src[i].key >> shift) & 0xff]++] = src[i];
		{
			struct key_idx *t = src;
			src = dst;
			dst = t;
		}
	}
	if (src != v)
		memcpy(v, src, n * sizeof(*v));
	free(tmp);
	return 0;
}
