/* test_http_client.c - the libcurl client against a local scripted server
 * (tests/fake/http_test_server.py): retries with and without retry-after,
 * backoff bounds, retry budget, rate limiting, ETag/304, the size cap,
 * secret scrubbing, pagination and POST. Sleeps and the clock are injected,
 * so nothing here waits for real. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>

#include "ingest/http_client.h"

struct fake_clock {
	int64_t now;
	int64_t sleeps[64];
	int nsleeps;
};

static void fake_sleep(void *ctx, int64_t ms)
{
	struct fake_clock *k = ctx;
	if (k->nsleeps < 64)
		k->sleeps[k->nsleeps++] = ms;
	k->now += ms;
}

static int64_t fake_now(void *ctx)
{
	return ((struct fake_clock *)ctx)->now;
}

struct fx {
	FILE *srv;
	int port, pid;
	char base[64];
	struct http_client c;
	struct fake_clock clk;
	struct aiu_err err;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	const char *src = getenv("AIU_SRC");
	char cmd[4096];
	snprintf(cmd, sizeof(cmd), "exec python3 %s/tests/fake/http_test_server.py --idle 60",
		 src ? src : ".");
	f->srv = popen(cmd, "r");
	assert_non_null(f->srv);
	assert_int_equal(fscanf(f->srv, "%d %d", &f->port, &f->pid), 2);
	snprintf(f->base, sizeof(f->base), "http://127.0.0.1:%d", f->port);
	assert_int_equal(http_client_init(&f->c, f->base, &f->err), 0);
	f->c.sleep_ms = fake_sleep;
	f->c.now_ms = fake_now;
	f->c.time_ctx = &f->clk;
	f->c.rng = 12345;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	http_client_release(&f->c);
	kill(f->pid, SIGTERM);
	pclose(f->srv);
	free(f);
	return 0;
}

static int get(struct fx *f, const char *path, const struct http_header *h, size_t nh,
	       const char *etag, struct http_response *rs)
{
	struct http_request rq = { .method = "GET", .path = path, .headers = h, .nheaders = nh,
				   .etag = etag };
	http_response_init(rs);
	return http_do(&f->c, &rq, rs, &f->err);
}

static void t_ok_and_etag(void **state)
{
	struct fx *f = *state;
	struct http_response rs;
	char etag[256];
	assert_int_equal(get(f, "/ok", NULL, 0, NULL, &rs), 0);
	assert_int_equal(rs.status, 200);
	assert_string_equal(buf_cstr(&rs.body), "{\"ok\": true}");
	assert_string_equal(rs.etag, "\"v1\"");
	assert_string_equal(rs.request_id, "req_test123");
	snprintf(etag, sizeof(etag), "%s", rs.etag);
	http_response_release(&rs);
	/* the stored ETag comes back as a 304 with no body */
	assert_int_equal(get(f, "/ok", NULL, 0, etag, &rs), 0);
	assert_int_equal(rs.status, 304);
	assert_int_equal(rs.body.len, 0);
	assert_int_equal(f->c.n_not_modified, 1);
	http_response_release(&rs);
	/* a stale ETag gets the full body */
	assert_int_equal(get(f, "/ok", NULL, 0, "\"v0\"", &rs), 0);
	assert_int_equal(rs.status, 200);
	http_response_release(&rs);
}

static void t_retry_after_seconds(void **state)
{
	struct fx *f = *state;
	struct http_response rs;
	assert_int_equal(get(f, "/flaky/a?fail=2&status=429&ra=3", NULL, 0, NULL, &rs), 0);
	assert_int_equal(rs.status, 200);
	assert_int_equal(rs.attempts, 3);
	assert_int_equal(f->clk.nsleeps, 2);
	assert_int_equal(f->clk.sleeps[0], 3000);
	assert_int_equal(f->clk.sleeps[1], 3000);
	assert_int_equal(rs.waited_ms, 6000);
	http_response_release(&rs);
}

