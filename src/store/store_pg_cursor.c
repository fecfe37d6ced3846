/* store_pg_cursor.c - Cursor and claude.ai tables (migration 3) on
 * PostgreSQL, with the results of cursor_sqlite.c and claude_ai_sqlite.c
 * (see cursor_sqlite.c for the spend-delta labels).
 *
 * SQLite's INSERT OR REPLACE becomes INSERT ... ON CONFLICT (<natural key>)
 * DO UPDATE SET every column; whether the row was new comes from the same
 * statement (RETURNING xmax = 0, true only for a freshly inserted row), so
 * there is no look-up-then-write race between concurrent pulls. SQL runs
 * unprepared through pg_exec with bound parameters; a NULL string is sent
 * as SQL NULL, as SQLite binds it.
 */
#include "store/store_pg_org.h"
#include "store/store_pg_int.h"
#include "core/timeutil.h"

#include <string.h>

/* Text or SQL NULL. */
static void ptn(struct pgp *p, const char *s)
{
	if (s)
		pgp_text(p, s, SIZE_MAX);
	else
		pgp_null(p);
}

/* Runs an upsert ending in "RETURNING xmax = 0"; *inserted (may be NULL)
 * tells whether the row is new. */
static int upsert(struct pg_store *q, const char *sql, bool *inserted, struct aiu_err *err,
		  const char *what)
{
	PGresult *r;
	int rc;
	if ((rc = pg_exec(q, sql, &r, err, what)) < 0)
		return rc;
	if (inserted)
		*inserted = PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 0), "t") == 0;
	PQclear(r);
	return AIU_OK;
}

int pg_claude_ai_event_add(struct store *s, const struct claude_ai_event *e, bool *inserted,
			   struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	PGresult *r;
	int rc;
	pgp_reset(q->p);
	ptn(q->p, e->key);
	pgp_i64(q->p, e->ts);
	ptn(q->p, e->event ? e->event : "");
	ptn(q->p, e->email ? e->email : "");
	ptn(q->p, e->actor_name);
	ptn(q->p, e->actor_uuid);
	ptn(q->p, e->entity_type);
	ptn(q->p, e->entity_uuid);
	ptn(q->p, e->event_info);
	ptn(q->p, e->client_platform);
	ptn(q->p, e->device_id);
	ptn(q->p, e->user_agent);
	ptn(q->p, e->source ? e->source : "");
	if ((rc = pg_exec(q, "INSERT INTO claude_ai_events(key, ts, event, email, actor_name,"
			  " actor_uuid, entity_type, entity_uuid, event_info, client_platform, device_id,"
			  " user_agent, source) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11,"
			  " $12, $13) ON CONFLICT (key) DO NOTHING", &r, err,
			  "store claude.ai event")) < 0)
		return rc;
	if (inserted)
		*inserted = strcmp(PQcmdTuples(r), "0") != 0;
	PQclear(r);
	return AIU_OK;
}

int pg_cursor_member_put(struct store *s, const struct cursor_member *m, struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	pgp_reset(q->p);
	ptn(q->p, m->email);
	ptn(q->p, m->name);
	ptn(q->p, m->role);
	ptn(q->p, m->user_id);
	pgp_i64(q->p, m->removed ? 1 : 0);
	pgp_i64(q->p, now_ms());
	return pg_exec(q, "INSERT INTO cursor_members AS t(email, name, role, user_id, removed,"
		       " updated_ms) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (email) DO UPDATE SET"
		       " name = excluded.name, role = excluded.role,"
		       " user_id = coalesce(excluded.user_id, t.user_id), removed = excluded.removed,"
		       " updated_ms = excluded.updated_ms", NULL, err, "store cursor member");
}

