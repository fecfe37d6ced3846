/* http_server.c - libmicrohttpd glue: listening, worker store pool, auth,
 * CORS, security headers, the response cache and the access log.
 *
 * Threads: MHD runs an internal pool of worker threads (epoll); each
 * request borrows one of the pool's store connections (as many as
 * threads, so a worker never waits), read-only (query_only) on the same
 * database file: SQLite WAL lets them read while a sync writes. Every
 * request runs inside one read snapshot (store read_begin/read_end), so
 * all its scans and the data version it is cached under agree.
 */
#include "http/http.h"
#include "http/http_cache.h"
#include "core/strutil.h"
#include "core/timeutil.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define CONN_LIMIT 256          /* concurrent connections */
#define CONN_TIMEOUT_S 30       /* idle connection timeout */
#define CONN_MEMORY (48 * 1024) /* per-connection header/URL memory */
#define KEY_MAX (HTTP_URL_MAX + 512)

static const char CSP[] = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
			  "img-src 'self' data:; connect-src 'self'; font-src 'self' data:; "
			  "object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

struct http_server {
	struct http_server_opts o;
	struct MHD_Daemon *d;
	struct http_cache *cache;
	pthread_mutex_t mu;          /* guards the store pool */
	pthread_cond_t cv;
	struct store **stores;       /* pool, owned */
	bool *busy;
	size_t nstores;
};

struct conn {
	size_t uri_len;              /* raw URI length incl. query string */
	struct buf body;             /* request body, capped at HTTP_BODY_MAX */
	bool too_large;
	bool started;                /* the first handler call (headers only) was seen */
	int64_t t0;
};

/* --- store pool --------------------------------------------------------- */

static struct store *store_take(struct http_server *s, size_t *slot)
{
	struct store *st = NULL;
	pthread_mutex_lock(&s->mu);
	for (;;) {
		for (size_t i = 0; i < s->nstores; i++)
			if (!s->busy[i]) {
				s->busy[i] = true;
				*slot = i;
				st = s->stores[i];
				break;
			}
		if (st)
			break;
		pthread_cond_wait(&s->cv, &s->mu);
	}
	pthread_mutex_unlock(&s->mu);
	return st;
}

static void store_give(struct http_server *s, size_t slot)
{
	pthread_mutex_lock(&s->mu);
	s->busy[slot] = false;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
}

/* --- helpers ------------------------------------------------------------ */

struct arg_ctx {
	struct http_req *q;
	bool overflow;
};

static enum MHD_Result on_arg(void *cls, enum MHD_ValueKind kind, const char *key,
			      const char *value)
{
	struct arg_ctx *a = cls;
	(void)kind;
	if (a->q->nargs >= HTTP_MAX_ARGS) {
		a->overflow = true;
		return MHD_NO;
	}
	a->q->args[a->q->nargs].key = key;
	a->q->args[a->q->nargs].val = value ? value : "";
	a->q->nargs++;
	return MHD_YES;
}

static int cmp_kv(const void *a, const void *b)
{
	const struct http_kv *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	return c ? c : strcmp(x->val, y->val);
}

/* path + sorted, length-prefixed arguments: equal queries share an entry. */
static int cache_key(const struct http_req *q, struct buf *key)
{
	struct http_kv sorted[HTTP_MAX_ARGS];
	memcpy(sorted, q->args, q->nargs * sizeof(*sorted));
	if (q->nargs > 1)
		qsort(sorted, q->nargs, sizeof(*sorted), cmp_kv);
	buf_puts(key, q->path);
	for (size_t i = 0; i < q->nargs; i++)
		buf_printf(key, "|%zu:%s=%zu:%s", strlen(sorted[i].key), sorted[i].key,
			   strlen(sorted[i].val), sorted[i].val);
	return key->failed ? AIU_ELIMIT : AIU_OK;
}

/* Does If-None-Match (a list, or *) name etag? */
static bool etag_matches(const char *inm, const char *etag)
{
	size_t n = strlen(etag);
	if (!inm)
		return false;
	if (strcmp(inm, "*") == 0)
		return true;
	for (const char *p = inm; (p = strstr(p, etag)); p += n) {
		char after = p[n];
		if (after == '\0' || after == ',' || after == ' ')
			return true;
	}
	return false;
}

static bool is_api(const char *path)
{
	return strcmp(path, "/api") == 0 || str_has_prefix(path, "/api/");
}

