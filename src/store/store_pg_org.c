/* store_pg_org.c - the organisation ops of store.h on PostgreSQL (tables
 * from migration 2, migrations_pg.c), with the results of org_sqlite.c.
 *
 * Volumes are small (tens of rows per day), so the SQL runs unprepared
 * through pg_exec; every value is a bound parameter. Additive upserts are
 * one atomic INSERT ... ON CONFLICT (<primary key>) DO UPDATE SET
 * x = t.x + excluded.x, so concurrent pulls never lose a delta. Scans
 * return rows in primary-key order with text compared byte-wise
 * (COLLATE "C"), the order SQLite's WITHOUT ROWID tables give.
 */
#include "store/store_pg_org.h"
#include "store/store_pg_int.h"
#include "core/strutil.h"
#include "core/timeutil.h"

#include <stdlib.h>
#include <string.h>

#define C " COLLATE \"C\""

static void pt(struct pgp *p, const char *s)
{
	pgp_text(p, s ? s : "", SIZE_MAX);
}

int pg_org_checkpoint_get(struct store *s, const char *source, const char *name, char *out,
			  size_t cap, bool *found, struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	PGresult *r;
	int rc;
	*found = false;
	pgp_reset(q->p);
	pt(q->p, source);
	pt(q->p, name);
	if ((rc = pg_exec(q, "SELECT value FROM org_checkpoints WHERE source = $1 AND name = $2", &r,
			  err, "read checkpoint")) < 0)
		return rc;
	if (PQntuples(r) == 1) {
		pg_text(r, 0, 0, out, cap);
		*found = true;
	}
	PQclear(r);
	return AIU_OK;
}

int pg_org_checkpoint_put(struct store *s, const char *source, const char *name,
			  const char *value, struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	pgp_reset(q->p);
	pt(q->p, source);
	pt(q->p, name);
	pt(q->p, value);
	pgp_i64(q->p, now_ms());
	return pg_exec(q, "INSERT INTO org_checkpoints(source, name, value, updated_ms)"
		       " VALUES ($1, $2, $3, $4) ON CONFLICT (source, name) DO UPDATE SET"
		       " value = excluded.value, updated_ms = excluded.updated_ms", NULL, err,
		       "write checkpoint");
}

int pg_org_run_start(struct store *s, struct org_run *run, struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	PGresult *r;
	int rc;
	pgp_reset(q->p);
	pt(q->p, run->source);
	pgp_i64(q->p, run->started_ms);
	pgp_i64(q->p, run->from_day);
	pgp_i64(q->p, run->to_day);
	if ((rc = pg_exec(q, "INSERT INTO org_pull_runs(source, started_ms, from_day, to_day, status)"
			  " VALUES ($1, $2, $3, $4, 'running') RETURNING id", &r, err,
			  "record pull run")) < 0)
		return rc;
	run->id = PQntuples(r) == 1 ? pg_i64(r, 0, 0) : 0;
	PQclear(r);
	str_copy(run->status, "running", sizeof(run->status));
	return AIU_OK;
}

int pg_org_run_finish(struct store *s, const struct org_run *run, struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	pgp_reset(q->p);
	pgp_i64(q->p, run->id);
	pgp_i64(q->p, run->finished_ms);
	pt(q->p, run->status);
	pgp_i64(q->p, run->rows);
	pgp_i64(q->p, run->requests);
	pt(q->p, run->error);
	pgp_i64(q->p, run->from_day);
	pgp_i64(q->p, run->to_day);
	return pg_exec(q, "UPDATE org_pull_runs SET finished_ms = $2, status = $3, rows = $4,"
		       " requests = $5, error = $6, from_day = $7, to_day = $8 WHERE id = $1", NULL,
		       err, "finish pull run");
}