int pg_cursor_daily_put(struct store *s, const struct cursor_daily *d, bool *inserted,
			struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	pgp_reset(q->p);
	pgp_i64(q->p, d->day_ms);
	ptn(q->p, d->email);
	pgp_i64(q->p, d->active ? 1 : 0);
#define X(f) pgp_i64(q->p, d->f);
	CURSOR_DAILY_INTS(X)
#undef X
	ptn(q->p, d->most_used_model);
	ptn(q->p, d->apply_ext);
	ptn(q->p, d->tab_ext);
	ptn(q->p, d->client_version);
	return upsert(q, "INSERT INTO cursor_daily(day_ms, email, active, lines_added, lines_deleted,"
		      " accepted_lines_added, accepted_lines_deleted, applies, accepts, rejects,"
		      " tabs_shown, tabs_accepted, composer_requests, chat_requests, agent_requests,"
		      " cmdk_usages, subscription_included_reqs, api_key_reqs, usage_based_reqs,"
		      " bugbot_usages, most_used_model, apply_ext, tab_ext, client_version) VALUES ($1,"
		      " $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,"
		      " $19, $20, $21, $22, $23, $24) ON CONFLICT (day_ms, email) DO UPDATE SET"
		      " active = excluded.active, lines_added = excluded.lines_added,"
		      " lines_deleted = excluded.lines_deleted,"
		      " accepted_lines_added = excluded.accepted_lines_added,"
		      " accepted_lines_deleted = excluded.accepted_lines_deleted,"
		      " applies = excluded.applies, accepts = excluded.accepts,"
		      " rejects = excluded.rejects, tabs_shown = excluded.tabs_shown,"
		      " tabs_accepted = excluded.tabs_accepted,"
		      " composer_requests = excluded.composer_requests,"
		      " chat_requests = excluded.chat_requests, agent_requests = excluded.agent_requests,"
		      " cmdk_usages = excluded.cmdk_usages,"
		      " subscription_included_reqs = excluded.subscription_included_reqs,"
		      " api_key_reqs = excluded.api_key_reqs,"
		      " usage_based_reqs = excluded.usage_based_reqs,"
		      " bugbot_usages = excluded.bugbot_usages,"
		      " most_used_model = excluded.most_used_model, apply_ext = excluded.apply_ext,"
		      " tab_ext = excluded.tab_ext, client_version = excluded.client_version"
		      " RETURNING xmax = 0", inserted, err, "store cursor daily usage");
}

int pg_cursor_event_put(struct store *s, const struct cursor_event *e, bool *inserted,
			struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	pgp_reset(q->p);
	ptn(q->p, e->key);
	pgp_i64(q->p, e->ts);
	ptn(q->p, e->email ? e->email : "");
	ptn(q->p, e->model);
	ptn(q->p, e->kind);
	pgp_i64(q->p, e->max_mode ? 1 : 0);
	pgp_i64(q->p, e->token_based ? 1 : 0);
	pgp_i64(q->p, e->chargeable ? 1 : 0);
	pgp_i64(q->p, e->requests_e4);
	pgp_i64(q->p, e->input);
	pgp_i64(q->p, e->output);
	pgp_i64(q->p, e->cache_write);
	pgp_i64(q->p, e->cache_read);
	pgp_i64(q->p, e->cost_nusd);
	pgp_i64(q->p, e->charged_nusd);
	return upsert(q, "INSERT INTO cursor_events(key, ts, email, model, kind, max_mode,"
		      " token_based, chargeable, requests_e4, input, output, cache_write, cache_read,"
		      " cost_nusd, charged_nusd) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11,"
		      " $12, $13, $14, $15) ON CONFLICT (key) DO UPDATE SET ts = excluded.ts,"
		      " email = excluded.email, model = excluded.model, kind = excluded.kind,"
		      " max_mode = excluded.max_mode, token_based = excluded.token_based,"
		      " chargeable = excluded.chargeable, requests_e4 = excluded.requests_e4,"
		      " input = excluded.input, output = excluded.output,"
		      " cache_write = excluded.cache_write, cache_read = excluded.cache_read,"
		      " cost_nusd = excluded.cost_nusd, charged_nusd = excluded.charged_nusd"
		      " RETURNING xmax = 0", inserted, err, "store cursor usage event");
}

