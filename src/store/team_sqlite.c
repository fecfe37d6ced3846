/* team_sqlite.c - the team-server ops of store.h on SQLite (tables from
 * migration 5, see store/team.h). Small volumes except push_sent and
 * push_usage (one row per request), which are keyed lookups; statements are
 * prepared per call, every value bound. */
#include "store/team_sqlite.h"
#include "store/store_sqlite_int.h"
#include "core/strutil.h"

#include <stdlib.h>
#include <string.h>

#define TOKEN_COLS "id, prefix, hash, role, name, person, privacy, created_ms, revoked_ms"

static void token_row(sqlite3_stmt *st, struct api_token *t)
{
	char priv[16];
	memset(t, 0, sizeof(*t));
	t->id = sqlite3_column_int64(st, 0);
	sq_text_col(st, 1, t->prefix, sizeof(t->prefix));
	sq_text_col(st, 2, t->hash, sizeof(t->hash));
	sq_text_col(st, 3, t->role, sizeof(t->role));
	sq_text_col(st, 4, t->name, sizeof(t->name));
	sq_text_col(st, 5, t->person, sizeof(t->person));
	sq_text_col(st, 6, priv, sizeof(priv));
	t->privacy_team = strcmp(priv, "team") == 0;
	t->created_ms = sqlite3_column_int64(st, 7);
	t->revoked_ms = sqlite3_column_int64(st, 8);
}

/* Steps a token query, calling cb per row; finalizes st. */
static int token_rows(struct sqlite_store *q, sqlite3_stmt *st,
		      int (*cb)(void *ctx, const struct api_token *t), void *ctx,
		      struct aiu_err *err)
{
	struct api_token t;
	int r, crc = 0, rc = AIU_OK;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		token_row(st, &t);
		if ((crc = cb(ctx, &t)) != 0)
			break;
	}
	if (r != SQLITE_ROW && r != SQLITE_DONE)
		rc = sq_db_err(q, err, "token scan");
	else
		rc = crc;
	sqlite3_finalize(st);
	return rc;
}

int sq_token_add(struct store *s, struct api_token *t, struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st;
	int rc;
	if ((rc = sq_prepare(q, "INSERT INTO api_tokens(prefix, hash, role, name, person, privacy, created_ms)"
		       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", &st, err)) < 0)
		return rc;
	sq_bind_str(st, 1, t->prefix);
	sq_bind_str(st, 2, t->hash);
	sq_bind_str(st, 3, t->role);
	sq_bind_str(st, 4, t->name);
	sq_bind_str(st, 5, t->person);
	sq_bind_str(st, 6, t->privacy_team ? "team" : "");
	sqlite3_bind_int64(st, 7, t->created_ms);
	if ((rc = sq_run(q, st, "add token", err)) < 0)
		return rc;
	t->id = sqlite3_last_insert_rowid(q->db);
	return AIU_OK;
}

int sq_token_scan(struct store *s, int (*cb)(void *ctx, const struct api_token *t), void *ctx,
		  struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st;
	int rc;
	if ((rc = sq_prepare(q, "SELECT " TOKEN_COLS " FROM api_tokens ORDER BY id", &st, err)) < 0)
		return rc;
	return token_rows(q, st, cb, ctx, err);
}

int sq_token_find(struct store *s, const char *prefix,
		  int (*cb)(void *ctx, const struct api_token *t), void *ctx, struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st;
	int rc;
	if ((rc = sq_prepare(q, "SELECT " TOKEN_COLS " FROM api_tokens WHERE prefix = ?1 AND revoked_ms = 0"
		       " ORDER BY id", &st, err)) < 0)
		return rc;
	sq_bind_str(st, 1, prefix);
	return token_rows(q, st, cb, ctx, err);
}

int sq_token_active_count(struct store *s, int64_t *n, struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st;
	int rc;
	*n = 0;
	if ((rc = sq_prepare(q, "SELECT count(*) FROM api_tokens WHERE revoked_ms = 0", &st, err)) < 0)
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW)
		*n = sqlite3_column_int64(st, 0);
	else
		rc = sq_db_err(q, err, "count tokens");
	sqlite3_finalize(st);
	return rc;
}

int sq_token_revoke(struct store *s, int64_t id, int64_t now_ms, bool *found, struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st;
	int rc;
	*found = false;
	if ((rc = sq_prepare(q, "UPDATE api_tokens SET revoked_ms = ?2 WHERE id = ?1 AND revoked_ms = 0",
		       &st, err)) < 0)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now_ms > 0 ? now_ms : 1);
	if ((rc = sq_run(q, st, "revoke token", err)) < 0)
		return rc;
	*found = sqlite3_changes(q->db) > 0;
	return AIU_OK;
}

int sq_push_sent_get(struct store *s, const char *server, int64_t key, int64_t *sig, bool *found,
		     struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st;
	int rc, r;
	*found = false;
	if ((rc = sq_prepare(q, "SELECT sig FROM push_sent WHERE server = ?1 AND key = ?2", &st, err)) < 0)
		return rc;
	sq_bind_str(st, 1, server);
	sqlite3_bind_int64(st, 2, key);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		*sig = sqlite3_column_int64(st, 0);
		*found = true;
	} else if (r != SQLITE_DONE) {
		rc = sq_db_err(q, err, "read push checkpoint");
	}
	sqlite3_finalize(st);
	return rc;
}

int sq_push_sent_put(struct store *s, const char *server, int64_t key, int64_t sig,
		     struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st;
	int rc;
	if ((rc = sq_prepare(q, "INSERT INTO push_sent(server, key, sig) VALUES (?1, ?2, ?3)"
		       " ON CONFLICT(server, key) DO UPDATE SET sig = excluded.sig", &st, err)) < 0)
		return rc;
	sq_bind_str(st, 1, server);
	sqlite3_bind_int64(st, 2, key);
	sqlite3_bind_int64(st, 3, sig);
	return sq_run(q, st, "write push checkpoint", err);
}

int sq_push_person_put(struct store *s, const char *msg_id, const char *req_id,
		       const char *person, int64_t now_ms, struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st;
	int rc;
	if ((rc = sq_prepare(q, "INSERT INTO push_usage(msg_id, req_id, person, first_ms)"
		       " VALUES (?1, ?2, ?3, ?4) ON CONFLICT(msg_id, req_id) DO NOTHING", &st, err)) < 0)
		return rc;
	sq_bind_str(st, 1, msg_id);
	sq_bind_str(st, 2, req_id);
	sq_bind_str(st, 3, person);
	sqlite3_bind_int64(st, 4, now_ms);
	return sq_run(q, st, "write pushed request's person", err);
}

int sq_usage_scan(struct store *s, int (*cb)(void *ctx, const struct usage_row *r), void *ctx,
		  struct aiu_err *err)
{
	return sq_usage_rows(SQ(s), "ORDER BY key", 0, false, cb, ctx, err, "usage scan");
}
