/* store_pg_int.h - what the PostgreSQL backend's files share (private to
 * src/store/). store_pg.c owns the connection, the statement table,
 * parameters, locks, transactions and open/migrate; store_pg_write.c the
 * writes; store_pg_usage.c usage rows and prompts in bulk; store_pg_read.c
 * the query-layer reads. */
#ifndef AIU_STORE_PG_INT_H
#define AIU_STORE_PG_INT_H

#include "store/store_pg.h"
#include "store/dict_cache.h"

#include <libpq-fe.h>
#include <stdbool.h>

enum pg_stmt {
	P_DICT_GET_P, P_DICT_GET_M, P_DICT_GET_T,
	P_DICT_ADD_P, P_DICT_ADD_M, P_DICT_ADD_T,
	P_DICT_NAME_P, P_DICT_NAME_M, P_DICT_NAME_T,
	P_DICT_SCAN_P, P_DICT_SCAN_M, P_DICT_SCAN_T,
	P_FILE_GET, P_FILE_INS, P_FILE_LIST, P_FILES_RESET,
	P_SESS_GET, P_SESS_INS,
	P_USAGE_EMPTY, P_USAGE_GET, P_USAGE_GET_ANY, P_USAGE_PUT_ARR,
	P_MSG_ADD, P_MSG_ADD_ARR,
	P_ROLLUP_ADD, P_ROLLUP_ADD_N, P_SROLLUP_ADD, P_SROLLUP_ADD_N, P_TROLLUP_ADD, P_TROLLUP_ADD_N,
	P_BAD_ADD, P_BAD_CLEAR,
	P_ROLLUP_SCAN, P_TROLLUP_SCAN, P_SESS_SCAN, P_SROLLUP_SCAN, P_BAD_SCAN,
	P_LOCK_TRY, P_LOCK_FREE,
	P_SESS_UPD_ARR, P_PUSH_PERSON_ARR, P_SESS_GET_ANY, P_SESS_ADD_ARR, P_FILE_UPD_ARR,
	P__N
};

#define PG_MULTI 64                 /* rows per multi-row statement */
#define PG_MAXP (PG_MULTI * 13)     /* parameters per statement (rollup rows are widest) */

/* Parameters of one statement, all sent as text except bytea (binary).
 * Integers are formatted exactly (PRId64); strings that are not valid
 * UTF-8 (PostgreSQL would reject them) are sent with each bad byte
 * replaced by U+FFFD. */
struct pgp {
	int n;
	bool overflow;                /* more than PG_MAXP: the statement is refused */
	const char *v[PG_MAXP];
	int len[PG_MAXP];
	int fmt[PG_MAXP];
	char num[PG_MAXP][24];
	char *tmp[PG_MAXP];           /* owned copies, freed by pgp_reset */
};

struct pg_store {
	struct store base;            /* base.uri is the redacted URI (no password) */
	PGconn *conn;
	bool used[P__N];              /* run once already (unnamed) */
	bool prepared[P__N];          /* prepared on this connection as "aiu<id>" */
	bool locked;                  /* holds the sync advisory lock */
	bool changed;                 /* this transaction changed rows (commit bumps the version) */
	bool read_only;               /* read_only(): begin refuses, the session refuses writes */
	struct pgp *p;                /* reused parameter block */
	struct pg_wb *wb;             /* queued writes (store_pg_wb.c); NULL until used */
	bool wb_hold;                 /* the next pg_run leaves the queue alone */
	struct dict_cache dict[DICT__N];
};

static inline struct pg_store *PGQ(struct store *s) { return (struct pg_store *)s; }

void pgp_reset(struct pgp *p);
void pgp_i64(struct pgp *p, int64_t v);
/* n == SIZE_MAX: s is NUL-terminated. */
void pgp_text(struct pgp *p, const char *s, size_t n);

void pgp_null(struct pgp *p);
void pgp_bin(struct pgp *p, const void *data, size_t n);

/* Runs prepared statement id with q->p's parameters. On success *res holds
 * the result (the caller PQclear()s it); on failure err names the URI
 * (redacted), what failed and the server's message. */
int pg_run(struct pg_store *q, enum pg_stmt id, PGresult **res, struct aiu_err *err,
	   const char *what);
/* Runs ad-hoc SQL (rare ops: sync stats, retention, org) with q->p's
 * parameters, like pg_run but not prepared. */
