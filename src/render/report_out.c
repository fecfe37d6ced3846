/* report_out.c - see report_out.h. */
#include "render/report_out.h"
#include "core/jsonw.h"
#include "core/timeutil.h"

#include <stdio.h>
#include <string.h>

static const char *const kind_key[] = {
	[REPORT_DAILY] = "daily", [REPORT_WEEKLY] = "weekly", [REPORT_MONTHLY] = "monthly",
	[REPORT_SESSION] = "sessions", [REPORT_PROJECTS] = "projects", [REPORT_MODELS] = "models",
};
static const char *const kind_field[] = {
	[REPORT_DAILY] = "date", [REPORT_WEEKLY] = "week", [REPORT_MONTHLY] = "month",
	[REPORT_SESSION] = "sessionId", [REPORT_PROJECTS] = "project", [REPORT_MODELS] = "model",
};
static const char *const kind_title[] = {
	[REPORT_DAILY] = "Claude Code usage - daily", [REPORT_WEEKLY] = "Claude Code usage - weekly",
	[REPORT_MONTHLY] = "Claude Code usage - monthly", [REPORT_SESSION] = "Claude Code usage - by session",
	[REPORT_PROJECTS] = "Claude Code usage - by project", [REPORT_MODELS] = "Claude Code usage - by model",
};
static const char *const kind_col[] = {
	[REPORT_DAILY] = "Date", [REPORT_WEEKLY] = "Week", [REPORT_MONTHLY] = "Month",
	[REPORT_SESSION] = "Session", [REPORT_PROJECTS] = "Project", [REPORT_MODELS] = "Model",
};

static int64_t cw(const struct tokens *t) { return t->cw5m + t->cw1h; }

/* ccusage's token fields, plus ours. */
static void json_tokens(struct jsonw *w, const struct usage_agg *a, bool total_tokens)
{
	jw_key(w, "inputTokens");
	jw_int(w, a->t.input);
	jw_key(w, "outputTokens");
	jw_int(w, a->t.output);
	jw_key(w, "cacheCreationTokens");
	jw_int(w, cw(&a->t));
	jw_key(w, "cacheReadTokens");
	jw_int(w, a->t.cache_read);
	if (total_tokens) {
		jw_key(w, "totalTokens");
		jw_int(w, tokens_sum(&a->t));
	}
	jw_key(w, "cacheCreation5mTokens");
	jw_int(w, a->t.cw5m);
	jw_key(w, "cacheCreation1hTokens");
	jw_int(w, a->t.cw1h);
	jw_key(w, "webSearchRequests");
	jw_int(w, a->t.web_search);
	jw_key(w, "requests");
	jw_int(w, a->n);
}

static void json_models(struct jsonw *w, const struct model_agg *m, size_t n)
{
	jw_key(w, "modelsUsed");
	jw_arr(w);
	for (size_t i = 0; i < n; i++)
		jw_str(w, m[i].model);
	jw_end(w);
	jw_key(w, "modelBreakdowns");
	jw_arr(w);
	for (size_t i = 0; i < n; i++) {
		jw_obj(w);
		jw_key(w, "modelName");
		jw_str(w, m[i].model);
		json_tokens(w, &m[i].a, false);
		jw_key(w, "cost");
		jw_nano(w, m[i].a.cost_nano);
		jw_key(w, "unpriced");
		jw_bool(w, m[i].a.unpriced);
		jw_end(w);
	}
	jw_end(w);
}

static void json_unpriced(struct jsonw *w, const char *const *u, size_t n)
{
	jw_key(w, "unpricedModels");
	jw_arr(w);
	for (size_t i = 0; i < n; i++)
		jw_str(w, u[i]);
	jw_end(w);
}

static void iso(int64_t ms, char *out, size_t cap)
{
	format_iso_ms(ms, out, cap);
}

static int report_json(const struct report *r, struct buf *out)
{
	struct jsonw w;
	char ts[32];
	jw_init(&w, out, true);
	jw_obj(&w);
	jw_key(&w, kind_key[r->kind]);
	jw_arr(&w);
	for (size_t i = 0; i < r->n; i++) {
		const struct report_row *row = &r->rows[i];
		jw_obj(&w);
		jw_key(&w, kind_field[r->kind]);
		jw_str(&w, row->key);
		json_tokens(&w, &row->a, true);
		jw_key(&w, "totalCost");
		jw_nano(&w, row->a.cost_nano);
		if (r->kind == REPORT_SESSION || r->kind == REPORT_PROJECTS || r->kind == REPORT_MODELS) {
			iso(row->first_ts, ts, sizeof(ts));
			jw_key(&w, "firstActivity");
			jw_str(&w, ts);
			iso(row->last_ts, ts, sizeof(ts));
			jw_key(&w, "lastActivity");
			jw_str(&w, ts);
		}
		if (r->kind == REPORT_SESSION) {
			jw_key(&w, "projectPath");
			jw_str(&w, row->project);
			jw_key(&w, "durationSeconds");
			jw_int(&w, (row->last_ts - row->first_ts) / 1000);
			jw_key(&w, "userMessages");
			jw_int(&w, row->user_msgs);
			jw_key(&w, "assistantMessages");
			jw_int(&w, row->a.n);
		}
		if (r->kind == REPORT_PROJECTS) {
			jw_key(&w, "sessions");
			jw_int(&w, row->sessions);
			jw_key(&w, "userMessages");
			jw_int(&w, row->user_msgs);
		}
		if (r->kind != REPORT_MODELS)
			json_models(&w, row->models, row->nmodels);
		jw_end(&w);
	}
	jw_end(&w);
	jw_key(&w, "totals");
	jw_obj(&w);
	json_tokens(&w, &r->total, true);
	jw_key(&w, "totalCost");
	jw_nano(&w, r->total.cost_nano);
	jw_end(&w);
	json_unpriced(&w, r->unpriced, r->nunpriced);
	jw_key(&w, "costIsEstimate");
	jw_bool(&w, true);
	jw_end(&w);
	buf_putc(out, '\n');
	return jw_ok(&w) ? AIU_OK : AIU_ENOMEM;
}

