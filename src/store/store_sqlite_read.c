/* store_sqlite_read.c - the SQLite backend's reads for the query layer:
 * rollup, session and bad-line scans, dictionary look-ups. */
#include "store/store_sqlite_int.h"

#include "core/strutil.h"

#include <stdlib.h>
#include <string.h>

static void tokens_from(sqlite3_stmt *st, int c, struct tokens *t)
{
	t->input = sqlite3_column_int64(st, c + 0);
	t->output = sqlite3_column_int64(st, c + 1);
	t->cw5m = sqlite3_column_int64(st, c + 2);
	t->cw1h = sqlite3_column_int64(st, c + 3);
	t->cache_read = sqlite3_column_int64(st, c + 4);
	t->web_search = sqlite3_column_int64(st, c + 5);
}

/* Runs a prepared scan, handing each row to fill+cb. */
static int scan_rows(struct sqlite_store *q, sqlite3_stmt *st,
		     int (*row)(sqlite3_stmt *st, void *cb, void *ctx), void *cb, void *ctx,
		     struct aiu_err *err, const char *what)
{
	int rc, crc = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((crc = row(st, cb, ctx)) != 0)
			break;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sq_db_err(q, err, what);
	return crc;
}

static int rollup_row_cb(sqlite3_stmt *st, void *cb, void *ctx)
{
	struct rollup_row r;
	memset(&r, 0, sizeof(r));
	r.k.bucket = sqlite3_column_int64(st, 0);
	r.k.project_id = sqlite3_column_int64(st, 1);
	r.k.model_id = sqlite3_column_int64(st, 2);
	r.k.variant = (unsigned)sqlite3_column_int(st, 3);
	r.n = sqlite3_column_int64(st, 4);
	tokens_from(st, 5, &r.t);
	r.min_ts = sqlite3_column_int64(st, 11);
	r.max_ts = sqlite3_column_int64(st, 12);
	return ((int (*)(void *, const struct rollup_row *))cb)(ctx, &r);
}

int sq_rollup_scan(struct store *s, int64_t from, int64_t to, int64_t project_id,
			  int (*cb)(void *ctx, const struct rollup_row *r), void *ctx,
			  struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st = sq_stmt(q, S_ROLLUP_SCAN, err);
	if (!st)
		return AIU_EDB;
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	sqlite3_bind_int64(st, 3, project_id);
	return scan_rows(q, st, rollup_row_cb, (void *)cb, ctx, err, "rollup scan");
}

static int trollup_row_cb(sqlite3_stmt *st, void *cb, void *ctx)
{
	struct tool_rollup_row r;
	r.bucket = sqlite3_column_int64(st, 0);
	r.project_id = sqlite3_column_int64(st, 1);
	r.tool_id = sqlite3_column_int64(st, 2);
	r.n = sqlite3_column_int64(st, 3);
	return ((int (*)(void *, const struct tool_rollup_row *))cb)(ctx, &r);
}

int sq_tool_rollup_scan(struct store *s, int64_t from, int64_t to, int64_t project_id,
			       int (*cb)(void *ctx, const struct tool_rollup_row *r), void *ctx,
			       struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st = sq_stmt(q, S_TROLLUP_SCAN, err);
	if (!st)
		return AIU_EDB;
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	sqlite3_bind_int64(st, 3, project_id);
	return scan_rows(q, st, trollup_row_cb, (void *)cb, ctx, err, "tool rollup scan");
}

static int sess_row_cb(sqlite3_stmt *st, void *cb, void *ctx)
{
	struct session_row r;
	memset(&r, 0, sizeof(r));
	r.id = sqlite3_column_int64(st, 0);
	sq_text_col(st, 1, r.uuid, sizeof(r.uuid));
	r.project_id = sqlite3_column_int64(st, 2);
	r.first_ts = sqlite3_column_int64(st, 3);
	r.last_ts = sqlite3_column_int64(st, 4);
	r.user_msgs = sqlite3_column_int64(st, 5);
	sq_text_col(st, 6, r.git_branch, sizeof(r.git_branch));
	sq_text_col(st, 7, r.version, sizeof(r.version));
	return ((int (*)(void *, const struct session_row *))cb)(ctx, &r);
}

