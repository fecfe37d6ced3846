/* http_auth.c - who may call what. Two steps, both table-driven:
 *  1. http_auth_resolve: the bearer token -> a principal. A static
 *     --token/AIUSAGE_TOKEN is an admin; store tokens (api_tokens, only
 *     their SHA-256 is stored) are found by their public prefix and checked
 *     by comparing hashes in constant time. When neither a static token nor
 *     an active store token exists, auth is off (loopback only: the server
 *     refuses to listen elsewhere) and the caller is the local user.
 *  2. http_auth_deny: the route's ROUTE_* flags against the role rules
 *     below, plus the privacy rule (ROUTE_PERSON routes refuse --privacy
 *     team read tokens). */
#include "http/http.h"
#include "core/strutil.h"

#include <string.h>

/* One row per role: methods it may use, flags a route must have, flags a
 * route must not have. */
static const struct role_rule {
	enum token_role role;
	unsigned methods, need, deny;
	const char *why;
} role_rules[] = {
	{ ROLE_ADMIN, ~0u, 0, 0, NULL },
	{ ROLE_READ, HTTP_GET | HTTP_HEAD, 0, ROUTE_ADMIN | ROUTE_INGEST,
	  "a read-only token cannot change anything" },
	{ ROLE_INGEST, HTTP_POST, ROUTE_INGEST, 0, "an ingest token can only push usage" },
};

const char *http_auth_deny(const struct http_route *rt, enum http_method m,
			   const struct http_principal *who)
{
	const struct role_rule *r = NULL;
	for (size_t i = 0; i < sizeof(role_rules) / sizeof(role_rules[0]); i++)
		if (role_rules[i].role == who->role)
			r = &role_rules[i];
	if (!r)
		return "unknown role";
	if (rt->flags & ROUTE_INGEST) {
		if (!who->authenticated)
			return "pushing usage needs an ingest token";
		if (!who->person[0])
			return "this token has no person to count pushed usage for";
	}
	if (!(r->methods & (unsigned)m) || (rt->flags & r->need) != r->need || (rt->flags & r->deny))
		return r->why;
	if (who->privacy_team && (rt->flags & ROUTE_PERSON))
		return "this token sees team-level figures only";
	return NULL;
}

/* Constant-time comparison of a presented token with the static one. */
static bool static_ok(const char *want, const char *got)
{
	size_t wn = strlen(want), gn = strlen(got);
	unsigned char diff = (unsigned char)(gn != wn);
	for (size_t i = 0; i < wn; i++)
		diff |= (unsigned char)(want[i] ^ (i < gn ? got[i] : 0));
	return diff == 0;
}

struct find_ctx {
	const char *hash;
	struct http_principal *who;
	bool found;
};

static int on_token(void *ctx, const struct api_token *t)
{
	struct find_ctx *f = ctx;
	if (!f->found && apitoken_hash_eq(t->hash, f->hash)) {
		f->found = true;
		f->who->authenticated = true;
		f->who->role = apitoken_role(t->role);
		f->who->privacy_team = t->privacy_team;
		f->who->token_id = t->id;
		str_copy(f->who->person, t->person, sizeof(f->who->person));
	}
	return 0; /* look at every candidate: time does not depend on which matched */
}

int http_auth_resolve(struct store *st, const char *static_token, const char *authz,
		      struct http_principal *who, struct aiu_err *err)
{
	const char *tok = authz && strncmp(authz, "Bearer ", 7) == 0 ? authz + 7 : NULL;
	char prefix[TOKEN_PREFIX_LEN + 1], hash[65];
	int64_t active = 0;
	int rc;

	memset(who, 0, sizeof(*who));
	if (tok && static_token && static_ok(static_token, tok)) {
		who->authenticated = true;
		who->role = ROLE_ADMIN;
		return AIU_OK;
	}
	if (tok && apitoken_digest(tok, prefix, hash)) {
		struct find_ctx f = { hash, who, false };
		if ((rc = st->ops->token_find(st, prefix, on_token, &f, err)) < 0)
			return rc;
		if (f.found)
			return who->role != ROLE_NONE ? AIU_OK : AIU_ENOTFOUND;
	}
	memset(who, 0, sizeof(*who));
	if (static_token)
		return AIU_ENOTFOUND;
	if ((rc = st->ops->token_active_count(st, &active, err)) < 0)
		return rc;
	if (active > 0)
		return AIU_ENOTFOUND;
	who->role = ROLE_ADMIN; /* auth off: the local user */
	return AIU_OK;
}
