/* test_http.c - the HTTP layer's pure parts: router, validated parameters,
 * the response cache and the store's data version. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/tz.h"
#include "http/http.h"
#include "http/http_cache.h"
#include "store/store.h"
#include "test_db.h"   /* test_data_version runs on both backends */

static int h_a(struct http_req *q, struct http_resp *r) { (void)q; (void)r; return 0; }
static int h_b(struct http_req *q, struct http_resp *r) { (void)q; (void)r; return 1; }
static int h_c(struct http_req *q, struct http_resp *r) { (void)q; (void)r; return 2; }

static const struct http_route tbl[] = {
	{ HTTP_GET, "/api/analytics/sessions", h_a, ROUTE_AUTH },
	{ HTTP_GET, "/api/analytics/sessions/:id", h_b, ROUTE_AUTH },
	{ HTTP_POST, "/api/sync/run", h_a, ROUTE_AUTH },
	{ HTTP_GET, "/api/x/:a/y/:b", h_c, 0 },
	{ HTTP_GET, "/", h_c, ROUTE_PREFIX },
	{ 0, NULL, NULL, 0 },
};

static enum http_match find(enum http_method m, const char *path, const struct http_route **rt,
			    const char **caps, size_t *ncaps, unsigned *allowed)
{
	static char capbuf[256];
	return http_route_find(tbl, m, path, rt, caps, ncaps, capbuf, sizeof(capbuf), allowed);
}

static void test_router(void **st)
{
	const struct http_route *rt;
	const char *caps[HTTP_MAX_CAPS];
	size_t n;
	unsigned allowed;
	char s[64];
	(void)st;

	assert_int_equal(find(HTTP_GET, "/api/analytics/sessions", &rt, caps, &n, &allowed), MATCH_OK);
	assert_ptr_equal(rt, &tbl[0]);
	assert_int_equal(n, 0);
	assert_int_equal(find(HTTP_GET, "/api/analytics/sessions/abc-1", &rt, caps, &n, &allowed), MATCH_OK);
	assert_ptr_equal(rt, &tbl[1]);
	assert_int_equal(n, 1);
	assert_string_equal(caps[0], "abc-1");
	/* HEAD is served by GET routes */
	assert_int_equal(find(HTTP_HEAD, "/api/analytics/sessions", &rt, caps, &n, &allowed), MATCH_OK);
	/* two captures */
	assert_int_equal(find(HTTP_GET, "/api/x/1/y/22", &rt, caps, &n, &allowed), MATCH_OK);
	assert_int_equal(n, 2);
	assert_string_equal(caps[0], "1");
	assert_string_equal(caps[1], "22");
	/* an empty capture, an extra segment, a trailing slash: no match */
	assert_int_equal(find(HTTP_GET, "/api/analytics/sessions/", &rt, caps, &n, &allowed), MATCH_NOT_FOUND);
	assert_int_equal(find(HTTP_GET, "/api/analytics/sessions/a/b", &rt, caps, &n, &allowed), MATCH_NOT_FOUND);
	assert_int_equal(find(HTTP_GET, "/api/analytics/sessionsX", &rt, caps, &n, &allowed), MATCH_NOT_FOUND);
	/* wrong method: 405 with the allowed set */
	assert_int_equal(find(HTTP_GET, "/api/sync/run", &rt, caps, &n, &allowed), MATCH_BAD_METHOD);
	assert_int_equal(allowed, HTTP_POST);
	assert_int_equal(find(HTTP_DELETE, "/api/analytics/sessions", &rt, caps, &n, &allowed), MATCH_BAD_METHOD);
	http_methods_str(HTTP_GET | HTTP_POST, s, sizeof(s));
	assert_string_equal(s, "GET, POST");
	/* the static prefix row takes every non-API path, never an /api one */
	assert_int_equal(find(HTTP_GET, "/index.html", &rt, caps, &n, &allowed), MATCH_OK);
	assert_ptr_equal(rt, &tbl[4]);
	assert_int_equal(find(HTTP_GET, "/api/nothing", &rt, caps, &n, &allowed), MATCH_NOT_FOUND);
	assert_int_equal(find(HTTP_GET, "/api", &rt, caps, &n, &allowed), MATCH_NOT_FOUND);
	assert_int_equal(find(HTTP_GET, "/apix", &rt, caps, &n, &allowed), MATCH_OK);
	assert_int_equal(http_method_parse("GET"), HTTP_GET);
	assert_int_equal(http_method_parse("get"), HTTP_OTHER);
	assert_int_equal(http_method_parse("BREW"), HTTP_OTHER);
}

