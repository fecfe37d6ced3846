/* org_sqlite.c - the organisation ops of store.h on SQLite (tables from
 * migration 2, see migrations_sqlite.c). Volumes are small (tens of rows per
 * day), so statements are prepared per call and finalized before return;
 * every value is bound, never formatted into SQL. */
#include "store/org_sqlite.h"
#include "store/store_sqlite_int.h"
#include "core/strutil.h"
#include "core/timeutil.h"

#include <stdio.h>
#include <string.h>

static void col(sqlite3_stmt *st, int i, char *out, size_t cap)
{
	sq_text_col(st, i, out, cap);
}

int sq_org_checkpoint_get(struct store *s, const char *source, const char *name, char *out,
			  size_t cap, bool *found, struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st;
	int rc, r;
	*found = false;
	if ((rc = sq_prepare(q, "SELECT value FROM org_checkpoints WHERE source = ?1 AND name = ?2", &st, err)) < 0)
		return rc;
	sq_bind_str(st, 1, source);
	sq_bind_str(st, 2, name);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		col(st, 0, out, cap);
		*found = true;
	} else if (r != SQLITE_DONE) {
		rc = sq_db_err(q, err, "read checkpoint");
	}
	sqlite3_finalize(st);
	return rc;
}

int sq_org_checkpoint_put(struct store *s, const char *source, const char *name,
			  const char *value, struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st;
	int rc;
	if ((rc = sq_prepare(q, "INSERT INTO org_checkpoints(source, name, value, updated_ms)"
		       " VALUES (?1, ?2, ?3, ?4) ON CONFLICT(source, name) DO UPDATE SET"
		       " value = excluded.value, updated_ms = excluded.updated_ms", &st, err)) < 0)
		return rc;
	sq_bind_str(st, 1, source);
	sq_bind_str(st, 2, name);
	sq_bind_str(st, 3, value);
	sqlite3_bind_int64(st, 4, now_ms());
	return sq_run(q, st, "write checkpoint", err);
}

int sq_org_run_start(struct store *s, struct org_run *r, struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st;
	int rc;
	if ((rc = sq_prepare(q, "INSERT INTO org_pull_runs(source, started_ms, from_day, to_day, status)"
		       " VALUES (?1, ?2, ?3, ?4, 'running')", &st, err)) < 0)
		return rc;
	sq_bind_str(st, 1, r->source);
	sqlite3_bind_int64(st, 2, r->started_ms);
	sqlite3_bind_int64(st, 3, r->from_day);
	sqlite3_bind_int64(st, 4, r->to_day);
	if ((rc = sq_run(q, st, "record pull run", err)) < 0)
		return rc;
	r->id = sqlite3_last_insert_rowid(q->db);
	str_copy(r->status, "running", sizeof(r->status));
	return AIU_OK;
}

int sq_org_run_finish(struct store *s, const struct org_run *r, struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st;
	int rc;
	if ((rc = sq_prepare(q, "UPDATE org_pull_runs SET finished_ms = ?2, status = ?3, rows = ?4,"
		       " requests = ?5, error = ?6, from_day = ?7, to_day = ?8 WHERE id = ?1", &st, err)) < 0)
		return rc;
	sqlite3_bind_int64(st, 1, r->id);
	sqlite3_bind_int64(st, 2, r->finished_ms);
	sq_bind_str(st, 3, r->status);
	sqlite3_bind_int64(st, 4, r->rows);
	sqlite3_bind_int64(st, 5, r->requests);
	sq_bind_str(st, 6, r->error);
	sqlite3_bind_int64(st, 7, r->from_day);
	sqlite3_bind_int64(st, 8, r->to_day);
	return sq_run(q, st, "finish pull run", err);
}

