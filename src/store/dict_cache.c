/* dict_cache.c - see dict_cache.h. */
#include "store/dict_cache.h"
#include "core/err.h"

#include <stdlib.h>
#include <string.h>

#define DICT_MAX_ID ((int64_t)1 << 30)

void dict_cache_init(struct dict_cache *dc)
{
	memset(dc, 0, sizeof(*dc));
	kmap_init(&dc->by_name, sizeof(uint64_t), sizeof(int64_t), 0);
}

void dict_cache_release(struct dict_cache *dc)
{
	for (size_t i = 0; i < dc->cap; i++)
		free(dc->names[i]);
	free(dc->names);
	kmap_release(&dc->by_name);
	dc->names = NULL;
	dc->cap = 0;
}

int64_t dict_cache_find(const struct dict_cache *dc, const char *name, size_t n)
{
	uint64_t h = hash64(name, n);
	const int64_t *hit = kmap_get(&dc->by_name, &h);
	const char *s;
	if (!hit || !(s = dict_cache_name(dc, *hit)))
		return 0;
	return strlen(s) == n && memcmp(s, name, n) == 0 ? *hit : 0;
}

const char *dict_cache_name(const struct dict_cache *dc, int64_t id)
{
	return id > 0 && (size_t)id < dc->cap ? dc->names[id] : NULL;
}

int dict_cache_put(struct dict_cache *dc, int64_t id, const char *name, size_t n)
{
	uint64_t h;
	int64_t *slot;
	if (id <= 0 || id > DICT_MAX_ID)
		return AIU_EDB;
	if ((size_t)id >= dc->cap) {
		size_t ncap = dc->cap ? dc->cap : 64;
		char **nv;
		while (ncap <= (size_t)id)
			ncap *= 2;
		if (!(nv = realloc(dc->names, ncap * sizeof(*nv))))
			return AIU_ENOMEM;
		memset(nv + dc->cap, 0, (ncap - dc->cap) * sizeof(*nv));
		dc->names = nv;
		dc->cap = ncap;
	}
	if (!dc->names[id] && !(dc->names[id] = strndup(name, n)))
		return AIU_ENOMEM;
	h = hash64(name, n);
	if (!(slot = kmap_put(&dc->by_name, &h, NULL)))
		return AIU_ENOMEM;
	*slot = id;
	return AIU_OK;
}
