/* test_org.c - the Anthropic page parser (exact cents, nulls, nested fields,
 * empty buckets, row vs page errors, Claude Code actors), the bill
 * allocation (exact integer split, remainder, weights), key resolution,
 * money formatting and the org store ops (day replacement, checkpoints). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/money.h"
#include "ingest/anthropic_json.h"
#include "query/identity.h"
#include "store/store.h"
#include "test_db.h"   /* runs on SQLite and again (pg_test_org) on PostgreSQL */

struct got {
	struct anth_usage_row u[8];
	struct anth_cost_row c[8];
	struct anth_cc_rec cc;
	int nu, nc, ncc, nbuckets, nerr;
	int64_t days[8];
	char err[8][640];
};

static int g_bucket(void *ctx, int64_t day)
{
	struct got *g = ctx;
	g->days[g->nbuckets++ & 7] = day;
	return 0;
}
static int g_usage(void *ctx, const struct anth_usage_row *u)
{
	struct got *g = ctx;
	g->u[g->nu++ & 7] = *u;
	return 0;
}
static int g_cost(void *ctx, const struct anth_cost_row *c)
{
	struct got *g = ctx;
	g->c[g->nc++ & 7] = *c;
	return 0;
}
static int g_cc(void *ctx, const struct anth_cc_rec *c)
{
	struct got *g = ctx;
	g->cc = *c;
	g->ncc++;
	return 0;
}
static int g_err(void *ctx, int64_t day, const char *msg)
{
	struct got *g = ctx;
	(void)day;
	snprintf(g->err[g->nerr++ & 7], sizeof(g->err[0]), "%s", msg);
	return 0;
}

static int parse(enum anth_kind k, const char *json, struct got *g, struct anth_page_info *info,
		 struct aiu_err *err)
{
	const struct anth_sink sink = { g, g_bucket, g_usage, g_cost, g_cc, NULL, NULL, NULL, g_err };
	memset(g, 0, sizeof(*g));
	return anth_parse_page(k, json, strlen(json), "cost_report", &sink, info, err);
}

static void t_cost_exact(void **state)
{
	struct got *g = malloc(sizeof(*g));
	struct anth_page_info info;
	struct aiu_err err;
	(void)state;
	assert_int_equal(parse(ANTH_COST,
		"{\"data\":[{\"starting_at\":\"2025-09-17T00:00:00Z\",\"ending_at\":\"2025-09-18T00:00:00Z\","
		"\"results\":[{\"currency\":\"USD\",\"amount\":\"83391.52823\",\"workspace_id\":null,"
		"\"description\":\"Claude Sonnet 4.5 Usage - Input Tokens\",\"cost_type\":\"tokens\","
		"\"model\":\"claude-sonnet-4-5\",\"token_type\":\"uncached_input_tokens\",\"service_tier\":\"standard\","
		"\"context_window\":\"0-200k\",\"inference_geo\":null,\"future_field\":{\"x\":1}},"
		"{\"currency\":\"USD\",\"amount\":\"123.45\",\"workspace_id\":\"wrkspc_1\",\"description\":\"Web Search\"},"
		"{\"currency\":\"EUR\",\"amount\":\"1\"},{\"currency\":\"USD\",\"amount\":12.5},"
		"{\"currency\":\"USD\",\"amount\":\"1.000000001\"}]},"
		"{\"starting_at\":\"2025-09-18T00:00:00Z\",\"ending_at\":\"2025-09-19T00:00:00Z\",\"results\":[]}],"
		"\"has_more\":true,\"next_page\":\"page_MjAyNQ==\"}", g, &info, &err), 0);
	assert_int_equal(g->nbuckets, 2); /* the empty day is a bucket too (it clears the day) */
	assert_int_equal(g->nc, 2);
	/* "83391.52823" cents = $833.9152823 = 833,915,282,300 nano-dollars, exactly */
	assert_int_equal(g->c[0].amount_nano, 833915282300LL);
	assert_string_equal(g->c[0].workspace_id, ""); /* null = the Default workspace */
	assert_string_equal(g->c[0].token_type, "uncached_input_tokens");
	assert_int_equal(g->c[1].amount_nano, 1234500000LL); /* $1.2345 */
	assert_int_equal(g->nerr, 3);
	assert_non_null(strstr(g->err[0], "cost_report: day 2025-09-17, data[0].results[2]: field 'currency': 'EUR'"));
	assert_non_null(strstr(g->err[1], "results[3]: field 'amount': expected a decimal string of cents"));
	assert_non_null(strstr(g->err[2], "results[4]: field 'amount': '1.000000001' is not a decimal amount"));
	assert_string_equal(info.next, "page_MjAyNQ==");
	assert_int_equal(info.first_day, 20348);
	assert_int_equal(info.last_day, 20349);
	free(g);
}

