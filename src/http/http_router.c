/* http_router.c - route matching, responses, envelopes and validated query
 * parameters (see http.h). Nothing here talks to the network or the store,
 * so all of it is unit-tested directly (tests/unit/test_http.c). */
#include "http/http.h"
#include "http/http_cache.h"
#include "core/strutil.h"
#include "core/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- router ----------------------------------------------------------- */

static const struct {
	const char *name;
	enum http_method m;
} methods[] = {
	{ "GET", HTTP_GET }, { "HEAD", HTTP_HEAD }, { "POST", HTTP_POST }, { "PUT", HTTP_PUT },
	{ "DELETE", HTTP_DELETE }, { "OPTIONS", HTTP_OPTIONS }, { "PATCH", HTTP_PATCH },
};

enum http_method http_method_parse(const char *s)
{
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (strcmp(s, methods[i].name) == 0)
			return methods[i].m;
	return HTTP_OTHER;
}

void http_methods_str(unsigned set, char *out, size_t cap)
{
	size_t len = 0;
	if (cap)
		out[0] = '\0';
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		int n;
		if (!(set & methods[i].m))
			continue;
		n = snprintf(out + len, cap - len, "%s%s", len ? ", " : "", methods[i].name);
		if (n < 0 || (size_t)n >= cap - len)
			return;
		len += (size_t)n;
	}
}

/* Matches pattern against path segment by segment; ":x" captures a
 * non-empty segment into capbuf. */
static bool match_one(const char *pat, const char *path, unsigned flags, const char **caps,
		      size_t *ncaps, char *capbuf, size_t cap)
{
	size_t used = 0;
	*ncaps = 0;
	if (flags & ROUTE_PREFIX) /* never an /api path: unknown API paths are 404 */
		return str_has_prefix(path, pat) && strcmp(path, "/api") != 0 &&
		       !str_has_prefix(path, "/api/");
	while (*pat && *path) {
		if (*pat == ':') {
			const char *pe = strchr(pat, '/'), *se = strchr(path, '/');
			size_t n = se ? (size_t)(se - path) : strlen(path);
			if (n == 0 || *ncaps >= HTTP_MAX_CAPS || used + n + 1 > cap)
				return false;
			memcpy(capbuf + used, path, n);
			capbuf[used + n] = '\0';
			caps[(*ncaps)++] = capbuf + used;
			used += n + 1;
			pat = pe ? pe : pat + strlen(pat);
			path += n;
			continue;
		}
		if (*pat != *path)
			return false;
		pat++;
		path++;
	}
	return *pat == '\0' && *path == '\0';
}

enum http_match http_route_find(const struct http_route *tbl, enum http_method m,
				const char *path, const struct http_route **route,
				const char **caps, size_t *ncaps, char *capbuf, size_t cap,
				unsigned *allowed)
{
	enum http_method want = m == HTTP_HEAD ? HTTP_GET : m;
	*route = NULL;
	*allowed = 0;
	*ncaps = 0;
	for (const struct http_route *r = tbl; r->pattern; r++) {
		size_t n;
		if (!match_one(r->pattern, path, r->flags, caps, &n, capbuf, cap))
			continue;
		if (r->methods & want) {
			*route = r;
			*ncaps = n;
			return MATCH_OK;
		}
		*allowed |= r->methods;
	}
	*ncaps = 0;
	return *allowed ? MATCH_BAD_METHOD : MATCH_NOT_FOUND;
}

/* --- responses -------------------------------------------------------- */

void http_resp_init(struct http_resp *r)
{
	memset(r, 0, sizeof(*r));
	r->status = 200;
	r->content_type = "application/json";
	buf_init(&r->body, HTTP_RESP_MAX);
}

void http_resp_release(struct http_resp *r)
{
	buf_release(&r->body);
	http_body_unref(r->shared);
	r->shared = NULL;
}

static const char *hcopy(struct http_resp *r, const char *s)
{
	size_t n = strlen(s) + 1;
	char *p;
	if (r->hused + n > sizeof(r->hstore))
		return NULL;
	p = r->hstore + r->hused;
	memcpy(p, s, n);
	r->hused += n;
	return p;
}

int http_resp_header(struct http_resp *r, const char *name, const char *value)
{
	const char *k, *v;
	if (r->nheaders >= HTTP_MAX_HEADERS || !(k = hcopy(r, name)) || !(v = hcopy(r, value)))
		return AIU_ELIMIT;
	r->headers[r->nheaders].key = k;
	r->headers[r->nheaders].val = v;
	r->nheaders++;
	return AIU_OK;
}

void http_ok_begin(struct http_resp *r, struct jsonw *w)
{
	buf_reset(&r->body);
	r->body.failed = 0;
	jw_init(w, &r->body, false);
	jw_obj(w);
	jw_key(w, "success");
	jw_bool(w, true);
	jw_key(w, "data");
}

void http_ok_end(struct http_resp *r, struct jsonw *w)
{
	jw_end(w);
	if (!jw_ok(w))
		http_error(r, 500, "INTERNAL_ERROR", "response too large", NULL, NULL);
}