int pg_exec(struct pg_store *q, const char *sql, PGresult **res, struct aiu_err *err,
	    const char *what);
/* Runs the rows-row form (1..PG_MULTI) of the multi-row statement `one`;
 * q->p holds rows x columns parameters. */
int pg_run_rows(struct pg_store *q, enum pg_stmt one, int rows, struct aiu_err *err,
		const char *what);
/* Length of the valid UTF-8 sequence at s (n bytes left), or 0 (what a
 * UTF8 database accepts: no overlong forms, surrogates or > U+10FFFF). */
size_t pg_utf8_seq(const unsigned char *s, size_t n);
/* The columns every read of `usage` selects, in the order pg_usage_cols
 * decodes them. */
#define PG_USAGE_COLS "key, msg_id, req_id, ts, session_id, project_id, model_id, variant," \
	" sidechain, input, output, cw5m, cw1h, cache_read, web_search, file_id, line_no," \
	" byte_off, service_tier, tools"
/* Fills o from row `row` of a result selecting PG_USAGE_COLS first. */
int pg_usage_cols(const PGresult *r, int row, struct usage_row *o, struct aiu_err *err);
/* Array literal elements (store_pg_usage.c): element i of "{...}" (a comma
 * before every element but the first). Text is quoted, " and \ escaped,
 * and each byte that is not valid UTF-8 becomes U+FFFD. */
struct buf;
void pg_arr_i64(struct buf *b, size_t i, int64_t v);
void pg_arr_text(struct buf *b, size_t i, const char *s);
/* Write-behind (store_pg_wb.c): queued one-row writes, sent as one array
 * statement before any other statement runs (pg_run, pg_exec, commit and
 * the team ops call pg_wb_flush first). */
struct pg_wb;
int pg_wb_flush(struct pg_store *q, struct aiu_err *err);
void pg_wb_drop(struct pg_store *q);     /* rollback: forget the queue */
void pg_wb_free(struct pg_store *q);
int pg_wb_session_update(struct pg_store *q, const struct session_row *row, struct aiu_err *err);
int pg_wb_file_update(struct pg_store *q, const struct file_state *f, struct aiu_err *err);
/* True if the queue holds file updates, none for path: a file row for
 * path may be inserted without sending them. */
bool pg_wb_file_independent(const struct pg_store *q, const char *path);
int pg_wb_push_person(struct pg_store *q, const char *msg_id, const char *req_id,
		      const char *person, int64_t now_ms, struct aiu_err *err);
/* Value of a BIGINT/INTEGER column (0 when NULL). */
int64_t pg_i64(const PGresult *r, int row, int col);
/* Copies a text column into out (cap bytes, always terminated). */
void pg_text(const PGresult *r, int row, int col, char *out, size_t cap);

/* Write ops (store_pg_write.c). */
int pg_intern(struct store *s, enum store_dict d, const char *str, size_t n, int64_t *id,
	      struct aiu_err *err);
int pg_file_get(struct store *s, const char *path, struct file_state *out, bool *found,
		struct aiu_err *err);
int pg_file_put(struct store *s, struct file_state *f, struct aiu_err *err);
int pg_file_list(struct store *s, int (*cb)(void *ctx, const struct file_state *f), void *ctx,
		 struct aiu_err *err);
int pg_files_reset(struct store *s, struct aiu_err *err);
int pg_session_get(struct store *s, const char *uuid, struct session_row *out, bool *found,
		   struct aiu_err *err);
int pg_session_put(struct store *s, struct session_row *row, struct aiu_err *err);
int pg_usage_empty(struct store *s, bool *empty, struct aiu_err *err);
int pg_usage_get(struct store *s, int64_t key, struct usage_row *o, bool *found,
		 struct aiu_err *err);
int pg_usage_put(struct store *s, const struct usage_row *row, struct aiu_err *err);
int pg_usage_put_many(struct store *s, const struct usage_row *const *rows, size_t n,
		      struct aiu_err *err);
int pg_usage_get_many(struct store *s, const int64_t *keys, size_t n,
		      int (*cb)(void *ctx, const struct usage_row *r), void *ctx,
		      struct aiu_err *err);
int pg_message_add_many(struct store *s, const struct message_row *rows, size_t n,
			bool *inserted, struct aiu_err *err);
