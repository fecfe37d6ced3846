/* http_cache.h - response cache that never serves stale data.
 *
 * Entries are JSON bodies keyed by the normalised URL (path + sorted query
 * arguments) and tagged with the store's data version at the time they
 * were built. A lookup with another version is a miss (and drops the
 * entry), so a sync commit invalidates everything at once without any
 * signal. Bounded in entries and bytes; the least recently used entry is
 * evicted first. Thread-safe (one mutex; bodies are copied out).
 */
#ifndef AIU_HTTP_CACHE_H
#define AIU_HTTP_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

#define HTTP_ETAG_MAX 48

struct http_cache;

/* *out owned by the caller (http_cache_free). */
int http_cache_new(size_t max_entries, size_t max_bytes, struct http_cache **out);
void http_cache_free(struct http_cache *c);
/* On a hit appends the body to out, copies the ETag and returns true. */
bool http_cache_get(struct http_cache *c, const char *key, int64_t version, struct buf *out,
		    char *etag, size_t etag_cap);
/* Stores a copy of body; a body over a quarter of the byte bound is not cached. */
void http_cache_put(struct http_cache *c, const char *key, int64_t version, const char *body,
		    size_t len, const char *etag);
/* "\"<version>-<hash of body>\"" into out (cap >= HTTP_ETAG_MAX). */
void http_etag(int64_t version, const char *body, size_t len, char *out, size_t cap);
/* Entries and bytes held (for tests). */
void http_cache_stats(struct http_cache *c, size_t *entries, size_t *bytes);

#endif