static void t_page_errors(void **state)
{
	struct got *g = malloc(sizeof(*g));
	struct anth_page_info info;
	struct aiu_err err;
	(void)state;
	assert_int_equal(parse(ANTH_COST, "{\"data\": [", g, &info, &err), AIU_EPARSE);
	assert_non_null(strstr(err.msg, "cost_report: response is not JSON"));
	assert_int_equal(parse(ANTH_COST, "{\"data\": {}}", g, &info, &err), AIU_EPARSE);
	assert_non_null(strstr(err.msg, "field 'data': expected an array"));
	assert_int_equal(parse(ANTH_COST, "{\"data\": [], \"has_more\": true, \"next_page\": null}", g, &info, &err),
			 AIU_EPARSE);
	assert_non_null(strstr(err.msg, "field 'next_page': has_more is true but the cursor is missing"));
	/* a bucket that is not at UTC midnight is a bucket error, the page goes on */
	assert_int_equal(parse(ANTH_USAGE,
		"{\"data\":[{\"starting_at\":\"2025-09-17T05:00:00Z\",\"results\":[]},"
		"{\"starting_at\":\"2025-09-18T00:00:00Z\",\"results\":[{\"model\":\"m\",\"uncached_input_tokens\":5,"
		"\"cache_creation\":{\"ephemeral_5m_input_tokens\":7,\"ephemeral_1h_input_tokens\":9},"
		"\"cache_read_input_tokens\":11,\"output_tokens\":13,\"server_tool_use\":{\"web_search_requests\":2},"
		"\"api_key_id\":null}, {\"model\":\"m\",\"output_tokens\":-1}]}],\"has_more\":false}",
		g, &info, &err), 0);
	assert_int_equal(g->nbuckets, 1);
	assert_int_equal(g->nu, 1);
	assert_int_equal(g->u[0].cw5m, 7);
	assert_int_equal(g->u[0].cw1h, 9);
	assert_int_equal(g->u[0].web_search, 2);
	assert_string_equal(g->u[0].api_key_id, "");
	assert_int_equal(g->nerr, 2);
	assert_non_null(strstr(g->err[0], "data[0]: field 'starting_at'"));
	assert_non_null(strstr(g->err[1], "results[1]: field 'output_tokens': expected a non-negative integer"));
	free(g);
}

static void t_claude_code(void **state)
{
	struct got *g = malloc(sizeof(*g));
	struct anth_page_info info;
	struct aiu_err err;
	(void)state;
	assert_int_equal(parse(ANTH_CC,
		"{\"data\":[{\"date\":\"2026-03-02T00:00:00Z\",\"actor\":{\"type\":\"user_actor\","
		"\"email_address\":\"Ana.Lopez@Corp.EXAMPLE\"},\"terminal_type\":\"vscode\",\"is_remote\":true,"
		"\"customer_type\":\"api\",\"subscription_type\":null,"
		"\"core_metrics\":{\"num_sessions\":3,\"lines_of_code\":{\"added\":10,\"removed\":4},"
		"\"commits_by_claude_code\":1,\"pull_requests_by_claude_code\":2},"
		"\"tool_actions\":{\"edit_tool\":{\"accepted\":5,\"rejected\":1},\"brand_new_tool\":{\"accepted\":2,\"rejected\":0}},"
		"\"model_breakdown\":[{\"model\":\"claude-sonnet-4-5\",\"tokens\":{\"input\":1,\"output\":2,\"cache_read\":3,"
		"\"cache_creation\":4},\"estimated_cost\":{\"currency\":\"USD\",\"amount\":186}},"
		"{\"model\":\"claude-opus-4-1\",\"estimated_cost\":{\"currency\":\"USD\",\"amount\":0.5}}]},"
		"{\"date\":\"2026-03-02T00:00:00Z\",\"actor\":{\"type\":\"robot\"}}],\"has_more\":false}",
		g, &info, &err), 0);
	assert_int_equal(g->ncc, 1);
	assert_string_equal(g->cc.actor, "ana.lopez@corp.example");
	assert_string_equal(g->cc.actor_type, "user");
	assert_true(g->cc.is_remote);
	assert_int_equal(g->cc.ntools, 2);
	assert_string_equal(g->cc.tools[1].tool, "brand_new_tool");
	assert_int_equal(g->cc.nmodels, 2);
	assert_int_equal(g->cc.models[0].est_cost_nano, 1860000000LL); /* 186 cents = $1.86 */
	assert_int_equal(g->cc.models[1].est_cost_nano, 5000000LL);    /* 0.5 cent */
	assert_int_equal(g->nerr, 1);
	assert_non_null(strstr(g->err[0], "unknown actor type 'robot'"));
	free(g);
}

