/* arr.c - see arr.h. */
#include "core/arr.h"

#include <string.h>

void arr_reverse(void *v, size_t n, size_t sz)
{
	unsigned char *a = v, tmp[256];
	if (n < 2)
		return;
	for (size_t i = 0, j = n - 1; i < j; i++, j--) {
		unsigned char *x = a + i * sz, *y = a + j * sz;
		for (size_t off = 0; off < sz; off += sizeof(tmp)) {
			size_t k = sz - off < sizeof(tmp) ? sz - off : sizeof(tmp);
			memcpy(tmp, x + off, k);
			memcpy(x + off, y + off, k);
			memcpy(y + off, tmp, k);
		}
	}
}
