/* http_client.c - see http_client.h. libcurl easy interface, one handle per
 * client (reset before every attempt, so live connections are reused). */
#include "ingest/http_client.h"
#include "core/strutil.h"

#include <curl/curl.h>
#include <jansson.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define ERRBODY_MAX 200   /* vendor error message chars quoted in an error */

/* Per-attempt state the curl callbacks fill. */
struct attempt {
	struct http_response *rs;
	size_t max_body;
	bool overflow;
	char retry_after[64];
};

static void default_sleep(void *ctx, int64_t ms)
{
	struct timespec ts, rem;
	(void)ctx;
	if (ms <= 0)
		return;
	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	while (nanosleep(&ts, &rem) < 0 && errno == EINTR)
		ts = rem;
}

static int64_t default_now(void *ctx)
{
	struct timespec ts;
	(void)ctx;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint64_t rng_next(struct http_client *c)
{
	uint64_t x = c->rng ? c->rng : 0x9E3779B97F4A7C15ULL;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	c->rng = x;
	return x;
}

int http_client_init(struct http_client *c, const char *base_url, struct aiu_err *err)
{
	size_t n;
	memset(c, 0, sizeof(*c));
	if (!base_url || !(str_has_prefix(base_url, "http://") || str_has_prefix(base_url, "https://")))
		return aiu_errf(err, AIU_EARG, "base URL must start with http:// or https:// (got '%.200s')",
				base_url ? base_url : "");
	if (str_copy(c->base_url, base_url, sizeof(c->base_url)) >= sizeof(c->base_url))
		return aiu_errf(err, AIU_ELIMIT, "base URL longer than %zu bytes", sizeof(c->base_url) - 1);
	n = strlen(c->base_url);
	while (n > 0 && c->base_url[n - 1] == '/')
		c->base_url[--n] = '\0';
	c->curl = curl_easy_init();
	if (!c->curl)
		return aiu_errf(err, AIU_ENOMEM, "curl_easy_init failed");
	c->connect_timeout_ms = 10000;
	c->total_timeout_ms = 120000;
	c->max_body = HTTP_BODY_MAX_DEFAULT;
	c->max_attempts = 6;
	c->max_total_wait_ms = 5 * 60 * 1000;
	c->backoff_base_ms = 1000;
	c->backoff_max_ms = 60000;
	c->user_agent = "aiusage/0.1 (https://github.com/aiusage)";
	c->sleep_ms = default_sleep;
	c->now_ms = default_now;
	c->rng = ((uint64_t)time(NULL) << 20) ^ (uint64_t)getpid() ^ (uint64_t)(uintptr_t)c;
	return AIU_OK;
}

void http_client_release(struct http_client *c)
{
	if (c->curl)
		curl_easy_cleanup(c->curl);
	c->curl = NULL;
}

int http_client_rate(struct http_client *c, const char *key, int64_t burst, int64_t per_ms,
		     struct aiu_err *err)
{
	struct http_bucket *b = NULL;
	if (burst < 1 || per_ms < 1)
		return aiu_errf(err, AIU_EARG, "rate limit for '%s': burst and period must be positive", key);
	for (size_t i = 0; i < c->nbuckets; i++)
		if (strcmp(c->buckets[i].key, key) == 0)
			b = &c->buckets[i];
	if (!b) {
		if (c->nbuckets >= HTTP_MAX_BUCKETS)
			return aiu_errf(err, AIU_ELIMIT, "too many rate-limited endpoints (max %d)", HTTP_MAX_BUCKETS);
		b = &c->buckets[c->nbuckets++];
	}
	if (str_copy(b->key, key, sizeof(b->key)) >= sizeof(b->key))
		return aiu_errf(err, AIU_ELIMIT, "rate limit key longer than %zu bytes", sizeof(b->key) - 1);
	b->burst = burst;
	b->per_ms = per_ms;
	b->milli_tokens = burst * 1000;
	b->last_ms = c->now_ms(c->time_ctx);
	return AIU_OK;
}

static struct http_bucket *bucket_find(struct http_client *c, const char *key)
{
	if (!key)
		return NULL;
	for (size_t i = 0; i < c->nbuckets; i++)
		if (strcmp(c->buckets[i].key, key) == 0)
			return &c->buckets[i];
	return NULL;
}

static void bucket_refill(struct http_client *c, struct http_bucket *b)
{
	int64_t now = c->now_ms(c->time_ctx), dt = now - b->last_ms;
	if (dt > 0) {
		/* tokens gained = dt * burst / per_ms, kept in thousandths */
		int64_t gain = dt > b->per_ms ? b->burst * 1000 : dt * b->burst * 1000 / b->per_ms;
		b->milli_tokens += gain;
		if (b->milli_tokens > b->burst * 1000)
			b->milli_tokens = b->burst * 1000;
		b->last_ms = now;
	}
}

/* Waits until the bucket holds a token, then takes it. Returns the ms slept. */
static int64_t bucket_take(struct http_client *c, struct http_bucket *b)
{
	int64_t slept = 0;
	bucket_refill(c, b);
	while (b->milli_tokens < 1000) {
		int64_t need = 1000 - b->milli_tokens;
		int64_t wait = (need * b->per_ms + b->burst * 1000 - 1) / (b->burst * 1000);
		if (wait < 1)
			wait = 1;
		c->sleep_ms(c->time_ctx, wait);
		slept += wait;
		/* an injected clock may not move on its own: credit the sleep */
		if (c->now_ms(c->time_ctx) - b->last_ms < wait)
			b->last_ms -= wait;
		bucket_refill(c, b);
	}
	b->milli_tokens -= 1000;
	return slept;
}

void http_response_init(struct http_response *r)
{
	memset(r, 0, sizeof(*r));
	buf_init(&r->body, HTTP_BODY_MAX_DEFAULT);
}

void http_response_release(struct http_response *r)
{
	buf_release(&r->body);
}

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *ud)
{
	struct attempt *a = ud;
	size_t n = size * nmemb;
	if (a->rs->body.len + n > a->max_body || buf_add(&a->rs->body, ptr, n) < 0) {
		a->overflow = true;
		return 0; /* aborts the transfer with CURLE_WRITE_ERROR */
	}
	return n;
}

