/* http.h - the REST server's handler interface, route table, envelopes and
 * validated query parameters (`aiusage serve`, docs/API.md).
 *
 * Flow: libmicrohttpd (http_server.c) parses a request into a struct
 * http_req (method, decoded path, query args, body), the router
 * (http_router.c) finds the row of http_routes[] whose pattern matches
 * (":name" segments become captures), checks auth, then calls the row's
 * handler with the worker thread's own read-only store. The handler fills
 * a struct http_resp: status, content type, body. JSON handlers use the
 * envelope helpers below so every answer is {success,data} or
 * {success:false,error:{message,code,details}}.
 *
 * Adding an endpoint = writing a handler in src/http/api_*.c and adding a
 * row to http_routes[] (http_routes.c). Nothing else changes.
 *
 * Ownership: everything in http_req belongs to the server and is valid for
 * the handler call only. http_resp.body is a capped buffer owned by the
 * response; the server releases it. Strings in http_resp.headers are
 * copied into the response's own storage by http_resp_header().
 */
#ifndef AIU_HTTP_H
#define AIU_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/jsonw.h"
#include "core/pricing.h"
#include "core/apitoken.h"
#include "core/tz.h"
#include "store/store.h"

#define HTTP_URL_MAX (8 * 1024)        /* longer URLs: 414 */
#define HTTP_BODY_MAX (4 * 1024)       /* longer bodies: 413 PAYLOAD_TOO_LARGE */
#define HTTP_BIG_BODY_MAX ((size_t)4 << 20) /* the same for ROUTE_BIG_BODY routes (push) */
#define HTTP_MAX_ARGS 32               /* query arguments kept per request */
#define HTTP_MAX_CAPS 4                /* ":name" captures per pattern */
#define HTTP_MAX_HEADERS 8             /* extra response headers */
#define HTTP_RESP_MAX ((size_t)32 << 20) /* response body cap */

enum http_method {
	HTTP_GET = 1u << 0,
	HTTP_HEAD = 1u << 1,
	HTTP_POST = 1u << 2,
	HTTP_PUT = 1u << 3,
	HTTP_DELETE = 1u << 4,
	HTTP_OPTIONS = 1u << 5,
	HTTP_PATCH = 1u << 6,
	HTTP_OTHER = 1u << 7,
};

/* Route flags. */
enum {
	ROUTE_AUTH = 1u << 0,   /* needs the bearer token when the server has one (unknown
	                           /api/ paths always do, so nothing leaks) */
	ROUTE_CACHE = 1u << 1,  /* GET body may be cached per (normalised URL, data version) */
	ROUTE_PREFIX = 1u << 2, /* pattern matches any non-/api path starting with it (static files) */
	/* Who may call it (http_auth.c; the rule table there): */
	ROUTE_ADMIN = 1u << 3,  /* changes server state: admin tokens only */
	ROUTE_INGEST = 1u << 4, /* receives pushed usage: tokens with a person (ingest, admin) */
	ROUTE_PERSON = 1u << 5, /* per-person figures: refused to --privacy team read tokens */
	ROUTE_BIG_BODY = 1u << 6, /* body up to HTTP_BIG_BODY_MAX instead of HTTP_BODY_MAX */
};

/* Who is calling (filled by the server's auth check before the handler). */
struct http_principal {
	bool authenticated;    /* false: auth is off (loopback, no tokens): local user */
	enum token_role role;  /* ROLE_ADMIN when auth is off or for --token */
	bool privacy_team;     /* read token limited to team-level figures */
	int64_t token_id;      /* 0 for --token or no auth */
	char person[TOKEN_PERSON_MAX]; /* the token's person, "" = none */
};

struct http_kv {
	const char *key, *val;
};

struct http_server; /* opaque: http_server.c */
struct http_body;   /* http_cache.h */

struct http_req {
	enum http_method method;
	const char *path;                  /* decoded, without the query string */
	const char *caps[HTTP_MAX_CAPS];   /* values of ":name" segments, in order */
	size_t ncaps;
	struct http_kv args[HTTP_MAX_ARGS];/* query arguments, in order received */
	size_t nargs;
	const char *body;                  /* NULL when none; NUL-terminated */
	size_t body_len;
	struct store *store;               /* this worker's read-only store connection */
	const struct pricing *pricing;     /* the server's price table */
	const struct tz *tz;               /* the server's default zone (?tz= overrides) */
	struct http_server *srv;           /* for http_server_*() accessors */
	void *ext;                         /* http_server_opts.ext: other modules' context
	                                      (the sync job), NULL when unused */
	struct http_principal who;         /* the caller (http_auth.c) */
	int64_t data_version;              /* store data version read at request start */
	struct aiu_err err;                /* a handler returning < 0 fills this */
};

struct http_resp {
	int status;                        /* default 200 */
	const char *content_type;          /* static string; default application/json */
	struct buf body;                   /* owned; capped at HTTP_RESP_MAX */
	const unsigned char *static_body;  /* instead of body: data that outlives the
	                                      response (embedded assets); not freed */
	size_t static_len;
	struct http_kv headers[HTTP_MAX_HEADERS]; /* extra headers (copies owned here) */
	size_t nheaders;
	char hstore[1024];                 /* storage for header copies */
	size_t hused;
	bool no_cache;                     /* handler: do not cache this body (e.g. 404) */
	struct http_body *shared;          /* server: a cached body sent instead of body
	                                      (one reference, dropped by http_resp_release) */
};

/* Returns 0 when the response is filled (errors included, via http_error),
 * or a negative AIU_E* with req->err set: the server then answers 500
 * DATABASE_ERROR (AIU_EDB) or INTERNAL_ERROR (anything else). */