int sq_org_run_scan(struct store *s, int64_t limit, int (*cb)(void *ctx, const struct org_run *r),
		    void *ctx, struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st;
	struct org_run r;
	int rc, x;
	if ((rc = sq_prepare(q, "SELECT id, source, started_ms, finished_ms, from_day, to_day, status, rows,"
		       " requests, error FROM org_pull_runs ORDER BY id DESC LIMIT ?1", &st, err)) < 0)
		return rc;
	sqlite3_bind_int64(st, 1, limit);
	while ((x = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&r, 0, sizeof(r));
		r.id = sqlite3_column_int64(st, 0);
		col(st, 1, r.source, sizeof(r.source));
		r.started_ms = sqlite3_column_int64(st, 2);
		r.finished_ms = sqlite3_column_int64(st, 3);
		r.from_day = sqlite3_column_int64(st, 4);
		r.to_day = sqlite3_column_int64(st, 5);
		col(st, 6, r.status, sizeof(r.status));
		r.rows = sqlite3_column_int64(st, 7);
		r.requests = sqlite3_column_int64(st, 8);
		col(st, 9, r.error, sizeof(r.error));
		if ((rc = cb(ctx, &r)) != 0)
			goto out;
	}
	if (x != SQLITE_DONE)
		rc = sq_db_err(q, err, "scan pull runs");
out:
	sqlite3_finalize(st);
	return rc;
}

int sq_anth_day_clear(struct store *s, enum anth_table t, int64_t day, struct aiu_err *err)
{
	static const char *const sql[][3] = {
		[ANTH_T_USAGE] = { "DELETE FROM anth_usage WHERE day = ?1", NULL, NULL },
		[ANTH_T_COST] = { "DELETE FROM anth_cost WHERE day = ?1", NULL, NULL },
		[ANTH_T_CC] = { "DELETE FROM anth_cc WHERE day = ?1",
				"DELETE FROM anth_cc_tools WHERE day = ?1",
				"DELETE FROM anth_cc_models WHERE day = ?1" },
	};
	struct sqlite_store *q = SQ(s);
	int rc = AIU_OK;
	if ((unsigned)t > ANTH_T_CC)
		return aiu_errf(err, AIU_EARG, "unknown org table %d", (int)t);
	for (int i = 0; i < 3 && sql[t][i] && rc == 0; i++) {
		sqlite3_stmt *st;
		if ((rc = sq_prepare(q, sql[t][i], &st, err)) < 0)
			return rc;
		sqlite3_bind_int64(st, 1, day);
		rc = sq_run(q, st, "clear org day", err);
	}
	return rc;
}

int sq_anth_usage_put(struct store *s, const struct anth_usage_row *r, struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st;
	int rc;
	if ((rc = sq_prepare(q, "INSERT INTO anth_usage(day, api_key_id, workspace_id, model, service_tier,"
		       " context_window, inference_geo, uncached_input, cache_read, cw5m, cw1h, output,"
		       " web_search) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
		       " ON CONFLICT DO UPDATE SET uncached_input = uncached_input + excluded.uncached_input,"
		       " cache_read = cache_read + excluded.cache_read, cw5m = cw5m + excluded.cw5m,"
		       " cw1h = cw1h + excluded.cw1h, output = output + excluded.output,"
		       " web_search = web_search + excluded.web_search", &st, err)) < 0)
		return rc;
	sqlite3_bind_int64(st, 1, r->day);
	sq_bind_str(st, 2, r->api_key_id);
	sq_bind_str(st, 3, r->workspace_id);
	sq_bind_str(st, 4, r->model);
	sq_bind_str(st, 5, r->service_tier);
	sq_bind_str(st, 6, r->context_window);
	sq_bind_str(st, 7, r->inference_geo);
	sqlite3_bind_int64(st, 8, r->uncached_input);
	sqlite3_bind_int64(st, 9, r->cache_read);
	sqlite3_bind_int64(st, 10, r->cw5m);
	sqlite3_bind_int64(st, 11, r->cw1h);
	sqlite3_bind_int64(st, 12, r->output);
	sqlite3_bind_int64(st, 13, r->web_search);
	return sq_run(q, st, "store usage row", err);
}