/* Copies a header's value (trimmed) into out when the line is `name: value`. */
static bool header_value(const char *line, size_t n, const char *name, char *out, size_t cap)
{
	size_t k = strlen(name), e;
	if (n <= k || line[k] != ':' || strncasecmp(line, name, k) != 0)
		return false;
	line += k + 1;
	n -= k + 1;
	while (n && (*line == ' ' || *line == '\t')) {
		line++;
		n--;
	}
	e = n;
	while (e && (line[e - 1] == '\r' || line[e - 1] == '\n' || line[e - 1] == ' '))
		e--;
	if (e >= cap)
		e = cap - 1;
	memcpy(out, line, e);
	out[e] = '\0';
	return true;
}

static size_t on_header(char *ptr, size_t size, size_t nmemb, void *ud)
{
	struct attempt *a = ud;
	size_t n = size * nmemb;
	if (n >= 5 && strncmp(ptr, "HTTP/", 5) == 0) {
		/* a new response (e.g. after 100 Continue): forget earlier headers */
		a->rs->etag[0] = a->rs->request_id[0] = a->rs->content_type[0] = '\0';
		a->retry_after[0] = '\0';
		return n;
	}
	if (!header_value(ptr, n, "etag", a->rs->etag, sizeof(a->rs->etag)) &&
	    !header_value(ptr, n, "request-id", a->rs->request_id, sizeof(a->rs->request_id)) &&
	    !header_value(ptr, n, "content-type", a->rs->content_type, sizeof(a->rs->content_type)))
		(void)header_value(ptr, n, "retry-after", a->retry_after, sizeof(a->retry_after));
	return n;
}

int64_t http_parse_retry_after(const char *v, int64_t now_epoch_s)
{
	int64_t secs;
	time_t t;
	if (!v || !*v)
		return -1;
	if (parse_i64_range(v, 0, 86400 * 7, &secs) == 0)
		return secs * 1000;
	t = curl_getdate(v, NULL);
	if (t == (time_t)-1)
		return -1;
	if ((int64_t)t <= now_epoch_s)
		return 0;
	if ((int64_t)t - now_epoch_s > 86400 * 7)
		return -1;
	return ((int64_t)t - now_epoch_s) * 1000;
}

