/* http_cache.c - see http_cache.h. */
#include "http/http_cache.h"
#include "core/err.h"
#include "core/kmap.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct centry {
	uint64_t hash;        /* of key; 0 = empty slot */
	char *key;            /* owned */
	struct http_body *b;  /* one reference owned by the entry */
	int64_t version;
	uint64_t tick;        /* last use, for LRU */
};

struct http_cache {
	pthread_mutex_t mu;
	struct centry *v;     /* max_entries slots, owned */
	size_t max_entries, max_bytes, bytes, n;
	uint64_t tick;
};

struct http_body *http_body_new(const char *data, size_t len, const char *etag)
{
	struct http_body *b = malloc(sizeof(*b) + len + 1);
	if (!b)
		return NULL;
	__atomic_store_n(&b->refs, 1, __ATOMIC_RELAXED);
	b->len = len;
	snprintf(b->etag, sizeof(b->etag), "%s", etag ? etag : "");
	if (len)
		memcpy(b->data, data, len);
	b->data[len] = '\0';
	return b;
}

void http_body_ref(struct http_body *b)
{
	__atomic_add_fetch(&b->refs, 1, __ATOMIC_RELAXED);
}

void http_body_unref(struct http_body *b)
{
	if (b && __atomic_sub_fetch(&b->refs, 1, __ATOMIC_ACQ_REL) == 0)
		free(b);
}

int http_cache_new(size_t max_entries, size_t max_bytes, struct http_cache **out)
{
	struct http_cache *c = calloc(1, sizeof(*c));
	*out = NULL;
	if (!c || !(c->v = calloc(max_entries ? max_entries : 1, sizeof(*c->v)))) {
		free(c);
		return AIU_ENOMEM;
	}
	pthread_mutex_init(&c->mu, NULL);
	c->max_entries = max_entries ? max_entries : 1;
	c->max_bytes = max_bytes;
	*out = c;
	return AIU_OK;
}

static size_t entry_bytes(const struct centry *e)
{
	return e->b->len + strlen(e->key);
}

static void drop(struct http_cache *c, struct centry *e)
{
	if (!e->hash)
		return;
	c->bytes -= entry_bytes(e);
	c->n--;
	free(e->key);
	http_body_unref(e->b);
	memset(e, 0, sizeof(*e));
}

void http_cache_free(struct http_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->max_entries; i++)
		drop(c, &c->v[i]);
	pthread_mutex_destroy(&c->mu);
	free(c->v);
	free(c);
}

static uint64_t key_hash(const char *key)
{
	uint64_t h = hash64(key, strlen(key));
	return h ? h : 1;
}

static struct centry *find(struct http_cache *c, const char *key, uint64_t h)
{
	for (size_t i = 0; i < c->max_entries; i++)
		if (c->v[i].hash == h && strcmp(c->v[i].key, key) == 0)
			return &c->v[i];
	return NULL;
}

struct http_body *http_cache_get(struct http_cache *c, const char *key, int64_t version)
{
	uint64_t h = key_hash(key);
	struct centry *e;
	struct http_body *b = NULL;
	pthread_mutex_lock(&c->mu);
	if ((e = find(c, key, h))) {
		if (e->version != version) {
			drop(c, e);
		} else {
			e->tick = ++c->tick;
			b = e->b;
			http_body_ref(b);
		}
	}
	pthread_mutex_unlock(&c->mu);
	return b;
}

/* Evicts the least recently used entry; false when empty. */
static bool evict_one(struct http_cache *c)
{
	struct centry *lru = NULL;
	for (size_t i = 0; i < c->max_entries; i++)
		if (c->v[i].hash && (!lru || c->v[i].tick < lru->tick))
			lru = &c->v[i];
	if (!lru)
		return false;
	drop(c, lru);
	return true;
}

void http_cache_put(struct http_cache *c, const char *key, int64_t version, struct http_body *b)
{
	uint64_t h = key_hash(key);
	size_t need = b->len + strlen(key);
	struct centry *e;
	char *k;

	if (need > c->max_bytes / 4 || !(k = strdup(key)))
		return;
	pthread_mutex_lock(&c->mu);
	if ((e = find(c, key, h)))
		drop(c, e);
	while (c->bytes + need > c->max_bytes || c->n >= c->max_entries)
		if (!evict_one(c))
			break;
	for (size_t i = 0; i < c->max_entries; i++)
		if (!c->v[i].hash) {
			e = &c->v[i];
			e->hash = h;
			e->key = k;
			e->b = b;
			http_body_ref(b);
			e->version = version;
			e->tick = ++c->tick;
			c->bytes += need;
			c->n++;
			k = NULL;
			break;
		}
	pthread_mutex_unlock(&c->mu);
	free(k);
}

void http_etag(int64_t version, const char *body, size_t len, char *out, size_t cap)
{
	snprintf(out, cap, "\"%" PRId64 "-%016" PRIx64 "\"", version, hash64(body, len));
}

void http_cache_stats(struct http_cache *c, size_t *entries, size_t *bytes)
{
	pthread_mutex_lock(&c->mu);
	*entries = c->n;
	*bytes = c->bytes;
	pthread_mutex_unlock(&c->mu);
}