static void t_retry_after_date(void **state)
{
	struct fx *f = *state;
	struct http_response rs;
	char path[256], date[64];
	time_t t = time(NULL) + 20;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%a,%%20%d%%20%b%%20%Y%%20%H:%M:%S%%20GMT", &tm);
	snprintf(path, sizeof(path), "/flaky/d?fail=1&status=503&ra=%s", date);
	assert_int_equal(get(f, path, NULL, 0, NULL, &rs), 0);
	assert_int_equal(rs.attempts, 2);
	assert_int_equal(f->clk.nsleeps, 1);
	/* about 20 s (the clock may tick over a second while we run) */
	assert_true(f->clk.sleeps[0] >= 17000 && f->clk.sleeps[0] <= 20000);
	http_response_release(&rs);
	assert_int_equal(http_parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 1445412470), 10000);
	assert_int_equal(http_parse_retry_after("12", 0), 12000);
	assert_int_equal(http_parse_retry_after("soon", 0), -1);
	assert_int_equal(http_parse_retry_after("", 0), -1);
}

static void t_backoff_without_header(void **state)
{
	struct fx *f = *state;
	struct http_response rs;
	f->c.backoff_base_ms = 1000;
	assert_int_equal(get(f, "/flaky/b?fail=4&status=500", NULL, 0, NULL, &rs), 0);
	assert_int_equal(rs.attempts, 5);
	assert_int_equal(f->clk.nsleeps, 4);
	/* equal jitter: attempt k waits within [cap/2, cap], cap = 1, 2, 4, 8 s */
	for (int k = 0; k < 4; k++) {
		int64_t cap = 1000LL << k;
		assert_true(f->clk.sleeps[k] >= cap / 2 && f->clk.sleeps[k] <= cap);
	}
	http_response_release(&rs);
}

static void t_give_up(void **state)
{
	struct fx *f = *state;
	struct http_response rs;
	int rc;
	f->c.max_attempts = 3;
	rc = get(f, "/flaky/c?fail=10&status=529", NULL, 0, NULL, &rs);
	assert_int_equal(rc, AIU_EIO);
	assert_int_equal(rs.status, 529);
	assert_int_equal(rs.attempts, 3);
	assert_non_null(strstr(f->err.msg, "GET /flaky/c: HTTP 529 rate_limit_error: slow down"));
	assert_non_null(strstr(f->err.msg, "after 3 attempts"));
	assert_null(strstr(f->err.msg, "fail=10")); /* the query is not echoed */
	http_response_release(&rs);
	/* a retry-after beyond the budget fails at once */
	f->c.max_total_wait_ms = 10000;
	rc = get(f, "/flaky/e?fail=1&status=429&ra=60", NULL, 0, NULL, &rs);
	assert_int_equal(rc, AIU_ELIMIT);
	assert_int_equal(rs.attempts, 1);
	assert_non_null(strstr(f->err.msg, "retry budget"));
	http_response_release(&rs);
	/* 4xx other than 429 is not retried */
	rc = get(f, "/flaky/g?fail=1&status=400", NULL, 0, NULL, &rs);
	assert_int_equal(rc, AIU_EIO);
	assert_int_equal(rs.attempts, 1);
	http_response_release(&rs);
}

static void t_network_error_retried(void **state)
{
	struct fx *f = *state;
	struct http_client c;
	struct http_response rs;
	struct http_request rq = { .path = "/ok" };
	/* port 1 on loopback: connection refused, retried then reported */
	assert_int_equal(http_client_init(&c, "http://127.0.0.1:1/", &f->err), 0);
	c.sleep_ms = fake_sleep;
	c.now_ms = fake_now;
	c.time_ctx = &f->clk;
	c.max_attempts = 3;
	http_response_init(&rs);
	assert_int_equal(http_do(&c, &rq, &rs, &f->err), AIU_EIO);
	assert_int_equal(rs.attempts, 3);
	assert_int_equal(f->clk.nsleeps, 2);
	assert_non_null(strstr(f->err.msg, "GET /ok:"));
	http_response_release(&rs);
	http_client_release(&c);
	assert_int_equal(http_client_init(&c, "ftp://x", &f->err), AIU_EARG);
	http_client_release(&c);
}