static void add_common_headers(struct http_server *s, struct MHD_Connection *mc,
			       struct MHD_Response *r, bool api, const struct http_resp *rs)
{
	const char *origin = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "Origin");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	if (!api)
		MHD_add_response_header(r, "Content-Security-Policy", CSP);
	else
		MHD_add_response_header(r, "Cache-Control", "no-cache");
	if (rs && rs->content_type)
		MHD_add_response_header(r, "Content-Type", rs->content_type);
	if (s->o.cors_origin && origin && strcmp(origin, s->o.cors_origin) == 0) {
		MHD_add_response_header(r, "Access-Control-Allow-Origin", s->o.cors_origin);
		MHD_add_response_header(r, "Vary", "Origin");
	}
	if (rs)
		for (size_t i = 0; i < rs->nheaders; i++)
			MHD_add_response_header(r, rs->headers[i].key, rs->headers[i].val);
}

static void unref_body(void *cls)
{
	http_body_unref(cls);
}

static enum MHD_Result send_resp(struct http_server *s, struct MHD_Connection *mc,
				 struct http_resp *rs, bool api, const char *method,
				 const char *path, int64_t t0)
{
	struct MHD_Response *r;
	enum MHD_Result ret;
	if (rs->shared) { /* zero-copy: MHD holds a reference until it is done */
		http_body_ref(rs->shared);
		r = MHD_create_response_from_buffer_with_free_callback_cls(
			rs->shared->len, rs->shared->data, unref_body, rs->shared);
		if (!r)
			http_body_unref(rs->shared);
	} else if (rs->static_body)
		r = MHD_create_response_from_buffer(rs->static_len, (void *)rs->static_body,
						    MHD_RESPMEM_PERSISTENT);
	else
		r = MHD_create_response_from_buffer(rs->body.len, rs->body.p ? rs->body.p : (void *)"",
						    MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	add_common_headers(s, mc, r, api, rs->status == 304 ? NULL : rs);
	if (rs->status == 304)
		for (size_t i = 0; i < rs->nheaders; i++)
			MHD_add_response_header(r, rs->headers[i].key, rs->headers[i].val);
	ret = MHD_queue_response(mc, (unsigned)rs->status, r);
	MHD_destroy_response(r);
	if (s->o.verbose)
		fprintf(stderr, "aiusage: %s %.200s %d %.1f ms\n", method, path, rs->status,
			(double)(now_ms() - t0));
	return ret;
}

/* Runs the route (with cache) for an API or static request. */
static void dispatch(struct http_server *s, struct MHD_Connection *mc, struct http_req *q,
		     struct http_resp *rs, const struct http_route *rt)
{
	struct buf key;
	size_t slot;
	bool cacheable = (rt->flags & ROUTE_CACHE) && (q->method == HTTP_GET || q->method == HTTP_HEAD);
	char etag[HTTP_ETAG_MAX] = "";
	bool in_snapshot = false;
	int rc;

	buf_init(&key, KEY_MAX);
	q->store = store_take(s, &slot);
	/* Hit path: one statement reads the committed version; a body cached
	 * under that version is the answer. Miss: the handler and the version
	 * it is cached under come from one read snapshot. */
	if (cacheable && cache_key(q, &key) == AIU_OK &&
	    q->store->ops->data_version(q->store, &q->data_version, &q->err) == AIU_OK &&
	    (rs->shared = http_cache_get(s->cache, buf_cstr(&key), q->data_version))) {
		rs->status = 200;
		str_copy(etag, rs->shared->etag, sizeof(etag));
	} else {
		if ((rc = q->store->ops->read_begin(q->store, &q->err)) < 0)
			goto fail;
		in_snapshot = true;
		if ((rc = q->store->ops->data_version(q->store, &q->data_version, &q->err)) < 0 ||
		    (rc = rt->fn(q, rs)) < 0)
			goto fail;
		if (cacheable && rs->status == 200 && !rs->no_cache && !rs->static_body) {
			http_etag(q->data_version, buf_cstr(&rs->body), rs->body.len, etag, sizeof(etag));
			if (!key.failed && key.len &&
			    (rs->shared = http_body_new(buf_cstr(&rs->body), rs->body.len, etag)))
				http_cache_put(s->cache, buf_cstr(&key), q->data_version, rs->shared);
		}
	}
	if (etag[0])
		http_resp_header(rs, "ETag", etag);
	for (size_t i = 0; i < rs->nheaders && rs->status == 200; i++) {
		if (strcmp(rs->headers[i].key, "ETag") != 0)
			continue;
		str_copy(etag, rs->headers[i].val, sizeof(etag));
		if (etag_matches(MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "If-None-Match"),
				 etag)) {
			rs->status = 304;
			buf_reset(&rs->body);
			http_body_unref(rs->shared);
			rs->shared = NULL;
			rs->static_body = NULL;
			rs->static_len = 0;
		}
	}
	goto out;
fail:
	fprintf(stderr, "aiusage: %s: %s\n", q->path, q->err.msg);
	http_error(rs, 500, rc == AIU_EDB ? "DATABASE_ERROR" : "INTERNAL_ERROR",
		   rc == AIU_EDB ? "the store failed" : "internal error", NULL, NULL);
out:
	if (in_snapshot)
		q->store->ops->read_end(q->store);
	store_give(s, slot);
	buf_release(&key);
}

