/* store_pg_write.c - the PostgreSQL backend's writes: dictionaries,
 * files, sessions, prompts, rollup deltas and bad lines (usage rows and
 * prompts in bulk: store_pg_usage.c). Each
 * is one prepared statement (or a multi-row form of it) with bound
 * parameters; every counter moves by ON CONFLICT arithmetic in the server
 * (see store_pg.c for why that never loses an update). */
#include "store/store_pg_int.h"

#include "core/strutil.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static char *text_dup(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? NULL : strdup(PQgetvalue(r, row, col));
}

/* --- dictionaries ---------------------------------------------------------- */

int pg_intern(struct store *s, enum store_dict d, const char *str, size_t n,
		     int64_t *id, struct aiu_err *err)
{
	static const enum pg_stmt get[] = { P_DICT_GET_P, P_DICT_GET_M, P_DICT_GET_T };
	static const enum pg_stmt add[] = { P_DICT_ADD_P, P_DICT_ADD_M, P_DICT_ADD_T };
	struct pg_store *q = PGQ(s);
	PGresult *r = NULL;
	int rc;

	if ((*id = dict_cache_find(&q->dict[d], str, n)) > 0)
		return AIU_OK;
	/* look up; else insert; else it was inserted concurrently: look up again */
	for (int step = 0; step < 3 && *id <= 0; step++) {
		pgp_reset(q->p);
		pgp_text(q->p, str, n);
		if ((rc = pg_run(q, step == 1 ? add[d] : get[d], &r, err, "dictionary")) < 0)
			return rc;
		if (PQntuples(r) == 1)
			*id = pg_i64(r, 0, 0);
		PQclear(r);
	}
	if (*id <= 0)
		return aiu_errf(err, AIU_EDB, "%s: dictionary entry '%.*s' could not be created",
				q->base.uri, (int)(n > 80 ? 80 : n), str);
	rc = dict_cache_put(&q->dict[d], *id, str, n);
	return rc < 0 ? aiu_errf(err, rc, "%s: dictionary id %" PRId64 " out of range or out of memory",
				 q->base.uri, *id) : AIU_OK;
}

/* --- files ------------------------------------------------------------------ */

static void file_from_row(const PGresult *r, int c, struct file_state *f)
{
	f->dev = pg_i64(r, 0, c + 0);
	f->ino = pg_i64(r, 0, c + 1);
	f->size = pg_i64(r, 0, c + 2);
	f->mtime_ns = pg_i64(r, 0, c + 3);
	f->offset = pg_i64(r, 0, c + 4);
	f->line_no = pg_i64(r, 0, c + 5);
	f->head_hash = (uint64_t)pg_i64(r, 0, c + 6);
	f->head_len = pg_i64(r, 0, c + 7);
	f->bad_lines = pg_i64(r, 0, c + 8);
	f->agent_type = text_dup(r, 0, c + 9);
}

int pg_file_get(struct store *s, const char *path, struct file_state *out,
		       bool *found, struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	PGresult *r;
	int rc;
	pgp_reset(q->p);
	pgp_text(q->p, path, SIZE_MAX);
	if ((rc = pg_run(q, P_FILE_GET, &r, err, "file lookup")) < 0)
		return rc;
	*found = PQntuples(r) == 1;
	if (*found) {
		out->id = pg_i64(r, 0, 0);
		file_from_row(r, 1, out);
	}
	PQclear(r);
	return AIU_OK;
}

int pg_file_put(struct store *s, struct file_state *f, struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	PGresult *r;
	int rc;
	if (f->id) /* an update returns nothing: queued (store_pg_wb.c) */
		return pg_wb_file_update(q, f, err);
	pgp_reset(q->p);
	pgp_text(q->p, f->path, SIZE_MAX);
	pgp_i64(q->p, f->dev);
	pgp_i64(q->p, f->ino);
	pgp_i64(q->p, f->size);
	pgp_i64(q->p, f->mtime_ns);
	pgp_i64(q->p, f->offset);
	pgp_i64(q->p, f->line_no);
	pgp_i64(q->p, (int64_t)f->head_hash);
	pgp_i64(q->p, f->head_len);
	pgp_i64(q->p, f->bad_lines);
	if (f->agent_type)
		pgp_text(q->p, f->agent_type, SIZE_MAX);
	else
		pgp_null(q->p);
	/* other files' queued updates may stay queued (store_pg_wb.c) */
	q->wb_hold = pg_wb_file_independent(q, f->path);
	if ((rc = pg_run(q, P_FILE_INS, &r, err, "file update")) < 0)
		return rc;
	if (PQntuples(r) == 1)
		f->id = pg_i64(r, 0, 0);
	PQclear(r);
	return AIU_OK;
}

