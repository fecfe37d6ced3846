/* dict_cache.h - in-memory cache of a dictionary table (projects, models,
 * tools): name -> id and id -> name, so interning a known name costs no
 * round trip. Used by the PostgreSQL backend (the SQLite backend keeps its
 * own copy of the same logic in store_sqlite.c). */
#ifndef AIU_DICT_CACHE_H
#define AIU_DICT_CACHE_H

#include "core/kmap.h"

#include <stddef.h>
#include <stdint.h>

struct dict_cache {
	struct kmap by_name;   /* hash64(name) -> id (a colliding name just misses) */
	char **names;          /* id -> name, owned */
	size_t cap;
};

void dict_cache_init(struct dict_cache *dc);
void dict_cache_release(struct dict_cache *dc);
/* The id of name[0..n) if cached, else 0. */
int64_t dict_cache_find(const struct dict_cache *dc, const char *name, size_t n);
/* The cached name of id, or NULL. */
const char *dict_cache_name(const struct dict_cache *dc, int64_t id);
/* Remembers (id, name[0..n)). AIU_EDB for an id out of range, AIU_ENOMEM. */
int dict_cache_put(struct dict_cache *dc, int64_t id, const char *name, size_t n);

#endif