static bool status_retryable(long st)
{
	return st == 429 || st == 500 || st == 502 || st == 503 || st == 504 || st == 529;
}

static bool curl_retryable(CURLcode cc)
{
	switch (cc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_SSL_CONNECT_ERROR:
		return true;
	default:
		return false;
	}
}

void http_scrub_secrets(char *msg, size_t cap, const struct http_header *h, size_t n)
{
	static const char red[] = "[redacted]";
	char out[1024];
	if (cap > sizeof(out))
		cap = sizeof(out);
	for (size_t i = 0; i < n; i++) {
		const char *v = h[i].value, *s = msg;
		size_t vl, o = 0;
		if (!h[i].secret || !v || (vl = strlen(v)) < 4)
			continue;
		while (*s && o + 1 < cap) {
			size_t rest = strnlen(s, vl);
			/* the whole value, or a cut-off tail of the message that starts it */
			if (strncmp(s, v, rest) == 0 && (rest == vl || (rest >= 4 && s[rest] == '\0'))) {
				for (size_t k = 0; red[k] && o + 1 < cap; k++)
					out[o++] = red[k];
				s += rest;
			} else {
				out[o++] = *s++;
			}
		}
		out[o] = '\0';
		memcpy(msg, out, o + 1);
	}
}

/* Scrubs the request's secret headers and extra secrets from err->msg. */
static int scrub(int rc, const struct http_request *rq, struct aiu_err *err)
{
	struct http_header extra[8];
	size_t n = 0;
	if (!err)
		return rc;
	http_scrub_secrets(err->msg, sizeof(err->msg), rq->headers, rq->nheaders);
	for (size_t i = 0; i < rq->nsecrets && n < 8; i++)
		extra[n++] = (struct http_header){ "secret", rq->secrets[i], true };
	http_scrub_secrets(err->msg, sizeof(err->msg), extra, n);
	return rc;
}

/* "GET /v1/x" without the query string, for error messages. */
static void describe(const struct http_request *rq, char *out, size_t cap)
{
	const char *q = strchr(rq->path, '?');
	int plen = q ? (int)(q - rq->path) : (int)strlen(rq->path);
	snprintf(out, cap, "%s %.*s", rq->method ? rq->method : "GET", plen > 300 ? 300 : plen, rq->path);
}

/* The vendor's error kind and message from a JSON error body:
 * Anthropic {"error":{"type","message"}}, Cursor {"error":"...","message":"..."}. */
static void vendor_error(const struct buf *body, char *out, size_t cap)
{
	json_t *root, *e, *t = NULL, *m = NULL;
	out[0] = '\0';
	if (!body->len)
		return;
	root = json_loadb(body->p, body->len, 0, NULL);
	if (!root) {
		snprintf(out, cap, ": non-JSON body (%zu bytes)", body->len);
		return;
	}
	e = json_object_get(root, "error");
	if (json_is_object(e)) {
		t = json_object_get(e, "type");
		m = json_object_get(e, "message");
	} else {
		t = e;
		m = json_object_get(root, "message");
	}
	snprintf(out, cap, "%s%.60s%s%.*s", json_is_string(t) ? " " : "",
		 json_is_string(t) ? json_string_value(t) : "", json_is_string(m) ? ": " : "",
		 ERRBODY_MAX, json_is_string(m) ? json_string_value(m) : "");
	json_decref(root);
}