static void test_capture_too_long(void **st)
{
	const struct http_route *rt;
	const char *caps[HTTP_MAX_CAPS];
	size_t n;
	unsigned allowed;
	char small[4], path[64];
	(void)st;
	snprintf(path, sizeof(path), "/api/analytics/sessions/%s", "abcdefgh");
	assert_int_equal(http_route_find(tbl, HTTP_GET, path, &rt, caps, &n, small, sizeof(small), &allowed),
			 MATCH_NOT_FOUND);
}

static void test_bounds(void **st)
{
	struct tz *paris = NULL, *utc = NULL;
	struct aiu_err e;
	int64_t ms;
	(void)st;
	assert_int_equal(tz_load("UTC", &utc, &e), AIU_OK);
	assert_int_equal(http_parse_bound("2025-11-23", utc, false, &ms), AIU_OK);
	assert_true(ms == 1763856000000LL);
	assert_int_equal(http_parse_bound("2025-11-23", utc, true, &ms), AIU_OK);
	assert_true(ms == 1763856000000LL + 86400000LL - 1);
	assert_int_equal(http_parse_bound("2025-11-23T10:00:00.000Z", utc, false, &ms), AIU_OK);
	assert_true(ms == 1763856000000LL + 36000000LL);
	assert_int_equal(http_parse_bound("2025-11-23T11:00:00+01:00", utc, false, &ms), AIU_OK);
	assert_true(ms == 1763856000000LL + 36000000LL);
	if (tz_load("Europe/Paris", &paris, &e) == AIU_OK) { /* tzdata present */
		assert_int_equal(http_parse_bound("2025-11-23", paris, false, &ms), AIU_OK);
		assert_true(ms == 1763856000000LL - 3600000LL);
		assert_int_equal(http_parse_bound("2025-11-23", paris, true, &ms), AIU_OK);
		assert_true(ms == 1763856000000LL + 86400000LL - 3600000LL - 1);
	}
	static const char *const bad[] = { "", "2025", "20251123", "2025-11-23T10:00:00", "2025-13-01",
		"2025-02-29", "2025-11-23T25:00:00Z", "2025-11-23Z", "yesterday",
		"2025-11-23T10:00:00+0100", "2025/11/23", "2025-11-23T10:00:00.Z" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(http_parse_bound(bad[i], utc, false, &ms), AIU_EPARSE);
	tz_free(paris);
	tz_free(utc);
}

static void req_with(struct http_req *q, struct tz *z, const char *const *kv, size_t n)
{
	memset(q, 0, sizeof(*q));
	q->tz = z;
	for (size_t i = 0; i + 1 < n; i += 2) {
		q->args[q->nargs].key = kv[i];
		q->args[q->nargs].val = kv[i + 1];
		q->nargs++;
	}
}

/* The 400 body names the field. */
static void assert_field(struct http_resp *r, const char *field)
{
	char want[96];
	assert_int_equal(r->status, 400);
	snprintf(want, sizeof(want), "\"field\":\"%s\"", field);
	assert_non_null(strstr(buf_cstr(&r->body), want));
	assert_non_null(strstr(buf_cstr(&r->body), "\"code\":\"VALIDATION_ERROR\""));
}

static void test_params(void **st)
{
	struct tz *utc = NULL;
	struct aiu_err e;
	struct http_req q;
	struct http_resp r;
	struct http_filter f;
	int64_t v;
	size_t idx;
	static const char *const order[] = { "desc", "asc", NULL };
	(void)st;
	assert_int_equal(tz_load("UTC", &utc, &e), AIU_OK);

	const char *ok[] = { "dateFrom", "2025-11-01", "dateTo", "2025-11-30", "project", "app" };
	req_with(&q, utc, ok, 6);
	http_resp_init(&r);
	assert_int_equal(http_param_filter(&q, &r, &f), AIU_OK);
	assert_true(f.from_ms < f.to_ms);
	assert_string_equal(f.project, "app");
	http_filter_release(&f);
	http_resp_release(&r);

	const char *swapped[] = { "dateFrom", "2025-11-30", "dateTo", "2025-11-01" };
	req_with(&q, utc, swapped, 4);
	http_resp_init(&r);
	assert_int_equal(http_param_filter(&q, &r, &f), AIU_EARG);
	assert_field(&r, "dateFrom");
	http_filter_release(&f);
	http_resp_release(&r);

	const char *badtz[] = { "tz", "Nowhere/City" };
	req_with(&q, utc, badtz, 2);
	http_resp_init(&r);
	assert_int_equal(http_param_filter(&q, &r, &f), AIU_EARG);
	assert_field(&r, "tz");
	http_filter_release(&f);
	http_resp_release(&r);

	/* "Etc/" once made the UTC-name check run off the end (found by fuzz_http) */
	const char *etc[] = { "tz", "Etc/" };
	req_with(&q, utc, etc, 2);
	http_resp_init(&r);
	assert_int_equal(http_param_filter(&q, &r, &f), AIU_EARG);
	assert_field(&r, "tz");
	http_filter_release(&f);
	http_resp_release(&r);

	const char *goodtz[] = { "tz", "UTC", "dateTo", "2025-01-01" };
	req_with(&q, utc, goodtz, 4);
	http_resp_init(&r);
	assert_int_equal(http_param_filter(&q, &r, &f), AIU_OK);
	assert_non_null(f.tz_owned);
	http_filter_release(&f);
	http_resp_release(&r);

	const char *lim[] = { "limit", "501", "offset", "7", "order", "asc" };
	req_with(&q, utc, lim, 6);
	http_resp_init(&r);
	assert_int_equal(http_param_int(&q, &r, "offset", 0, 10, 0, &v), AIU_OK);
	assert_int_equal(v, 7);
	assert_int_equal(http_param_int(&q, &r, "absent", 1, 10, 5, &v), AIU_OK);
	assert_int_equal(v, 5);
	assert_int_equal(http_param_enum(&q, &r, "order", order, 0, &idx), AIU_OK);
	assert_int_equal(idx, 1);
	assert_int_equal(http_param_int(&q, &r, "limit", 1, 500, 20, &v), AIU_EARG);
	assert_field(&r, "limit");
	http_resp_release(&r);

	const char *badord[] = { "order", "sideways" };
	req_with(&q, utc, badord, 2);
	http_resp_init(&r);
	assert_int_equal(http_param_enum(&q, &r, "order", order, 0, &idx), AIU_EARG);
	assert_field(&r, "order");
	http_resp_release(&r);
	tz_free(utc);
}

static void test_envelope(void **st)
{
	struct http_resp r;
	struct jsonw w;
	(void)st;
	http_resp_init(&r);
	http_ok_begin(&r, &w);
	jw_int(&w, 5);
	http_ok_end(&r, &w);
	assert_string_equal(buf_cstr(&r.body), "{\"success\":true,\"data\":5}");
	http_error(&r, 404, "NOT_FOUND", "no \"such\" thing", "id", "x");
	assert_int_equal(r.status, 404);
	assert_string_equal(buf_cstr(&r.body),
			    "{\"success\":false,\"error\":{\"message\":\"no \\\"such\\\" thing\","
			    "\"code\":\"NOT_FOUND\",\"details\":{\"field\":\"id\",\"value\":\"x\"}}}");
	for (int i = 0; i < HTTP_MAX_HEADERS; i++)
		assert_int_equal(http_resp_header(&r, "X-A", "b"), AIU_OK);
	assert_int_equal(http_resp_header(&r, "X-A", "b"), AIU_ELIMIT);
	http_resp_release(&r);
}

static bool hit(struct http_cache *c, const char *key, int64_t v, const char *want)
{
	struct http_body *b = http_cache_get(c, key, v);
	bool ok = b && (!want || strcmp(b->data, want) == 0);
	http_body_unref(b);
	return ok;
}

static void put(struct http_cache *c, const char *key, int64_t v, const char *data, size_t n,
		const char *etag)
{
	struct http_body *b = http_body_new(data, n, etag);
	assert_non_null(b);
	http_cache_put(c, key, v, b);
	http_body_unref(b);
}

static void test_cache(void **st)
{
	struct http_cache *c;
	struct http_body *held;
	char e1[HTTP_ETAG_MAX], e2[HTTP_ETAG_MAX];
	size_t n, bytes;
	(void)st;
	assert_int_equal(http_cache_new(3, 4096, &c), AIU_OK);
	http_etag(7, "abc", 3, e1, sizeof(e1));
	http_etag(8, "abc", 3, e2, sizeof(e2));
	assert_string_not_equal(e1, e2); /* the version is part of the tag */
	assert_false(hit(c, "/a", 7, NULL));
	put(c, "/a", 7, "abc", 3, e1);
	held = http_cache_get(c, "/a", 7);
	assert_non_null(held);
	assert_string_equal(held->data, "abc");
	assert_string_equal(held->etag, e1);
	/* another data version: a miss, and the stale entry is dropped, while
	 * the body still held by a response in flight stays valid */
	assert_false(hit(c, "/a", 8, NULL));
	http_cache_stats(c, &n, &bytes);
	assert_int_equal(n, 0);
	assert_int_equal(bytes, 0);
	assert_string_equal(held->data, "abc");
	http_body_unref(held);
	/* entry bound: LRU eviction */
	put(c, "/1", 1, "x", 1, e1);
	put(c, "/2", 1, "y", 1, e1);
	put(c, "/3", 1, "z", 1, e1);
	assert_true(hit(c, "/1", 1, "x")); /* /1 is now recent */
	put(c, "/4", 1, "w", 1, e1);
	assert_false(hit(c, "/2", 1, NULL));
	assert_true(hit(c, "/1", 1, "x"));
	assert_true(hit(c, "/4", 1, "w"));
	http_cache_stats(c, &n, &bytes);
	assert_int_equal(n, 3);
	/* byte bound: a body over a quarter of it is not cached; others evict */
	char big[1100];
	memset(big, 'b', sizeof(big));
	put(c, "/big", 1, big, sizeof(big), e1);
	assert_false(hit(c, "/big", 1, NULL));
	put(c, "/m1", 1, big, 1000, e1);
	put(c, "/m2", 1, big, 1000, e1);
	put(c, "/m3", 1, big, 1000, e1);
	put(c, "/m4", 1, big, 1000, e1);
	put(c, "/m5", 1, big, 1000, e1);
	http_cache_stats(c, &n, &bytes);
	assert_true(bytes <= 4096);
	assert_true(n <= 3);
	/* replacing a key keeps one entry */
	put(c, "/m5", 2, "new", 3, e2);
	assert_true(hit(c, "/m5", 2, "new"));
	http_cache_free(c);
}

static void test_data_version(void **st)
{
	struct tdb t;
	struct store *s = NULL, *r = NULL;
	struct aiu_err e;
	int64_t v0, v1, v2, id;
	(void)st;
	assert_int_equal(tdb_create(&t), 0);
	assert_int_equal(store_open(t.uri, &s, &e), AIU_OK);
	assert_int_equal(store_open(t.uri, &r, &e), AIU_OK); /* a reader, as a server worker */
	assert_int_equal(r->ops->data_version(r, &v0, &e), AIU_OK);
	assert_int_equal(store_begin(s, &e), AIU_OK);
	assert_int_equal(s->ops->intern(s, DICT_PROJECT, "/p", 2, &id, &e), AIU_OK);
	assert_int_equal(store_commit(s, &e), AIU_OK);
	assert_int_equal(r->ops->data_version(r, &v1, &e), AIU_OK);
	assert_true(v1 > v0);
	/* a transaction that changes nothing keeps the version */
	assert_int_equal(store_begin(s, &e), AIU_OK);
	assert_int_equal(store_commit(s, &e), AIU_OK);
	assert_int_equal(r->ops->data_version(r, &v2, &e), AIU_OK);
	assert_true(v2 == v1);
	/* a read snapshot does not see a commit made after it started */
	assert_int_equal(r->ops->read_begin(r, &e), AIU_OK);
	assert_int_equal(r->ops->data_version(r, &v2, &e), AIU_OK);
	assert_int_equal(store_begin(s, &e), AIU_OK);
	assert_int_equal(s->ops->intern(s, DICT_PROJECT, "/q", 2, &id, &e), AIU_OK);
	assert_int_equal(store_commit(s, &e), AIU_OK);
	assert_int_equal(r->ops->data_version(r, &v2, &e), AIU_OK);
	assert_true(v2 == v1);
	r->ops->read_end(r);
	assert_int_equal(r->ops->data_version(r, &v2, &e), AIU_OK);
	assert_true(v2 > v1);
	/* a worker's connection refuses writes */
	assert_int_equal(r->ops->read_only(r, &e), AIU_OK);
	assert_int_equal(r->ops->data_version(r, &v2, &e), AIU_OK);
	assert_true(store_begin(r, &e) < 0); /* a write transaction is refused */
	store_close(r);
	store_close(s);
	tdb_destroy(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_router),
		cmocka_unit_test(test_capture_too_long),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_envelope),
		cmocka_unit_test(test_cache),
		cmocka_unit_test(test_data_version),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