int pg_org_run_scan(struct store *s, int64_t limit, int (*cb)(void *ctx, const struct org_run *r),
		    void *ctx, struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	PGresult *r;
	struct org_run o;
	int rc;
	pgp_reset(q->p);
	pgp_i64(q->p, limit);
	if ((rc = pg_exec(q, "SELECT id, source, started_ms, finished_ms, from_day, to_day, status,"
			  " rows, requests, error FROM org_pull_runs ORDER BY id DESC LIMIT $1", &r,
			  err, "scan pull runs")) < 0)
		return rc;
	for (int i = 0, n = PQntuples(r); i < n && rc == 0; i++) {
		memset(&o, 0, sizeof(o));
		o.id = pg_i64(r, i, 0);
		pg_text(r, i, 1, o.source, sizeof(o.source));
		o.started_ms = pg_i64(r, i, 2);
		o.finished_ms = pg_i64(r, i, 3);
		o.from_day = pg_i64(r, i, 4);
		o.to_day = pg_i64(r, i, 5);
		pg_text(r, i, 6, o.status, sizeof(o.status));
		o.rows = pg_i64(r, i, 7);
		o.requests = pg_i64(r, i, 8);
		pg_text(r, i, 9, o.error, sizeof(o.error));
		rc = cb(ctx, &o);
	}
	PQclear(r);
	return rc;
}

int pg_anth_day_clear(struct store *s, enum anth_table t, int64_t day, struct aiu_err *err)
{
	static const char *const sql[][3] = {
		[ANTH_T_USAGE] = { "DELETE FROM anth_usage WHERE day = $1", NULL, NULL },
		[ANTH_T_COST] = { "DELETE FROM anth_cost WHERE day = $1", NULL, NULL },
		[ANTH_T_CC] = { "DELETE FROM anth_cc WHERE day = $1",
				"DELETE FROM anth_cc_tools WHERE day = $1",
				"DELETE FROM anth_cc_models WHERE day = $1" },
	};
	struct pg_store *q = PGQ(s);
	int rc = AIU_OK;
	if ((unsigned)t > ANTH_T_CC)
		return aiu_errf(err, AIU_EARG, "unknown org table %d", (int)t);
	for (int i = 0; i < 3 && sql[t][i] && rc == 0; i++) {
		pgp_reset(q->p);
		pgp_i64(q->p, day);
		rc = pg_exec(q, sql[t][i], NULL, err, "clear org day");
	}
	return rc;
}

int pg_anth_usage_put(struct store *s, const struct anth_usage_row *r, struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	pgp_reset(q->p);
	pgp_i64(q->p, r->day);
	pt(q->p, r->api_key_id);
	pt(q->p, r->workspace_id);
	pt(q->p, r->model);
	pt(q->p, r->service_tier);
	pt(q->p, r->context_window);
	pt(q->p, r->inference_geo);
	pgp_i64(q->p, r->uncached_input);
	pgp_i64(q->p, r->cache_read);
	pgp_i64(q->p, r->cw5m);
	pgp_i64(q->p, r->cw1h);
	pgp_i64(q->p, r->output);
	pgp_i64(q->p, r->web_search);
	return pg_exec(q, "INSERT INTO anth_usage AS t(day, api_key_id, workspace_id, model,"
		       " service_tier, context_window, inference_geo, uncached_input, cache_read,"
		       " cw5m, cw1h, output, web_search) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,"
		       " $10, $11, $12, $13) ON CONFLICT (day, api_key_id, workspace_id, model,"
		       " service_tier, context_window, inference_geo) DO UPDATE SET"
		       " uncached_input = t.uncached_input + excluded.uncached_input,"
		       " cache_read = t.cache_read + excluded.cache_read, cw5m = t.cw5m + excluded.cw5m,"
		       " cw1h = t.cw1h + excluded.cw1h, output = t.output + excluded.output,"
		       " web_search = t.web_search + excluded.web_search", NULL, err,
		       "store usage row");
}