static int set_request(struct http_client *c, const struct http_request *rq, struct attempt *a,
		       struct curl_slist **hdrs, struct aiu_err *err)
{
	CURL *h = c->curl;
	struct buf url, line;
	int rc = AIU_OK;
	buf_init(&url, HTTP_URL_MAX);
	buf_init(&line, 8192);
	curl_easy_reset(h);
	if (buf_puts(&url, c->base_url) < 0 || buf_puts(&url, rq->path) < 0) {
		rc = aiu_errf(err, AIU_ELIMIT, "URL longer than %d bytes", HTTP_URL_MAX);
		goto out;
	}
	for (size_t i = 0; i < rq->nheaders; i++) {
		struct curl_slist *n;
		buf_reset(&line);
		if (buf_printf(&line, "%s: %s", rq->headers[i].name, rq->headers[i].value) < 0 ||
		    strpbrk(buf_cstr(&line), "\r\n")) {
			rc = aiu_errf(err, AIU_EARG, "header '%s' is too long or holds a line break",
				      rq->headers[i].name);
			goto out;
		}
		if (!(n = curl_slist_append(*hdrs, buf_cstr(&line)))) {
			rc = aiu_errf(err, AIU_ENOMEM, "out of memory building headers");
			goto out;
		}
		*hdrs = n;
	}
	if (rq->etag && *rq->etag) {
		buf_reset(&line);
		if (buf_printf(&line, "If-None-Match: %s", rq->etag) == 0 && !strpbrk(rq->etag, "\r\n"))
			*hdrs = curl_slist_append(*hdrs, buf_cstr(&line));
	}
	*hdrs = curl_slist_append(*hdrs, "Expect:");
	curl_easy_setopt(h, CURLOPT_URL, buf_cstr(&url)); /* curl copies the string */
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, c->connect_timeout_ms);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, c->total_timeout_ms);
	curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)c->max_body);
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(h, CURLOPT_USERAGENT, c->user_agent);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, *hdrs);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, a);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, a);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, NULL);
	if (rq->method && (strcmp(rq->method, "POST") == 0 || strcmp(rq->method, "PUT") == 0)) {
		curl_easy_setopt(h, CURLOPT_POST, 1L);
		if (strcmp(rq->method, "PUT") == 0)
			curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, "PUT");
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, rq->body ? rq->body : "");
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(rq->body ? rq->body_len : 0));
	} else if (!rq->method || strcmp(rq->method, "GET") == 0) {
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	} else {
		rc = aiu_errf(err, AIU_EARG, "unsupported HTTP method '%.16s'", rq->method);
	}
out:
	buf_release(&url);
	buf_release(&line);
	return rc;
}

int http_do(struct http_client *c, const struct http_request *rq, struct http_response *rs,
	    struct aiu_err *err)
{
	struct http_bucket *bk = bucket_find(c, rq->limit_key);
	struct attempt a;
	char what[340], vend[ERRBODY_MAX + 80];
	int64_t retry_wait_total = 0;
	int rc = AIU_OK;