static void t_timeout(void **state)
{
	struct fx *f = *state;
	struct http_response rs;
	/* a server slower than the total timeout: each attempt times out, retried, then reported */
	f->c.total_timeout_ms = 150;
	f->c.max_attempts = 2;
	assert_int_equal(get(f, "/sleep?ms=1500", NULL, 0, NULL, &rs), AIU_EIO);
	assert_int_equal(rs.attempts, 2);
	assert_non_null(strstr(f->err.msg, "GET /sleep:"));
	assert_non_null(strstr(f->err.msg, "after 2 attempts"));
	http_response_release(&rs);
	f->c.total_timeout_ms = 5000;
	assert_int_equal(get(f, "/sleep?ms=10", NULL, 0, NULL, &rs), 0);
	http_response_release(&rs);
}

static void t_size_cap(void **state)
{
	struct fx *f = *state;
	struct http_response rs;
	f->c.max_body = 1000;
	assert_int_equal(get(f, "/big?n=1000", NULL, 0, NULL, &rs), 0);
	assert_int_equal(rs.body.len, 1000);
	http_response_release(&rs);
	assert_int_equal(get(f, "/big?n=1001", NULL, 0, NULL, &rs), AIU_ELIMIT);
	assert_non_null(strstr(f->err.msg, "larger than 1000 bytes"));
	http_response_release(&rs);
	f->c.max_body = 64;
	assert_int_equal(get(f, "/big?n=2000000", NULL, 0, NULL, &rs), AIU_ELIMIT);
	http_response_release(&rs);
}

static void t_secrets_scrubbed(void **state)
{
	struct fx *f = *state;
	struct http_response rs;
	const char *key = "sk-ant-admin01-SECRETSECRET";
	struct http_header h[] = { { "x-api-key", key, true }, { "anthropic-version", "2023-06-01", false } };
	assert_int_equal(get(f, "/echo", h, 2, NULL, &rs), 0);
	assert_non_null(strstr(buf_cstr(&rs.body), key)); /* it was sent */
	assert_non_null(strstr(buf_cstr(&rs.body), "2023-06-01"));
	http_response_release(&rs);
	assert_int_equal(get(f, "/deny", h, 2, NULL, &rs), AIU_EIO);
	assert_int_equal(rs.status, 401);
	assert_non_null(strstr(f->err.msg, "authentication_error"));
	assert_non_null(strstr(f->err.msg, "[redacted]"));
	assert_null(strstr(f->err.msg, "SECRETSECRET"));
	http_response_release(&rs);
	{
		char m[32] = "key sk-ant-admin01-SEC";  /* a cut-off tail is redacted too */
		http_scrub_secrets(m, sizeof(m), h, 1);
		assert_string_equal(m, "key [redacted]");
	}
}

static void t_rate_limit(void **state)
{
	struct fx *f = *state;
	struct http_response rs;
	struct http_request rq = { .path = "/ok", .limit_key = "ok" };
	/* 5 requests per minute: the first 5 go at once, the next ones wait 12 s each */
	assert_int_equal(http_client_rate(&f->c, "ok", 5, 60000, &f->err), 0);
	for (int i = 0; i < 7; i++) {
		http_response_init(&rs);
		assert_int_equal(http_do(&f->c, &rq, &rs, &f->err), 0);
		http_response_release(&rs);
	}
	assert_int_equal(f->clk.nsleeps, 2);
	assert_int_equal(f->clk.sleeps[0], 12000);
	assert_int_equal(f->clk.sleeps[1], 12000);
	/* after a minute idle the bucket is full again */
	f->clk.now += 60000;
	f->clk.nsleeps = 0;
	for (int i = 0; i < 5; i++) {
		http_response_init(&rs);
		assert_int_equal(http_do(&f->c, &rq, &rs, &f->err), 0);
		http_response_release(&rs);
	}
	assert_int_equal(f->clk.nsleeps, 0);
	/* a request without a limit key never waits */
	rq.limit_key = NULL;
	http_response_init(&rs);
	assert_int_equal(http_do(&f->c, &rq, &rs, &f->err), 0);
	http_response_release(&rs);
	assert_int_equal(f->clk.nsleeps, 0);
}