int sq_session_scan(struct store *s, int (*cb)(void *ctx, const struct session_row *r),
			   void *ctx, struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st = sq_stmt(q, S_SESS_SCAN, err);
	if (!st)
		return AIU_EDB;
	return scan_rows(q, st, sess_row_cb, (void *)cb, ctx, err, "session scan");
}

static int sroll_row_cb(sqlite3_stmt *st, void *cb, void *ctx)
{
	struct session_rollup_row r;
	memset(&r, 0, sizeof(r));
	r.session_id = sqlite3_column_int64(st, 0);
	r.model_id = sqlite3_column_int64(st, 1);
	r.variant = (unsigned)sqlite3_column_int(st, 2);
	r.n = sqlite3_column_int64(st, 3);
	tokens_from(st, 4, &r.t);
	return ((int (*)(void *, const struct session_rollup_row *))cb)(ctx, &r);
}

int sq_session_rollup_scan(struct store *s,
				  int (*cb)(void *ctx, const struct session_rollup_row *r),
				  void *ctx, struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st = sq_stmt(q, S_SROLLUP_SCAN, err);
	if (!st)
		return AIU_EDB;
	return scan_rows(q, st, sroll_row_cb, (void *)cb, ctx, err, "session rollup scan");
}

typedef int (*bad_cb_t)(void *ctx, const char *path, int64_t line_no, int64_t byte_off,
			const char *msg);

static int bad_row_cb(sqlite3_stmt *st, void *cb, void *ctx)
{
	const char *path = (const char *)sqlite3_column_text(st, 0);
	const char *msg = (const char *)sqlite3_column_text(st, 3);
	return ((bad_cb_t)cb)(ctx, path ? path : "", sqlite3_column_int64(st, 1),
			      sqlite3_column_int64(st, 2), msg ? msg : "");
}

int sq_bad_line_scan(struct store *s, int64_t limit, bad_cb_t cb, void *ctx,
			    struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st = sq_stmt(q, S_BAD_SCAN, err);
	if (!st)
		return AIU_EDB;
	sqlite3_bind_int64(st, 1, limit);
	return scan_rows(q, st, bad_row_cb, (void *)cb, ctx, err, "bad line scan");
}

int sq_dict_find(struct store *s, enum store_dict d, const char *name, int64_t *id,
			struct aiu_err *err)
{
	static const enum stmt_id get[] = { S_DICT_GET_P, S_DICT_GET_M, S_DICT_GET_T };
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st = sq_stmt(q, get[d], err);
	int rc;
	if (!st)
		return AIU_EDB;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	*id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? AIU_OK : sq_db_err(q, err, "dictionary lookup");
}

int sq_dict_scan(struct store *s, enum store_dict d,
			int (*cb)(void *ctx, int64_t id, const char *name), void *ctx,
			struct aiu_err *err)
{
	static const char *const tbl[] = { "SELECT id, name FROM projects ORDER BY id",
		"SELECT id, name FROM models ORDER BY id", "SELECT id, name FROM tools ORDER BY id" };
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st = NULL;
	int rc, crc = 0;

	if (sqlite3_prepare_v2(q->db, tbl[d], -1, &st, NULL) != SQLITE_OK)
		return sq_db_err(q, err, "dictionary scan");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 1);
		if ((crc = cb(ctx, sqlite3_column_int64(st, 0), name ? name : "")) != 0)
			break;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sq_db_err(q, err, "dictionary scan");
	return crc;
}

/* --- data version and read snapshots ------------------------------------ */

int sq_data_version(struct store *s, int64_t *v, struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st = sq_stmt(q, S_GEN_GET, err);
	int rc;
	if (!st)
		return AIU_EDB;
	*v = 0;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*v = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? AIU_OK : sq_db_err(q, err, "data version");
}

int sq_read_begin(struct store *s, struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st = sq_stmt(q, S_READ_BEGIN, err);
	int rc;
	if (!st)
		return AIU_EDB;
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? AIU_OK : sq_db_err(q, err, "begin read");
}

void sq_read_end(struct store *s)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st = sq_stmt(q, S_READ_END, NULL);
	if (st) {
		sqlite3_step(st);
		sqlite3_reset(st);
	}
}

int sq_read_only(struct store *s, struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	if (sqlite3_exec(q->db, "PRAGMA query_only = 1", NULL, NULL, NULL) != SQLITE_OK)
		return sq_db_err(q, err, "query_only");
	return AIU_OK;
}
