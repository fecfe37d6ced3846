/* cursor_sqlite.c - Cursor tables of the SQLite backend: members, daily
 * usage, usage events, spend snapshots with their derived per-day deltas,
 * AI Code Tracking commits and changes. Every put replaces on the natural
 * key, so a re-pull of an overlapping window converges.
 *
 * Spend: /teams/spend gives a running total per person for the current
 * billing cycle. We keep one snapshot per (cycle, person, UTC day), the
 * latest reading of that day winning, and derive deltas between
 * consecutive snapshots of the same cycle, labelled:
 *   cycle_to_date  first snapshot of a cycle: everything since the cycle
 *                  started (from_day = the cycle's first day), not one day's spend
 *   daily          the previous snapshot is the day before
 *   multi_day      a gap: the delta covers from_day+1 .. to_day
 *   adjustment     the total went down within a cycle (a credit or refund)
 * A new cycle starts again from zero, so a cycle reset is never negative
 * spend. Deltas are attributed to the day the snapshot was taken, which can
 * be later than the spend itself: they are estimates of timing, exact in sum.
 */
#include "store/org_sqlite_int.h"

#include "core/timeutil.h"

#include <stdio.h>
#include <string.h>

int sq_cursor_member_put(struct store *s, const struct cursor_member *m, struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st;
	int rc = org_prepare(q,
		"INSERT INTO cursor_members(email, name, role, user_id, removed, updated_ms)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(email) DO UPDATE SET"
		" name = excluded.name, role = excluded.role,"
		" user_id = coalesce(excluded.user_id, user_id), removed = excluded.removed,"
		" updated_ms = excluded.updated_ms", &st, err);
	if (rc < 0) {
		sqlite3_finalize(st);
		return rc;
	}
	org_bind_text(st, 1, m->email);
	org_bind_text(st, 2, m->name);
	org_bind_text(st, 3, m->role);
	org_bind_text(st, 4, m->user_id);
	sqlite3_bind_int(st, 5, m->removed);
	sqlite3_bind_int64(st, 6, now_ms());
	return org_exec(q, st, err, "store cursor member");
}

int sq_cursor_daily_put(struct store *s, const struct cursor_daily *d, bool *inserted,
			struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st = NULL;
	char day[24];
	bool exists = false;
	int rc, i = 4;

	snprintf(day, sizeof(day), "%lld", (long long)d->day_ms);
	if ((rc = org_exists(q, "SELECT 1 FROM cursor_daily WHERE day_ms = CAST(?1 AS INTEGER) AND email = ?2",
			     day, d->email, &exists, err)) < 0)
		goto out;
	if ((rc = org_prepare(q,
		"INSERT OR REPLACE INTO cursor_daily(day_ms, email, active, lines_added, lines_deleted,"
		" accepted_lines_added, accepted_lines_deleted, applies, accepts, rejects, tabs_shown,"
		" tabs_accepted, composer_requests, chat_requests, agent_requests, cmdk_usages,"
		" subscription_included_reqs, api_key_reqs, usage_based_reqs, bugbot_usages,"
		" most_used_model, apply_ext, tab_ext, client_version) VALUES (?1, ?2, ?3, ?4, ?5,"
		" ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22,"
		" ?23, ?24)", &st, err)) < 0)
		goto out;
	sqlite3_bind_int64(st, 1, d->day_ms);
	org_bind_text(st, 2, d->email);
	sqlite3_bind_int(st, 3, d->active);
#define X(f) sqlite3_bind_int64(st, i++, d->f);
	CURSOR_DAILY_INTS(X)
#undef X
	org_bind_text(st, 21, d->most_used_model);
	org_bind_text(st, 22, d->apply_ext);
	org_bind_text(st, 23, d->tab_ext);
	org_bind_text(st, 24, d->client_version);
	rc = org_exec(q, st, err, "store cursor daily usage");
	st = NULL;
	if (rc == AIU_OK && inserted)
		*inserted = !exists;
out:
	sqlite3_finalize(st);
	return rc;
}

int sq_cursor_event_put(struct store *s, const struct cursor_event *e, bool *inserted,
			struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st = NULL;
	bool exists = false;
	int rc;

	if ((rc = org_exists(q, "SELECT 1 FROM cursor_events WHERE key = ?1", e->key, NULL,
			     &exists, err)) < 0)
		goto out;
	if ((rc = org_prepare(q,
		"INSERT OR REPLACE INTO cursor_events(key, ts, email, model, kind, max_mode,"
		" token_based, chargeable, requests_e4, input, output, cache_write, cache_read,"
		" cost_nusd, charged_nusd) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
		" ?12, ?13, ?14, ?15)", &st, err)) < 0)
		goto out;
	org_bind_text(st, 1, e->key);
	sqlite3_bind_int64(st, 2, e->ts);
	org_bind_text(st, 3, e->email ? e->email : "");
	org_bind_text(st, 4, e->model);
	org_bind_text(st, 5, e->kind);
	sqlite3_bind_int(st, 6, e->max_mode);
	sqlite3_bind_int(st, 7, e->token_based);
	sqlite3_bind_int(st, 8, e->chargeable);
	sqlite3_bind_int64(st, 9, e->requests_e4);
	sqlite3_bind_int64(st, 10, e->input);
	sqlite3_bind_int64(st, 11, e->output);
	sqlite3_bind_int64(st, 12, e->cache_write);
	sqlite3_bind_int64(st, 13, e->cache_read);
	sqlite3_bind_int64(st, 14, e->cost_nusd);
	sqlite3_bind_int64(st, 15, e->charged_nusd);
	rc = org_exec(q, st, err, "store cursor usage event");
	st = NULL;
	if (rc == AIU_OK && inserted)
		*inserted = !exists;
out:
	sqlite3_finalize(st);
	return rc;
}