typedef int (*http_handler)(struct http_req *req, struct http_resp *resp);

struct http_route {
	unsigned methods;      /* HTTP_GET | ... */
	const char *pattern;   /* "/api/analytics/sessions/:id" */
	http_handler fn;
	unsigned flags;        /* ROUTE_* */
};

/* The table (http_routes.c), terminated by a row with pattern NULL. */
extern const struct http_route http_routes[];

/* --- router (pure: unit-tested) ------------------------------------- */
enum http_match { MATCH_OK, MATCH_NOT_FOUND, MATCH_BAD_METHOD };
/* Finds the row for (method, path). On MATCH_OK *route is set and the
 * captures point into capbuf (cap bytes), which the caller owns.
 * MATCH_BAD_METHOD: some row matches the path but not the method; *allowed
 * gets the union of methods allowed there (for the Allow header). */
enum http_match http_route_find(const struct http_route *tbl, enum http_method m,
				const char *path, const struct http_route **route,
				const char **caps, size_t *ncaps, char *capbuf, size_t cap,
				unsigned *allowed);
enum http_method http_method_parse(const char *s);
/* "GET, POST" for a method set, into out. */
void http_methods_str(unsigned methods, char *out, size_t cap);

/* --- responses ------------------------------------------------------ */
void http_resp_init(struct http_resp *r);
void http_resp_release(struct http_resp *r);
/* Adds an extra header (copied). Returns AIU_ELIMIT when full. */
int http_resp_header(struct http_resp *r, const char *name, const char *value);

/* Envelope: http_ok_begin writes {"success":true,"data": and returns the
 * writer positioned for the data value; http_ok_end closes it. */
void http_ok_begin(struct http_resp *r, struct jsonw *w);
void http_ok_end(struct http_resp *r, struct jsonw *w);
/* Replaces the body with an error envelope. code: "VALIDATION_ERROR", ...
 * field/value (may be NULL) go to details {"field":..,"value":..}. */
void http_error(struct http_resp *r, int status, const char *code, const char *message,
		const char *field, const char *value);

/* --- request helpers and validated parameters ----------------------- */
/* Value of query argument key (first occurrence) or NULL. */
const char *http_arg(const struct http_req *q, const char *key);

/* The analytics filter every endpoint takes: dateFrom, dateTo, tz, project. */
struct http_filter {
	const struct tz *tz;       /* ?tz= (owned by the filter) or the server default */
	struct tz *tz_owned;
	int64_t from_ms, to_ms;    /* inclusive; INT64_MIN / INT64_MAX when open */
	const char *project;       /* NULL = all */
};

/* Each returns 0, or fills resp with a 400 VALIDATION_ERROR naming the
 * field and returns AIU_EARG (the handler then just returns 0). */
int http_param_filter(struct http_req *q, struct http_resp *r, struct http_filter *f);
void http_filter_release(struct http_filter *f);
/* An integer argument in [lo, hi], default def when absent. */
int http_param_int(struct http_req *q, struct http_resp *r, const char *key, int64_t lo,
		   int64_t hi, int64_t def, int64_t *out);
/* One of the NULL-terminated choices; *idx = index, default def_idx when absent. */
int http_param_enum(struct http_req *q, struct http_resp *r, const char *key,
		    const char *const *choices, size_t def_idx, size_t *idx);

/* Parses an ISO 8601 bound: "YYYY-MM-DD" (the whole local day in tz: the
 * first instant when !end, the last millisecond when end) or an RFC 3339
 * date-time with Z or an offset. 0 or AIU_EPARSE. Pure: unit-tested. */
int http_parse_bound(const char *s, const struct tz *tz, bool end, int64_t *ms);

/* --- server --------------------------------------------------------- */
struct http_server_opts {
	const char *listen;        /* "127.0.0.1:3001", "[::1]:0", "0.0.0.0:8080" */
	const char *db_path;       /* store every worker opens */
	const struct pricing *pricing;
	const struct tz *tz;
	const char *token;         /* NULL = none (only allowed on loopback) */
	const char *cors_origin;   /* NULL = no CORS headers */
	bool verbose;              /* access log on stderr */
	unsigned threads;          /* worker threads (default 2) */
	size_t cache_entries, cache_bytes; /* response cache bounds (defaults 256, 32 MiB) */
	void *ext;                 /* passed to handlers as req->ext */
};

/* Starts listening; *out owned by caller, stopped with http_server_stop.
 * Writes the bound address ("127.0.0.1:43121", "[::1]:43121") to
 * bound (cap bytes). */
int http_server_start(const struct http_server_opts *o, struct http_server **out,
		      char *bound, size_t cap, struct aiu_err *err);
void http_server_stop(struct http_server *s);
/* The store URI every worker opens (a handler that writes opens its own
 * connection to it: worker connections are read-only). */
const char *http_server_db(const struct http_server *s);

/* --- auth rules (http_auth.c; pure: unit-tested) ---------------------- */
/* May who call route rt with method m? NULL if so, else why not (for a 403). */
const char *http_auth_deny(const struct http_route *rt, enum http_method m,
			   const struct http_principal *who);
/* Resolves an Authorization header against the static token (may be NULL)
 * and the store's tokens. 0: *who filled (auth off when no token exists
 * and no static token is set); AIU_ENOTFOUND: auth is on and the header
 * names no valid token (401); other < 0: store failure (err set). */
int http_auth_resolve(struct store *st, const char *static_token, const char *authz,
		      struct http_principal *who, struct aiu_err *err);

#endif