int sq_anth_cost_put(struct store *s, const struct anth_cost_row *r, struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st;
	int rc;
	if ((rc = sq_prepare(q, "INSERT INTO anth_cost(day, workspace_id, description, cost_type, token_type,"
		       " model, service_tier, context_window, inference_geo, currency, amount_nano)"
		       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
		       " ON CONFLICT DO UPDATE SET amount_nano = amount_nano + excluded.amount_nano",
		       &st, err)) < 0)
		return rc;
	sqlite3_bind_int64(st, 1, r->day);
	sq_bind_str(st, 2, r->workspace_id);
	sq_bind_str(st, 3, r->description);
	sq_bind_str(st, 4, r->cost_type);
	sq_bind_str(st, 5, r->token_type);
	sq_bind_str(st, 6, r->model);
	sq_bind_str(st, 7, r->service_tier);
	sq_bind_str(st, 8, r->context_window);
	sq_bind_str(st, 9, r->inference_geo);
	sq_bind_str(st, 10, r->currency);
	sqlite3_bind_int64(st, 11, r->amount_nano);
	return sq_run(q, st, "store cost row", err);
}

static void bind_cc_key(sqlite3_stmt *st, const struct anth_cc_rec *r)
{
	sqlite3_bind_int64(st, 1, r->day);
	sq_bind_str(st, 2, r->actor_type);
	sq_bind_str(st, 3, r->actor);
	sq_bind_str(st, 4, r->terminal_type);
	sqlite3_bind_int(st, 5, r->is_remote);
}

int sq_anth_cc_put(struct store *s, const struct anth_cc_rec *r, struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st;
	int rc;
	if ((rc = sq_prepare(q, "INSERT INTO anth_cc(day, actor_type, actor, terminal_type, is_remote,"
		       " customer_type, subscription_type, sessions, lines_added, lines_removed, commits,"
		       " prs) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
		       " ON CONFLICT DO UPDATE SET sessions = sessions + excluded.sessions,"
		       " lines_added = lines_added + excluded.lines_added,"
		       " lines_removed = lines_removed + excluded.lines_removed,"
		       " commits = commits + excluded.commits, prs = prs + excluded.prs", &st, err)) < 0)
		return rc;
	bind_cc_key(st, r);
	sq_bind_str(st, 6, r->customer_type);
	sq_bind_str(st, 7, r->subscription_type);
	sqlite3_bind_int64(st, 8, r->sessions);
	sqlite3_bind_int64(st, 9, r->lines_added);
	sqlite3_bind_int64(st, 10, r->lines_removed);
	sqlite3_bind_int64(st, 11, r->commits);
	sqlite3_bind_int64(st, 12, r->prs);
	if ((rc = sq_run(q, st, "store claude code row", err)) < 0)
		return rc;
	for (size_t i = 0; i < r->ntools; i++) {
		if ((rc = sq_prepare(q, "INSERT INTO anth_cc_tools(day, actor_type, actor, terminal_type,"
			       " is_remote, tool, accepted, rejected) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
			       " ON CONFLICT DO UPDATE SET accepted = accepted + excluded.accepted,"
			       " rejected = rejected + excluded.rejected", &st, err)) < 0)
			return rc;
		bind_cc_key(st, r);
		sq_bind_str(st, 6, r->tools[i].tool);
		sqlite3_bind_int64(st, 7, r->tools[i].accepted);
		sqlite3_bind_int64(st, 8, r->tools[i].rejected);
		if ((rc = sq_run(q, st, "store claude code tool row", err)) < 0)
			return rc;
	}
	for (size_t i = 0; i < r->nmodels; i++) {
		if ((rc = sq_prepare(q, "INSERT INTO anth_cc_models(day, actor_type, actor, terminal_type,"
			       " is_remote, model, input, output, cache_read, cache_creation, est_cost_nano)"
			       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
			       " ON CONFLICT DO UPDATE SET input = input + excluded.input,"
			       " output = output + excluded.output, cache_read = cache_read + excluded.cache_read,"
			       " cache_creation = cache_creation + excluded.cache_creation,"
			       " est_cost_nano = est_cost_nano + excluded.est_cost_nano", &st, err)) < 0)
			return rc;
		bind_cc_key(st, r);
		sq_bind_str(st, 6, r->models[i].model);
		sqlite3_bind_int64(st, 7, r->models[i].input);
		sqlite3_bind_int64(st, 8, r->models[i].output);
		sqlite3_bind_int64(st, 9, r->models[i].cache_read);
		sqlite3_bind_int64(st, 10, r->models[i].cache_creation);
		sqlite3_bind_int64(st, 11, r->models[i].est_cost_nano);
		if ((rc = sq_run(q, st, "store claude code model row", err)) < 0)
			return rc;
	}
	return AIU_OK;
}