/* Resolves the caller (http_auth.c) with a pooled store connection. */
static int authenticate(struct http_server *s, struct MHD_Connection *mc, struct http_req *q)
{
	size_t slot;
	struct store *st = store_take(s, &slot);
	int rc = http_auth_resolve(st, s->o.token,
				   MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "Authorization"),
				   &q->who, &q->err);
	store_give(s, slot);
	return rc;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *mc, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct http_server *s = cls;
	struct conn *c = *con_cls;
	struct http_req q;
	struct http_resp rs;
	struct arg_ctx ac;
	const struct http_route *rt = NULL;
	char capbuf[1024];
	unsigned allowed = 0;
	enum http_match match = MATCH_NOT_FOUND;
	bool api = is_api(url);
	enum MHD_Result ret;
	const char *why = NULL;
	int arc = AIU_OK;

	(void)version;
	if (!c)
		return MHD_NO;
	if (!c->started) { /* headers only: refuse a declared oversize body before reading it */
		const char *cl = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "Content-Length");
		int64_t n;
		const struct http_route *brt = NULL;
		const char *bcaps[HTTP_MAX_CAPS];
		size_t bn = 0;
		unsigned ball = 0;
		c->started = true;
		if (http_route_find(http_routes, http_method_parse(method), url, &brt, bcaps, &bn,
				    capbuf, sizeof(capbuf), &ball) == MATCH_OK &&
		    (brt->flags & ROUTE_BIG_BODY))
			c->body.max = HTTP_BIG_BODY_MAX; /* nothing allocated yet */
		if (!cl || parse_i64_range(cl, 0, (int64_t)c->body.max, &n) == AIU_OK)
			return MHD_YES;
		c->too_large = true;
	} else if (*upload_data_size) { /* body chunk: keep up to the cap, then discard */
		if (!c->too_large && buf_add(&c->body, upload_data, *upload_data_size) < 0)
			c->too_large = true;
		*upload_data_size = 0;
		return MHD_YES;
	}
	memset(&q, 0, sizeof(q));
	http_resp_init(&rs);
	q.method = http_method_parse(method);
	q.path = url;
	q.pricing = s->o.pricing;
	q.tz = s->o.tz;
	q.srv = s;
	q.ext = s->o.ext;
	q.body = c->body.len ? buf_cstr(&c->body) : NULL;
	q.body_len = c->body.len;
	ac.q = &q;
	ac.overflow = false;
	MHD_get_connection_values(mc, MHD_GET_ARGUMENT_KIND, on_arg, &ac);

	if (c->uri_len > HTTP_URL_MAX) {
		http_error(&rs, 414, "VALIDATION_ERROR", "URL longer than 8 KiB", "url", NULL);
	} else if (ac.overflow) {
		http_error(&rs, 400, "VALIDATION_ERROR", "too many query parameters", "query", NULL);
	} else if (api && q.method == HTTP_OPTIONS && s->o.cors_origin) {
		const char *origin = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "Origin");
		rs.status = 204;
		rs.content_type = NULL;
		if (origin && strcmp(origin, s->o.cors_origin) == 0) {
			http_resp_header(&rs, "Access-Control-Allow-Methods", "GET, POST, OPTIONS");
			http_resp_header(&rs, "Access-Control-Allow-Headers",
					 "Authorization, Content-Type, If-None-Match");
			http_resp_header(&rs, "Access-Control-Max-Age", "600");
		}
	} else if ((match = http_route_find(http_routes, q.method, url, &rt, q.caps, &q.ncaps,
					    capbuf, sizeof(capbuf), &allowed),
		    api && (match != MATCH_OK || (rt->flags & ROUTE_AUTH))) &&
		   (arc = authenticate(s, mc, &q)) < 0) {
		/* every /api/ path needs a token when auth is on, unknown ones too
		 * (nothing leaks) */
		if (arc == AIU_ENOTFOUND) {
			http_error(&rs, 401, "UNAUTHORIZED", "missing or wrong bearer token", NULL, NULL);
			http_resp_header(&rs, "WWW-Authenticate", "Bearer");
		} else {
			fprintf(stderr, "aiusage: auth: %s\n", q.err.msg);
			http_error(&rs, 500, "DATABASE_ERROR", "the store failed", NULL, NULL);
		}
	} else if (api && match == MATCH_OK && (rt->flags & ROUTE_AUTH) &&
		   (why = http_auth_deny(rt, q.method, &q.who))) {
		http_error(&rs, 403, "FORBIDDEN", why, NULL, NULL);
	} else if (c->too_large) {
		http_error(&rs, 413, "PAYLOAD_TOO_LARGE",
			   c->body.max > HTTP_BODY_MAX ? "request body over 4 MiB" : "request body over 4 KiB",
			   "body", NULL);
	} else {
		switch (match) {
		case MATCH_OK:
			dispatch(s, mc, &q, &rs, rt);
			break;
		case MATCH_BAD_METHOD: {
			char allow[96];
			http_methods_str(allowed, allow, sizeof(allow));
			http_error(&rs, 405, "METHOD_NOT_ALLOWED", "method not allowed on this path",
				   "method", method);
			http_resp_header(&rs, "Allow", allow);
			break;
		}
		case MATCH_NOT_FOUND:
			http_error(&rs, 404, "NOT_FOUND", "no such endpoint", "path", url);
			break;
		}
	}
	ret = send_resp(s, mc, &rs, api, method, url, c->t0);
	http_resp_release(&rs);
	return ret;
}

