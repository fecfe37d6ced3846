/* api_service.c - GET /api/health, GET /api/openapi.json and the embedded
 * dashboard files (everything outside /api/). */
#include "http/api.h"
#include "http/assets.h"
#include "core/strutil.h"

#include <string.h>

#ifndef AIU_VERSION
#define AIU_VERSION "0.1.0"
#endif

/* data/openapi.json, embedded by scripts/embed.cmake */
extern const unsigned char aiu_embed_openapi[];
extern const size_t aiu_embed_openapi_len;

int api_health(struct http_req *q, struct http_resp *r)
{
	struct jsonw w;
	http_ok_begin(r, &w);
	jw_obj(&w);
	jw_key(&w, "status");
	jw_str(&w, "ok");
	jw_key(&w, "version");
	jw_str(&w, AIU_VERSION);
	jw_key(&w, "dataVersion");
	jw_int(&w, q->data_version);
	jw_key(&w, "store");
	jw_str(&w, q->store->ops->name);
	jw_end(&w);
	http_ok_end(r, &w);
	return 0;
}

int api_openapi(struct http_req *q, struct http_resp *r)
{
	(void)q;
	r->static_body = aiu_embed_openapi;
	r->static_len = aiu_embed_openapi_len;
	return 0;
}

/* A hashed asset name ("app.3f9a1c2b.js") may be cached for a year. */
static bool hashed_name(const char *path)
{
	const char *base = strrchr(path, '/'), *dot1, *dot2;
	size_t hex = 0;
	base = base ? base + 1 : path;
	if (!(dot1 = strchr(base, '.')) || !(dot2 = strchr(dot1 + 1, '.')))
		return false;
	for (const char *p = dot1 + 1; p < dot2; p++, hex++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	return hex >= 8;
}

/* Embedded files only; an unknown path without an extension is a
 * client-side route and gets index.html. */
int api_static(struct http_req *q, struct http_resp *r)
{
	const struct asset *a = assets_find(q->path);
	const char *base = strrchr(q->path, '/');
	if (!a && base && !strchr(base, '.'))
		a = assets_find("/index.html");
	if (!a) {
		http_error(r, 404, "NOT_FOUND", "no such file", "path", q->path);
		return 0;
	}
	r->content_type = a->mime;
	r->static_body = a->data;
	r->static_len = a->len;
	http_resp_header(r, "ETag", a->etag);
	http_resp_header(r, "Cache-Control", hashed_name(a->path) ? "public, max-age=31536000, immutable"
								 : "no-cache");
	return 0;
}
