/* http_cache.h - response cache that never serves stale data.
 *
 * Entries are JSON bodies keyed by the normalised URL (path + sorted query
 * arguments) and tagged with the store's data version at the time they
 * were built. A lookup with another version is a miss (and drops the
 * entry), so a sync commit invalidates everything at once without any
 * signal. Bounded in entries and bytes; the least recently used entry is
 * evicted first. Thread-safe: one mutex guards the table only; bodies are
 * immutable and reference-counted, so a hit hands out the cached bytes
 * without copying them (the server sends them and drops its reference
 * when the response is done).
 */
#ifndef AIU_HTTP_CACHE_H
#define AIU_HTTP_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

#define HTTP_ETAG_MAX 48

struct http_cache;

/* An immutable response body shared by the cache and responses in flight. */
struct http_body {
	int refs;                  /* atomic; the last http_body_unref frees */
	size_t len;
	char etag[HTTP_ETAG_MAX];
	char data[];               /* len bytes + NUL */
};

/* A copy of data with one reference (the caller's); NULL when out of memory. */
struct http_body *http_body_new(const char *data, size_t len, const char *etag);
void http_body_ref(struct http_body *b);
void http_body_unref(struct http_body *b);   /* NULL is fine */

/* *out owned by the caller (http_cache_free). */
int http_cache_new(size_t max_entries, size_t max_bytes, struct http_cache **out);
void http_cache_free(struct http_cache *c);
/* On a hit returns the body with a new reference for the caller, else NULL. */
struct http_body *http_cache_get(struct http_cache *c, const char *key, int64_t version);
/* The cache takes its own reference; a body over a quarter of the byte
 * bound is not cached. */
void http_cache_put(struct http_cache *c, const char *key, int64_t version, struct http_body *b);
/* "\"<version>-<hash of body>\"" into out (cap >= HTTP_ETAG_MAX). */
void http_etag(int64_t version, const char *body, size_t len, char *out, size_t cap);
/* Entries and bytes held (for tests). */
void http_cache_stats(struct http_cache *c, size_t *entries, size_t *bytes);

#endif