int sq_anth_user_put(struct store *s, const struct anth_user *u, struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st;
	int rc;
	if ((rc = sq_prepare(q, "INSERT INTO anth_users(id, email, name, role) VALUES (?1, ?2, ?3, ?4)"
		       " ON CONFLICT(id) DO UPDATE SET email = excluded.email, name = excluded.name,"
		       " role = excluded.role", &st, err)) < 0)
		return rc;
	sq_bind_str(st, 1, u->id);
	sq_bind_str(st, 2, u->email);
	sq_bind_str(st, 3, u->name);
	sq_bind_str(st, 4, u->role);
	return sq_run(q, st, "store user", err);
}

int sq_anth_workspace_put(struct store *s, const struct anth_workspace *w, struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st;
	int rc;
	if ((rc = sq_prepare(q, "INSERT INTO anth_workspaces(id, name, archived) VALUES (?1, ?2, ?3)"
		       " ON CONFLICT(id) DO UPDATE SET name = excluded.name, archived = excluded.archived",
		       &st, err)) < 0)
		return rc;
	sq_bind_str(st, 1, w->id);
	sq_bind_str(st, 2, w->name);
	sqlite3_bind_int(st, 3, w->archived);
	return sq_run(q, st, "store workspace", err);
}

int sq_anth_key_put(struct store *s, const struct anth_key *k, struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st;
	int rc;
	if ((rc = sq_prepare(q, "INSERT INTO anth_api_keys(id, name, status, workspace_id, creator_id,"
		       " creator_type, principal_user_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
		       " ON CONFLICT(id) DO UPDATE SET name = excluded.name, status = excluded.status,"
		       " workspace_id = excluded.workspace_id, creator_id = excluded.creator_id,"
		       " creator_type = excluded.creator_type,"
		       " principal_user_id = excluded.principal_user_id", &st, err)) < 0)
		return rc;
	sq_bind_str(st, 1, k->id);
	sq_bind_str(st, 2, k->name);
	sq_bind_str(st, 3, k->status);
	sq_bind_str(st, 4, k->workspace_id);
	sq_bind_str(st, 5, k->creator_id);
	sq_bind_str(st, 6, k->creator_type);
	sq_bind_str(st, 7, k->principal_user_id);
	return sq_run(q, st, "store api key", err);
}

int sq_org_person_put(struct store *s, const struct org_person *p, struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st;
	int rc;
	if ((rc = sq_prepare(q, "INSERT INTO org_people(email, name, team, source) VALUES (?1, ?2, ?3, ?4)"
		       " ON CONFLICT(email) DO UPDATE SET"
		       " name = CASE WHEN excluded.name <> '' THEN excluded.name ELSE name END,"
		       " team = CASE WHEN excluded.team <> '' THEN excluded.team ELSE team END,"
		       " source = excluded.source", &st, err)) < 0)
		return rc;
	sq_bind_str(st, 1, p->email);
	sq_bind_str(st, 2, p->name);
	sq_bind_str(st, 3, p->team);
	sq_bind_str(st, 4, p->source);
	return sq_run(q, st, "store person", err);
}

int sq_org_key_map_clear(struct store *s, struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st;
	int rc;
	if ((rc = sq_prepare(q, "DELETE FROM org_key_map", &st, err)) < 0)
		return rc;
	return sq_run(q, st, "clear key map", err);
}

