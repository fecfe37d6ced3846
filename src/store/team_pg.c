/* team_pg.c - the team-server ops of store.h on PostgreSQL (tables from
 * migration 5, see store/team.h). Statements run with bound text
 * parameters (the connection's parameter block); the usage scan pages by
 * key so memory stays flat on a large store. */
#include "store/team_pg.h"
#include "store/store_pg_int.h"
#include "core/strutil.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SCAN_PAGE 2000

/* Runs sql with q->p's parameters. *res (if given) gets the result, which
 * the caller PQclear()s; err names the store (redacted URI) and what failed. */
static int exec(struct pg_store *q, const char *sql, PGresult **res, struct aiu_err *err,
		const char *what)
{
	PGresult *r;
	ExecStatusType st;
	char msg[512];
	int rc;
	if (res)
		*res = NULL;
	if ((rc = pg_wb_flush(q, err)) < 0)
		return rc;
	if (q->p->overflow)
		return aiu_errf(err, AIU_ENOMEM, "%s: %s: out of memory", q->base.uri, what);
	r = PQexecParams(q->conn, sql, q->p->n, NULL, q->p->v, q->p->len, q->p->fmt, 0);
	st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		str_copy(msg, r ? PQresultErrorMessage(r) : PQerrorMessage(q->conn), sizeof(msg));
		for (size_t n = strlen(msg); n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'); n--)
			msg[n - 1] = '\0';
		PQclear(r);
		return aiu_errf(err, AIU_EDB, "%s: %s: %s", q->base.uri, what, msg);
	}
	if (res)
		*res = r;
	else
		PQclear(r);
	return AIU_OK;
}

#define TOKEN_COLS "id, prefix, hash, role, name, person, privacy, created_ms, revoked_ms"

static int token_rows(PGresult *r, int (*cb)(void *ctx, const struct api_token *t), void *ctx)
{
	struct api_token t;
	char priv[16];
	int crc = 0;
	for (int i = 0; i < PQntuples(r) && !crc; i++) {
		memset(&t, 0, sizeof(t));
		t.id = pg_i64(r, i, 0);
		pg_text(r, i, 1, t.prefix, sizeof(t.prefix));
		pg_text(r, i, 2, t.hash, sizeof(t.hash));
		pg_text(r, i, 3, t.role, sizeof(t.role));
		pg_text(r, i, 4, t.name, sizeof(t.name));
		pg_text(r, i, 5, t.person, sizeof(t.person));
		pg_text(r, i, 6, priv, sizeof(priv));
		t.privacy_team = strcmp(priv, "team") == 0;
		t.created_ms = pg_i64(r, i, 7);
		t.revoked_ms = pg_i64(r, i, 8);
		crc = cb(ctx, &t);
	}
	PQclear(r);
	return crc;
}

int pg_token_add(struct store *s, struct api_token *t, struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	PGresult *r;
	int rc;
	pgp_reset(q->p);
	pgp_text(q->p, t->prefix, SIZE_MAX);
	pgp_text(q->p, t->hash, SIZE_MAX);
	pgp_text(q->p, t->role, SIZE_MAX);
	pgp_text(q->p, t->name, SIZE_MAX);
	pgp_text(q->p, t->person, SIZE_MAX);
	pgp_text(q->p, t->privacy_team ? "team" : "", SIZE_MAX);
	pgp_i64(q->p, t->created_ms);
	if ((rc = exec(q, "INSERT INTO api_tokens(prefix, hash, role, name, person, privacy, created_ms)"
		       " VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id", &r, err, "add token")) < 0)
		return rc;
	t->id = PQntuples(r) == 1 ? pg_i64(r, 0, 0) : 0;
	PQclear(r);
	return AIU_OK;
}

int pg_token_scan(struct store *s, int (*cb)(void *ctx, const struct api_token *t), void *ctx,
		  struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	PGresult *r;
	int rc;
	pgp_reset(q->p);
	if ((rc = exec(q, "SELECT " TOKEN_COLS " FROM api_tokens ORDER BY id", &r, err,
		       "token scan")) < 0)
		return rc;
	return token_rows(r, cb, ctx);
}