struct pager {
	struct fx *f;
	char seen[64];
	int pages;
};

static int fetch(void *ctx, const char *cursor, char *next, struct aiu_err *err)
{
	struct pager *p = ctx;
	struct buf url;
	struct http_response rs;
	struct http_request rq = { 0 };
	const char *np;
	int rc;
	buf_init(&url, 1024);
	buf_puts(&url, "/pages");
	if (cursor)
		http_query_add(&url, "page", cursor);
	rq.path = buf_cstr(&url);
	http_response_init(&rs);
	rc = http_do(&p->f->c, &rq, &rs, err);
	if (rc == 0) {
		np = strstr(buf_cstr(&rs.body), "\"next_page\": \"");
		if (np)
			snprintf(next, HTTP_CURSOR_MAX, "%.2s", np + 14);
		strncat(p->seen, strstr(buf_cstr(&rs.body), "[\"") + 2, 2);
		p->pages++;
	}
	http_response_release(&rs);
	buf_release(&url);
	return rc;
}

static void t_paginate_and_query(void **state)
{
	struct fx *f = *state;
	struct pager p = { .f = f };
	struct buf u;
	assert_int_equal(http_paginate(fetch, &p, 100, &f->err), 0);
	assert_int_equal(p.pages, 3);
	assert_string_equal(p.seen, "p0p1p2");
	memset(&p, 0, sizeof(p));
	p.f = f;
	assert_int_equal(http_paginate(fetch, &p, 2, &f->err), AIU_ELIMIT);
	buf_init(&u, 256);
	buf_puts(&u, "/x");
	http_query_add(&u, "group_by[]", "workspace_id");
	http_query_add(&u, "page", "page_a+b/c=");
	assert_string_equal(buf_cstr(&u), "/x?group_by[]=workspace_id&page=page_a%2Bb%2Fc%3D");
	buf_release(&u);
}

static void t_post(void **state)
{
	struct fx *f = *state;
	struct http_response rs;
	const char *body = "{\"startDate\":1,\"endDate\":2}";
	struct http_request rq = { .method = "POST", .path = "/post", .body = body,
				   .body_len = strlen(body) };
	http_response_init(&rs);
	assert_int_equal(http_do(&f->c, &rq, &rs, &f->err), 0);
	assert_non_null(strstr(buf_cstr(&rs.body), "\"len\": 27"));
	http_response_release(&rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(t_ok_and_etag, setup, teardown),
		cmocka_unit_test_setup_teardown(t_retry_after_seconds, setup, teardown),
		cmocka_unit_test_setup_teardown(t_retry_after_date, setup, teardown),
		cmocka_unit_test_setup_teardown(t_backoff_without_header, setup, teardown),
		cmocka_unit_test_setup_teardown(t_give_up, setup, teardown),
		cmocka_unit_test_setup_teardown(t_network_error_retried, setup, teardown),
		cmocka_unit_test_setup_teardown(t_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(t_size_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(t_secrets_scrubbed, setup, teardown),
		cmocka_unit_test_setup_teardown(t_rate_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(t_paginate_and_query, setup, teardown),
		cmocka_unit_test_setup_teardown(t_post, setup, teardown),
	};
	int rc;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