int pg_anth_cost_put(struct store *s, const struct anth_cost_row *r, struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	pgp_reset(q->p);
	pgp_i64(q->p, r->day);
	pt(q->p, r->workspace_id);
	pt(q->p, r->description);
	pt(q->p, r->cost_type);
	pt(q->p, r->token_type);
	pt(q->p, r->model);
	pt(q->p, r->service_tier);
	pt(q->p, r->context_window);
	pt(q->p, r->inference_geo);
	pt(q->p, r->currency);
	pgp_i64(q->p, r->amount_nano);
	return pg_exec(q, "INSERT INTO anth_cost AS t(day, workspace_id, description, cost_type,"
		       " token_type, model, service_tier, context_window, inference_geo, currency,"
		       " amount_nano) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
		       " ON CONFLICT (day, workspace_id, description, cost_type, token_type, model,"
		       " service_tier, context_window, inference_geo) DO UPDATE SET"
		       " amount_nano = t.amount_nano + excluded.amount_nano", NULL, err,
		       "store cost row");
}

/* $1..$5: the key of a Claude Code record. */
static void cc_key(struct pgp *p, const struct anth_cc_rec *r)
{
	pgp_reset(p);
	pgp_i64(p, r->day);
	pt(p, r->actor_type);
	pt(p, r->actor);
	pt(p, r->terminal_type);
	pgp_i64(p, r->is_remote ? 1 : 0);
}

int pg_anth_cc_put(struct store *s, const struct anth_cc_rec *r, struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	int rc;
	cc_key(q->p, r);
	pt(q->p, r->customer_type);
	pt(q->p, r->subscription_type);
	pgp_i64(q->p, r->sessions);
	pgp_i64(q->p, r->lines_added);
	pgp_i64(q->p, r->lines_removed);
	pgp_i64(q->p, r->commits);
	pgp_i64(q->p, r->prs);
	if ((rc = pg_exec(q, "INSERT INTO anth_cc AS t(day, actor_type, actor, terminal_type,"
			  " is_remote, customer_type, subscription_type, sessions, lines_added,"
			  " lines_removed, commits, prs) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,"
			  " $10, $11, $12) ON CONFLICT (day, actor_type, actor, terminal_type,"
			  " is_remote) DO UPDATE SET sessions = t.sessions + excluded.sessions,"
			  " lines_added = t.lines_added + excluded.lines_added,"
			  " lines_removed = t.lines_removed + excluded.lines_removed,"
			  " commits = t.commits + excluded.commits, prs = t.prs + excluded.prs", NULL,
			  err, "store claude code row")) < 0)
		return rc;
	for (size_t i = 0; i < r->ntools; i++) {
		cc_key(q->p, r);
		pt(q->p, r->tools[i].tool);
		pgp_i64(q->p, r->tools[i].accepted);
		pgp_i64(q->p, r->tools[i].rejected);
		if ((rc = pg_exec(q, "INSERT INTO anth_cc_tools AS t(day, actor_type, actor,"
				  " terminal_type, is_remote, tool, accepted, rejected)"
				  " VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (day, actor_type,"
				  " actor, terminal_type, is_remote, tool) DO UPDATE SET"
				  " accepted = t.accepted + excluded.accepted,"
				  " rejected = t.rejected + excluded.rejected", NULL, err,
				  "store claude code tool row")) < 0)
			return rc;
	}
	for (size_t i = 0; i < r->nmodels; i++) {
		cc_key(q->p, r);
		pt(q->p, r->models[i].model);
		pgp_i64(q->p, r->models[i].input);
		pgp_i64(q->p, r->models[i].output);
		pgp_i64(q->p, r->models[i].cache_read);
		pgp_i64(q->p, r->models[i].cache_creation);
		pgp_i64(q->p, r->models[i].est_cost_nano);
		if ((rc = pg_exec(q, "INSERT INTO anth_cc_models AS t(day, actor_type, actor,"
				  " terminal_type, is_remote, model, input, output, cache_read,"
				  " cache_creation, est_cost_nano) VALUES ($1, $2, $3, $4, $5, $6, $7, $8,"
				  " $9, $10, $11) ON CONFLICT (day, actor_type, actor, terminal_type,"
				  " is_remote, model) DO UPDATE SET input = t.input + excluded.input,"
				  " output = t.output + excluded.output,"
				  " cache_read = t.cache_read + excluded.cache_read,"
				  " cache_creation = t.cache_creation + excluded.cache_creation,"
				  " est_cost_nano = t.est_cost_nano + excluded.est_cost_nano", NULL, err,
				  "store claude code model row")) < 0)
			return rc;
	}
	return AIU_OK;
}