static int64_t day_of_ms(int64_t ms)
{
	return ms >= 0 ? ms / MS_PER_DAY : -((-ms + MS_PER_DAY - 1) / MS_PER_DAY);
}

/* Rebuilds cursor_spend_daily for one (cycle, person) from its snapshots. */
static int spend_recompute(struct sqlite_store *q, int64_t cycle, const char *email,
			   struct aiu_err *err)
{
	sqlite3_stmt *sel = NULL, *ins = NULL, *del = NULL;
	int64_t prev_day = day_of_ms(cycle), prev = 0;
	bool first = true;
	int rc;

	if ((rc = org_prepare(q, "DELETE FROM cursor_spend_daily WHERE email = ?1 AND cycle_start = ?2",
			      &del, err)) < 0)
		goto out;
	org_bind_text(del, 1, email);
	sqlite3_bind_int64(del, 2, cycle);
	rc = org_exec(q, del, err, "clear spend deltas");
	del = NULL;
	if (rc < 0)
		goto out;
	if ((rc = org_prepare(q, "SELECT day, spend_cents FROM cursor_spend_snapshots"
			      " WHERE cycle_start = ?1 AND email = ?2 ORDER BY day", &sel, err)) < 0)
		goto out;
	sqlite3_bind_int64(sel, 1, cycle);
	org_bind_text(sel, 2, email);
	while ((rc = sqlite3_step(sel)) == SQLITE_ROW) {
		int64_t day = sqlite3_column_int64(sel, 0), total = sqlite3_column_int64(sel, 1);
		int64_t delta = total - prev;
		const char *label = first ? "cycle_to_date" : delta < 0 ? "adjustment"
				    : day == prev_day + 1 ? "daily" : "multi_day";
		if ((rc = org_prepare(q, "INSERT OR REPLACE INTO cursor_spend_daily(email, cycle_start,"
				      " to_day, from_day, cents, label) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
				      &ins, err)) < 0)
			goto out;
		org_bind_text(ins, 1, email);
		sqlite3_bind_int64(ins, 2, cycle);
		sqlite3_bind_int64(ins, 3, day);
		sqlite3_bind_int64(ins, 4, first ? day_of_ms(cycle) : prev_day + 1);
		sqlite3_bind_int64(ins, 5, delta);
		org_bind_text(ins, 6, label);
		rc = org_exec(q, ins, err, "store spend delta");
		ins = NULL;
		if (rc < 0)
			goto out;
		prev = total;
		prev_day = day;
		first = false;
	}
	rc = rc == SQLITE_DONE ? AIU_OK : sq_db_err(q, err, "read spend snapshots");
out:
	sqlite3_finalize(sel);
	sqlite3_finalize(ins);
	sqlite3_finalize(del);
	return rc;
}

int sq_cursor_spend_put(struct store *s, const struct cursor_spend_snap *sp, struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = org_prepare(q,
		"INSERT INTO cursor_spend_snapshots(cycle_start, email, day, name, taken_ms,"
		" spend_cents, fast_premium) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
		" ON CONFLICT(cycle_start, email, day) DO UPDATE SET name = excluded.name,"
		" taken_ms = excluded.taken_ms, spend_cents = excluded.spend_cents,"
		" fast_premium = excluded.fast_premium WHERE excluded.taken_ms >= taken_ms",
		&st, err)) < 0)
		goto out;
	sqlite3_bind_int64(st, 1, sp->cycle_start);
	org_bind_text(st, 2, sp->email);
	sqlite3_bind_int64(st, 3, sp->day);
	org_bind_text(st, 4, sp->name);
	sqlite3_bind_int64(st, 5, sp->taken_ms);
	sqlite3_bind_int64(st, 6, sp->spend_cents);
	sqlite3_bind_int64(st, 7, sp->fast_premium);
	rc = org_exec(q, st, err, "store spend snapshot");
	st = NULL;
	if (rc == AIU_OK)
		rc = spend_recompute(q, sp->cycle_start, sp->email, err);
out:
	sqlite3_finalize(st);
	return rc;
}

