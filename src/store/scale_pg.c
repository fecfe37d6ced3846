/* scale_pg.c - PostgreSQL backend ops for large stores (see store.h): the
 * streaming read of the session report (session_report_scan), as
 * scale_sqlite.c does for SQLite.
 *
 * The join runs behind a server-side cursor WITH HOLD (usable inside the
 * caller's read snapshot and outside any transaction alike) and is fetched
 * FETCH_ROWS rows at a time, so the client holds one batch and one session,
 * whatever the number of sessions; the server sorts, spilling to disk as
 * work_mem dictates. Callbacks run between fetches and may use the store. */
#include "store/store_pg_int.h"

#include <stdlib.h>
#include <string.h>

#define FETCH_ROWS 2000
#define STR_(x) #x
#define STR(x) STR_(x)
#define CURSOR "aiu_session_report"

#define SQL_HEAD "DECLARE " CURSOR " NO SCROLL CURSOR WITH HOLD FOR" \
	" SELECT s.id, s.uuid, s.project_id, s.first_ts, s.last_ts, s.user_msgs," \
	" r.model_id, r.variant, r.n, r.input, r.output, r.cw5m, r.cw1h, r.cache_read," \
	" r.web_search FROM sessions s JOIN rollup_session r ON r.session_id = s.id" \
	" AND r.n > 0 WHERE s.last_ts <> 0 ORDER BY "

/* uuid is UNIQUE, so the order has no ties; COLLATE "C" orders uuids by
 * bytes, as SQLite does */
static const char *const sql_order[2] = {
	SQL_HEAD "s.last_ts, s.uuid COLLATE \"C\", r.model_id, r.variant",
	SQL_HEAD "s.last_ts DESC, s.uuid COLLATE \"C\" DESC, r.model_id, r.variant",
};

struct acc {
	struct session_row cur;
	struct session_rollup_row *rr; /* the current session's rows; owned */
	size_t n, cap;
};

static int add_row(struct acc *a, const PGresult *r, int i, struct aiu_err *err)
{
	struct session_rollup_row *x;
	if (a->n == a->cap) {
		size_t ncap = a->cap ? a->cap * 2 : 16;
		void *nv = realloc(a->rr, ncap * sizeof(*a->rr));
		if (!nv)
			return aiu_errf(err, AIU_ENOMEM, "out of memory (session report)");
		a->rr = nv;
		a->cap = ncap;
	}
	if (!a->n) {
		memset(&a->cur, 0, sizeof(a->cur));
		a->cur.id = pg_i64(r, i, 0);
		pg_text(r, i, 1, a->cur.uuid, sizeof(a->cur.uuid));
		a->cur.project_id = pg_i64(r, i, 2);
		a->cur.first_ts = pg_i64(r, i, 3);
		a->cur.last_ts = pg_i64(r, i, 4);
		a->cur.user_msgs = pg_i64(r, i, 5);
	}
	x = &a->rr[a->n++];
	memset(x, 0, sizeof(*x));
	x->session_id = a->cur.id;
	x->model_id = pg_i64(r, i, 6);
	x->variant = (unsigned)pg_i64(r, i, 7);
	x->n = pg_i64(r, i, 8);
	x->t.input = pg_i64(r, i, 9);
	x->t.output = pg_i64(r, i, 10);
	x->t.cw5m = pg_i64(r, i, 11);
	x->t.cw1h = pg_i64(r, i, 12);
	x->t.cache_read = pg_i64(r, i, 13);
	x->t.web_search = pg_i64(r, i, 14);
	return AIU_OK;
}

int pg_session_report_scan(struct store *s, bool desc,
			   int (*cb)(void *ctx, const struct session_row *r,
				     const struct session_rollup_row *rr, size_t n),
			   void *ctx, struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	struct acc a;
	PGresult *r = NULL;
	bool open = false;
	int rc, crc = 0, got;

	memset(&a, 0, sizeof(a));
	pgp_reset(q->p);
	if ((rc = pg_exec(q, desc ? sql_order[1] : sql_order[0], NULL, err, "session report")) < 0)
		goto out;
	open = true;
	do {
		pgp_reset(q->p);
		if ((rc = pg_exec(q, "FETCH FORWARD " STR(FETCH_ROWS) " FROM " CURSOR, &r, err,
				  "session report fetch")) < 0)
			goto out;
		got = PQntuples(r);
		for (int i = 0; i < got && !crc; i++) {
			if (a.n && pg_i64(r, i, 0) != a.cur.id) {
				if ((crc = cb(ctx, &a.cur, a.rr, a.n)) != 0)
					break;
				a.n = 0;
			}
			if ((rc = add_row(&a, r, i, err)) < 0)
				goto out;
		}
		PQclear(r);
		r = NULL;
	} while (got == FETCH_ROWS && !crc);
	if (!crc && a.n)
		crc = cb(ctx, &a.cur, a.rr, a.n);
	rc = crc;
out:
	PQclear(r);
	if (open) {
		pgp_reset(q->p);
		pg_exec(q, "CLOSE " CURSOR, NULL, NULL, "session report close");
	}
	free(a.rr);
	return rc;
}
