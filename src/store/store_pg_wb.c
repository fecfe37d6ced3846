/* store_pg_wb.c - write-behind: one-row writes whose result nobody reads
 * (a session's new totals, a file's new offset, a pushed request's
 * person) are queued and sent as one array statement instead of one round
 * trip each.
 *
 * Exactly as if each had run at once: the queue holds one kind of write
 * at a time, and every other statement on the connection (pg_run, pg_exec,
 * commit, the team ops) first sends the queue (pg_wb_flush), so no read
 * ever misses a queued write and writes keep their order. One exception:
 * inserting a file row for a path that no queued file update touches runs
 * without sending them (pg_wb_file_independent: other rows, no reads of
 * them), so a sync's offset updates batch across files. A row id
 * queued twice sends the queue first (an UPDATE ... FROM unnest applies
 * only one of two rows for the same target). A rollback drops the queue.
 * An error in a queued write is reported by the statement that sent it
 * (its "what" names the queued write); the transaction is then aborted,
 * as it would have been.
 */
#include "store/store_pg_int.h"

#include "core/buf.h"
#include "core/kmap.h"

#include <stdlib.h>
#include <string.h>

#define WB_MAX_ROWS 4096
#define WB_MAX_COLS 11

struct pg_wb {
	enum pg_stmt kind;        /* P__N = empty */
	int ncols;
	size_t n;
	struct buf a[WB_MAX_COLS];
	struct kmap ids;          /* row ids queued (sessions or files) */
	struct kmap paths;        /* files: hashes of the queued paths */
	const char *what;
	struct pgp *p;            /* its own parameters: the caller's are in q->p */
};

static struct pg_wb *wb_get(struct pg_store *q)
{
	if (!q->wb) {
		if (!(q->wb = calloc(1, sizeof(*q->wb))))
			return NULL;
		if (!(q->wb->p = calloc(1, sizeof(*q->wb->p)))) {
			free(q->wb);
			q->wb = NULL;
			return NULL;
		}
		q->wb->kind = P__N;
		kmap_init(&q->wb->ids, sizeof(int64_t), 0, 0);
		kmap_init(&q->wb->paths, sizeof(uint64_t), 0, 0);
		for (int c = 0; c < WB_MAX_COLS; c++)
			buf_init(&q->wb->a[c], (size_t)64 << 20);
	}
	return q->wb;
}

void pg_wb_drop(struct pg_store *q)
{
	struct pg_wb *w = q->wb;
	if (!w)
		return;
	w->kind = P__N;
	w->n = 0;
	kmap_clear(&w->ids);
	kmap_clear(&w->paths);
	for (int c = 0; c < WB_MAX_COLS; c++)
		buf_reset(&w->a[c]);
}

void pg_wb_free(struct pg_store *q)
{
	if (!q->wb)
		return;
	kmap_release(&q->wb->ids);
	kmap_release(&q->wb->paths);
	for (int c = 0; c < WB_MAX_COLS; c++)
		buf_release(&q->wb->a[c]);
	pgp_reset(q->wb->p);
	free(q->wb->p);
	free(q->wb);
	q->wb = NULL;
}

int pg_wb_flush(struct pg_store *q, struct aiu_err *err)
{
	struct pg_wb *w = q->wb;
	enum pg_stmt kind;
	struct pgp *caller = q->p;
	int rc = AIU_OK;
	if (!w || w->kind == P__N)
		return AIU_OK;
	kind = w->kind;
	w->kind = P__N; /* pg_run below flushes first: nothing queued then */
	pgp_reset(w->p);
	for (int c = 0; c < w->ncols; c++) {
		buf_putc(&w->a[c], '}');
		if (w->a[c].failed)
			rc = aiu_errf(err, AIU_ENOMEM, "%s: %s: out of memory", q->base.uri, w->what);
		pgp_text(w->p, buf_cstr(&w->a[c]), SIZE_MAX);
	}
	/* run with the queue's parameters; the caller's statement (whose
	 * parameters are already in q->p) runs right after */
	q->p = w->p;
	if (rc == AIU_OK)
		rc = pg_run(q, kind, NULL, err, w->what);
	q->p = caller;
	pgp_reset(w->p);
	pg_wb_drop(q);
	return rc;
}