static int64_t day_of_ms(int64_t ms)
{
	return ms >= 0 ? ms / MS_PER_DAY : -((-ms + MS_PER_DAY - 1) / MS_PER_DAY);
}

/* Rebuilds cursor_spend_daily for one (cycle, person) from its snapshots
 * (the rule of cursor_sqlite.c). */
static int spend_recompute(struct pg_store *q, int64_t cycle, const char *email,
			   struct aiu_err *err)
{
	PGresult *r = NULL;
	int64_t prev_day = day_of_ms(cycle), prev = 0;
	int rc;

	pgp_reset(q->p);
	ptn(q->p, email);
	pgp_i64(q->p, cycle);
	if ((rc = pg_exec(q, "DELETE FROM cursor_spend_daily WHERE email = $1 AND cycle_start = $2",
			  NULL, err, "clear spend deltas")) < 0)
		goto out;
	pgp_reset(q->p);
	pgp_i64(q->p, cycle);
	ptn(q->p, email);
	if ((rc = pg_exec(q, "SELECT day, spend_cents FROM cursor_spend_snapshots"
			  " WHERE cycle_start = $1 AND email = $2 ORDER BY day", &r, err,
			  "read spend snapshots")) < 0)
		goto out;
	for (int i = 0, n = PQntuples(r); i < n; i++) {
		int64_t day = pg_i64(r, i, 0), total = pg_i64(r, i, 1), delta = total - prev;
		const char *label = i == 0 ? "cycle_to_date" : delta < 0 ? "adjustment"
				    : day == prev_day + 1 ? "daily" : "multi_day";
		pgp_reset(q->p);
		ptn(q->p, email);
		pgp_i64(q->p, cycle);
		pgp_i64(q->p, day);
		pgp_i64(q->p, i == 0 ? day_of_ms(cycle) : prev_day + 1);
		pgp_i64(q->p, delta);
		ptn(q->p, label);
		if ((rc = pg_exec(q, "INSERT INTO cursor_spend_daily(email, cycle_start, to_day,"
				  " from_day, cents, label) VALUES ($1, $2, $3, $4, $5, $6)"
				  " ON CONFLICT (email, cycle_start, to_day) DO UPDATE SET"
				  " from_day = excluded.from_day, cents = excluded.cents,"
				  " label = excluded.label", NULL, err, "store spend delta")) < 0)
			goto out;
		prev = total;
		prev_day = day;
	}
out:
	PQclear(r);
	return rc;
}

int pg_cursor_spend_put(struct store *s, const struct cursor_spend_snap *sp, struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	int rc;
	pgp_reset(q->p);
	pgp_i64(q->p, sp->cycle_start);
	ptn(q->p, sp->email);
	pgp_i64(q->p, sp->day);
	ptn(q->p, sp->name);
	pgp_i64(q->p, sp->taken_ms);
	pgp_i64(q->p, sp->spend_cents);
	pgp_i64(q->p, sp->fast_premium);
	if ((rc = pg_exec(q, "INSERT INTO cursor_spend_snapshots AS t(cycle_start, email, day, name,"
			  " taken_ms, spend_cents, fast_premium) VALUES ($1, $2, $3, $4, $5, $6, $7)"
			  " ON CONFLICT (cycle_start, email, day) DO UPDATE SET name = excluded.name,"
			  " taken_ms = excluded.taken_ms, spend_cents = excluded.spend_cents,"
			  " fast_premium = excluded.fast_premium WHERE excluded.taken_ms >= t.taken_ms",
			  NULL, err, "store spend snapshot")) < 0)
		return rc;
	return spend_recompute(q, sp->cycle_start, sp->email, err);
}

