/* org_read_pg.c - the PostgreSQL reads behind the org API for the Cursor
 * and claude.ai tables (store.h org_tool_day_scan, cursor_member_scan),
 * with the rows and order of org_read_sqlite.c.
 *
 * Differences from the SQLite text: PostgreSQL's sum() of BIGINT is
 * NUMERIC, so sums are cast back to BIGINT (an overflow is an error, as in
 * SQLite); BIGINT flags are compared with 0; text orders byte-wise
 * (COLLATE "C"), SQLite's BINARY order. Row strings point into the
 * PGresult and are borrowed by the callback only. */
#include "store/store_pg_org.h"
#include "store/store_pg_int.h"

#define DAY_MS "86400000"
#define C " COLLATE \"C\""

static const char tool_day_sql[] =
	"SELECT day, tool, email, active, la, ala, ts, ta, bill, cl, cal FROM ("
	" SELECT day, 'cursor' AS tool, email, max(active) AS active, sum(la)::bigint AS la,"
	"  sum(ala)::bigint AS ala, sum(ts)::bigint AS ts, sum(ta)::bigint AS ta,"
	"  sum(bill)::bigint AS bill, sum(cl)::bigint AS cl, sum(cal)::bigint AS cal FROM ("
	"  SELECT day_ms / " DAY_MS " AS day, email, active, lines_added AS la,"
	"   accepted_lines_added AS ala, tabs_shown AS ts, tabs_accepted AS ta, 0::bigint AS bill,"
	"   0::bigint AS cl, 0::bigint AS cal FROM cursor_daily WHERE day_ms >= $1 AND day_ms < $2"
	"  UNION ALL SELECT ts / " DAY_MS ", email, 0, 0, 0, 0, 0,"
	"   CASE WHEN charged_nusd >= 0 THEN charged_nusd WHEN chargeable <> 0 THEN cost_nusd"
	"   ELSE 0 END, 0, 0 FROM cursor_events WHERE ts >= $1 AND ts < $2"
	"  UNION ALL SELECT commit_ts / " DAY_MS ", email, 0, 0, 0, 0, 0, 0, lines_added,"
	"   tab_added + composer_added FROM cursor_commits WHERE commit_ts >= $1 AND commit_ts < $2"
	" ) c GROUP BY day, email"
	" UNION ALL SELECT ts / " DAY_MS ", 'claude_ai', email, count(*), 0, 0, 0, 0, 0, 0, 0"
	"  FROM claude_ai_events WHERE ts >= $1 AND ts < $2 GROUP BY 1, 3"
	") u ORDER BY day, tool" C ", email" C;

/* Column col as a borrowed string, NULL when SQL NULL. */
static const char *text_or_null(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? NULL : PQgetvalue(r, row, col);
}

int pg_org_tool_day_scan(struct store *s, int64_t from, int64_t to,
			 int (*cb)(void *ctx, const struct org_tool_day *d), void *ctx,
			 struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	PGresult *r = NULL;
	int rc;

	pgp_reset(q->p);
	pgp_i64(q->p, from * 86400000LL);
	pgp_i64(q->p, (to + 1) * 86400000LL);
	if ((rc = pg_exec(q, tool_day_sql, &r, err, "read cursor / claude.ai activity")) < 0)
		goto out;
	for (int i = 0, n = PQntuples(r); i < n && rc == 0; i++) {
		struct org_tool_day d = {
			.day = pg_i64(r, i, 0),
			.tool = PQgetvalue(r, i, 1),
			.email = PQgetvalue(r, i, 2), /* "" when NULL, as on SQLite */
			.active = pg_i64(r, i, 3),
			.lines_added = pg_i64(r, i, 4),
			.accepted_lines_added = pg_i64(r, i, 5),
			.tabs_shown = pg_i64(r, i, 6),
			.tabs_accepted = pg_i64(r, i, 7),
			.bill_nano = pg_i64(r, i, 8),
			.commit_lines = pg_i64(r, i, 9),
			.commit_ai_lines = pg_i64(r, i, 10),
		};
		rc = cb(ctx, &d);
	}
out:
	PQclear(r);
	return rc;
}

int pg_cursor_member_scan(struct store *s, int (*cb)(void *ctx, const struct cursor_member *m),
			  void *ctx, struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	PGresult *r = NULL;
	int rc;

	pgp_reset(q->p);
	if ((rc = pg_exec(q, "SELECT email, name, role, user_id, removed FROM cursor_members"
			  " ORDER BY email" C, &r, err, "read cursor members")) < 0)
		goto out;
	for (int i = 0, n = PQntuples(r); i < n && rc == 0; i++) {
		struct cursor_member m = {
			.email = text_or_null(r, i, 0),
			.name = text_or_null(r, i, 1),
			.role = text_or_null(r, i, 2),
			.user_id = text_or_null(r, i, 3),
			.removed = pg_i64(r, i, 4) != 0,
		};
		if (!m.email)
			continue;
		rc = cb(ctx, &m);
	}
out:
	PQclear(r);
	return rc;
}
