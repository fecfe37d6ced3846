/* demo_org.c - see demo_org.h. */
#include "demo/demo_org.h"
#include "core/strutil.h"
#include "core/timeutil.h"

#include <stdio.h>
#include <string.h>

/* people: email, name, team, Anthropic user id ("" = not an org user),
 * Claude Code user (1 = uses Claude Code under their email) */
static const struct {
	const char *email, *name, *team, *user_id;
	int cc;
} people[] = {
	{ "ana.lopez@demo.example", "Ana Lopez", "Platform", "user_demo_ana", 1 },
	{ "bo.chen@demo.example", "Bo Chen", "Platform", "user_demo_bo", 1 },
	{ "carla.diaz@demo.example", "Carla Diaz", "Platform", "user_demo_carla", 1 },
	{ "dev.patel@demo.example", "Dev Patel", "Core", "user_demo_dev", 1 },
	{ "emma.stone@demo.example", "Emma Stone", "Core", "user_demo_emma", 1 },
	{ "farid.ali@demo.example", "Farid Ali", "Core", "user_demo_farid", 0 },
	{ "grace.kim@demo.example", "Grace Kim", "Research", "user_demo_grace", 1 },
	{ "hugo.martin@demo.example", "Hugo Martin", "Research", "user_demo_hugo", 1 },
	{ "ines.o'neil@demo.example", "Ines O'Neil", "Research", "user_demo_ines", 0 },
	{ "jon.berg@demo.example", "Jon Berg", "Core", "", 1 },
	{ "kim.ross@demo.example", "Kim Ross", "Platform", "user_demo_kim", 0 },
	{ "lea.wu@demo.example", "Lea Wu", "Research", "", 1 },
};
#define NPEOPLE (sizeof(people) / sizeof(people[0]))

static const struct { const char *id, *name; } workspaces[] = {
	{ "wrkspc_demo_platform", "Platform" },
	{ "wrkspc_demo_research", "Research" },
};

/* keys: id, name, workspace ("" = Default), creator user id ("" = service
 * account), person mapped by people.csv ("" = none) */