struct alloc_got {
	int64_t by_key[4], unattributed;
};

static int take(void *ctx, const struct anth_usage_row *row, int64_t nano)
{
	struct alloc_got *a = ctx;
	if (!row)
		a->unattributed += nano;
	else
		a->by_key[row->api_key_id[0] - 'a'] += nano;
	return 0;
}

static void t_allocate(void **state)
{
	struct anth_usage_row u[3];
	struct anth_cost_row c[4];
	struct alloc_got a = { { 0 }, 0 };
	struct aiu_err err;
	(void)state;
	memset(u, 0, sizeof(u));
	memset(c, 0, sizeof(c));
	for (int i = 0; i < 3; i++) {
		u[i].day = 100;
		u[i].api_key_id[0] = (char)('a' + i);
		snprintf(u[i].model, sizeof(u[i].model), "claude-sonnet-4-5");
	}
	u[0].output = 1;
	u[1].output = 1;
	u[2].output = 1;   /* three equal shares of 10 nano: 3 + 3 + 4 (remainder to one row) */
	u[0].web_search = 1;
	u[2].uncached_input = 5;
	c[0].day = 100;
	snprintf(c[0].model, sizeof(c[0].model), "claude-sonnet-4-5");
	snprintf(c[0].token_type, sizeof(c[0].token_type), "output_tokens");
	c[0].amount_nano = 10;
	c[1].day = 100;
	snprintf(c[1].cost_type, sizeof(c[1].cost_type), "web_search");
	c[1].amount_nano = 700;  /* all to key a (the only web searches) */
	c[2].day = 100;
	snprintf(c[2].model, sizeof(c[2].model), "claude-opus-4-1");
	snprintf(c[2].token_type, sizeof(c[2].token_type), "output_tokens");
	c[2].amount_nano = 55;   /* no opus usage that day: unattributed */
	c[3].day = 101;
	snprintf(c[3].cost_type, sizeof(c[3].cost_type), "code_execution");
	c[3].amount_nano = 9;    /* no usage on day 101: unattributed */
	assert_int_equal(identity_allocate(c, 4, u, 3, NULL, take, &a, &err), 0);
	assert_int_equal(a.by_key[0] + a.by_key[1] + a.by_key[2] + a.unattributed, 10 + 700 + 55 + 9);
	assert_int_equal(a.by_key[0], 4 + 700);
	assert_int_equal(a.by_key[1], 3);
	assert_int_equal(a.by_key[2], 3);
	assert_int_equal(a.unattributed, 64);
}

static void t_money(void **state)
{
	char b[48];
	(void)state;
	money_format_usd(833915282300LL, b, sizeof(b));
	assert_string_equal(b, "$833.92");
	money_format_usd(123456789012345LL, b, sizeof(b));
	assert_string_equal(b, "$123,456.79");
	money_format_usd(-5000000, b, sizeof(b));
	assert_string_equal(b, "-$0.01");
	money_format_exact(1234500000LL, b, sizeof(b));
	assert_string_equal(b, "1.2345");
	money_format_exact(3, b, sizeof(b));
	assert_string_equal(b, "0.000000003");
}