/* Short display name: claude-sonnet-4-5-20250929 -> sonnet-4-5 */
static void short_model(const char *m, char *out, size_t cap)
{
	size_t n;
	if (strncmp(m, "claude-", 7) == 0)
		m += 7;
	snprintf(out, cap, "%s", m);
	n = strlen(out);
	if (n > 9 && out[n - 9] == '-' && strspn(out + n - 8, "0123456789") == 8)
		out[n - 9] = '\0';
}

static void models_cell(const struct model_agg *m, size_t n, char *out, size_t cap)
{
	size_t o = 0;
	out[0] = '\0';
	for (size_t i = 0; i < n && o + 1 < cap; i++) {
		char s[96];
		short_model(m[i].model, s, sizeof(s));
		o += (size_t)snprintf(out + o, cap - o, "%s%s%s", i ? ", " : "", s,
				      m[i].a.unpriced ? "(?)" : "");
		if (o >= cap)
			o = cap - 1;
	}
}

static const struct tcol report_cols[] = {
	{ NULL, false, 0 },
	{ "Models", false, 3 },
	{ "Input", true, 4 },
	{ "Output", true, 0 },
	{ "Cache Create", true, 5 },
	{ "Cache Read", true, 6 },
	{ "Total Tokens", true, 2 },
	{ "Cost (USD)", true, 0 },
};
#define NCOLS (sizeof(report_cols) / sizeof(report_cols[0]))

static void token_cells(char cells[][48], const struct usage_agg *a)
{
	fmt_int(cells[2], 48, a->t.input);
	fmt_int(cells[3], 48, a->t.output);
	fmt_int(cells[4], 48, cw(&a->t));
	fmt_int(cells[5], 48, a->t.cache_read);
	fmt_int(cells[6], 48, tokens_sum(&a->t));
	fmt_usd(cells[7], 48, a->cost_nano);
	if (a->unpriced)
		strncat(cells[7], " +?", 47 - strlen(cells[7]));
}

static int report_table(const struct report *r, const struct out_opts *o, struct buf *out, bool csv)
{
	struct tcol cols[NCOLS];
	struct table t;
	char cells[NCOLS][48], key[200], models[400];
	const char *cp[NCOLS];
	int rc = AIU_OK;

	memcpy(cols, report_cols, sizeof(cols));
	cols[0].title = kind_col[r->kind];
	if (r->kind == REPORT_MODELS)
		cols[1].title = "Requests";
	table_init(&t, cols, NCOLS);
	for (size_t i = 0; i < NCOLS; i++)
		cp[i] = cells[i];
	cp[0] = key;
	cp[1] = models;
	for (size_t i = 0; i < r->n && rc == AIU_OK; i++) {
		const struct report_row *row = &r->rows[i];
		snprintf(key, sizeof(key), "%s", row->key);
		if (r->kind == REPORT_SESSION && !csv && strlen(key) > 8)
			key[8] = '\0'; /* short id in tables; CSV keeps it whole */
		if (r->kind == REPORT_MODELS)
			fmt_int(models, sizeof(models), row->a.n);
		else
			models_cell(row->models, row->nmodels, models, sizeof(models));
		token_cells(cells, &row->a);
		rc = table_add(&t, cp, false);
		if (o->breakdown && r->kind != REPORT_MODELS) {
			for (size_t m = 0; m < row->nmodels && rc == AIU_OK; m++) {
				char sm[96];
				short_model(row->models[m].model, sm, sizeof(sm));
				snprintf(key, sizeof(key), "  - %s", sm);
				models[0] = '\0';
				token_cells(cells, &row->models[m].a);
				rc = table_add(&t, cp, false);
			}
		}
	}
	if (rc == AIU_OK && !csv) {
		snprintf(key, sizeof(key), "Total");
		models[0] = '\0';
		if (r->kind == REPORT_MODELS)
			fmt_int(models, sizeof(models), r->total.n);
		token_cells(cells, &r->total);
		rc = table_add(&t, cp, true);
	}
	if (rc == AIU_OK) {
		struct table_style st = o->style;
		st.title = kind_title[r->kind];
		rc = csv ? table_render_csv(&t, out) : table_render(&t, &st, out);
	}
	if (rc == AIU_OK && !csv) {
		buf_puts(out, "Costs are estimates from list prices (data/pricing.json).\n");
		for (size_t i = 0; i < r->nunpriced; i++)
			buf_printf(out, "warning: no price for model '%s': its tokens are counted but not costed (+?). Add it with --pricing FILE.\n",
				   r->unpriced[i]);
	}
	table_free(&t);
	return rc;
}

int render_report(const struct report *r, const struct out_opts *o, struct buf *out)
{
	switch (o->fmt) {
	case OUT_JSON: return report_json(r, out);
	case OUT_CSV: return report_table(r, o, out, true);
	default: return report_table(r, o, out, false);
	}
}