/* First sight of a request: remember the raw URI length, set up the body. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *mc)
{
	struct conn *c = calloc(1, sizeof(*c));
	(void)cls;
	(void)mc;
	if (!c)
		return NULL;
	c->uri_len = strlen(uri);
	c->t0 = now_ms();
	buf_init(&c->body, HTTP_BODY_MAX);
	return c;
}

static void on_done(void *cls, struct MHD_Connection *mc, void **con_cls,
		    enum MHD_RequestTerminationCode toe)
{
	struct conn *c = *con_cls;
	(void)cls;
	(void)mc;
	(void)toe;
	if (c) {
		buf_release(&c->body);
		free(c);
		*con_cls = NULL;
	}
}

/* --- listen address ----------------------------------------------------- */

struct addr {
	struct sockaddr_storage ss;
	bool v6, loopback;
};

static int parse_listen(const char *s, struct addr *a, struct aiu_err *err)
{
	char host[128];
	const char *colon, *hs = s;
	size_t hn;
	int64_t port;

	memset(a, 0, sizeof(*a));
	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (!close || close[1] != ':')
			return aiu_errf(err, AIU_EARG, "--listen: expected [IPV6]:PORT, got '%s'", s);
		hs = s + 1;
		hn = (size_t)(close - hs);
		colon = close + 1;
	} else {
		if (!(colon = strrchr(s, ':')))
			return aiu_errf(err, AIU_EARG, "--listen: expected HOST:PORT, got '%s'", s);
		hn = (size_t)(colon - s);
	}
	if (hn == 0 || hn >= sizeof(host))
		return aiu_errf(err, AIU_EARG, "--listen: bad host in '%s'", s);
	memcpy(host, hs, hn);
	host[hn] = '\0';
	if (strcmp(host, "localhost") == 0)
		str_copy(host, "127.0.0.1", sizeof(host));
	if (parse_i64_range(colon + 1, 0, 65535, &port) < 0)
		return aiu_errf(err, AIU_EARG, "--listen: port must be 0..65535 in '%s'", s);
	if (s[0] == '[') {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&a->ss;
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host, &a6->sin6_addr) != 1)
			return aiu_errf(err, AIU_EARG, "--listen: '%s' is not an IPv6 address", host);
		a->v6 = true;
		a->loopback = IN6_IS_ADDR_LOOPBACK(&a6->sin6_addr);
	} else {
		struct sockaddr_in *a4 = (struct sockaddr_in *)&a->ss;
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, host, &a4->sin_addr) != 1)
			return aiu_errf(err, AIU_EARG, "--listen: '%s' is not an IPv4 address (or localhost)", host);
		a->loopback = (ntohl(a4->sin_addr.s_addr) >> 24) == 127;
	}
	return AIU_OK;
}