static void t_store_ops(void **state)
{
	char v[32];
	struct tdb t;
	struct store *s;
	struct aiu_err err;
	struct anth_usage_row u;
	struct anth_key k;
	struct anth_user us;
	struct identity id;
	bool found;
	(void)state;
	assert_int_equal(tdb_create(&t), 0);
	assert_int_equal(store_open(t.uri, &s, &err), 0);
	memset(&u, 0, sizeof(u));
	u.day = 5;
	snprintf(u.model, sizeof(u.model), "m");
	u.output = 10;
	/* the same natural key twice within a day adds up; clearing the day replaces */
	assert_int_equal(store_begin(s, &err), 0);
	assert_int_equal(s->ops->anth_usage_put(s, &u, &err), 0);
	assert_int_equal(s->ops->anth_usage_put(s, &u, &err), 0);
	assert_int_equal(s->ops->org_checkpoint_put(s, "anthropic", "cost_report", "2026-01-05", &err), 0);
	assert_int_equal(store_commit(s, &err), 0);
	assert_int_equal(s->ops->org_checkpoint_get(s, "anthropic", "cost_report", v, sizeof(v), &found, &err), 0);
	assert_true(found);
	assert_string_equal(v, "2026-01-05");
	assert_int_equal(store_begin(s, &err), 0);
	assert_int_equal(s->ops->anth_day_clear(s, ANTH_T_USAGE, 5, &err), 0);
	assert_int_equal(s->ops->anth_usage_put(s, &u, &err), 0);
	assert_int_equal(store_commit(s, &err), 0);
	/* keys: people.csv beats the principal, which beats the creator */
	memset(&k, 0, sizeof(k));
	memset(&us, 0, sizeof(us));
	snprintf(us.id, sizeof(us.id), "user_1");
	snprintf(us.email, sizeof(us.email), "one@x.example");
	assert_int_equal(s->ops->anth_user_put(s, &us, &err), 0);
	snprintf(us.id, sizeof(us.id), "user_2");
	snprintf(us.email, sizeof(us.email), "two@x.example");
	assert_int_equal(s->ops->anth_user_put(s, &us, &err), 0);
	snprintf(k.id, sizeof(k.id), "apikey_1");
	snprintf(k.name, sizeof(k.name), "shared");
	snprintf(k.creator_id, sizeof(k.creator_id), "user_1");
	snprintf(k.creator_type, sizeof(k.creator_type), "user");
	assert_int_equal(s->ops->anth_key_put(s, &k, &err), 0);
	assert_int_equal(identity_load(&id, s, &err), 0);
	assert_string_equal(identity_key_owner(&id, "apikey_1"), "one@x.example");
	assert_null(identity_key_owner(&id, ""));
	identity_free(&id);
	snprintf(k.principal_user_id, sizeof(k.principal_user_id), "user_2");
	assert_int_equal(s->ops->anth_key_put(s, &k, &err), 0);
	assert_int_equal(identity_load(&id, s, &err), 0);
	assert_string_equal(identity_key_owner(&id, "apikey_1"), "two@x.example");
	identity_free(&id);
	assert_int_equal(s->ops->org_key_map_put(s, "shared", "three@x.example", &err), 0);
	assert_int_equal(identity_load(&id, s, &err), 0);
	assert_string_equal(identity_key_owner(&id, "apikey_1"), "three@x.example");
	assert_string_equal(identity_keyname_owner(&id, "shared"), "three@x.example");
	identity_free(&id);
	/* a key name shared by two keys is not guessed */
	assert_int_equal(s->ops->org_key_map_clear(s, &err), 0);
	snprintf(k.id, sizeof(k.id), "apikey_2");
	assert_int_equal(s->ops->anth_key_put(s, &k, &err), 0);
	assert_int_equal(identity_load(&id, s, &err), 0);
	assert_null(identity_keyname_owner(&id, "shared"));
	identity_free(&id);
	store_close(s);
	tdb_destroy(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_cost_exact),
		cmocka_unit_test(t_page_errors),
		cmocka_unit_test(t_claude_code),
		cmocka_unit_test(t_allocate),
		cmocka_unit_test(t_money),
		cmocka_unit_test(t_store_ops),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