/* Makes room for one row of kind; returns the queue or NULL (error set). */
static struct pg_wb *wb_row(struct pg_store *q, enum pg_stmt kind, int ncols, const char *what,
			    int *rc, struct aiu_err *err)
{
	struct pg_wb *w = wb_get(q);
	*rc = AIU_OK;
	if (!w) {
		*rc = aiu_errf(err, AIU_ENOMEM, "out of memory (%s)", what);
		return NULL;
	}
	if ((w->kind != kind && w->kind != P__N) || w->n >= WB_MAX_ROWS) {
		if ((*rc = pg_wb_flush(q, err)) < 0)
			return NULL;
	}
	if (w->kind == P__N) {
		w->kind = kind;
		w->ncols = ncols;
		w->what = what;
		for (int c = 0; c < ncols; c++)
			buf_putc(&w->a[c], '{');
	}
	return w;
}

int pg_wb_session_update(struct pg_store *q, const struct session_row *row, struct aiu_err *err)
{
	struct pg_wb *w;
	bool created = false;
	int rc;
	if (q->wb && q->wb->kind == P_SESS_UPD_ARR && kmap_get(&q->wb->ids, &row->id) &&
	    (rc = pg_wb_flush(q, err)) < 0)
		return rc;
	if (!(w = wb_row(q, P_SESS_UPD_ARR, 7, "session update", &rc, err)))
		return rc;
	if (!kmap_put(&w->ids, &row->id, &created))
		return aiu_errf(err, AIU_ENOMEM, "out of memory (session update)");
	pg_arr_i64(&w->a[0], w->n, row->id);
	pg_arr_i64(&w->a[1], w->n, row->project_id);
	pg_arr_i64(&w->a[2], w->n, row->first_ts);
	pg_arr_i64(&w->a[3], w->n, row->last_ts);
	pg_arr_i64(&w->a[4], w->n, row->user_msgs);
	pg_arr_text(&w->a[5], w->n, row->git_branch);
	pg_arr_text(&w->a[6], w->n, row->version);
	w->n++;
	return AIU_OK;
}

int pg_wb_file_update(struct pg_store *q, const struct file_state *f, struct aiu_err *err)
{
	struct pg_wb *w;
	uint64_t h = hash64(f->path ? f->path : "", f->path ? strlen(f->path) : 0);
	int rc;
	if (q->wb && q->wb->kind == P_FILE_UPD_ARR && kmap_get(&q->wb->ids, &f->id) &&
	    (rc = pg_wb_flush(q, err)) < 0)
		return rc;
	if (!(w = wb_row(q, P_FILE_UPD_ARR, 11, "file update", &rc, err)))
		return rc;
	if (!kmap_put(&w->ids, &f->id, NULL) || !kmap_put(&w->paths, &h, NULL))
		return aiu_errf(err, AIU_ENOMEM, "out of memory (file update)");
	pg_arr_i64(&w->a[0], w->n, f->id);
	pg_arr_i64(&w->a[1], w->n, f->dev);
	pg_arr_i64(&w->a[2], w->n, f->ino);
	pg_arr_i64(&w->a[3], w->n, f->size);
	pg_arr_i64(&w->a[4], w->n, f->mtime_ns);
	pg_arr_i64(&w->a[5], w->n, f->offset);
	pg_arr_i64(&w->a[6], w->n, f->line_no);
	pg_arr_i64(&w->a[7], w->n, (int64_t)f->head_hash);
	pg_arr_i64(&w->a[8], w->n, f->head_len);
	pg_arr_i64(&w->a[9], w->n, f->bad_lines);
	if (f->agent_type)
		pg_arr_text(&w->a[10], w->n, f->agent_type);
	else
		buf_puts(&w->a[10], w->n ? ",NULL" : "NULL");
	w->n++;
	return AIU_OK;
}

bool pg_wb_file_independent(const struct pg_store *q, const char *path)
{
	uint64_t h = hash64(path, strlen(path));
	return q->wb && q->wb->kind == P_FILE_UPD_ARR && !kmap_get(&q->wb->paths, &h);
}

int pg_wb_push_person(struct pg_store *q, const char *msg_id, const char *req_id,
		      const char *person, int64_t now_ms, struct aiu_err *err)
{
	struct pg_wb *w;
	int rc;
	if (!(w = wb_row(q, P_PUSH_PERSON_ARR, 4, "write pushed request's person", &rc, err)))
		return rc;
	pg_arr_text(&w->a[0], w->n, msg_id);
	pg_arr_text(&w->a[1], w->n, req_id);
	pg_arr_text(&w->a[2], w->n, person);
	pg_arr_i64(&w->a[3], w->n, now_ms);
	w->n++;
	return AIU_OK;
}
