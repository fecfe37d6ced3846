/* The web dashboard's files, embedded into the binary at build time by
 * scripts/embed_web.cmake (web/src plus the chart library's minified bundle
 * from web/node_modules). Nothing is read from disk or the network at run
 * time. Every pointer refers to static data: callers never free anything. */
#ifndef AIU_HTTP_ASSETS_H
#define AIU_HTTP_ASSETS_H

#include <stddef.h>

struct asset {
	const char *path;          /* URL path, e.g. "/js/app.js" */
	const char *mime;          /* Content-Type value */
	const char *etag;          /* quoted strong ETag: SHA-256 prefix of data */
	const unsigned char *data; /* the bytes (NUL-terminated, len excludes it) */
	size_t len;
};

/* The embedded file served at `path` (the URL path without query string or
 * fragment). "/" maps to "/index.html". Returns NULL when the path is not
 * embedded, is NULL or is longer than any embedded path. */
const struct asset *assets_find(const char *path);

/* Number of embedded files and their total size in bytes (for `serve`'s
 * start-up line and the tests). */
size_t assets_count(void);
size_t assets_total_bytes(void);

/* The i-th embedded file in path order (i < assets_count()), else NULL. */
const struct asset *assets_at(size_t i);

/* Generated table, sorted by path (defined in the build's web_assets.c). */
extern const struct asset aiu_web_assets[];
extern const size_t aiu_web_assets_count;
extern const size_t aiu_web_assets_bytes;

#endif