int pg_session_get_many(struct store *s, const char *const *uuids, size_t n,
			int (*cb)(void *ctx, const struct session_row *r, bool created), void *ctx,
			struct aiu_err *err);
int pg_session_rollup_add_many(struct store *s, const struct session_rollup_row *const *d,
			       size_t n, struct aiu_err *err);
int pg_message_add(struct store *s, int64_t key, int64_t session_id, int64_t ts,
		   int64_t file_id, int64_t byte_off, int64_t byte_len, bool *inserted,
		   struct aiu_err *err);
int pg_rollup_add(struct store *s, const struct rollup_row *d, struct aiu_err *err);
int pg_rollup_add_many(struct store *s, const struct rollup_row *const *d, size_t n,
		       struct aiu_err *err);
int pg_session_rollup_add(struct store *s, const struct session_rollup_row *d,
			  struct aiu_err *err);
int pg_tool_rollup_add(struct store *s, const struct tool_rollup_row *d, struct aiu_err *err);
int pg_tool_rollup_add_many(struct store *s, const struct tool_rollup_row *d, size_t n,
			    struct aiu_err *err);
int pg_bad_line_add(struct store *s, int64_t file_id, int64_t line_no, int64_t byte_off,
		    const char *msg, struct aiu_err *err);
int pg_bad_lines_clear(struct store *s, int64_t file_id, struct aiu_err *err);

/* Read ops (store_pg_read.c). */
int pg_rollup_scan(struct store *s, int64_t from, int64_t to, int64_t project_id,
		   int (*cb)(void *ctx, const struct rollup_row *r), void *ctx, struct aiu_err *err);
int pg_tool_rollup_scan(struct store *s, int64_t from, int64_t to, int64_t project_id,
			int (*cb)(void *ctx, const struct tool_rollup_row *r), void *ctx,
			struct aiu_err *err);
int pg_session_scan(struct store *s, int (*cb)(void *ctx, const struct session_row *r),
		    void *ctx, struct aiu_err *err);
int pg_session_rollup_scan(struct store *s,
			   int (*cb)(void *ctx, const struct session_rollup_row *r),
			   void *ctx, struct aiu_err *err);
int pg_bad_line_scan(struct store *s, int64_t limit,
		     int (*cb)(void *ctx, const char *path, int64_t line_no, int64_t byte_off,
			       const char *msg),
		     void *ctx, struct aiu_err *err);
int pg_dict_find(struct store *s, enum store_dict d, const char *name, int64_t *id,
		 struct aiu_err *err);
int pg_dict_scan(struct store *s, enum store_dict d,
		 int (*cb)(void *ctx, int64_t id, const char *name), void *ctx,
		 struct aiu_err *err);
const char *pg_dict_name(struct store *s, enum store_dict d, int64_t id);

/* Data version, read snapshots, session detail, meta, stats, retention
 * (store_pg_sync.c). */
int pg_data_version(struct store *s, int64_t *v, struct aiu_err *err);
int pg_read_begin(struct store *s, struct aiu_err *err);
void pg_read_end(struct store *s);
int pg_read_only(struct store *s, struct aiu_err *err);
int pg_session_usage_scan(struct store *s, int64_t session_id,
			  int (*cb)(void *ctx, const struct usage_row *r), void *ctx,
			  struct aiu_err *err);
int pg_session_message_scan(struct store *s, int64_t session_id,
			    int (*cb)(void *ctx, const struct message_row *r), void *ctx,
			    struct aiu_err *err);
int pg_file_get_id(struct store *s, int64_t id, struct file_state *out, bool *found,
		   struct aiu_err *err);
int pg_meta_get(struct store *s, const char *key, char *out, size_t cap, bool *found,
		struct aiu_err *err);
int pg_meta_set(struct store *s, const char *key, const char *value, struct aiu_err *err);
int pg_data_stats(struct store *s, struct store_data_stats *out, struct aiu_err *err);
/* scale_pg.c */
int pg_session_report_scan(struct store *s, bool desc,
			   int (*cb)(void *ctx, const struct session_row *r,
				     const struct session_rollup_row *rr, size_t n),
			   void *ctx, struct aiu_err *err);
int pg_prune_before(struct store *s, int64_t cutoff_ms, struct store_prune_stats *out,
		    struct aiu_err *err);

#endif