int pg_file_list(struct store *s, int (*cb)(void *ctx, const struct file_state *f),
			void *ctx, struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	PGresult *r;
	int rc, crc = AIU_OK;
	pgp_reset(q->p);
	if ((rc = pg_run(q, P_FILE_LIST, &r, err, "file list")) < 0)
		return rc;
	for (int i = 0, n = PQntuples(r); i < n && !crc; i++) {
		struct file_state f;
		memset(&f, 0, sizeof(f));
		f.id = pg_i64(r, i, 0);
		f.path = text_dup(r, i, 1);
		f.dev = pg_i64(r, i, 2);
		f.ino = pg_i64(r, i, 3);
		f.size = pg_i64(r, i, 4);
		f.mtime_ns = pg_i64(r, i, 5);
		f.offset = pg_i64(r, i, 6);
		f.line_no = pg_i64(r, i, 7);
		f.head_hash = (uint64_t)pg_i64(r, i, 8);
		f.head_len = pg_i64(r, i, 9);
		f.bad_lines = pg_i64(r, i, 10);
		f.agent_type = text_dup(r, i, 11);
		crc = cb(ctx, &f);
		file_state_release(&f);
	}
	PQclear(r);
	return crc;
}

int pg_files_reset(struct store *s, struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	pgp_reset(q->p);
	return pg_run(q, P_FILES_RESET, NULL, err, "file reset");
}

/* --- sessions ------------------------------------------------------------------ */

int pg_session_get(struct store *s, const char *uuid, struct session_row *out,
			  bool *found, struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	PGresult *r;
	int rc;
	pgp_reset(q->p);
	pgp_text(q->p, uuid, SIZE_MAX);
	if ((rc = pg_run(q, P_SESS_GET, &r, err, "session lookup")) < 0)
		return rc;
	*found = PQntuples(r) == 1;
	if (*found) {
		out->id = pg_i64(r, 0, 0);
		str_copy(out->uuid, uuid, sizeof(out->uuid));
		out->project_id = pg_i64(r, 0, 1);
		out->first_ts = pg_i64(r, 0, 2);
		out->last_ts = pg_i64(r, 0, 3);
		out->user_msgs = pg_i64(r, 0, 4);
		pg_text(r, 0, 5, out->git_branch, sizeof(out->git_branch));
		pg_text(r, 0, 6, out->version, sizeof(out->version));
	}
	PQclear(r);
	return AIU_OK;
}

int pg_session_put(struct store *s, struct session_row *row, struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	PGresult *r;
	int rc;
	if (row->id) /* an update returns nothing: queued (store_pg_wb.c) */
		return pg_wb_session_update(q, row, err);
	pgp_reset(q->p);
	pgp_text(q->p, row->uuid, SIZE_MAX);
	pgp_i64(q->p, row->project_id);
	pgp_i64(q->p, row->first_ts);
	pgp_i64(q->p, row->last_ts);
	pgp_i64(q->p, row->user_msgs);
	pgp_text(q->p, row->git_branch, SIZE_MAX);
	pgp_text(q->p, row->version, SIZE_MAX);
	if ((rc = pg_run(q, P_SESS_INS, &r, err, "session update")) < 0)
		return rc;
	if (PQntuples(r) == 1)
		row->id = pg_i64(r, 0, 0);
	PQclear(r);
	return AIU_OK;
}

/* --- usage ------------------------------------------------------------------------ */

int pg_usage_empty(struct store *s, bool *empty, struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	PGresult *r;
	int rc;
	pgp_reset(q->p);
	if ((rc = pg_run(q, P_USAGE_EMPTY, &r, err, "usage count")) < 0)
		return rc;
	*empty = PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 0), "t") == 0;
	PQclear(r);
	return AIU_OK;
}

static void bind_tokens(struct pgp *p, const struct tokens *t)
{
	pgp_i64(p, t->input);
	pgp_i64(p, t->output);
	pgp_i64(p, t->cw5m);
	pgp_i64(p, t->cw1h);
	pgp_i64(p, t->cache_read);
	pgp_i64(p, t->web_search);
}

static void bind_rollup(struct pgp *p, const void *row)
{
	const struct rollup_row *d = row;
	pgp_i64(p, d->k.bucket);
	pgp_i64(p, d->k.project_id);
	pgp_i64(p, d->k.model_id);
	pgp_i64(p, (int64_t)d->k.variant);
	pgp_i64(p, d->n);
	bind_tokens(p, &d->t);
	pgp_i64(p, d->min_ts);
	pgp_i64(p, d->max_ts);
}

static bool same_rollup(const void *a, const void *b)
{
	const struct rollup_key *x = &((const struct rollup_row *)a)->k,
				*y = &((const struct rollup_row *)b)->k;
	return x->bucket == y->bucket && x->project_id == y->project_id &&
	       x->model_id == y->model_id && x->variant == y->variant;
}

static void bind_trollup(struct pgp *p, const void *row)
{
	const struct tool_rollup_row *d = row;
	pgp_i64(p, d->bucket);
	pgp_i64(p, d->project_id);
	pgp_i64(p, d->tool_id);
	pgp_i64(p, d->n);
}

static bool same_trollup(const void *a, const void *b)
{
	const struct tool_rollup_row *x = a, *y = b;
	return x->bucket == y->bucket && x->project_id == y->project_id && x->tool_id == y->tool_id;
}

struct many_spec {
	enum pg_stmt one;
	void (*bind)(struct pgp *p, const void *row);
	bool (*same)(const void *a, const void *b); /* same conflict key */
	const char *what;
};

