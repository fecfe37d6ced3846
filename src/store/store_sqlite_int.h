/* store_sqlite_int.h - what the SQLite backend's files share (private to
 * src/store/). store_sqlite.c owns the connection, the statement table,
 * writes and open/migrate; store_sqlite_read.c the query-layer reads. */
#ifndef AIU_STORE_SQLITE_INT_H
#define AIU_STORE_SQLITE_INT_H

#include "store/store_sqlite.h"
#include "core/kmap.h"

#include <sqlite3.h>

enum stmt_id {
	S_BEGIN, S_COMMIT, S_ROLLBACK,
	S_DICT_GET_P, S_DICT_GET_M, S_DICT_GET_T,
	S_DICT_ADD_P, S_DICT_ADD_M, S_DICT_ADD_T,
	S_FILE_GET, S_FILE_INS, S_FILE_UPD, S_FILE_LIST, S_FILES_RESET,
	S_SESS_GET, S_SESS_INS, S_SESS_UPD,
	S_USAGE_EMPTY, S_USAGE_GET, S_USAGE_PUT, S_USAGE_PUT_N,
	S_MSG_ADD,
	S_ROLLUP_ADD, S_ROLLUP_ADD_N, S_SROLLUP_ADD, S_TROLLUP_ADD, S_TROLLUP_ADD_N,
	S_BAD_ADD, S_BAD_CLEAR,
	S_ROLLUP_SCAN, S_TROLLUP_SCAN, S_SESS_SCAN, S_SROLLUP_SCAN, S_BAD_SCAN,
	S_GEN_GET, S_GEN_BUMP, S_READ_BEGIN, S_READ_END,
	S__N
};

struct dict_cache {
	struct kmap by_name;   /* hash64(name) -> entry index+1 (collisions chained by scan) */
	char **names;          /* id -> name, owned */
	size_t cap;
};

struct sqlite_store {
	struct store base;
	sqlite3 *db;
	int lock_fd;          /* flock()ed <db>.lock while a sync runs, else -1 */
	sqlite3_stmt *st[S__N];
	struct dict_cache dict[DICT__N];
	int64_t changes_at_begin; /* sqlite3_total_changes64 at begin: commit bumps the generation if it moved */
};

static inline struct sqlite_store *SQ(struct store *s) { return (struct sqlite_store *)s; }

extern const char *const sq_stmt_sql[S__N];
int sq_db_err(struct sqlite_store *q, struct aiu_err *err, const char *what);
/* Returns a reset statement ready for binding, or NULL (err set). The
 * statement belongs to the connection: never finalize it. */
sqlite3_stmt *sq_stmt(struct sqlite_store *q, enum stmt_id id, struct aiu_err *err);
/* Steps a statement that returns no rows (resets it); what names it in errors. */
int sq_exec_stmt(struct sqlite_store *q, sqlite3_stmt *st, struct aiu_err *err, const char *what);
/* A first sync's deferred indexes (sync_sqlite.c): drop is best effort;
 * ensure (re)creates whichever are missing. */
void sq_indexes_drop(struct sqlite_store *q);
int sq_indexes_ensure(struct sqlite_store *q, struct aiu_err *err);
/* Copies a text column into out (cap bytes, always terminated). */
void sq_text_col(sqlite3_stmt *st, int col, char *out, size_t cap);

/* Helpers for the tables whose statements are prepared per call (org,
 * team, sync/retention: small volumes). sq_prepare: *st is NULL on error;
 * the caller finalizes. sq_bind_str binds a borrowed string, NULL as ''.
 * sq_run steps a write to completion and finalizes it. */
static inline int sq_prepare(struct sqlite_store *q, const char *sql, sqlite3_stmt **st,
			     struct aiu_err *err)
{
	if (sqlite3_prepare_v2(q->db, sql, -1, st, NULL) != SQLITE_OK) {
		*st = NULL;
		return sq_db_err(q, err, "prepare");
	}
	return AIU_OK;
}

static inline void sq_bind_str(sqlite3_stmt *st, int i, const char *s)
{
	sqlite3_bind_text(st, i, s ? s : "", -1, SQLITE_TRANSIENT);
}