int pg_anth_user_put(struct store *s, const struct anth_user *u, struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	pgp_reset(q->p);
	pt(q->p, u->id);
	pt(q->p, u->email);
	pt(q->p, u->name);
	pt(q->p, u->role);
	return pg_exec(q, "INSERT INTO anth_users(id, email, name, role) VALUES ($1, $2, $3, $4)"
		       " ON CONFLICT (id) DO UPDATE SET email = excluded.email, name = excluded.name,"
		       " role = excluded.role", NULL, err, "store user");
}

int pg_anth_workspace_put(struct store *s, const struct anth_workspace *w, struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	pgp_reset(q->p);
	pt(q->p, w->id);
	pt(q->p, w->name);
	pgp_i64(q->p, w->archived ? 1 : 0);
	return pg_exec(q, "INSERT INTO anth_workspaces(id, name, archived) VALUES ($1, $2, $3)"
		       " ON CONFLICT (id) DO UPDATE SET name = excluded.name,"
		       " archived = excluded.archived", NULL, err, "store workspace");
}

int pg_anth_key_put(struct store *s, const struct anth_key *k, struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	pgp_reset(q->p);
	pt(q->p, k->id);
	pt(q->p, k->name);
	pt(q->p, k->status);
	pt(q->p, k->workspace_id);
	pt(q->p, k->creator_id);
	pt(q->p, k->creator_type);
	pt(q->p, k->principal_user_id);
	return pg_exec(q, "INSERT INTO anth_api_keys(id, name, status, workspace_id, creator_id,"
		       " creator_type, principal_user_id) VALUES ($1, $2, $3, $4, $5, $6, $7)"
		       " ON CONFLICT (id) DO UPDATE SET name = excluded.name, status = excluded.status,"
		       " workspace_id = excluded.workspace_id, creator_id = excluded.creator_id,"
		       " creator_type = excluded.creator_type,"
		       " principal_user_id = excluded.principal_user_id", NULL, err, "store api key");
}

int pg_org_person_put(struct store *s, const struct org_person *p, struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	pgp_reset(q->p);
	pt(q->p, p->email);
	pt(q->p, p->name);
	pt(q->p, p->team);
	pt(q->p, p->source);
	return pg_exec(q, "INSERT INTO org_people AS t(email, name, team, source)"
		       " VALUES ($1, $2, $3, $4) ON CONFLICT (email) DO UPDATE SET"
		       " name = CASE WHEN excluded.name <> '' THEN excluded.name ELSE t.name END,"
		       " team = CASE WHEN excluded.team <> '' THEN excluded.team ELSE t.team END,"
		       " source = excluded.source", NULL, err, "store person");
}

int pg_org_key_map_clear(struct store *s, struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	pgp_reset(q->p);
	return pg_exec(q, "DELETE FROM org_key_map", NULL, err, "clear key map");
}

int pg_org_key_map_put(struct store *s, const char *key_name, const char *email,
		       struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	pgp_reset(q->p);
	pt(q->p, key_name);
	pt(q->p, email);
	return pg_exec(q, "INSERT INTO org_key_map(key_name, email) VALUES ($1, $2)"
		       " ON CONFLICT (key_name) DO UPDATE SET email = excluded.email", NULL, err,
		       "store key mapping");
}

/* --- reads ------------------------------------------------------------------- */