int pg_token_find(struct store *s, const char *prefix,
		  int (*cb)(void *ctx, const struct api_token *t), void *ctx, struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	PGresult *r;
	int rc;
	pgp_reset(q->p);
	pgp_text(q->p, prefix, SIZE_MAX);
	if ((rc = exec(q, "SELECT " TOKEN_COLS " FROM api_tokens WHERE prefix = $1 AND revoked_ms = 0"
		       " ORDER BY id", &r, err, "token lookup")) < 0)
		return rc;
	return token_rows(r, cb, ctx);
}

int pg_token_active_count(struct store *s, int64_t *n, struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	PGresult *r;
	int rc;
	*n = 0;
	pgp_reset(q->p);
	if ((rc = exec(q, "SELECT count(*) FROM api_tokens WHERE revoked_ms = 0", &r, err,
		       "count tokens")) < 0)
		return rc;
	if (PQntuples(r) == 1)
		*n = pg_i64(r, 0, 0);
	PQclear(r);
	return AIU_OK;
}

int pg_token_revoke(struct store *s, int64_t id, int64_t now_ms, bool *found, struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	PGresult *r;
	int rc;
	*found = false;
	pgp_reset(q->p);
	pgp_i64(q->p, id);
	pgp_i64(q->p, now_ms > 0 ? now_ms : 1);
	if ((rc = exec(q, "UPDATE api_tokens SET revoked_ms = $2 WHERE id = $1 AND revoked_ms = 0",
		       &r, err, "revoke token")) < 0)
		return rc;
	*found = strcmp(PQcmdTuples(r), "0") != 0 && *PQcmdTuples(r);
	PQclear(r);
	return AIU_OK;
}

int pg_push_sent_get(struct store *s, const char *server, int64_t key, int64_t *sig, bool *found,
		     struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	PGresult *r;
	int rc;
	*found = false;
	pgp_reset(q->p);
	pgp_text(q->p, server, SIZE_MAX);
	pgp_i64(q->p, key);
	if ((rc = exec(q, "SELECT sig FROM push_sent WHERE server = $1 AND key = $2", &r, err,
		       "read push checkpoint")) < 0)
		return rc;
	if (PQntuples(r) == 1) {
		*sig = pg_i64(r, 0, 0);
		*found = true;
	}
	PQclear(r);
	return AIU_OK;
}

int pg_push_sent_put(struct store *s, const char *server, int64_t key, int64_t sig,
		     struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	pgp_reset(q->p);
	pgp_text(q->p, server, SIZE_MAX);
	pgp_i64(q->p, key);
	pgp_i64(q->p, sig);
	return exec(q, "INSERT INTO push_sent(server, key, sig) VALUES ($1, $2, $3)"
		    " ON CONFLICT(server, key) DO UPDATE SET sig = excluded.sig", NULL, err,
		    "write push checkpoint");
}

int pg_push_person_put(struct store *s, const char *msg_id, const char *req_id,
		       const char *person, int64_t now_ms, struct aiu_err *err)
{
	/* queued: nothing reads it back within the push (store_pg_wb.c) */
	return pg_wb_push_person(PGQ(s), msg_id, req_id, person, now_ms, err);
}

int pg_usage_scan(struct store *s, int (*cb)(void *ctx, const struct usage_row *r), void *ctx,
		  struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	struct usage_row *u = malloc(sizeof(*u));
	PGresult *r = NULL;
	int64_t after = INT64_MIN;
	bool first = true;
	int rc = AIU_OK, n;

	if (!u)
		return aiu_errf(err, AIU_ENOMEM, "out of memory");
	for (;;) {
		pgp_reset(q->p);
		pgp_i64(q->p, after);
		pgp_i64(q->p, first ? 1 : 0);
		if ((rc = exec(q, "SELECT " PG_USAGE_COLS " FROM usage"
			       " WHERE key > $1 OR $2 = 1 ORDER BY key LIMIT 2000", &r, err,
			       "usage scan")) < 0)
			goto out;
		first = false;
		n = PQntuples(r);
		for (int i = 0; i < n; i++) {
			if ((rc = pg_usage_cols(r, i, u, err)) < 0 || (rc = cb(ctx, u)) != 0)
				goto out;
			after = u->key;
		}
		PQclear(r);
		r = NULL;
		if (n < SCAN_PAGE)
			break;
	}
out:
	PQclear(r);
	free(u);
	return rc;
}