int sq_org_key_map_put(struct store *s, const char *key_name, const char *email,
		       struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st;
	int rc;
	if ((rc = sq_prepare(q, "INSERT INTO org_key_map(key_name, email) VALUES (?1, ?2)"
		       " ON CONFLICT(key_name) DO UPDATE SET email = excluded.email", &st, err)) < 0)
		return rc;
	sq_bind_str(st, 1, key_name);
	sq_bind_str(st, 2, email);
	return sq_run(q, st, "store key mapping", err);
}

int sq_anth_usage_scan(struct store *s, int64_t from, int64_t to,
		       int (*cb)(void *ctx, const struct anth_usage_row *r), void *ctx,
		       struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st;
	struct anth_usage_row r;
	int rc, x;
	if ((rc = sq_prepare(q, "SELECT day, api_key_id, workspace_id, model, service_tier, context_window,"
		       " inference_geo, uncached_input, cache_read, cw5m, cw1h, output, web_search"
		       " FROM anth_usage WHERE day BETWEEN ?1 AND ?2 ORDER BY day", &st, err)) < 0)
		return rc;
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	while ((x = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&r, 0, sizeof(r));
		r.day = sqlite3_column_int64(st, 0);
		col(st, 1, r.api_key_id, sizeof(r.api_key_id));
		col(st, 2, r.workspace_id, sizeof(r.workspace_id));
		col(st, 3, r.model, sizeof(r.model));
		col(st, 4, r.service_tier, sizeof(r.service_tier));
		col(st, 5, r.context_window, sizeof(r.context_window));
		col(st, 6, r.inference_geo, sizeof(r.inference_geo));
		r.uncached_input = sqlite3_column_int64(st, 7);
		r.cache_read = sqlite3_column_int64(st, 8);
		r.cw5m = sqlite3_column_int64(st, 9);
		r.cw1h = sqlite3_column_int64(st, 10);
		r.output = sqlite3_column_int64(st, 11);
		r.web_search = sqlite3_column_int64(st, 12);
		if ((rc = cb(ctx, &r)) != 0)
			goto out;
	}
	if (x != SQLITE_DONE)
		rc = sq_db_err(q, err, "scan usage");
out:
	sqlite3_finalize(st);
	return rc;
}

int sq_anth_cost_scan(struct store *s, int64_t from, int64_t to,
		      int (*cb)(void *ctx, const struct anth_cost_row *r), void *ctx,
		      struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st;
	struct anth_cost_row r;
	int rc, x;
	if ((rc = sq_prepare(q, "SELECT day, workspace_id, description, cost_type, token_type, model,"
		       " service_tier, context_window, inference_geo, currency, amount_nano"
		       " FROM anth_cost WHERE day BETWEEN ?1 AND ?2 ORDER BY day", &st, err)) < 0)
		return rc;
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	while ((x = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&r, 0, sizeof(r));
		r.day = sqlite3_column_int64(st, 0);
		col(st, 1, r.workspace_id, sizeof(r.workspace_id));
		col(st, 2, r.description, sizeof(r.description));
		col(st, 3, r.cost_type, sizeof(r.cost_type));
		col(st, 4, r.token_type, sizeof(r.token_type));
		col(st, 5, r.model, sizeof(r.model));
		col(st, 6, r.service_tier, sizeof(r.service_tier));
		col(st, 7, r.context_window, sizeof(r.context_window));
		col(st, 8, r.inference_geo, sizeof(r.inference_geo));
		col(st, 9, r.currency, sizeof(r.currency));
		r.amount_nano = sqlite3_column_int64(st, 10);
		if ((rc = cb(ctx, &r)) != 0)
			goto out;
	}
	if (x != SQLITE_DONE)
		rc = sq_db_err(q, err, "scan cost");
out:
	sqlite3_finalize(st);
	return rc;
}