int pg_anth_usage_scan(struct store *s, int64_t from, int64_t to,
		       int (*cb)(void *ctx, const struct anth_usage_row *r), void *ctx,
		       struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	struct anth_usage_row o;
	PGresult *r;
	int rc;
	pgp_reset(q->p);
	pgp_i64(q->p, from);
	pgp_i64(q->p, to);
	if ((rc = pg_exec(q, "SELECT day, api_key_id, workspace_id, model, service_tier, context_window,"
		       " inference_geo, uncached_input, cache_read, cw5m, cw1h, output, web_search"
		       " FROM anth_usage WHERE day BETWEEN $1 AND $2 ORDER BY day, api_key_id" C ","
		       " workspace_id" C ", model" C ", service_tier" C ", context_window" C ","
		       " inference_geo" C, &r, err, "scan usage")) < 0)
		return rc;
	for (int i = 0, n = PQntuples(r); i < n && rc == 0; i++) {
		memset(&o, 0, sizeof(o));
		o.day = pg_i64(r, i, 0);
		pg_text(r, i, 1, o.api_key_id, sizeof(o.api_key_id));
		pg_text(r, i, 2, o.workspace_id, sizeof(o.workspace_id));
		pg_text(r, i, 3, o.model, sizeof(o.model));
		pg_text(r, i, 4, o.service_tier, sizeof(o.service_tier));
		pg_text(r, i, 5, o.context_window, sizeof(o.context_window));
		pg_text(r, i, 6, o.inference_geo, sizeof(o.inference_geo));
		o.uncached_input = pg_i64(r, i, 7);
		o.cache_read = pg_i64(r, i, 8);
		o.cw5m = pg_i64(r, i, 9);
		o.cw1h = pg_i64(r, i, 10);
		o.output = pg_i64(r, i, 11);
		o.web_search = pg_i64(r, i, 12);
		rc = cb(ctx, &o);
	}
	PQclear(r);
	return rc;
}

int pg_anth_cost_scan(struct store *s, int64_t from, int64_t to,
		      int (*cb)(void *ctx, const struct anth_cost_row *r), void *ctx,
		      struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	struct anth_cost_row o;
	PGresult *r;
	int rc;
	pgp_reset(q->p);
	pgp_i64(q->p, from);
	pgp_i64(q->p, to);
	if ((rc = pg_exec(q, "SELECT day, workspace_id, description, cost_type, token_type, model,"
		       " service_tier, context_window, inference_geo, currency, amount_nano"
		       " FROM anth_cost WHERE day BETWEEN $1 AND $2 ORDER BY day, workspace_id" C ","
		       " description" C ", cost_type" C ", token_type" C ", model" C ","
		       " service_tier" C ", context_window" C ", inference_geo" C, &r, err,
		       "scan cost")) < 0)
		return rc;
	for (int i = 0, n = PQntuples(r); i < n && rc == 0; i++) {
		memset(&o, 0, sizeof(o));
		o.day = pg_i64(r, i, 0);
		pg_text(r, i, 1, o.workspace_id, sizeof(o.workspace_id));
		pg_text(r, i, 2, o.description, sizeof(o.description));
		pg_text(r, i, 3, o.cost_type, sizeof(o.cost_type));
		pg_text(r, i, 4, o.token_type, sizeof(o.token_type));
		pg_text(r, i, 5, o.model, sizeof(o.model));
		pg_text(r, i, 6, o.service_tier, sizeof(o.service_tier));
		pg_text(r, i, 7, o.context_window, sizeof(o.context_window));
		pg_text(r, i, 8, o.inference_geo, sizeof(o.inference_geo));
		pg_text(r, i, 9, o.currency, sizeof(o.currency));
		o.amount_nano = pg_i64(r, i, 10);
		rc = cb(ctx, &o);
	}
	PQclear(r);
	return rc;
}

