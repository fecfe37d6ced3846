/* blocks_out.c - renders 5-hour blocks and tool counts (see report_out.h). */
#include "render/report_out.h"
#include "core/jsonw.h"
#include "core/timeutil.h"

#include <stdio.h>
#include <string.h>

static int blocks_json(const struct block_report *r, struct buf *out)
{
	struct jsonw w;
	char ts[32];
	jw_init(&w, out, true);
	jw_obj(&w);
	jw_key(&w, "blocks");
	jw_arr(&w);
	for (size_t i = 0; i < r->n; i++) {
		const struct block *b = &r->v[i];
		jw_obj(&w);
		format_iso_ms(b->start_ms, ts, sizeof(ts));
		jw_key(&w, "id");
		if (b->is_gap) {
			char id[40];
			snprintf(id, sizeof(id), "gap-%s", ts);
			jw_str(&w, id);
		} else {
			jw_str(&w, ts);
		}
		jw_key(&w, "startTime");
		jw_str(&w, ts);
		format_iso_ms(b->end_ms, ts, sizeof(ts));
		jw_key(&w, "endTime");
		jw_str(&w, ts);
		jw_key(&w, "actualEndTime");
		if (b->is_gap) {
			jw_null(&w);
		} else {
			format_iso_ms(b->actual_end_ms, ts, sizeof(ts));
			jw_str(&w, ts);
		}
		jw_key(&w, "isActive");
		jw_bool(&w, b->is_active);
		jw_key(&w, "isGap");
		jw_bool(&w, b->is_gap);
		jw_key(&w, "entries");
		jw_int(&w, b->a.n);
		jw_key(&w, "tokenCounts");
		jw_obj(&w);
		jw_key(&w, "inputTokens");
		jw_int(&w, b->a.t.input);
		jw_key(&w, "outputTokens");
		jw_int(&w, b->a.t.output);
		jw_key(&w, "cacheCreationInputTokens");
		jw_int(&w, b->a.t.cw5m + b->a.t.cw1h);
		jw_key(&w, "cacheReadInputTokens");
		jw_int(&w, b->a.t.cache_read);
		jw_end(&w);
		jw_key(&w, "totalTokens");
		jw_int(&w, tokens_sum(&b->a.t));
		jw_key(&w, "costUSD");
		jw_nano(&w, b->a.cost_nano);
		jw_key(&w, "models");
		jw_arr(&w);
		for (size_t m = 0; m < b->nmodels; m++)
			jw_str(&w, b->models[m].model);
		jw_end(&w);
		jw_key(&w, "burnRate");
		if (b->is_active && b->burn_tokens_per_min > 0) {
			jw_obj(&w);
			jw_key(&w, "tokensPerMinute");
			jw_double(&w, b->burn_tokens_per_min, 2);
			jw_key(&w, "costPerHour");
			jw_double(&w, b->burn_cost_per_hour, 4);
			jw_end(&w);
		} else {
			jw_null(&w);
		}
		jw_key(&w, "projection");
		if (b->is_active && b->burn_tokens_per_min > 0) {
			jw_obj(&w);
			jw_key(&w, "totalTokens");
			jw_int(&w, b->proj_tokens);
			jw_key(&w, "totalCost");
			jw_nano(&w, b->proj_cost_nano);
			jw_key(&w, "remainingMinutes");
			jw_int(&w, b->remaining_min);
			jw_end(&w);
		} else {
			jw_null(&w);
		}
		jw_end(&w);
	}
	jw_end(&w);
	jw_key(&w, "unpricedModels");
	jw_arr(&w);
	for (size_t i = 0; i < r->nunpriced; i++)
		jw_str(&w, r->unpriced[i]);
	jw_end(&w);
	jw_key(&w, "costIsEstimate");
	jw_bool(&w, true);
	jw_end(&w);
	buf_putc(out, '\n');
	return jw_ok(&w) ? AIU_OK : AIU_ENOMEM;
}

static const struct tcol block_cols[] = {
	{ "Block Start", false, 0 }, { "Duration/Status", false, 2 }, { "Models", false, 3 },
	{ "Requests", true, 4 }, { "Tokens", true, 0 }, { "Cost (USD)", true, 0 },
};

/* Local time "2025-06-08 10:00" in the report's zone. */
static void local_ts(const struct tz *z, int64_t ms, char *out, size_t cap)
{
	int64_t local = tz_local_ms(z, ms);
	char iso[32];
	format_iso_ms(local, iso, sizeof(iso));
	snprintf(out, cap, "%.10s %.5s", iso, iso + 11);
}

static int blocks_table(const struct block_report *r, const struct out_opts *o,
			struct buf *out, bool csv)
{
	struct table t;
	char c0[40], c1[80], c2[300], c3[32], c4[32], c5[40];
	const char *cp[] = { c0, c1, c2, c3, c4, c5 };
	int rc = AIU_OK;