void http_error(struct http_resp *r, int status, const char *code, const char *message,
		const char *field, const char *value)
{
	struct jsonw w;
	r->status = status;
	r->content_type = "application/json";
	r->no_cache = true;
	buf_reset(&r->body);
	r->body.failed = 0;
	jw_init(&w, &r->body, false);
	jw_obj(&w);
	jw_key(&w, "success");
	jw_bool(&w, false);
	jw_key(&w, "error");
	jw_obj(&w);
	jw_key(&w, "message");
	jw_str(&w, message);
	jw_key(&w, "code");
	jw_str(&w, code);
	jw_key(&w, "details");
	jw_obj(&w);
	if (field) {
		jw_key(&w, "field");
		jw_str(&w, field);
	}
	if (value) {
		jw_key(&w, "value");
		/* never echo more than a little of what the client sent */
		jw_strn(&w, value, strnlen(value, 200));
	}
	jw_end(&w);
	jw_end(&w);
	jw_end(&w);
}

/* --- parameters ------------------------------------------------------- */

const char *http_arg(const struct http_req *q, const char *key)
{
	for (size_t i = 0; i < q->nargs; i++)
		if (strcmp(q->args[i].key, key) == 0)
			return q->args[i].val ? q->args[i].val : "";
	return NULL;
}

static int bad(struct http_resp *r, const char *field, const char *value, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int bad(struct http_resp *r, const char *field, const char *value, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	http_error(r, 400, "VALIDATION_ERROR", msg, field, value);
	return AIU_EARG;
}

int http_parse_bound(const char *s, const struct tz *tz, bool end, int64_t *ms)
{
	size_t n = strlen(s);
	int64_t day, v;
	if (n == 10) {
		/* YYYY-MM-DD only (parse_day_arg also takes YYYYMMDD: not ISO here) */
		if (s[4] != '-' || s[7] != '-' || parse_rfc3339_ms(s, n, &v) < 0)
			return AIU_EPARSE;
		day = v / MS_PER_DAY;
		*ms = end ? tz_day_start_ms(tz, day + 1) - 1 : tz_day_start_ms(tz, day);
		return AIU_OK;
	}
	if (n > 40 || parse_rfc3339_ms(s, n, &v) < 0)
		return AIU_EPARSE;
	*ms = v;
	return AIU_OK;
}

int http_param_filter(struct http_req *q, struct http_resp *r, struct http_filter *f)
{
	const char *tzs = http_arg(q, "tz"), *from = http_arg(q, "dateFrom"),
		   *to = http_arg(q, "dateTo"), *proj = http_arg(q, "project");
	struct aiu_err e = { 0 };
	memset(f, 0, sizeof(*f));
	f->tz = q->tz;
	f->from_ms = INT64_MIN;
	f->to_ms = INT64_MAX;
	if (tzs) {
		/* only IANA names here: never a path or the server's $TZ */
		if (!*tzs || strcmp(tzs, "local") == 0 || tz_load(tzs, &f->tz_owned, &e) < 0)
			return bad(r, "tz", tzs, "tz: unknown IANA time zone");
		f->tz = f->tz_owned;
	}
	if (from && http_parse_bound(from, f->tz, false, &f->from_ms) < 0)
		return bad(r, "dateFrom", from,
			   "dateFrom: expected an ISO 8601 date (YYYY-MM-DD) or date-time with Z or an offset");
	if (to && http_parse_bound(to, f->tz, true, &f->to_ms) < 0)
		return bad(r, "dateTo", to,
			   "dateTo: expected an ISO 8601 date (YYYY-MM-DD) or date-time with Z or an offset");
	if (f->from_ms != INT64_MIN && f->to_ms != INT64_MAX && f->from_ms > f->to_ms)
		return bad(r, "dateFrom", from, "dateFrom is after dateTo");
	if (proj) {
		if (!*proj || strlen(proj) > 1024)
			return bad(r, "project", proj, "project: expected a project path, basename or folder name");
		f->project = proj;
	}
	return AIU_OK;
}

void http_filter_release(struct http_filter *f)
{
	tz_free(f->tz_owned);
	f->tz_owned = NULL;
}

int http_param_int(struct http_req *q, struct http_resp *r, const char *key, int64_t lo,
		   int64_t hi, int64_t def, int64_t *out)
{
	const char *v = http_arg(q, key);
	if (!v) {
		*out = def;
		return AIU_OK;
	}
	if (parse_i64_range(v, lo, hi, out) < 0)
		return bad(r, key, v, "%s: expected a whole number from %lld to %lld", key,
			   (long long)lo, (long long)hi);
	return AIU_OK;
}

int http_param_enum(struct http_req *q, struct http_resp *r, const char *key,
		    const char *const *choices, size_t def_idx, size_t *idx)
{
	const char *v = http_arg(q, key);
	char list[256] = "";
	size_t len = 0;
	if (!v) {
		*idx = def_idx;
		return AIU_OK;
	}
	for (size_t i = 0; choices[i]; i++) {
		int n;
		if (strcmp(v, choices[i]) == 0) {
			*idx = i;
			return AIU_OK;
		}
		n = snprintf(list + len, sizeof(list) - len, "%s%s", i ? ", " : "", choices[i]);
		if (n > 0 && (size_t)n < sizeof(list) - len)
			len += (size_t)n;
	}
	return bad(r, key, v, "%s: expected one of %s", key, list);
}