/* Fills the tool and model arrays of one record (children by key). */
static int cc_children(struct pg_store *q, struct anth_cc_rec *o, struct aiu_err *err)
{
	PGresult *r;
	int rc;
	cc_key(q->p, o);
	if ((rc = pg_exec(q, "SELECT tool, accepted, rejected FROM anth_cc_tools WHERE day = $1 AND"
		       " actor_type = $2 AND actor = $3 AND terminal_type = $4 AND is_remote = $5"
		       " ORDER BY tool" C, &r, err, "scan claude code tools")) < 0)
		return rc;
	for (int i = 0, n = PQntuples(r); i < n && o->ntools < ANTH_CC_MAX_TOOLS; i++) {
		pg_text(r, i, 0, o->tools[o->ntools].tool, sizeof(o->tools[0].tool));
		o->tools[o->ntools].accepted = pg_i64(r, i, 1);
		o->tools[o->ntools].rejected = pg_i64(r, i, 2);
		o->ntools++;
	}
	PQclear(r);
	cc_key(q->p, o);
	if ((rc = pg_exec(q, "SELECT model, input, output, cache_read, cache_creation, est_cost_nano"
		       " FROM anth_cc_models WHERE day = $1 AND actor_type = $2 AND actor = $3 AND"
		       " terminal_type = $4 AND is_remote = $5 ORDER BY model" C, &r, err,
		       "scan claude code models")) < 0)
		return rc;
	for (int i = 0, n = PQntuples(r); i < n && o->nmodels < ANTH_CC_MAX_MODELS; i++) {
		pg_text(r, i, 0, o->models[o->nmodels].model, sizeof(o->models[0].model));
		o->models[o->nmodels].input = pg_i64(r, i, 1);
		o->models[o->nmodels].output = pg_i64(r, i, 2);
		o->models[o->nmodels].cache_read = pg_i64(r, i, 3);
		o->models[o->nmodels].cache_creation = pg_i64(r, i, 4);
		o->models[o->nmodels].est_cost_nano = pg_i64(r, i, 5);
		o->nmodels++;
	}
	PQclear(r);
	return AIU_OK;
}

int pg_anth_cc_scan(struct store *s, int64_t from, int64_t to,
		    int (*cb)(void *ctx, const struct anth_cc_rec *r), void *ctx, struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	struct anth_cc_rec *o = NULL;
	PGresult *r = NULL;
	int rc;
	pgp_reset(q->p);
	pgp_i64(q->p, from);
	pgp_i64(q->p, to);
	if ((rc = pg_exec(q, "SELECT day, actor_type, actor, terminal_type, is_remote, customer_type,"
		       " subscription_type, sessions, lines_added, lines_removed, commits, prs"
		       " FROM anth_cc WHERE day BETWEEN $1 AND $2 ORDER BY day, actor" C ","
		       " actor_type" C ", terminal_type" C ", is_remote", &r, err,
		       "scan claude code rows")) < 0)
		goto out;
	if (!(o = malloc(sizeof(*o)))) {
		rc = aiu_errf(err, AIU_ENOMEM, "out of memory");
		goto out;
	}
	for (int i = 0, n = PQntuples(r); i < n && rc == 0; i++) {
		memset(o, 0, sizeof(*o));
		o->day = pg_i64(r, i, 0);
		pg_text(r, i, 1, o->actor_type, sizeof(o->actor_type));
		pg_text(r, i, 2, o->actor, sizeof(o->actor));
		pg_text(r, i, 3, o->terminal_type, sizeof(o->terminal_type));
		o->is_remote = pg_i64(r, i, 4) != 0;
		pg_text(r, i, 5, o->customer_type, sizeof(o->customer_type));
		pg_text(r, i, 6, o->subscription_type, sizeof(o->subscription_type));
		o->sessions = pg_i64(r, i, 7);
		o->lines_added = pg_i64(r, i, 8);
		o->lines_removed = pg_i64(r, i, 9);
		o->commits = pg_i64(r, i, 10);
		o->prs = pg_i64(r, i, 11);
		if ((rc = cc_children(q, o, err)) == 0)
			rc = cb(ctx, o);
	}
out:
	PQclear(r);
	free(o);
	return rc;
}

int pg_anth_user_scan(struct store *s, int (*cb)(void *ctx, const struct anth_user *u), void *ctx,
		      struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	struct anth_user u;
	PGresult *r;
	int rc;
	pgp_reset(q->p);
	if ((rc = pg_exec(q, "SELECT id, email, name, role FROM anth_users ORDER BY id" C, &r, err,
		       "scan users")) < 0)
		return rc;
	for (int i = 0, n = PQntuples(r); i < n && rc == 0; i++) {
		pg_text(r, i, 0, u.id, sizeof(u.id));
		pg_text(r, i, 1, u.email, sizeof(u.email));
		pg_text(r, i, 2, u.name, sizeof(u.name));
		pg_text(r, i, 3, u.role, sizeof(u.role));
		rc = cb(ctx, &u);
	}
	PQclear(r);
	return rc;
}

