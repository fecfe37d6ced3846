/* org_sqlite_int.h - small helpers shared by the organisation-source tables
 * of the SQLite backend (cursor_sqlite.c, claude_ai_sqlite.c). Volumes are
 * small (thousands of rows per pull), so statements are prepared per call
 * and finalized by the caller; values are always bound, never formatted. */
#ifndef AIU_ORG_SQLITE_INT_H
#define AIU_ORG_SQLITE_INT_H

#include "store/store_sqlite_int.h"

#include <stdbool.h>

/* Prepares sql into *st (caller finalizes, also on error). */
static inline int org_prepare(struct sqlite_store *q, const char *sql, sqlite3_stmt **st,
			      struct aiu_err *err)
{
	return sq_prepare(q, sql, st, err);
}

/* Binds a borrowed string (NULL binds SQL NULL); valid until the step. */
static inline void org_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

/* Steps a statement expecting no rows, then finalizes it. */
static inline int org_exec(struct sqlite_store *q, sqlite3_stmt *st, struct aiu_err *err,
			   const char *what)
{
	int rc = sqlite3_step(st);
	int out = (rc == SQLITE_DONE || rc == SQLITE_ROW) ? AIU_OK : sq_db_err(q, err, what);
	sqlite3_finalize(st);
	return out;
}

/* True when a row with this key exists (sql: one bound text parameter). */
static inline int org_exists(struct sqlite_store *q, const char *sql, const char *k1,
			     const char *k2, bool *exists, struct aiu_err *err)
{
	sqlite3_stmt *st;
	int rc = org_prepare(q, sql, &st, err);
	if (rc == AIU_OK) {
		org_bind_text(st, 1, k1);
		if (k2)
			org_bind_text(st, 2, k2);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
			*exists = rc == SQLITE_ROW;
			rc = AIU_OK;
		} else {
			rc = sq_db_err(q, err, "lookup");
		}
	}
	sqlite3_finalize(st);
	return rc;
}

/* Ops implemented in cursor_sqlite.c and claude_ai_sqlite.c. */
int sq_claude_ai_event_add(struct store *s, const struct claude_ai_event *e, bool *inserted,
			   struct aiu_err *err);
int sq_cursor_member_put(struct store *s, const struct cursor_member *m, struct aiu_err *err);
int sq_cursor_daily_put(struct store *s, const struct cursor_daily *d, bool *inserted,
			struct aiu_err *err);
int sq_cursor_event_put(struct store *s, const struct cursor_event *e, bool *inserted,
			struct aiu_err *err);
int sq_cursor_spend_put(struct store *s, const struct cursor_spend_snap *sp,
			struct aiu_err *err);
int sq_cursor_spend_scan(struct store *s, int (*cb)(void *ctx, const struct cursor_spend_delta *d),
			 void *ctx, struct aiu_err *err);
int sq_cursor_commit_put(struct store *s, const struct cursor_commit *c, bool *inserted,
			 struct aiu_err *err);
int sq_org_tool_day_scan(struct store *s, int64_t from, int64_t to,
			 int (*cb)(void *ctx, const struct org_tool_day *d), void *ctx,
			 struct aiu_err *err);
int sq_cursor_member_scan(struct store *s, int (*cb)(void *ctx, const struct cursor_member *m),
			  void *ctx, struct aiu_err *err);
int sq_cursor_change_put(struct store *s, const struct cursor_change *c, bool *inserted,
			 struct aiu_err *err);

#endif