/* Writes rows[0..n) in order, up to PG_MULTI per statement. A statement
 * never holds two rows with the same conflict key (PostgreSQL refuses to
 * update one row twice in one INSERT ... ON CONFLICT): a repeat starts the
 * next statement, so later rows still win as with one row at a time. */
static int put_many(struct pg_store *q, const struct many_spec *ms, const void *const *rows,
		    size_t n, struct aiu_err *err)
{
	int rc;
	for (size_t i = 0; i < n;) {
		size_t k = 1;
		for (; k < PG_MULTI && i + k < n; k++) {
			bool dup = false;
			for (size_t j = i; j < i + k && !dup; j++)
				dup = ms->same(rows[j], rows[i + k]);
			if (dup)
				break;
		}
		pgp_reset(q->p);
		for (size_t r = 0; r < k; r++)
			ms->bind(q->p, rows[i + r]);
		if ((rc = pg_run_rows(q, ms->one, (int)k, err, ms->what)) < 0)
			return rc;
		i += k;
	}
	return AIU_OK;
}

static const struct many_spec rollup_spec = { P_ROLLUP_ADD, bind_rollup, same_rollup, "rollup write" };
static const struct many_spec trollup_spec = { P_TROLLUP_ADD, bind_trollup, same_trollup,
						"tool rollup write" };

int pg_message_add(struct store *s, int64_t key, int64_t session_id, int64_t ts,
			  int64_t file_id, int64_t byte_off, int64_t byte_len,
			  bool *inserted, struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	PGresult *r;
	int rc;
	pgp_reset(q->p);
	pgp_i64(q->p, key);
	pgp_i64(q->p, session_id);
	pgp_i64(q->p, ts);
	pgp_i64(q->p, file_id);
	pgp_i64(q->p, byte_off);
	pgp_i64(q->p, byte_len);
	if ((rc = pg_run(q, P_MSG_ADD, &r, err, "message write")) < 0)
		return rc;
	*inserted = strcmp(PQcmdTuples(r), "1") == 0;
	PQclear(r);
	return AIU_OK;
}

int pg_rollup_add(struct store *s, const struct rollup_row *d, struct aiu_err *err)
{
	const void *rows[1] = { d };
	return put_many(PGQ(s), &rollup_spec, rows, 1, err);
}

int pg_rollup_add_many(struct store *s, const struct rollup_row *const *d, size_t n,
			      struct aiu_err *err)
{
	return put_many(PGQ(s), &rollup_spec, (const void *const *)d, n, err);
}

static void bind_srollup(struct pgp *p, const void *row)
{
	const struct session_rollup_row *d = row;
	pgp_i64(p, d->session_id);
	pgp_i64(p, d->model_id);
	pgp_i64(p, (int64_t)d->variant);
	pgp_i64(p, d->n);
	bind_tokens(p, &d->t);
}

static bool same_srollup(const void *a, const void *b)
{
	const struct session_rollup_row *x = a, *y = b;
	return x->session_id == y->session_id && x->model_id == y->model_id &&
	       x->variant == y->variant;
}

static const struct many_spec srollup_spec = { P_SROLLUP_ADD, bind_srollup, same_srollup,
						"session rollup write" };

int pg_session_rollup_add(struct store *s, const struct session_rollup_row *d,
			  struct aiu_err *err)
{
	const void *rows[1] = { d };
	return put_many(PGQ(s), &srollup_spec, rows, 1, err);
}

int pg_session_rollup_add_many(struct store *s, const struct session_rollup_row *const *d,
			       size_t n, struct aiu_err *err)
{
	return put_many(PGQ(s), &srollup_spec, (const void *const *)d, n, err);
}

int pg_tool_rollup_add(struct store *s, const struct tool_rollup_row *d,
			      struct aiu_err *err)
{
	const void *rows[1] = { d };
	return put_many(PGQ(s), &trollup_spec, rows, 1, err);
}

int pg_tool_rollup_add_many(struct store *s, const struct tool_rollup_row *d, size_t n,
				   struct aiu_err *err)
{
	const void **rows;
	int rc;
	if (!n)
		return AIU_OK;
	if (!(rows = malloc(n * sizeof(*rows))))
		return aiu_errf(err, AIU_ENOMEM, "out of memory (tool rollup write)");
	for (size_t i = 0; i < n; i++)
		rows[i] = &d[i];
	rc = put_many(PGQ(s), &trollup_spec, rows, n, err);
	free(rows);
	return rc;
}

int pg_bad_line_add(struct store *s, int64_t file_id, int64_t line_no, int64_t byte_off,
			   const char *msg, struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	pgp_reset(q->p);
	pgp_i64(q->p, file_id);
	pgp_i64(q->p, line_no);
	pgp_i64(q->p, byte_off);
	pgp_text(q->p, msg, SIZE_MAX);
	return pg_run(q, P_BAD_ADD, NULL, err, "bad line write");
}

int pg_bad_lines_clear(struct store *s, int64_t file_id, struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	pgp_reset(q->p);
	pgp_i64(q->p, file_id);
	return pg_run(q, P_BAD_CLEAR, NULL, err, "bad line clear");
}