int pg_anth_workspace_scan(struct store *s, int (*cb)(void *ctx, const struct anth_workspace *w),
			   void *ctx, struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	struct anth_workspace w;
	PGresult *r;
	int rc;
	pgp_reset(q->p);
	if ((rc = pg_exec(q, "SELECT id, name, archived FROM anth_workspaces ORDER BY id" C, &r, err,
		       "scan workspaces")) < 0)
		return rc;
	for (int i = 0, n = PQntuples(r); i < n && rc == 0; i++) {
		pg_text(r, i, 0, w.id, sizeof(w.id));
		pg_text(r, i, 1, w.name, sizeof(w.name));
		w.archived = pg_i64(r, i, 2) != 0;
		rc = cb(ctx, &w);
	}
	PQclear(r);
	return rc;
}

int pg_anth_key_scan(struct store *s, int (*cb)(void *ctx, const struct anth_key *k), void *ctx,
		     struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	struct anth_key k;
	PGresult *r;
	int rc;
	pgp_reset(q->p);
	if ((rc = pg_exec(q, "SELECT id, name, status, workspace_id, creator_id, creator_type,"
		       " principal_user_id FROM anth_api_keys ORDER BY id" C, &r, err,
		       "scan api keys")) < 0)
		return rc;
	for (int i = 0, n = PQntuples(r); i < n && rc == 0; i++) {
		pg_text(r, i, 0, k.id, sizeof(k.id));
		pg_text(r, i, 1, k.name, sizeof(k.name));
		pg_text(r, i, 2, k.status, sizeof(k.status));
		pg_text(r, i, 3, k.workspace_id, sizeof(k.workspace_id));
		pg_text(r, i, 4, k.creator_id, sizeof(k.creator_id));
		pg_text(r, i, 5, k.creator_type, sizeof(k.creator_type));
		pg_text(r, i, 6, k.principal_user_id, sizeof(k.principal_user_id));
		rc = cb(ctx, &k);
	}
	PQclear(r);
	return rc;
}

int pg_org_person_scan(struct store *s, int (*cb)(void *ctx, const struct org_person *p),
		       void *ctx, struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	struct org_person o;
	PGresult *r;
	int rc;
	pgp_reset(q->p);
	if ((rc = pg_exec(q, "SELECT email, name, team, source FROM org_people ORDER BY email" C, &r,
		       err, "scan people")) < 0)
		return rc;
	for (int i = 0, n = PQntuples(r); i < n && rc == 0; i++) {
		pg_text(r, i, 0, o.email, sizeof(o.email));
		pg_text(r, i, 1, o.name, sizeof(o.name));
		pg_text(r, i, 2, o.team, sizeof(o.team));
		pg_text(r, i, 3, o.source, sizeof(o.source));
		rc = cb(ctx, &o);
	}
	PQclear(r);
	return rc;
}

int pg_org_key_map_scan(struct store *s, int (*cb)(void *ctx, const char *key_name, const char *email),
			void *ctx, struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	char k[ORG_NAME_MAX], e[ORG_EMAIL_MAX];
	PGresult *r;
	int rc;
	pgp_reset(q->p);
	if ((rc = pg_exec(q, "SELECT key_name, email FROM org_key_map ORDER BY key_name" C, &r, err,
		       "scan key map")) < 0)
		return rc;
	for (int i = 0, n = PQntuples(r); i < n && rc == 0; i++) {
		pg_text(r, i, 0, k, sizeof(k));
		pg_text(r, i, 1, e, sizeof(e));
		rc = cb(ctx, k, e);
	}
	PQclear(r);
	return rc;
}