int pg_cursor_spend_scan(struct store *s, int (*cb)(void *ctx, const struct cursor_spend_delta *d),
			 void *ctx, struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	PGresult *r;
	int rc;
	pgp_reset(q->p);
	if ((rc = pg_exec(q, "SELECT email, cycle_start, from_day, to_day, cents, label"
			  " FROM cursor_spend_daily ORDER BY to_day, email COLLATE \"C\", cycle_start",
			  &r, err, "read spend deltas")) < 0)
		return rc;
	for (int i = 0, n = PQntuples(r); i < n && rc == 0; i++) {
		struct cursor_spend_delta d = {
			.email = PQgetvalue(r, i, 0),
			.cycle_start = pg_i64(r, i, 1),
			.from_day = pg_i64(r, i, 2),
			.to_day = pg_i64(r, i, 3),
			.cents = pg_i64(r, i, 4),
			.label = PQgetvalue(r, i, 5),
		};
		rc = cb(ctx, &d);
	}
	PQclear(r);
	return rc;
}

int pg_cursor_commit_put(struct store *s, const struct cursor_commit *c, bool *inserted,
			 struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	pgp_reset(q->p);
	ptn(q->p, c->hash);
	ptn(q->p, c->email ? c->email : "");
	ptn(q->p, c->repo ? c->repo : "");
	ptn(q->p, c->branch ? c->branch : "");
	ptn(q->p, c->user_id);
	ptn(q->p, c->source);
	pgp_i64(q->p, c->primary);
	pgp_i64(q->p, c->added);
	pgp_i64(q->p, c->deleted);
	pgp_i64(q->p, c->tab_added);
	pgp_i64(q->p, c->tab_deleted);
	pgp_i64(q->p, c->composer_added);
	pgp_i64(q->p, c->composer_deleted);
	pgp_i64(q->p, c->non_ai_added);
	pgp_i64(q->p, c->non_ai_deleted);
	ptn(q->p, c->message);
	pgp_i64(q->p, c->commit_ts);
	pgp_i64(q->p, c->created_ts);
	return upsert(q, "INSERT INTO cursor_commits(hash, email, repo, branch, user_id, source,"
		      " is_primary, lines_added, lines_deleted, tab_added, tab_deleted, composer_added,"
		      " composer_deleted, non_ai_added, non_ai_deleted, message, commit_ts, created_ts)"
		      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,"
		      " $17, $18) ON CONFLICT (hash, email, repo, branch) DO UPDATE SET"
		      " user_id = excluded.user_id, source = excluded.source,"
		      " is_primary = excluded.is_primary, lines_added = excluded.lines_added,"
		      " lines_deleted = excluded.lines_deleted, tab_added = excluded.tab_added,"
		      " tab_deleted = excluded.tab_deleted, composer_added = excluded.composer_added,"
		      " composer_deleted = excluded.composer_deleted,"
		      " non_ai_added = excluded.non_ai_added, non_ai_deleted = excluded.non_ai_deleted,"
		      " message = excluded.message, commit_ts = excluded.commit_ts,"
		      " created_ts = excluded.created_ts RETURNING xmax = 0", inserted, err,
		      "store cursor commit");
}

int pg_cursor_change_put(struct store *s, const struct cursor_change *c, bool *inserted,
			 struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	pgp_reset(q->p);
	ptn(q->p, c->change_id);
	ptn(q->p, c->user_id);
	ptn(q->p, c->email ? c->email : "");
	ptn(q->p, c->source);
	ptn(q->p, c->model);
	pgp_i64(q->p, c->added);
	pgp_i64(q->p, c->deleted);
	pgp_i64(q->p, c->created_ts);
	ptn(q->p, c->metadata_json);
	return upsert(q, "INSERT INTO cursor_changes(change_id, user_id, email, source, model,"
		      " lines_added, lines_deleted, created_ts, metadata_json) VALUES ($1, $2, $3, $4,"
		      " $5, $6, $7, $8, $9) ON CONFLICT (change_id) DO UPDATE SET"
		      " user_id = excluded.user_id, email = excluded.email, source = excluded.source,"
		      " model = excluded.model, lines_added = excluded.lines_added,"
		      " lines_deleted = excluded.lines_deleted, created_ts = excluded.created_ts,"
		      " metadata_json = excluded.metadata_json RETURNING xmax = 0", inserted, err,
		      "store cursor change");
}
