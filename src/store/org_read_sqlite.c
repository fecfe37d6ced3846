/* org_read_sqlite.c - the SQLite reads behind the org API for the Cursor
 * and claude.ai tables (store.h org_tool_day_scan, cursor_member_scan).
 * Aggregation per (day, email) happens in SQL; rows are borrowed by the
 * callback only. */
#include "store/org_sqlite_int.h"

#include <string.h>

#define DAY_MS "86400000"

static const char tool_day_sql[] =
	"SELECT day, 'cursor', email, max(active), sum(la), sum(ala), sum(ts), sum(ta), sum(bill),"
	" sum(cl), sum(cal) FROM ("
	" SELECT day_ms / " DAY_MS " AS day, email, active, lines_added AS la,"
	"  accepted_lines_added AS ala, tabs_shown AS ts, tabs_accepted AS ta, 0 AS bill,"
	"  0 AS cl, 0 AS cal FROM cursor_daily WHERE day_ms >= ?1 AND day_ms < ?2"
	" UNION ALL SELECT ts / " DAY_MS ", email, 0, 0, 0, 0, 0,"
	"  CASE WHEN charged_nusd >= 0 THEN charged_nusd WHEN chargeable THEN cost_nusd ELSE 0 END,"
	"  0, 0 FROM cursor_events WHERE ts >= ?1 AND ts < ?2"
	" UNION ALL SELECT commit_ts / " DAY_MS ", email, 0, 0, 0, 0, 0, 0, lines_added,"
	"  tab_added + composer_added FROM cursor_commits WHERE commit_ts >= ?1 AND commit_ts < ?2)"
	" GROUP BY day, email"
	" UNION ALL SELECT ts / " DAY_MS ", 'claude_ai', email, count(*), 0, 0, 0, 0, 0, 0, 0"
	" FROM claude_ai_events WHERE ts >= ?1 AND ts < ?2 GROUP BY 1, 3"
	" ORDER BY 1, 2, 3";

int sq_org_tool_day_scan(struct store *s, int64_t from, int64_t to,
			 int (*cb)(void *ctx, const struct org_tool_day *d), void *ctx,
			 struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = org_prepare(q, tool_day_sql, &st, err)) < 0)
		goto out;
	sqlite3_bind_int64(st, 1, from * 86400000LL);
	sqlite3_bind_int64(st, 2, (to + 1) * 86400000LL);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct org_tool_day d = {
			.day = sqlite3_column_int64(st, 0),
			.tool = (const char *)sqlite3_column_text(st, 1),
			.email = (const char *)sqlite3_column_text(st, 2),
			.active = sqlite3_column_int64(st, 3),
			.lines_added = sqlite3_column_int64(st, 4),
			.accepted_lines_added = sqlite3_column_int64(st, 5),
			.tabs_shown = sqlite3_column_int64(st, 6),
			.tabs_accepted = sqlite3_column_int64(st, 7),
			.bill_nano = sqlite3_column_int64(st, 8),
			.commit_lines = sqlite3_column_int64(st, 9),
			.commit_ai_lines = sqlite3_column_int64(st, 10),
		};
		int r;
		if (!d.email)
			d.email = "";
		if ((r = cb(ctx, &d))) {
			rc = r;
			goto out;
		}
	}
	rc = rc == SQLITE_DONE ? AIU_OK : sq_db_err(q, err, "read cursor / claude.ai activity");
out:
	sqlite3_finalize(st);
	return rc;
}

int sq_cursor_member_scan(struct store *s, int (*cb)(void *ctx, const struct cursor_member *m),
			  void *ctx, struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = org_prepare(q, "SELECT email, name, role, user_id, removed FROM cursor_members"
			      " ORDER BY email", &st, err)) < 0)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct cursor_member m = {
			.email = (const char *)sqlite3_column_text(st, 0),
			.name = (const char *)sqlite3_column_text(st, 1),
			.role = (const char *)sqlite3_column_text(st, 2),
			.user_id = (const char *)sqlite3_column_text(st, 3),
			.removed = sqlite3_column_int(st, 4) != 0,
		};
		int r;
		if (!m.email)
			continue;
		if ((r = cb(ctx, &m))) {
			rc = r;
			goto out;
		}
	}
	rc = rc == SQLITE_DONE ? AIU_OK : sq_db_err(q, err, "read cursor members");
out:
	sqlite3_finalize(st);
	return rc;
}
