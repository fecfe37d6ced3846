/* store_pg_read.c - the PostgreSQL backend's reads for the query layer:
 * rollup, session and bad-line scans, dictionary look-ups. Each scan
 * fetches its whole result first and then calls back, so a callback may
 * use the store (dict_name, say) while the scan runs. */
#include "store/store_pg_int.h"

#include "core/strutil.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void tokens_from(const PGresult *r, int i, int c, struct tokens *t)
{
	t->input = pg_i64(r, i, c + 0);
	t->output = pg_i64(r, i, c + 1);
	t->cw5m = pg_i64(r, i, c + 2);
	t->cw1h = pg_i64(r, i, c + 3);
	t->cache_read = pg_i64(r, i, c + 4);
	t->web_search = pg_i64(r, i, c + 5);
}

/* Runs statement id (parameters already in q->p) and hands row i of the
 * result to row(), which calls cb. Stops at the first non-zero return. */
static int scan_rows(struct pg_store *q, enum pg_stmt id,
		     int (*row)(const PGresult *r, int i, void *cb, void *ctx), void *cb, void *ctx,
		     struct aiu_err *err, const char *what)
{
	PGresult *r;
	int rc, crc = 0;
	if ((rc = pg_run(q, id, &r, err, what)) < 0)
		return rc;
	for (int i = 0, n = PQntuples(r); i < n && !crc; i++)
		crc = row(r, i, cb, ctx);
	PQclear(r);
	return crc;
}

static void range_params(struct pg_store *q, int64_t from, int64_t to, int64_t project_id)
{
	pgp_reset(q->p);
	pgp_i64(q->p, from);
	pgp_i64(q->p, to);
	pgp_i64(q->p, project_id);
}

static int rollup_row_cb(const PGresult *res, int i, void *cb, void *ctx)
{
	struct rollup_row r;
	memset(&r, 0, sizeof(r));
	r.k.bucket = pg_i64(res, i, 0);
	r.k.project_id = pg_i64(res, i, 1);
	r.k.model_id = pg_i64(res, i, 2);
	r.k.variant = (unsigned)pg_i64(res, i, 3);
	r.n = pg_i64(res, i, 4);
	tokens_from(res, i, 5, &r.t);
	r.min_ts = pg_i64(res, i, 11);
	r.max_ts = pg_i64(res, i, 12);
	return ((int (*)(void *, const struct rollup_row *))cb)(ctx, &r);
}

int pg_rollup_scan(struct store *s, int64_t from, int64_t to, int64_t project_id,
		   int (*cb)(void *ctx, const struct rollup_row *r), void *ctx,
		   struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	range_params(q, from, to, project_id);
	return scan_rows(q, P_ROLLUP_SCAN, rollup_row_cb, (void *)cb, ctx, err, "rollup scan");
}

static int trollup_row_cb(const PGresult *res, int i, void *cb, void *ctx)
{
	struct tool_rollup_row r;
	r.bucket = pg_i64(res, i, 0);
	r.project_id = pg_i64(res, i, 1);
	r.tool_id = pg_i64(res, i, 2);
	r.n = pg_i64(res, i, 3);
	return ((int (*)(void *, const struct tool_rollup_row *))cb)(ctx, &r);
}

int pg_tool_rollup_scan(struct store *s, int64_t from, int64_t to, int64_t project_id,
			int (*cb)(void *ctx, const struct tool_rollup_row *r), void *ctx,
			struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	range_params(q, from, to, project_id);
	return scan_rows(q, P_TROLLUP_SCAN, trollup_row_cb, (void *)cb, ctx, err, "tool rollup scan");
}

static int sess_row_cb(const PGresult *res, int i, void *cb, void *ctx)
{
	struct session_row r;
	memset(&r, 0, sizeof(r));
	r.id = pg_i64(res, i, 0);
	pg_text(res, i, 1, r.uuid, sizeof(r.uuid));
	r.project_id = pg_i64(res, i, 2);
	r.first_ts = pg_i64(res, i, 3);
	r.last_ts = pg_i64(res, i, 4);
	r.user_msgs = pg_i64(res, i, 5);
	pg_text(res, i, 6, r.git_branch, sizeof(r.git_branch));
	pg_text(res, i, 7, r.version, sizeof(r.version));
	return ((int (*)(void *, const struct session_row *))cb)(ctx, &r);
}