static const struct { const char *id, *name, *ws, *creator, *mapped; } keys[] = {
	{ "apikey_demo_ana", "ana-laptop", "wrkspc_demo_platform", "user_demo_ana", "" },
	{ "apikey_demo_bo", "bo-dev", "wrkspc_demo_platform", "user_demo_bo", "" },
	{ "apikey_demo_dev", "dev-backend", "", "user_demo_dev", "" },
	{ "apikey_demo_emma", "emma-notebooks", "", "user_demo_emma", "" },
	{ "apikey_demo_grace", "grace-evals", "wrkspc_demo_research", "user_demo_grace", "" },
	{ "apikey_demo_hugo", "hugo-agents", "wrkspc_demo_research", "user_demo_hugo", "" },
	{ "apikey_demo_jon", "jon-scripts", "wrkspc_demo_platform", "", "jon.berg@demo.example" },
	{ "apikey_demo_ci", "ci-pipeline", "wrkspc_demo_platform", "", "" },
	{ "apikey_demo_batch", "research-batch", "wrkspc_demo_research", "", "" },
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

/* demo list prices, nano-dollars per token (exact integers) */
static const struct { const char *model; int64_t in, out, cr, c5, c1; const char *label; } models[] = {
	{ "claude-sonnet-4-5", 3000, 15000, 300, 3750, 6000, "Claude Sonnet 4.5" },
	{ "claude-haiku-4-5", 1000, 5000, 100, 1250, 2000, "Claude Haiku 4.5" },
	{ "claude-opus-4-1", 15000, 75000, 1500, 18750, 30000, "Claude Opus 4.1" },
};
#define NMODELS (sizeof(models) / sizeof(models[0]))

static const char *const tools[] = { "edit_tool", "multi_edit_tool", "write_tool", "notebook_edit_tool" };

static uint64_t rnd(uint64_t *st) /* splitmix64 */
{
	uint64_t z = (*st += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static int64_t upto(uint64_t *st, int64_t n)
{
	return n > 0 ? (int64_t)(rnd(st) % (uint64_t)n) : 0;
}

static int put_directory(struct store *s, struct aiu_err *err)
{
	int rc = AIU_OK;
	for (size_t i = 0; i < NPEOPLE && rc == AIU_OK; i++) {
		struct org_person p;
		memset(&p, 0, sizeof(p));
		str_copy(p.email, people[i].email, sizeof(p.email));
		str_copy(p.name, people[i].name, sizeof(p.name));
		str_copy(p.team, people[i].team, sizeof(p.team));
		str_copy(p.source, "demo", sizeof(p.source));
		rc = s->ops->org_person_put(s, &p, err);
		if (rc == AIU_OK && people[i].user_id[0]) {
			struct anth_user u;
			memset(&u, 0, sizeof(u));
			str_copy(u.id, people[i].user_id, sizeof(u.id));
			str_copy(u.email, people[i].email, sizeof(u.email));
			str_copy(u.name, people[i].name, sizeof(u.name));
			str_copy(u.role, "developer", sizeof(u.role));
			rc = s->ops->anth_user_put(s, &u, err);
		}
	}
	for (size_t i = 0; i < sizeof(workspaces) / sizeof(workspaces[0]) && rc == AIU_OK; i++) {
		struct anth_workspace w;
		memset(&w, 0, sizeof(w));
		str_copy(w.id, workspaces[i].id, sizeof(w.id));
		str_copy(w.name, workspaces[i].name, sizeof(w.name));
		rc = s->ops->anth_workspace_put(s, &w, err);
	}
	if (rc == AIU_OK)
		rc = s->ops->org_key_map_clear(s, err);
	for (size_t i = 0; i < NKEYS && rc == AIU_OK; i++) {
		struct anth_key k;
		memset(&k, 0, sizeof(k));
		str_copy(k.id, keys[i].id, sizeof(k.id));
		str_copy(k.name, keys[i].name, sizeof(k.name));
		str_copy(k.status, "active", sizeof(k.status));
		str_copy(k.workspace_id, keys[i].ws, sizeof(k.workspace_id));
		str_copy(k.creator_id, keys[i].creator[0] ? keys[i].creator : "sa_demo_ci",
			 sizeof(k.creator_id));
		str_copy(k.creator_type, keys[i].creator[0] ? "user" : "service_account",
			 sizeof(k.creator_type));
		rc = s->ops->anth_key_put(s, &k, err);
		if (rc == AIU_OK && keys[i].mapped[0])
			rc = s->ops->org_key_map_put(s, keys[i].name, keys[i].mapped, err);
	}
	return rc;
}

/* One token line of the cost report. */
static int put_cost(struct store *s, int64_t day, const char *ws, size_t m, const char *tt,
		    const char *label, int64_t nano, struct demo_org_stats *st, struct aiu_err *err)
{
	struct anth_cost_row c;
	if (!nano)
		return AIU_OK;
	memset(&c, 0, sizeof(c));
	c.day = day;
	str_copy(c.workspace_id, ws, sizeof(c.workspace_id));
	snprintf(c.description, sizeof(c.description), "%s Usage - %s", models[m].label, label);
	str_copy(c.cost_type, "tokens", sizeof(c.cost_type));
	str_copy(c.token_type, tt, sizeof(c.token_type));
	str_copy(c.model, models[m].model, sizeof(c.model));
	str_copy(c.service_tier, "standard", sizeof(c.service_tier));
	str_copy(c.context_window, "0-200k", sizeof(c.context_window));
	str_copy(c.currency, "USD", sizeof(c.currency));
	c.amount_nano = nano;
	st->cost_rows++;
	st->bill_nano += nano;
	return s->ops->anth_cost_put(s, &c, err);
}

/* usage + cost of one day: per (workspace, model) the cost lines are the
 * usage tokens at the demo prices, so the bill allocates back exactly. */
static int fill_usage(struct store *s, int64_t day, uint64_t *r, bool weekend,
		      struct demo_org_stats *st, struct aiu_err *err)
{
	int64_t tot[3][NMODELS][5];
	const char *wsid[3] = { "", workspaces[0].id, workspaces[1].id };
	int rc;
	memset(tot, 0, sizeof(tot));
	for (size_t k = 0; k <= NKEYS; k++) { /* k == NKEYS: Workbench (no key) */
		const char *ws = k < NKEYS ? keys[k].ws : "";
		int wi = !ws[0] ? 0 : strcmp(ws, workspaces[0].id) == 0 ? 1 : 2;
		for (size_t m = 0; m < NMODELS; m++) {
			struct anth_usage_row u;
			if (upto(r, 100) < (weekend ? 75 : 35) || (m == 2 && upto(r, 3)))
				continue;
			memset(&u, 0, sizeof(u));
			u.day = day;
			str_copy(u.api_key_id, k < NKEYS ? keys[k].id : "", sizeof(u.api_key_id));
			str_copy(u.workspace_id, ws, sizeof(u.workspace_id));
			str_copy(u.model, models[m].model, sizeof(u.model));
			str_copy(u.service_tier, "standard", sizeof(u.service_tier));
			str_copy(u.context_window, "0-200k", sizeof(u.context_window));
			u.uncached_input = 2000 + upto(r, 150000);
			u.output = 500 + upto(r, 40000);
			u.cache_read = upto(r, 700000);
			u.cw5m = upto(r, 25000);
			u.cw1h = upto(r, 4000);
			if ((rc = s->ops->anth_usage_put(s, &u, err)) < 0)
				return rc;
			st->usage_rows++;
			tot[wi][m][0] += u.uncached_input;
			tot[wi][m][1] += u.output;
			tot[wi][m][2] += u.cache_read;
			tot[wi][m][3] += u.cw5m;
			tot[wi][m][4] += u.cw1h;
		}
	}
	for (int w = 0; w < 3; w++)
		for (size_t m = 0; m < NMODELS; m++)
			if ((rc = put_cost(s, day, wsid[w], m, "uncached_input_tokens", "Input Tokens",
					   tot[w][m][0] * models[m].in, st, err)) < 0 ||
			    (rc = put_cost(s, day, wsid[w], m, "output_tokens", "Output Tokens",
					   tot[w][m][1] * models[m].out, st, err)) < 0 ||
			    (rc = put_cost(s, day, wsid[w], m, "cache_read_input_tokens",
					   "Input Tokens, Cache Hit", tot[w][m][2] * models[m].cr, st, err)) < 0 ||
			    (rc = put_cost(s, day, wsid[w], m, "cache_creation.ephemeral_5m_input_tokens",
					   "Input Tokens, Cache Write 5m", tot[w][m][3] * models[m].c5, st,
					   err)) < 0 ||
			    (rc = put_cost(s, day, wsid[w], m, "cache_creation.ephemeral_1h_input_tokens",
					   "Input Tokens, Cache Write 1h", tot[w][m][4] * models[m].c1, st,
					   err)) < 0)
				return rc;
	return AIU_OK;
}

static int fill_cc(struct store *s, int64_t day, uint64_t *r, bool weekend,
		   struct demo_org_stats *st, struct aiu_err *err)
{
	int rc;
	for (size_t i = 0; i <= NPEOPLE; i++) { /* i == NPEOPLE: the CI key's agent */
		struct anth_cc_rec c;
		if (i < NPEOPLE && !people[i].cc)
			continue;
		if (upto(r, 100) < (weekend ? 85 : 25))
			continue;
		memset(&c, 0, sizeof(c));
		c.day = day;
		str_copy(c.actor_type, i < NPEOPLE ? "user" : "api", sizeof(c.actor_type));
		str_copy(c.actor, i < NPEOPLE ? people[i].email : "ci-pipeline", sizeof(c.actor));
		str_copy(c.terminal_type, upto(r, 2) ? "vscode" : "iTerm.app", sizeof(c.terminal_type));
		str_copy(c.customer_type, "api", sizeof(c.customer_type));
		c.sessions = 1 + upto(r, 7);
		c.lines_added = upto(r, 2500);
		c.lines_removed = upto(r, 700);
		c.commits = upto(r, 6);
		c.prs = upto(r, 3);
		c.ntools = sizeof(tools) / sizeof(tools[0]);
		for (size_t t = 0; t < c.ntools; t++) {
			str_copy(c.tools[t].tool, tools[t], sizeof(c.tools[t].tool));
			c.tools[t].accepted = upto(r, 40);
			c.tools[t].rejected = upto(r, 5);
		}
		c.nmodels = 2;
		for (size_t m = 0; m < 2; m++) {
			str_copy(c.models[m].model, models[m].model, sizeof(c.models[m].model));
			c.models[m].input = upto(r, 90000);
			c.models[m].output = upto(r, 9000);
			c.models[m].cache_read = upto(r, 500000);
			c.models[m].cache_creation = upto(r, 20000);
			c.models[m].est_cost_nano = upto(r, 90000) * (NANO_PER_CENT / 100);
		}
		if ((rc = s->ops->anth_cc_put(s, &c, err)) < 0)
			return rc;
		st->cc_records++;
	}
	return AIU_OK;
}

int demo_org_fill(struct store *s, int64_t today, int days, uint64_t seed,
		  struct demo_org_stats *st, struct aiu_err *err)
{
	struct org_run run;
	int rc;

	memset(st, 0, sizeof(*st));
	memset(&run, 0, sizeof(run));
	str_copy(run.source, "anthropic", sizeof(run.source));
	run.started_ms = now_ms();
	run.from_day = today - days + 1;
	run.to_day = today;
	if ((rc = store_begin(s, err)) < 0 || (rc = s->ops->org_run_start(s, &run, err)) < 0 ||
	    (rc = put_directory(s, err)) < 0 || (rc = store_commit(s, err)) < 0)
		goto out;
	st->people = NPEOPLE;
	for (int64_t day = today - days + 1; day <= today; day++) {
		uint64_t r = seed ^ ((uint64_t)day * 0x2545F4914F6CDD1DULL);
		int wd = weekday_from_days(day);
		bool weekend = wd == 0 || wd == 6;
		if ((rc = store_begin(s, err)) < 0 ||
		    (rc = s->ops->anth_day_clear(s, ANTH_T_USAGE, day, err)) < 0 ||
		    (rc = s->ops->anth_day_clear(s, ANTH_T_COST, day, err)) < 0 ||
		    (rc = s->ops->anth_day_clear(s, ANTH_T_CC, day, err)) < 0 ||
		    (rc = fill_usage(s, day, &r, weekend, st, err)) < 0 ||
		    (rc = fill_cc(s, day, &r, weekend, st, err)) < 0 || (rc = store_commit(s, err)) < 0)
			goto out;
	}
	run.finished_ms = now_ms();
	run.rows = st->usage_rows + st->cost_rows + st->cc_records;
	str_copy(run.status, "ok", sizeof(run.status));
	if ((rc = store_begin(s, err)) < 0 || (rc = s->ops->org_run_finish(s, &run, err)) < 0 ||
	    (rc = store_commit(s, err)) < 0)
		goto out;
	rc = demo_org_tools_fill(s, today, days, seed, &st->tools, err);
out:
	if (rc < 0)
		store_rollback(s);
	return rc;
}