	if (!rq->path || rq->path[0] != '/')
		return aiu_errf(err, AIU_EARG, "HTTP request path must start with '/'");
	describe(rq, what, sizeof(what));
	if (rq->nheaders > HTTP_MAX_HEADERS)
		return aiu_errf(err, AIU_EARG, "%s: too many headers", what);
	rs->status = 0;
	rs->attempts = 0;
	rs->waited_ms = 0;
	for (int attempt = 1;; attempt++) {
		struct curl_slist *hdrs = NULL;
		CURLcode cc;
		int64_t wait = -1;
		bool retry = false;

		if (bk) {
			int64_t s = bucket_take(c, bk);
			rs->waited_ms += s;
			c->total_waited_ms += s;
		}
		memset(&a, 0, sizeof(a));
		a.rs = rs;
		a.max_body = c->max_body;
		buf_reset(&rs->body);
		rs->body.max = c->max_body + 1;
		rs->etag[0] = rs->request_id[0] = rs->content_type[0] = '\0';
		rs->status = 0;
		rs->attempts = attempt;
		rc = set_request(c, rq, &a, &hdrs, err);
		if (rc < 0) {
			curl_slist_free_all(hdrs);
			goto out;
		}
		c->n_requests++;
		cc = curl_easy_perform(c->curl);
		curl_slist_free_all(hdrs);
		curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, NULL);
		if (a.overflow || cc == CURLE_FILESIZE_EXCEEDED) {
			rc = aiu_errf(err, AIU_ELIMIT, "%s: response larger than %zu bytes", what, c->max_body);
			goto out;
		}
		if (cc == CURLE_OK) {
			curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &rs->status);
			if ((rs->status >= 200 && rs->status < 300) || rs->status == 304) {
				if (rs->status == 304) {
					c->n_not_modified++;
					buf_reset(&rs->body);
					if (bk) /* a 304 does not count against vendor limits */
						bk->milli_tokens += bk->milli_tokens + 1000 <= bk->burst * 1000 ? 1000 : 0;
				}
				rc = AIU_OK;
				goto out;
			}
			retry = status_retryable(rs->status);
			if (retry && a.retry_after[0])
				wait = http_parse_retry_after(a.retry_after, (int64_t)time(NULL));
		} else {
			retry = curl_retryable(cc);
		}
		if (!retry || attempt >= c->max_attempts) {
			if (cc != CURLE_OK) {
				rc = aiu_errf(err, AIU_EIO, "%s: %s (after %d attempt%s)", what,
					      curl_easy_strerror(cc), attempt, attempt == 1 ? "" : "s");
			} else {
				vendor_error(&rs->body, vend, sizeof(vend));
				rc = aiu_errf(err, AIU_EIO, "%s: HTTP %ld%s%s%s%s (after %d attempt%s)", what,
					      rs->status, vend, rs->request_id[0] ? " (request-id " : "",
					      rs->request_id, rs->request_id[0] ? ")" : "", attempt,
					      attempt == 1 ? "" : "s");
			}
			goto out;
		}
		if (wait < 0) {
			int64_t cap = c->backoff_base_ms;
			for (int k = 1; k < attempt && cap < c->backoff_max_ms; k++)
				cap *= 2;
			if (cap > c->backoff_max_ms)
				cap = c->backoff_max_ms;
			/* equal jitter: half fixed, half random, so waits never collapse to 0 */
			wait = cap / 2 + (int64_t)(rng_next(c) % (uint64_t)(cap / 2 + 1));
		}
		if (retry_wait_total + wait > c->max_total_wait_ms) {
			rc = aiu_errf(err, AIU_ELIMIT,
				      "%s: HTTP %ld; waiting %lld ms more would exceed the retry budget of %lld ms",
				      what, rs->status, (long long)wait, (long long)c->max_total_wait_ms);
			goto out;
		}
		c->sleep_ms(c->time_ctx, wait);
		retry_wait_total += wait;
		rs->waited_ms += wait;
		c->total_waited_ms += wait;
		c->n_retries++;
	}
out:
	return scrub(rc, rq, err);
}

int http_query_add(struct buf *url, const char *name, const char *value)
{
	const char *p = buf_cstr(url);
	int rc = buf_putc(url, strchr(p, '?') ? '&' : '?');
	if (rc < 0 || (rc = buf_puts(url, name)) < 0 || (rc = buf_putc(url, '=')) < 0)
		return rc;
	for (const unsigned char *v = (const unsigned char *)value; *v; v++) {
		if ((*v >= 'A' && *v <= 'Z') || (*v >= 'a' && *v <= 'z') || (*v >= '0' && *v <= '9') ||
		    *v == '-' || *v == '_' || *v == '.' || *v == '~')
			rc = buf_putc(url, (char)*v);
		else
			rc = buf_printf(url, "%%%02X", *v);
		if (rc < 0)
			return rc;
	}
	return AIU_OK;
}

int http_paginate(int (*fetch_page)(void *ctx, const char *cursor, char *next, struct aiu_err *err),
		  void *ctx, int64_t max_pages, struct aiu_err *err)
{
	char cur[HTTP_CURSOR_MAX] = "", next[HTTP_CURSOR_MAX];
	int rc;
	for (int64_t page = 0;; page++) {
		if (page >= max_pages)
			return aiu_errf(err, AIU_ELIMIT, "more than %lld pages: giving up", (long long)max_pages);
		next[0] = '\0';
		if ((rc = fetch_page(ctx, page ? cur : NULL, next, err)) < 0)
			return rc;
		if (!next[0])
			return AIU_OK;
		if (page && strcmp(next, cur) == 0)
			return aiu_errf(err, AIU_EPARSE, "the server returned the same page cursor twice");
		str_copy(cur, next, sizeof(cur));
	}
}