/* Fills the tool and model arrays of one record (children by key). */
static int cc_children(struct sqlite_store *q, struct anth_cc_rec *r, struct aiu_err *err)
{
	sqlite3_stmt *st;
	int rc, x;
	if ((rc = sq_prepare(q, "SELECT tool, accepted, rejected FROM anth_cc_tools WHERE day = ?1 AND"
		       " actor_type = ?2 AND actor = ?3 AND terminal_type = ?4 AND is_remote = ?5"
		       " ORDER BY tool", &st, err)) < 0)
		return rc;
	bind_cc_key(st, r);
	while ((x = sqlite3_step(st)) == SQLITE_ROW && r->ntools < ANTH_CC_MAX_TOOLS) {
		col(st, 0, r->tools[r->ntools].tool, sizeof(r->tools[0].tool));
		r->tools[r->ntools].accepted = sqlite3_column_int64(st, 1);
		r->tools[r->ntools].rejected = sqlite3_column_int64(st, 2);
		r->ntools++;
	}
	sqlite3_finalize(st);
	if ((rc = sq_prepare(q, "SELECT model, input, output, cache_read, cache_creation, est_cost_nano"
		       " FROM anth_cc_models WHERE day = ?1 AND actor_type = ?2 AND actor = ?3 AND"
		       " terminal_type = ?4 AND is_remote = ?5 ORDER BY model", &st, err)) < 0)
		return rc;
	bind_cc_key(st, r);
	while ((x = sqlite3_step(st)) == SQLITE_ROW && r->nmodels < ANTH_CC_MAX_MODELS) {
		col(st, 0, r->models[r->nmodels].model, sizeof(r->models[0].model));
		r->models[r->nmodels].input = sqlite3_column_int64(st, 1);
		r->models[r->nmodels].output = sqlite3_column_int64(st, 2);
		r->models[r->nmodels].cache_read = sqlite3_column_int64(st, 3);
		r->models[r->nmodels].cache_creation = sqlite3_column_int64(st, 4);
		r->models[r->nmodels].est_cost_nano = sqlite3_column_int64(st, 5);
		r->nmodels++;
	}
	sqlite3_finalize(st);
	return AIU_OK;
}

int sq_anth_cc_scan(struct store *s, int64_t from, int64_t to,
		    int (*cb)(void *ctx, const struct anth_cc_rec *r), void *ctx, struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st;
	struct anth_cc_rec r;
	int rc, x;
	if ((rc = sq_prepare(q, "SELECT day, actor_type, actor, terminal_type, is_remote, customer_type,"
		       " subscription_type, sessions, lines_added, lines_removed, commits, prs"
		       " FROM anth_cc WHERE day BETWEEN ?1 AND ?2 ORDER BY day, actor", &st, err)) < 0)
		return rc;
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	while ((x = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&r, 0, sizeof(r));
		r.day = sqlite3_column_int64(st, 0);
		col(st, 1, r.actor_type, sizeof(r.actor_type));
		col(st, 2, r.actor, sizeof(r.actor));
		col(st, 3, r.terminal_type, sizeof(r.terminal_type));
		r.is_remote = sqlite3_column_int(st, 4) != 0;
		col(st, 5, r.customer_type, sizeof(r.customer_type));
		col(st, 6, r.subscription_type, sizeof(r.subscription_type));
		r.sessions = sqlite3_column_int64(st, 7);
		r.lines_added = sqlite3_column_int64(st, 8);
		r.lines_removed = sqlite3_column_int64(st, 9);
		r.commits = sqlite3_column_int64(st, 10);
		r.prs = sqlite3_column_int64(st, 11);
		if ((rc = cc_children(q, &r, err)) < 0 || (rc = cb(ctx, &r)) != 0)
			goto out;
	}
	if (x != SQLITE_DONE)
		rc = sq_db_err(q, err, "scan claude code rows");
out:
	sqlite3_finalize(st);
	return rc;
}

int sq_anth_user_scan(struct store *s, int (*cb)(void *ctx, const struct anth_user *u), void *ctx,
		      struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st;
	struct anth_user u;
	int rc, x;
	if ((rc = sq_prepare(q, "SELECT id, email, name, role FROM anth_users ORDER BY id", &st, err)) < 0)
		return rc;
	while ((x = sqlite3_step(st)) == SQLITE_ROW) {
		col(st, 0, u.id, sizeof(u.id));
		col(st, 1, u.email, sizeof(u.email));
		col(st, 2, u.name, sizeof(u.name));
		col(st, 3, u.role, sizeof(u.role));
		if ((rc = cb(ctx, &u)) != 0)
			goto out;
	}
	if (x != SQLITE_DONE)
		rc = sq_db_err(q, err, "scan users");
out:
	sqlite3_finalize(st);
	return rc;
}

