/* http_client.h - the one HTTP client every vendor pull uses (libcurl).
 *
 * A struct http_client is a context (no globals; main() calls
 * curl_global_init once). It owns one CURL easy handle (connection reuse
 * across pages), the retry policy, per-endpoint token buckets and counters.
 *
 *   struct http_client hc;
 *   http_client_init(&hc, "https://api.anthropic.com", &err);
 *   http_client_rate(&hc, "/analytics/ai-code/commits", 5, 60000, &err);
 *   struct http_header h[] = { { "x-api-key", key, true }, ... };
 *   struct http_request rq = { .method = "GET", .path = "/v1/...", .headers = h,
 *                              .nheaders = 2, .limit_key = "/v1/..." };
 *   struct http_response rs;
 *   http_response_init(&rs);
 *   rc = http_do(&hc, &rq, &rs, &err);   // 0: rs.status is 2xx or 304
 *   ...                                   // rs.body holds the body
 *   http_response_release(&rs);
 *   http_client_release(&hc);
 *
 * Policy (all fields of struct http_client, defaults from http_client_init):
 *  - connect and total timeouts per attempt; a response-size cap (the body
 *    never grows past max_body: the transfer is aborted with AIU_ELIMIT);
 *  - retries on 429, 5xx (500, 502, 503, 504, 529) and network errors up to
 *    max_attempts; the wait is the server's `retry-after` (seconds or an
 *    HTTP date) when present, else exponential backoff with full jitter
 *    (backoff_base_ms * 2^k, capped at backoff_max_ms); the sum of waits is
 *    capped by max_total_wait_ms (a retry-after beyond it fails at once);
 *  - client-side rate limiting per endpoint key: a token bucket of `burst`
 *    requests refilled over `per_ms`; a request waits for a token;
 *  - If-None-Match: pass the stored ETag in rq.etag; a 304 comes back as
 *    rs.status == 304 with an empty body and rc 0;
 *  - secrets: headers marked secret are never written to an error or log;
 *    every error message is scrubbed of their values before it is returned
 *    (a hostile server echoing the key in an error body is redacted too).
 *  - sleeps and the clock are injectable (sleep_ms/now_ms) so tests run
 *    without waiting; the jitter generator is seeded per client.
 * Only http and https; redirects are not followed.
 */
#ifndef AIU_HTTP_CLIENT_H
#define AIU_HTTP_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

#define HTTP_MAX_BUCKETS 16
#define HTTP_MAX_HEADERS 16
#define HTTP_URL_MAX 4096
#define HTTP_BODY_MAX_DEFAULT ((size_t)32 << 20)

struct http_header {
	const char *name;
	const char *value;
	bool secret;           /* x-api-key, Authorization: never in errors or logs */
};

struct http_request {
	const char *method;    /* "GET" (default when NULL), "POST" or "PUT" (body as for POST) */
	const char *path;      /* appended to the client's base URL; may hold a query */
	const struct http_header *headers;
	size_t nheaders;       /* <= HTTP_MAX_HEADERS */
	const char *body;      /* POST body (JSON), may be NULL */
	size_t body_len;
	const char *etag;      /* sent as If-None-Match when non-NULL and non-empty */
	const char *limit_key; /* token bucket to draw from (see http_client_rate), or NULL */
	const char *const *secrets; /* more strings to scrub from errors (e.g. the raw
				     * key behind a Basic header), may be NULL */
	size_t nsecrets;
};

struct http_response {
	long status;           /* final HTTP status (0 if no response) */
	struct buf body;       /* owned; capped at the client's max_body */
	char etag[256];        /* ETag header of the final response, "" if none */
	char request_id[128];  /* request-id header, "" if none (for error messages) */
	char content_type[128];
	int attempts;          /* attempts made for this request */
	int64_t waited_ms;     /* total time slept before retries and for rate limits */
};

struct http_bucket {
	char key[128];
	int64_t burst;         /* capacity in requests */
	int64_t per_ms;        /* time to refill `burst` tokens */
	int64_t milli_tokens;  /* tokens * 1000 (integer arithmetic) */
	int64_t last_ms;
};

struct http_client {
	void *curl;            /* CURL *, owned */
	char base_url[1024];
	long connect_timeout_ms, total_timeout_ms;
	size_t max_body;
	int max_attempts;
	int64_t max_total_wait_ms, backoff_base_ms, backoff_max_ms;
	const char *user_agent;
	/* injectable time; defaults: nanosleep and CLOCK_MONOTONIC */
	void (*sleep_ms)(void *ctx, int64_t ms);
	int64_t (*now_ms)(void *ctx);
	void *time_ctx;
	uint64_t rng;          /* xorshift state for jitter */
	struct http_bucket buckets[HTTP_MAX_BUCKETS];
	size_t nbuckets;
	/* counters for summaries */
	int64_t n_requests, n_retries, n_not_modified, total_waited_ms;
};

/* base_url without a trailing slash is expected ("https://api.anthropic.com");
 * a trailing slash is trimmed. Fails with AIU_EARG unless it starts with
 * http:// or https://. Release with http_client_release(). */
int http_client_init(struct http_client *c, const char *base_url, struct aiu_err *err);
void http_client_release(struct http_client *c);
/* Adds (or replaces) the token bucket `key`: `burst` requests per `per_ms`.
 * The bucket starts full. */
int http_client_rate(struct http_client *c, const char *key, int64_t burst, int64_t per_ms,
		     struct aiu_err *err);

void http_response_init(struct http_response *r);
void http_response_release(struct http_response *r);

/* Performs the request with the client's retry policy. Returns 0 when the
 * final status is 2xx or 304 (body in rs->body). Otherwise a negative code
 * (AIU_EIO: HTTP error or network failure after the retries; AIU_ELIMIT:
 * response over max_body or waits over max_total_wait_ms) with err naming
 * the method, the path without its query, the status and the vendor's
 * error type/message when the body carries one. rs->status is kept. */
int http_do(struct http_client *c, const struct http_request *rq, struct http_response *rs,
	    struct aiu_err *err);

/* Parses a retry-after value: delta seconds or an HTTP date (relative to
 * now_epoch_s). Returns the wait in ms, or -1 when it cannot be parsed. */
int64_t http_parse_retry_after(const char *v, int64_t now_epoch_s);

/* Query-string building: appends "?name=value" or "&name=value", with the
 * value percent-encoded. name is written as given (so "group_by[]" stays
 * readable, which is what the Anthropic API documents). */
int http_query_add(struct buf *url, const char *name, const char *value);

/* Pagination helper: calls fetch_page(ctx, cursor) until it reports no
 * next cursor. fetch_page fills next (cap HTTP_CURSOR_MAX) with the
 * cursor for the following page or "" when done. At most max_pages pages
 * (AIU_ELIMIT beyond that, so a server looping forever cannot trap us). A
 * cursor equal to the previous one is an error too. */
#define HTTP_CURSOR_MAX 1024
int http_paginate(int (*fetch_page)(void *ctx, const char *cursor, char *next,
				    struct aiu_err *err),
		  void *ctx, int64_t max_pages, struct aiu_err *err);

/* Replaces every occurrence of each secret header value in msg (in place)
 * with "[redacted]". Exposed for callers composing their own messages. */
void http_scrub_secrets(char *msg, size_t cap, const struct http_header *h, size_t n);

#endif