int pg_session_scan(struct store *s, int (*cb)(void *ctx, const struct session_row *r),
		    void *ctx, struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	pgp_reset(q->p);
	return scan_rows(q, P_SESS_SCAN, sess_row_cb, (void *)cb, ctx, err, "session scan");
}

static int sroll_row_cb(const PGresult *res, int i, void *cb, void *ctx)
{
	struct session_rollup_row r;
	memset(&r, 0, sizeof(r));
	r.session_id = pg_i64(res, i, 0);
	r.model_id = pg_i64(res, i, 1);
	r.variant = (unsigned)pg_i64(res, i, 2);
	r.n = pg_i64(res, i, 3);
	tokens_from(res, i, 4, &r.t);
	return ((int (*)(void *, const struct session_rollup_row *))cb)(ctx, &r);
}

int pg_session_rollup_scan(struct store *s,
			   int (*cb)(void *ctx, const struct session_rollup_row *r),
			   void *ctx, struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	pgp_reset(q->p);
	return scan_rows(q, P_SROLLUP_SCAN, sroll_row_cb, (void *)cb, ctx, err,
			 "session rollup scan");
}

typedef int (*bad_cb_t)(void *ctx, const char *path, int64_t line_no, int64_t byte_off,
			const char *msg);

static int bad_row_cb(const PGresult *res, int i, void *cb, void *ctx)
{
	return ((bad_cb_t)cb)(ctx, PQgetvalue(res, i, 0), pg_i64(res, i, 1), pg_i64(res, i, 2),
			      PQgetvalue(res, i, 3));
}

int pg_bad_line_scan(struct store *s, int64_t limit, bad_cb_t cb, void *ctx,
		     struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	pgp_reset(q->p);
	pgp_i64(q->p, limit);
	return scan_rows(q, P_BAD_SCAN, bad_row_cb, (void *)cb, ctx, err, "bad line scan");
}

int pg_dict_find(struct store *s, enum store_dict d, const char *name, int64_t *id,
		 struct aiu_err *err)
{
	static const enum pg_stmt get[] = { P_DICT_GET_P, P_DICT_GET_M, P_DICT_GET_T };
	struct pg_store *q = PGQ(s);
	PGresult *r;
	int rc;
	*id = 0;
	pgp_reset(q->p);
	pgp_text(q->p, name, SIZE_MAX);
	if ((rc = pg_run(q, get[d], &r, err, "dictionary lookup")) < 0)
		return rc;
	if (PQntuples(r) == 1)
		*id = pg_i64(r, 0, 0);
	PQclear(r);
	return AIU_OK;
}

static int dict_row_cb(const PGresult *res, int i, void *cb, void *ctx)
{
	return ((int (*)(void *, int64_t, const char *))cb)(ctx, pg_i64(res, i, 0),
							    PQgetvalue(res, i, 1));
}

int pg_dict_scan(struct store *s, enum store_dict d,
		 int (*cb)(void *ctx, int64_t id, const char *name), void *ctx,
		 struct aiu_err *err)
{
	static const enum pg_stmt scan[] = { P_DICT_SCAN_P, P_DICT_SCAN_M, P_DICT_SCAN_T };
	struct pg_store *q = PGQ(s);
	pgp_reset(q->p);
	return scan_rows(q, scan[d], dict_row_cb, (void *)cb, ctx, err, "dictionary scan");
}

/* Name for an id: from the cache, else one look-up (then cached). "" if
 * unknown or on error; the pointer lives as long as the store. */
const char *pg_dict_name(struct store *s, enum store_dict d, int64_t id)
{
	static const enum pg_stmt name[] = { P_DICT_NAME_P, P_DICT_NAME_M, P_DICT_NAME_T };
	struct pg_store *q = PGQ(s);
	const char *res = dict_cache_name(&q->dict[d], id);
	PGresult *r;
	if (res)
		return res;
	pgp_reset(q->p);
	pgp_i64(q->p, id);
	if (pg_run(q, name[d], &r, NULL, "dictionary name") < 0)
		return "";
	if (PQntuples(r) == 1 &&
	    dict_cache_put(&q->dict[d], id, PQgetvalue(r, 0, 0), (size_t)PQgetlength(r, 0, 0)) == 0)
		res = dict_cache_name(&q->dict[d], id);
	PQclear(r);
	return res ? res : "";
}
