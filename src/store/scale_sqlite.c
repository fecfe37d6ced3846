/* scale_sqlite.c - SQLite backend ops for large stores (see store.h): the
 * streaming read of the session report (session_report_scan).
 *
 * One statement joins sessions with their rollup_session rows and orders
 * them by (last_ts, uuid); SQLite sorts with a bounded in-memory buffer
 * (the page cache size) and merges larger sorts from temporary files, so
 * the caller sees one session at a time and memory does not grow with the
 * number of sessions. uuid is UNIQUE, so the order has no ties. */
#include "store/store_sqlite_int.h"

#include <stdlib.h>
#include <string.h>

#define SQL_HEAD "SELECT s.id, s.uuid, s.project_id, s.first_ts, s.last_ts, s.user_msgs," \
	" r.model_id, r.variant, r.n, r.input, r.output, r.cw5m, r.cw1h, r.cache_read," \
	" r.web_search FROM sessions s JOIN rollup_session r ON r.session_id = s.id" \
	" AND r.n > 0 WHERE s.last_ts <> 0 ORDER BY "

static const char *const sql_order[2] = {
	SQL_HEAD "s.last_ts, s.uuid, r.model_id, r.variant",
	SQL_HEAD "s.last_ts DESC, s.uuid DESC, r.model_id, r.variant",
};

int sq_session_report_scan(struct store *s, bool desc,
			   int (*cb)(void *ctx, const struct session_row *r,
				     const struct session_rollup_row *rr, size_t n),
			   void *ctx, struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st = NULL;
	struct session_row cur;
	struct session_rollup_row *rr = NULL; /* the current session's rows; owned here */
	size_t n = 0, cap = 0;
	int rc, crc = 0;

	memset(&cur, 0, sizeof(cur));
	/* the sort spills to temporary files, not to memory (the connection
	 * keeps temp_store=MEMORY for its small temporary b-trees otherwise) */
	sqlite3_exec(q->db, "PRAGMA temp_store=FILE", NULL, NULL, NULL);
	if ((rc = sq_prepare(q, desc ? sql_order[1] : sql_order[0], &st, err)) < 0)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		struct session_rollup_row *r;
		if (n && id != cur.id) {
			if ((crc = cb(ctx, &cur, rr, n)) != 0)
				break;
			n = 0;
		}
		if (!n) {
			memset(&cur, 0, sizeof(cur));
			cur.id = id;
			sq_text_col(st, 1, cur.uuid, sizeof(cur.uuid));
			cur.project_id = sqlite3_column_int64(st, 2);
			cur.first_ts = sqlite3_column_int64(st, 3);
			cur.last_ts = sqlite3_column_int64(st, 4);
			cur.user_msgs = sqlite3_column_int64(st, 5);
		}
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			void *nv = realloc(rr, ncap * sizeof(*rr));
			if (!nv) {
				rc = aiu_errf(err, AIU_ENOMEM, "out of memory (session report)");
				goto out;
			}
			rr = nv;
			cap = ncap;
		}
		r = &rr[n++];
		memset(r, 0, sizeof(*r));
		r->session_id = id;
		r->model_id = sqlite3_column_int64(st, 6);
		r->variant = (unsigned)sqlite3_column_int(st, 7);
		r->n = sqlite3_column_int64(st, 8);
		r->t.input = sqlite3_column_int64(st, 9);
		r->t.output = sqlite3_column_int64(st, 10);
		r->t.cw5m = sqlite3_column_int64(st, 11);
		r->t.cw1h = sqlite3_column_int64(st, 12);
		r->t.cache_read = sqlite3_column_int64(st, 13);
		r->t.web_search = sqlite3_column_int64(st, 14);
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		rc = sq_db_err(q, err, "session report scan");
		goto out;
	}
	if (rc == SQLITE_DONE && n)
		crc = cb(ctx, &cur, rr, n);
	rc = crc;
out:
	sqlite3_finalize(st);
	sqlite3_exec(q->db, "PRAGMA temp_store=MEMORY", NULL, NULL, NULL);
	free(rr);
	return rc;
}