	table_init(&t, block_cols, 6);
	for (size_t i = 0; i < r->n && rc == AIU_OK; i++) {
		const struct block *b = &r->v[i];
		local_ts(o->tz, b->start_ms, c0, sizeof(c0));
		if (b->is_gap) {
			snprintf(c1, sizeof(c1), "gap (%lldh idle)",
				 (long long)((b->end_ms - b->start_ms) / 3600000));
			c2[0] = c3[0] = c4[0] = c5[0] = '\0';
		} else {
			if (b->is_active)
				snprintf(c1, sizeof(c1), "ACTIVE, %lldm left", (long long)b->remaining_min);
			else
				snprintf(c1, sizeof(c1), "%lldh %02lldm",
					 (long long)((b->actual_end_ms - b->first_ms) / 3600000),
					 (long long)((b->actual_end_ms - b->first_ms) / 60000 % 60));
			c2[0] = '\0';
			for (size_t m = 0; m < b->nmodels; m++) {
				size_t l = strlen(c2);
				snprintf(c2 + l, sizeof(c2) - l, "%s%s", m ? ", " : "", b->models[m].model);
			}
			fmt_int(c3, sizeof(c3), b->a.n);
			fmt_int(c4, sizeof(c4), tokens_sum(&b->a.t));
			fmt_usd(c5, sizeof(c5), b->a.cost_nano);
		}
		rc = table_add(&t, cp, false);
		if (rc == AIU_OK && b->is_active && !csv && b->burn_tokens_per_min > 0) {
			c0[0] = '\0';
			snprintf(c1, sizeof(c1), "burn %.0f tok/min", b->burn_tokens_per_min);
			snprintf(c2, sizeof(c2), "projected by block end");
			c3[0] = '\0';
			fmt_int(c4, sizeof(c4), b->proj_tokens);
			fmt_usd(c5, sizeof(c5), b->proj_cost_nano);
			rc = table_add(&t, cp, false);
		}
	}
	if (rc == AIU_OK) {
		struct table_style st = o->style;
		st.title = "Claude Code usage - 5-hour blocks";
		rc = csv ? table_render_csv(&t, out) : table_render(&t, &st, out);
	}
	table_free(&t);
	return rc;
}

int render_blocks(const struct block_report *r, const struct out_opts *o, struct buf *out)
{
	switch (o->fmt) {
	case OUT_JSON: return blocks_json(r, out);
	case OUT_CSV: return blocks_table(r, o, out, true);
	default: return blocks_table(r, o, out, false);
	}
}

static const struct tcol tool_cols[] = {
	{ "Tool", false, 0 }, { "Calls", true, 0 }, { "Share", true, 1 },
};

int render_tools(const struct tool_report *r, const struct out_opts *o, struct buf *out)
{
	struct table t;
	char c0[200], c1[32], c2[32];
	const char *cp[] = { c0, c1, c2 };
	int rc = AIU_OK;

	if (o->fmt == OUT_JSON) {
		struct jsonw w;
		jw_init(&w, out, true);
		jw_obj(&w);
		jw_key(&w, "tools");
		jw_arr(&w);
		for (size_t i = 0; i < r->n; i++) {
			jw_obj(&w);
			jw_key(&w, "tool");
			jw_str(&w, r->v[i].tool);
			jw_key(&w, "count");
			jw_int(&w, r->v[i].count);
			jw_key(&w, "percentage");
			jw_double(&w, r->v[i].pct, 1);
			jw_end(&w);
		}
		jw_end(&w);
		jw_key(&w, "totalCalls");
		jw_int(&w, r->total);
		jw_end(&w);
		buf_putc(out, '\n');
		return jw_ok(&w) ? AIU_OK : AIU_ENOMEM;
	}
	table_init(&t, tool_cols, 3);
	for (size_t i = 0; i < r->n && rc == AIU_OK; i++) {
		snprintf(c0, sizeof(c0), "%s", r->v[i].tool);
		fmt_int(c1, sizeof(c1), r->v[i].count);
		snprintf(c2, sizeof(c2), "%.1f%%", r->v[i].pct);
		rc = table_add(&t, cp, false);
	}
	if (rc == AIU_OK && o->fmt == OUT_TABLE) {
		snprintf(c0, sizeof(c0), "Total");
		fmt_int(c1, sizeof(c1), r->total);
		snprintf(c2, sizeof(c2), "100.0%%");
		rc = table_add(&t, cp, true);
	}
	if (rc == AIU_OK) {
		struct table_style st = o->style;
		st.title = "Claude Code tool calls";
		rc = o->fmt == OUT_CSV ? table_render_csv(&t, out) : table_render(&t, &st, out);
	}
	table_free(&t);
	return rc;
}