int http_server_start(const struct http_server_opts *o, struct http_server **out,
		      char *bound, size_t cap, struct aiu_err *err)
{
	struct http_server *s = calloc(1, sizeof(*s));
	const union MHD_DaemonInfo *di;
	struct addr a;
	unsigned threads = o->threads ? o->threads : 2;
	char host[INET6_ADDRSTRLEN];
	int rc;

	*out = NULL;
	if (!s)
		return aiu_errf(err, AIU_ENOMEM, "out of memory");
	s->o = *o;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	if ((rc = parse_listen(o->listen, &a, err)) < 0)
		goto out;
	if (o->token && !*o->token)
		s->o.token = NULL;
	if ((rc = http_cache_new(o->cache_entries ? o->cache_entries : 256,
				 o->cache_bytes ? o->cache_bytes : (size_t)32 << 20, &s->cache)) < 0) {
		aiu_errf(err, rc, "out of memory");
		goto out;
	}
	s->stores = calloc(threads, sizeof(*s->stores));
	s->busy = calloc(threads, sizeof(*s->busy));
	if (!s->stores || !s->busy) {
		rc = aiu_errf(err, AIU_ENOMEM, "out of memory");
		goto out;
	}
	for (; s->nstores < threads; s->nstores++)
		if ((rc = store_open(o->db_path, &s->stores[s->nstores], err)) < 0 ||
		    (rc = s->stores[s->nstores]->ops->read_only(s->stores[s->nstores], err)) < 0) {
			if (rc < 0 && s->stores[s->nstores])
				s->nstores++; /* opened: closed with the others */
			goto out;
		}
	if (!a.loopback && (!o->token || !*o->token)) {
		int64_t active = 0;
		struct store *st = s->stores[0];
		if ((rc = st->ops->token_active_count(st, &active, err)) < 0)
			goto out;
		if (active == 0) {
			rc = aiu_errf(err, AIU_EARG, "refusing to listen on non-loopback address %s without a token "
				      "(--token, AIUSAGE_TOKEN or `aiusage token create`)", o->listen);
			goto out;
		}
	}
	s->d = MHD_start_daemon(MHD_USE_EPOLL_INTERNAL_THREAD | (a.v6 ? MHD_USE_IPv6 : 0), 0, NULL,
				NULL, on_request, s,
				MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&a.ss,
				MHD_OPTION_THREAD_POOL_SIZE, threads,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned)CONN_LIMIT,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONN_TIMEOUT_S,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONN_MEMORY,
				MHD_OPTION_URI_LOG_CALLBACK, on_uri, s,
				MHD_OPTION_NOTIFY_COMPLETED, on_done, s,
				MHD_OPTION_END);
	if (!s->d) {
		rc = aiu_errf(err, AIU_EIO, "cannot listen on %s (address in use or not available)", o->listen);
		goto out;
	}
	di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	if (a.v6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&a.ss)->sin6_addr, host, sizeof(host));
	else
		inet_ntop(AF_INET, &((struct sockaddr_in *)&a.ss)->sin_addr, host, sizeof(host));
	snprintf(bound, cap, a.v6 ? "[%s]:%u" : "%s:%u", host, di ? (unsigned)di->port : 0u);
	*out = s;
	s = NULL;
	rc = AIU_OK;
out:
	http_server_stop(s);
	return rc;
}

const char *http_server_db(const struct http_server *s)
{
	return s->o.db_path;
}

void http_server_stop(struct http_server *s)
{
	if (!s)
		return;
	if (s->d)
		MHD_stop_daemon(s->d);
	for (size_t i = 0; i < s->nstores; i++)
		store_close(s->stores[i]);
	free(s->stores);
	free(s->busy);
	http_cache_free(s->cache);
	pthread_cond_destroy(&s->cv);
	pthread_mutex_destroy(&s->mu);
	free(s);
}
