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
	char *body;           /* owned */
	size_t len;
	int64_t version;
	uint64_t tick;        /* last use, for LRU */
	char etag[HTTP_ETAG_MAX];
};

struct http_cache {
	pthread_mutex_t mu;
	struct centry *v;     /* max_entries slots, owned */
	size_t max_entries, max_bytes, bytes, n;
	uint64_t tick;
};

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

static void drop(struct http_cache *c, struct centry *e)
{
	if (!e->hash)
		return;
	c->bytes -= e->len + strlen(e->key);
	c->n--;
	free(e->key);
	free(e->body);
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

bool http_cache_get(struct http_cache *c, const char *key, int64_t version, struct buf *out,
		    char *etag, size_t etag_cap)
{
	uint64_t h = key_hash(key);
	struct centry *e;
	bool hit = false;
	pthread_mutex_lock(&c->mu);
	if ((e = find(c, key, h))) {
		if (e->version != version) {
			drop(c, e);
		} else if (buf_add(out, e->body, e->len) == AIU_OK) {
			e->tick = ++c->tick;
			snprintf(etag, etag_cap, "%s", e->etag);
			hit = true;
		}
	}
	pthread_mutex_unlock(&c->mu);
	return hit;
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

void http_cache_put(struct http_cache *c, const char *key, int64_t version, const char *body,
		    size_t len, const char *etag)
{
	uint64_t h = key_hash(key);
	size_t need = len + strlen(key);
	struct centry *e;
	char *k, *b;

	if (need > c->max_bytes / 4)
		return;
	if (!(k = strdup(key)) || !(b = malloc(len ? len : 1))) {
		free(k);
		return;
	}
	memcpy(b, body, len);
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
			e->body = b;
			e->len = len;
			e->version = version;
			e->tick = ++c->tick;
			snprintf(e->etag, sizeof(e->etag), "%s", etag);
			c->bytes += need;
			c->n++;
			k = b = NULL;
			break;
		}
	pthread_mutex_unlock(&c->mu);
	free(k);
	free(b);
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
