/* report_out.c - see report_out.h. */
#include "render/report_out.h"
#include "core/jsonw.h"
#include "core/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
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

static void json_head(struct jsonw *w, enum report_kind kind)
{
	jw_obj(w);
	jw_key(w, kind_key[kind]);
	jw_arr(w);
}

static void json_row(struct jsonw *w, enum report_kind kind, const struct report_row *row)
{
	char ts[32];
	jw_obj(w);
	jw_key(w, kind_field[kind]);
	jw_str(w, row->key);
	json_tokens(w, &row->a, true);
	jw_key(w, "totalCost");
	jw_nano(w, row->a.cost_nano);
	if (kind == REPORT_SESSION || kind == REPORT_PROJECTS || kind == REPORT_MODELS) {
		iso(row->first_ts, ts, sizeof(ts));
		jw_key(w, "firstActivity");
		jw_str(w, ts);
		iso(row->last_ts, ts, sizeof(ts));
		jw_key(w, "lastActivity");
		jw_str(w, ts);
	}
	if (kind == REPORT_SESSION) {
		jw_key(w, "projectPath");
		jw_str(w, row->project);
		jw_key(w, "durationSeconds");
		jw_int(w, (row->last_ts - row->first_ts) / 1000);
		jw_key(w, "userMessages");
		jw_int(w, row->user_msgs);
		jw_key(w, "assistantMessages");
		jw_int(w, row->a.n);
	}
	if (kind == REPORT_PROJECTS) {
		jw_key(w, "sessions");
		jw_int(w, row->sessions);
		jw_key(w, "userMessages");
		jw_int(w, row->user_msgs);
	}
	if (kind != REPORT_MODELS)
		json_models(w, row->models, row->nmodels);
	jw_end(w);
}

static void json_tail(struct jsonw *w, const struct report *r)
{
	jw_end(w);
	jw_key(w, "totals");
	jw_obj(w);
	json_tokens(w, &r->total, true);
	jw_key(w, "totalCost");
	jw_nano(w, r->total.cost_nano);
	jw_end(w);
	json_unpriced(w, r->unpriced, r->nunpriced);
	jw_key(w, "costIsEstimate");
	jw_bool(w, true);
	jw_end(w);
	buf_putc(w->b, '\n');
}