int sq_anth_workspace_scan(struct store *s, int (*cb)(void *ctx, const struct anth_workspace *w),
			   void *ctx, struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st;
	struct anth_workspace w;
	int rc, x;
	if ((rc = sq_prepare(q, "SELECT id, name, archived FROM anth_workspaces ORDER BY id", &st, err)) < 0)
		return rc;
	while ((x = sqlite3_step(st)) == SQLITE_ROW) {
		col(st, 0, w.id, sizeof(w.id));
		col(st, 1, w.name, sizeof(w.name));
		w.archived = sqlite3_column_int(st, 2) != 0;
		if ((rc = cb(ctx, &w)) != 0)
			goto out;
	}
	if (x != SQLITE_DONE)
		rc = sq_db_err(q, err, "scan workspaces");
out:
	sqlite3_finalize(st);
	return rc;
}

int sq_anth_key_scan(struct store *s, int (*cb)(void *ctx, const struct anth_key *k), void *ctx,
		     struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st;
	struct anth_key k;
	int rc, x;
	if ((rc = sq_prepare(q, "SELECT id, name, status, workspace_id, creator_id, creator_type,"
		       " principal_user_id FROM anth_api_keys ORDER BY id", &st, err)) < 0)
		return rc;
	while ((x = sqlite3_step(st)) == SQLITE_ROW) {
		col(st, 0, k.id, sizeof(k.id));
		col(st, 1, k.name, sizeof(k.name));
		col(st, 2, k.status, sizeof(k.status));
		col(st, 3, k.workspace_id, sizeof(k.workspace_id));
		col(st, 4, k.creator_id, sizeof(k.creator_id));
		col(st, 5, k.creator_type, sizeof(k.creator_type));
		col(st, 6, k.principal_user_id, sizeof(k.principal_user_id));
		if ((rc = cb(ctx, &k)) != 0)
			goto out;
	}
	if (x != SQLITE_DONE)
		rc = sq_db_err(q, err, "scan api keys");
out:
	sqlite3_finalize(st);
	return rc;
}

int sq_org_person_scan(struct store *s, int (*cb)(void *ctx, const struct org_person *p),
		       void *ctx, struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st;
	struct org_person p;
	int rc, x;
	if ((rc = sq_prepare(q, "SELECT email, name, team, source FROM org_people ORDER BY email", &st, err)) < 0)
		return rc;
	while ((x = sqlite3_step(st)) == SQLITE_ROW) {
		col(st, 0, p.email, sizeof(p.email));
		col(st, 1, p.name, sizeof(p.name));
		col(st, 2, p.team, sizeof(p.team));
		col(st, 3, p.source, sizeof(p.source));
		if ((rc = cb(ctx, &p)) != 0)
			goto out;
	}
	if (x != SQLITE_DONE)
		rc = sq_db_err(q, err, "scan people");
out:
	sqlite3_finalize(st);
	return rc;
}

int sq_org_key_map_scan(struct store *s, int (*cb)(void *ctx, const char *key_name, const char *email),
			void *ctx, struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st;
	char k[ORG_NAME_MAX], e[ORG_EMAIL_MAX];
	int rc, x;
	if ((rc = sq_prepare(q, "SELECT key_name, email FROM org_key_map ORDER BY key_name", &st, err)) < 0)
		return rc;
	while ((x = sqlite3_step(st)) == SQLITE_ROW) {
		col(st, 0, k, sizeof(k));
		col(st, 1, e, sizeof(e));
		if ((rc = cb(ctx, k, e)) != 0)
			goto out;
	}
	if (x != SQLITE_DONE)
		rc = sq_db_err(q, err, "scan key map");
out:
	sqlite3_finalize(st);
	return rc;
}