int sq_cursor_spend_scan(struct store *s, int (*cb)(void *ctx, const struct cursor_spend_delta *d),
			 void *ctx, struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = org_prepare(q, "SELECT email, cycle_start, from_day, to_day, cents, label"
			      " FROM cursor_spend_daily ORDER BY to_day, email", &st, err)) < 0)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct cursor_spend_delta d = {
			.email = (const char *)sqlite3_column_text(st, 0),
			.cycle_start = sqlite3_column_int64(st, 1),
			.from_day = sqlite3_column_int64(st, 2),
			.to_day = sqlite3_column_int64(st, 3),
			.cents = sqlite3_column_int64(st, 4),
			.label = (const char *)sqlite3_column_text(st, 5),
		};
		int r = cb(ctx, &d);
		if (r) {
			rc = r;
			goto out;
		}
	}
	rc = rc == SQLITE_DONE ? AIU_OK : sq_db_err(q, err, "read spend deltas");
out:
	sqlite3_finalize(st);
	return rc;
}

int sq_cursor_commit_put(struct store *s, const struct cursor_commit *c, bool *inserted,
			 struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = org_prepare(q,
		"INSERT OR REPLACE INTO cursor_commits(hash, email, repo, branch, user_id, source,"
		" is_primary, lines_added, lines_deleted, tab_added, tab_deleted, composer_added,"
		" composer_deleted, non_ai_added, non_ai_deleted, message, commit_ts, created_ts)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,"
		" ?17, ?18)", &st, err)) < 0)
		goto out;
	{
		bool exists = false;
		sqlite3_stmt *chk = NULL;
		if ((rc = org_prepare(q, "SELECT 1 FROM cursor_commits WHERE hash = ?1 AND email = ?2"
				      " AND repo = ?3 AND branch = ?4", &chk, err)) < 0) {
			sqlite3_finalize(chk);
			goto out;
		}
		org_bind_text(chk, 1, c->hash);
		org_bind_text(chk, 2, c->email ? c->email : "");
		org_bind_text(chk, 3, c->repo ? c->repo : "");
		org_bind_text(chk, 4, c->branch ? c->branch : "");
		rc = sqlite3_step(chk);
		exists = rc == SQLITE_ROW;
		rc = (rc == SQLITE_ROW || rc == SQLITE_DONE) ? AIU_OK : sq_db_err(q, err, "lookup commit");
		sqlite3_finalize(chk);
		if (rc < 0)
			goto out;
		if (inserted)
			*inserted = !exists;
	}
	org_bind_text(st, 1, c->hash);
	org_bind_text(st, 2, c->email ? c->email : "");
	org_bind_text(st, 3, c->repo ? c->repo : "");
	org_bind_text(st, 4, c->branch ? c->branch : "");
	org_bind_text(st, 5, c->user_id);
	org_bind_text(st, 6, c->source);
	sqlite3_bind_int(st, 7, c->primary);
	sqlite3_bind_int64(st, 8, c->added);
	sqlite3_bind_int64(st, 9, c->deleted);
	sqlite3_bind_int64(st, 10, c->tab_added);
	sqlite3_bind_int64(st, 11, c->tab_deleted);
	sqlite3_bind_int64(st, 12, c->composer_added);
	sqlite3_bind_int64(st, 13, c->composer_deleted);
	sqlite3_bind_int64(st, 14, c->non_ai_added);
	sqlite3_bind_int64(st, 15, c->non_ai_deleted);
	org_bind_text(st, 16, c->message);
	sqlite3_bind_int64(st, 17, c->commit_ts);
	sqlite3_bind_int64(st, 18, c->created_ts);
	rc = org_exec(q, st, err, "store cursor commit");
	st = NULL;
out:
	sqlite3_finalize(st);
	return rc;
}

int sq_cursor_change_put(struct store *s, const struct cursor_change *c, bool *inserted,
			 struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st = NULL;
	bool exists = false;
	int rc;

	if ((rc = org_exists(q, "SELECT 1 FROM cursor_changes WHERE change_id = ?1", c->change_id,
			     NULL, &exists, err)) < 0)
		goto out;
	if ((rc = org_prepare(q,
		"INSERT OR REPLACE INTO cursor_changes(change_id, user_id, email, source, model,"
		" lines_added, lines_deleted, created_ts, metadata_json) VALUES (?1, ?2, ?3, ?4,"
		" ?5, ?6, ?7, ?8, ?9)", &st, err)) < 0)
		goto out;
	org_bind_text(st, 1, c->change_id);
	org_bind_text(st, 2, c->user_id);
	org_bind_text(st, 3, c->email ? c->email : "");
	org_bind_text(st, 4, c->source);
	org_bind_text(st, 5, c->model);
	sqlite3_bind_int64(st, 6, c->added);
	sqlite3_bind_int64(st, 7, c->deleted);
	sqlite3_bind_int64(st, 8, c->created_ts);
	org_bind_text(st, 9, c->metadata_json);
	rc = org_exec(q, st, err, "store cursor change");
	st = NULL;
	if (rc == AIU_OK && inserted)
		*inserted = !exists;
out:
	sqlite3_finalize(st);
	return rc;
}