static int report_json(const struct report *r, struct buf *out)
{
	struct jsonw w;
	jw_init(&w, out, true);
	json_head(&w, r->kind);
	for (size_t i = 0; i < r->n; i++)
		json_row(&w, r->kind, &r->rows[i]);
	json_tail(&w, r);
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

/* The cells of one table line: cp[0] = key, cp[1] = models, the rest
 * point into cells (see row_cells and friends). */
struct line {
	char cells[NCOLS][48], key[200], models[400];
	const char *cp[NCOLS];
};

static void line_init(struct line *ln)
{
	for (size_t i = 0; i < NCOLS; i++)
		ln->cp[i] = ln->cells[i];
	ln->cp[0] = ln->key;
	ln->cp[1] = ln->models;
}

static void row_cells(struct line *ln, enum report_kind kind, const struct report_row *row, bool csv)
{
	snprintf(ln->key, sizeof(ln->key), "%s", row->key);
	if (kind == REPORT_SESSION && !csv && strlen(ln->key) > 8)
		ln->key[8] = '\0'; /* short id in tables; CSV keeps it whole */
	if (kind == REPORT_MODELS)
		fmt_int(ln->models, sizeof(ln->models), row->a.n);
	else
		models_cell(row->models, row->nmodels, ln->models, sizeof(ln->models));
	token_cells(ln->cells, &row->a);
}

static void breakdown_cells(struct line *ln, const struct model_agg *m)
{
	char sm[96];
	short_model(m->model, sm, sizeof(sm));
	snprintf(ln->key, sizeof(ln->key), "  - %s", sm);
	ln->models[0] = '\0';
	token_cells(ln->cells, &m->a);
}

static void total_cells(struct line *ln, enum report_kind kind, const struct usage_agg *total)
{
	snprintf(ln->key, sizeof(ln->key), "Total");
	ln->models[0] = '\0';
	if (kind == REPORT_MODELS)
		fmt_int(ln->models, sizeof(ln->models), total->n);
	token_cells(ln->cells, total);
}

static void table_cols(struct tcol *cols, enum report_kind kind)
{
	memcpy(cols, report_cols, sizeof(report_cols));
	cols[0].title = kind_col[kind];
	if (kind == REPORT_MODELS)
		cols[1].title = "Requests";
}

static void table_notes(const struct report *r, struct buf *out)
{
	buf_puts(out, "Costs are estimates from list prices (data/pricing.json).\n");
	for (size_t i = 0; i < r->nunpriced; i++)
		buf_printf(out, "warning: no price for model '%s': its tokens are counted but not costed (+?). Add it with --pricing FILE.\n",
			   r->unpriced[i]);
}

static int report_table(const struct report *r, const struct out_opts *o, struct buf *out, bool csv)
{
	struct tcol cols[NCOLS];
	struct table t;
	struct line ln;
	int rc = AIU_OK;

	table_cols(cols, r->kind);
	table_init(&t, cols, NCOLS);
	line_init(&ln);
	for (size_t i = 0; i < r->n && rc == AIU_OK; i++) {
		const struct report_row *row = &r->rows[i];
		row_cells(&ln, r->kind, row, csv);
		rc = table_add(&t, ln.cp, false);
		if (o->breakdown && r->kind != REPORT_MODELS) {
			for (size_t m = 0; m < row->nmodels && rc == AIU_OK; m++) {
				breakdown_cells(&ln, &row->models[m]);
				rc = table_add(&t, ln.cp, false);
			}
		}
	}
	if (rc == AIU_OK && !csv) {
		total_cells(&ln, r->kind, &r->total);
		rc = table_add(&t, ln.cp, true);
	}
	if (rc == AIU_OK) {
		struct table_style st = o->style;
		st.title = kind_title[r->kind];
		rc = csv ? table_render_csv(&t, out) : table_render(&t, &st, out);
	}
	if (rc == AIU_OK && !csv)
		table_notes(r, out);
	table_free(&t);
	return rc;
}

/* --- streamed output ---------------------------------------------------- */

#define STREAM_FLUSH ((size_t)64 << 10)   /* write out once this much is pending */
#define STREAM_BUF_MAX ((size_t)16 << 20) /* one row is a few KiB at most */

struct report_stream {
	enum report_kind kind;
	const struct out_opts *o;
	FILE *fp;
	struct buf b;             /* pending output */
	struct jsonw w;
	struct tcol cols[NCOLS];
	struct table_layout l;
	struct table_style st;
	struct line ln;
	bool measuring;           /* table, first pass: rows only size the columns */
	bool first;               /* no table row printed yet */
};

static int stream_flush(struct report_stream *rs, bool all)
{
	if (rs->b.failed)
		return AIU_ENOMEM;
	if (rs->b.len && (all || rs->b.len >= STREAM_FLUSH)) {
		if (fwrite(rs->b.p, 1, rs->b.len, rs->fp) != rs->b.len)
			return AIU_EIO;
		buf_reset(&rs->b);
	}
	if (all && fflush(rs->fp) != 0)
		return AIU_EIO;
	return AIU_OK;
}

struct report_stream *report_stream_new(enum report_kind kind, const struct out_opts *o, FILE *fp)
{
	struct report_stream *rs = calloc(1, sizeof(*rs));
	if (!rs)
		return NULL;
	rs->kind = kind;
	rs->o = o;
	rs->fp = fp;
	rs->first = true;
	buf_init(&rs->b, STREAM_BUF_MAX);
	line_init(&rs->ln);
	table_cols(rs->cols, kind);
	rs->st = o->style;
	rs->st.title = kind_title[kind];
	if (o->fmt == OUT_JSON) {
		jw_init(&rs->w, &rs->b, true);
		json_head(&rs->w, kind);
	} else if (o->fmt == OUT_CSV) {
		table_csv_head(rs->cols, NCOLS, &rs->b);
	} else {
		rs->measuring = true;
		if (table_layout_init(&rs->l, rs->cols, NCOLS) < 0) {
			report_stream_free(rs);
			return NULL;
		}
	}
	return rs;
}

bool report_stream_measuring(const struct report_stream *rs)
{
	return rs->measuring;
}

/* One table line: measured in the first pass, printed in the second. */
static void stream_line(struct report_stream *rs, bool rule_before)
{
	if (rs->o->fmt == OUT_CSV) {
		table_csv_row(rs->ln.cp, NCOLS, &rs->b);
	} else if (rs->measuring) {
		table_layout_measure(&rs->l, rs->ln.cp);
	} else {
		table_put_row(&rs->l, &rs->st, rs->ln.cp, rule_before, rs->first, &rs->b);
		rs->first = false;
	}
}

int report_stream_row(void *ctx, const struct report_row *row)
{
	struct report_stream *rs = ctx;
	if (rs->o->fmt == OUT_JSON) {
		json_row(&rs->w, rs->kind, row);
	} else {
		row_cells(&rs->ln, rs->kind, row, rs->o->fmt == OUT_CSV);
		stream_line(rs, false);
		if (rs->o->breakdown && rs->kind != REPORT_MODELS)
			for (size_t m = 0; m < row->nmodels; m++) {
				breakdown_cells(&rs->ln, &row->models[m]);
				stream_line(rs, false);
			}
	}
	return stream_flush(rs, false);
}

int report_stream_measured(struct report_stream *rs, const struct report *r)
{
	total_cells(&rs->ln, rs->kind, &r->total);
	table_layout_measure(&rs->l, rs->ln.cp);
	table_layout_fit(&rs->l, rs->st.width);
	rs->measuring = false;
	table_put_head(&rs->l, &rs->st, &rs->b);
	return stream_flush(rs, false);
}

int report_stream_end(struct report_stream *rs, const struct report *r)
{
	if (rs->o->fmt == OUT_JSON) {
		json_tail(&rs->w, r);
	} else if (rs->o->fmt == OUT_TABLE) {
		total_cells(&rs->ln, rs->kind, &r->total);
		stream_line(rs, true);
		table_put_foot(&rs->l, &rs->st, &rs->b);
		table_notes(r, &rs->b);
	}
	return stream_flush(rs, true);
}

void report_stream_free(struct report_stream *rs)
{
	if (!rs)
		return;
	buf_release(&rs->b);
	table_layout_free(&rs->l);
	free(rs);
}

int render_report(const struct report *r, const struct out_opts *o, struct buf *out)
{
	switch (o->fmt) {
	case OUT_JSON: return report_json(r, out);
	case OUT_CSV: return report_table(r, o, out, true);
	default: return report_table(r, o, out, false);
	}
}