static inline int sq_run(struct sqlite_store *q, sqlite3_stmt *st, const char *what,
			 struct aiu_err *err)
{
	int rc = AIU_OK;
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = sq_db_err(q, err, what);
	sqlite3_finalize(st);
	return rc;
}

/* A usage row from its columns, starting at msg_id in column c (store_sqlite.c). */
void sq_usage_cols(sqlite3_stmt *st, int c, struct usage_row *u);
/* Calls cb for every usage row of "SELECT <all columns> FROM usage
 * <where_order>" (a constant clause; ?1 = arg when bind), one row at a
 * time (sync_sqlite.c). what names the read in errors. */
int sq_usage_rows(struct sqlite_store *q, const char *where_order, int64_t arg, bool bind,
		 int (*cb)(void *ctx, const struct usage_row *r), void *ctx, struct aiu_err *err,
		 const char *what);

/* Dictionaries (store_sqlite_dict.c). */
int sq_intern(struct store *s, enum store_dict d, const char *str, size_t n, int64_t *id,
	      struct aiu_err *err);
const char *sq_dict_name(struct store *s, enum store_dict d, int64_t id);

/* Read ops (store_sqlite_read.c). */
int sq_rollup_scan(struct store *s, int64_t from, int64_t to, int64_t project_id,
		   int (*cb)(void *ctx, const struct rollup_row *r), void *ctx, struct aiu_err *err);
int sq_tool_rollup_scan(struct store *s, int64_t from, int64_t to, int64_t project_id,
			int (*cb)(void *ctx, const struct tool_rollup_row *r), void *ctx,
			struct aiu_err *err);
int sq_session_scan(struct store *s, int (*cb)(void *ctx, const struct session_row *r),
		    void *ctx, struct aiu_err *err);
int sq_session_rollup_scan(struct store *s,
			   int (*cb)(void *ctx, const struct session_rollup_row *r),
			   void *ctx, struct aiu_err *err);
int sq_bad_line_scan(struct store *s, int64_t limit,
		     int (*cb)(void *ctx, const char *path, int64_t line_no, int64_t byte_off,
			       const char *msg),
		     void *ctx, struct aiu_err *err);
int sq_data_version(struct store *s, int64_t *v, struct aiu_err *err);
int sq_read_begin(struct store *s, struct aiu_err *err);
void sq_read_end(struct store *s);
int sq_read_only(struct store *s, struct aiu_err *err);
int sq_dict_find(struct store *s, enum store_dict d, const char *name, int64_t *id,
		 struct aiu_err *err);
int sq_dict_scan(struct store *s, enum store_dict d,
		 int (*cb)(void *ctx, int64_t id, const char *name), void *ctx,
		 struct aiu_err *err);

/* Session detail, sync stats, meta, retention (sync_sqlite.c). */
int sq_session_usage_scan(struct store *s, int64_t session_id,
			  int (*cb)(void *ctx, const struct usage_row *r), void *ctx,
			  struct aiu_err *err);
int sq_session_message_scan(struct store *s, int64_t session_id,
			    int (*cb)(void *ctx, const struct message_row *r), void *ctx,
			    struct aiu_err *err);
int sq_file_get_id(struct store *s, int64_t id, struct file_state *out, bool *found,
		   struct aiu_err *err);
int sq_meta_get(struct store *s, const char *key, char *out, size_t cap, bool *found,
		struct aiu_err *err);
int sq_meta_set(struct store *s, const char *key, const char *value, struct aiu_err *err);
int sq_data_stats(struct store *s, struct store_data_stats *o, struct aiu_err *err);
int sq_prune_before(struct store *s, int64_t cutoff_ms, struct store_prune_stats *o,
		    struct aiu_err *err);

/* scale_sqlite.c */
int sq_session_report_scan(struct store *s, bool desc,
			   int (*cb)(void *ctx, const struct session_row *r,
				     const struct session_rollup_row *rr, size_t n),
			   void *ctx, struct aiu_err *err);

#endif
