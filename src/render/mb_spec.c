/* mb_spec.c - the cards and dashboards of `aiusage metabase provision`.
 * Cards query only the reporting views (migration 6, docs/VIEWS.md). The
 * bill (is_estimate = 0) and estimates (is_estimate = 1) are never summed
 * together: cards either filter on one or show them as separate columns. */
#include "render/mb_spec.h"

#include <string.h>

/* Optional filters: Metabase drops a [[...]] clause when its tag is unset. */
#define F_DATE " [[AND day >= {{start_date}}]] [[AND day <= {{end_date}}]]"
#define F_WHO " [[AND person = {{person}}]] [[AND team = {{team}}]]"
#define F_ALL F_DATE F_WHO
#define USD(x) "ROUND(SUM(" x ") / 1e9, 2)"

const struct mb_tag mb_tags[] = {
	{ "start_date", "From", "date", "date/single", "date", NULL },
	{ "end_date", "To", "date", "date/single", "date", NULL },
	{ "person", "Person (email)", "text", "string/=", "string", NULL },
	{ "team", "Team", "text", "string/=", "string", NULL },
	{ "budget_usd", "Budget (USD)", "number", "number/=", "number", "10000" },
};
const size_t mb_ntags = sizeof(mb_tags) / sizeof(mb_tags[0]);

const struct mb_card mb_cards[] = {
	/* AI spend */
	{ "spend_total", "Billed spend (USD)", "scalar",
	  "Exact: Anthropic cost report plus Cursor spend.",
	  "SELECT COALESCE(" USD("cost_nano") ", 0) AS billed_usd FROM v_daily_cost"
	  " WHERE is_estimate = 0" F_ALL, NULL, NULL },
	{ "spend_estimate", "Estimated usage value (USD, estimate)", "scalar",
	  "ESTIMATE: Claude Code and Cursor token costs; not part of the bill.",
	  "SELECT COALESCE(" USD("cost_nano") ", 0) AS estimated_usd FROM v_daily_cost"
	  " WHERE is_estimate = 1" F_ALL, NULL, NULL },
	{ "spend_trend", "Billed spend per day", "line",
	  "Exact amounts; Cursor spend is dated the day it was observed.",
	  "SELECT day, tool, " USD("cost_nano") " AS usd FROM v_daily_cost"
	  " WHERE is_estimate = 0" F_ALL " GROUP BY day, tool ORDER BY day, tool",
	  "day,tool", "usd" },
	{ "spend_by_tool", "Billed spend by tool", "pie", "Exact.",
	  "SELECT tool, " USD("cost_nano") " AS usd FROM v_daily_cost"
	  " WHERE is_estimate = 0" F_ALL " GROUP BY tool ORDER BY usd DESC",
	  "tool", "usd" },
	{ "spend_by_model", "Spend by model (bill and estimate apart)", "bar",
	  "cost_kind 'bill' is exact, 'estimate' is not; never add them.",
	  "SELECT CASE WHEN model = '' THEN '(not itemised)' ELSE model END AS model, cost_kind,"
	  " " USD("cost_nano") " AS usd FROM v_daily_cost WHERE 1 = 1" F_ALL
	  " GROUP BY 1, cost_kind ORDER BY usd DESC",
	  "model,cost_kind", "usd" },
	{ "spend_by_team", "Spend by team (bill and estimate apart)", "bar",
	  "Only spend tied to a person has a team; the Anthropic bill is per workspace.",
	  "SELECT CASE WHEN team = '' THEN '(no team)' ELSE team END AS team, cost_kind,"
	  " " USD("cost_nano") " AS usd FROM v_daily_cost WHERE person <> ''" F_ALL
	  " GROUP BY 1, cost_kind ORDER BY usd DESC",
	  "team,cost_kind", "usd" },
	{ "top_spenders", "Top spenders", "table",
	  "Billed (exact) and estimated columns are separate.",
	  "SELECT person, team,"
	  " ROUND(SUM(CASE WHEN is_estimate = 0 THEN cost_nano ELSE 0 END) / 1e9, 2) AS billed_usd,"
	  " ROUND(SUM(CASE WHEN is_estimate = 1 THEN cost_nano ELSE 0 END) / 1e9, 2) AS estimated_usd"
	  " FROM v_daily_cost WHERE person <> ''" F_ALL
	  " GROUP BY person, team ORDER BY billed_usd DESC, estimated_usd DESC LIMIT 15",
	  NULL, NULL },
	{ "budget", "Budget", "table", "Billed spend in the chosen window against the budget.",
	  "SELECT {{budget_usd}} AS budget_usd,"
	  " COALESCE(" USD("cost_nano") ", 0) AS billed_usd,"
	  " {{budget_usd}} - COALESCE(" USD("cost_nano") ", 0) AS remaining_usd"
	  " FROM v_daily_cost WHERE is_estimate = 0" F_ALL, NULL, NULL },
	/* Engineering productivity */
	{ "lines_by_tool", "Lines added with AI per day", "bar",
	  "Claude Code: lines added (Admin API); Cursor: accepted lines added.",
	  "SELECT day, tool, SUM(lines) AS lines FROM ("
	  "SELECT day, 'claude_code' AS tool, lines_added AS lines FROM v_claude_code_org_daily"
	  " WHERE 1 = 1" F_ALL
	  " UNION ALL SELECT day, 'cursor', accepted_lines_added FROM v_cursor_daily_activity"
	  " WHERE 1 = 1" F_ALL ") x GROUP BY day, tool ORDER BY day, tool",
	  "day,tool", "lines" },
	{ "accept_rates", "Accept rates (%)", "bar",
	  "Claude Code edit tools, Cursor applies and Cursor tab completions.",
	  "SELECT kind, ROUND(100.0 * SUM(acc) / NULLIF(SUM(acc + rej), 0), 1) AS accept_rate_pct FROM ("
	  "SELECT 'claude_code edits' AS kind, edits_accepted AS acc, edits_rejected AS rej"
	  " FROM v_claude_code_org_daily WHERE 1 = 1" F_ALL
	  " UNION ALL SELECT 'cursor applies', accepts, rejects FROM v_cursor_daily_activity"
	  " WHERE 1 = 1" F_ALL
	  " UNION ALL SELECT 'cursor tabs', tabs_accepted, tabs_shown - tabs_accepted"
	  " FROM v_cursor_daily_activity WHERE 1 = 1" F_ALL ") x GROUP BY kind ORDER BY kind",
	  "kind", "accept_rate_pct" },
	{ "ai_share_commits", "AI share of committed lines (%)", "line",
	  "Cursor AI Code Tracking: tab + composer lines over all lines added.",
	  "SELECT day, ROUND(100.0 * SUM(ai_lines_added) / NULLIF(SUM(lines_added), 0), 1) AS ai_share_pct,"
	  " SUM(commits) AS commits FROM v_ai_share_of_commits WHERE 1 = 1" F_ALL
	  " GROUP BY day ORDER BY day", "day", "ai_share_pct" },
	{ "cc_vs_cursor", "Claude Code vs Cursor per person", "table",
	  "Lines added with each tool (Claude Code Admin API, Cursor accepted lines).",
	  "SELECT person, team, SUM(cc_lines) AS claude_code_lines, SUM(cursor_lines) AS cursor_lines,"
	  " SUM(cc_sessions) AS claude_code_sessions, SUM(cursor_days) AS cursor_active_days FROM ("
	  "SELECT person, team, lines_added AS cc_lines, 0 AS cursor_lines, sessions AS cc_sessions,"
	  " 0 AS cursor_days FROM v_claude_code_org_daily WHERE person <> ''" F_ALL
	  " UNION ALL SELECT person, team, 0, accepted_lines_added, 0, active"
	  " FROM v_cursor_daily_activity WHERE 1 = 1" F_ALL
	  ") x GROUP BY person, team ORDER BY SUM(cc_lines) + SUM(cursor_lines) DESC", NULL, NULL },
	/* Claude Code usage (local transcripts) */
	{ "cc_requests", "Claude Code requests", "scalar", "Local transcripts, deduplicated.",
	  "SELECT COALESCE(SUM(requests), 0) AS requests FROM v_claude_code_daily WHERE 1 = 1" F_DATE,
	  NULL, NULL },
	{ "cc_tokens", "Claude Code tokens", "scalar", "All token types.",
	  "SELECT COALESCE(SUM(total_tokens), 0) AS tokens FROM v_claude_code_daily WHERE 1 = 1" F_DATE,
	  NULL, NULL },
	{ "cc_tokens_daily", "Claude Code tokens per day by model", "area", "UTC days.",
	  "SELECT day, model, SUM(total_tokens) AS tokens FROM v_claude_code_daily WHERE 1 = 1" F_DATE
	  " GROUP BY day, model ORDER BY day, model", "day,model", "tokens" },
	{ "cc_by_project", "Claude Code tokens by project", "pie", "",
	  "SELECT project, SUM(total_tokens) AS tokens FROM v_claude_code_daily WHERE 1 = 1" F_DATE
	  " GROUP BY project ORDER BY tokens DESC", "project", "tokens" },
	{ "cc_sessions", "Largest Claude Code sessions", "table", "",
	  "SELECT session, project, started_at, duration_s, prompts, requests, total_tokens"
	  " FROM v_claude_code_sessions WHERE 1 = 1" F_DATE
	  " ORDER BY total_tokens DESC LIMIT 50", NULL, NULL },
	/* claude.ai activity */
	{ "cai_people", "claude.ai active people", "scalar", "From the audit-log exports.",
	  "SELECT COUNT(DISTINCT person) AS people FROM v_claude_ai_activity WHERE 1 = 1" F_ALL,
	  NULL, NULL },
	{ "cai_daily", "claude.ai events per day", "bar", "",
	  "SELECT day, event, SUM(events) AS events FROM v_claude_ai_activity WHERE 1 = 1" F_ALL
	  " GROUP BY day, event ORDER BY day, event", "day,event", "events" },
	{ "cai_platform", "claude.ai events by platform", "pie", "",
	  "SELECT CASE WHEN client_platform = '' THEN '(unknown)' ELSE client_platform END AS platform,"
	  " SUM(events) AS events FROM v_claude_ai_activity WHERE 1 = 1" F_ALL
	  " GROUP BY 1 ORDER BY events DESC", "platform", "events" },
	{ "cai_people_table", "claude.ai activity per person", "table", "",
	  "SELECT person, team, SUM(events) AS events, COUNT(DISTINCT day) AS active_days"
	  " FROM v_claude_ai_activity WHERE 1 = 1" F_ALL
	  " GROUP BY person, team ORDER BY events DESC", NULL, NULL },
};
const size_t mb_ncards = sizeof(mb_cards) / sizeof(mb_cards[0]);

static const char *const d_spend[] = { "spend_total", "spend_estimate", "spend_trend", "spend_by_tool",
				       "spend_by_model", "spend_by_team", "top_spenders", "budget", NULL };
static const char *const d_prod[] = { "lines_by_tool", "accept_rates", "ai_share_commits",
				      "cc_vs_cursor", NULL };
static const char *const d_cc[] = { "cc_requests", "cc_tokens", "cc_tokens_daily", "cc_by_project",
				    "cc_sessions", NULL };
static const char *const d_cai[] = { "cai_people", "cai_daily", "cai_platform", "cai_people_table", NULL };

const struct mb_dashboard mb_dashboards[] = {
	{ "dash_spend", "AI spend", "Bill and estimates from the aiusage store.", d_spend },
	{ "dash_productivity", "Engineering productivity", "Claude Code and Cursor output.", d_prod },
	{ "dash_claude_code", "Claude Code usage", "Local Claude Code transcripts.", d_cc },
	{ "dash_claude_ai", "claude.ai activity", "claude.ai audit-log exports.", d_cai },
};
const size_t mb_ndashboards = sizeof(mb_dashboards) / sizeof(mb_dashboards[0]);

const struct mb_card *mb_card_find(const char *key)
{
	for (size_t i = 0; i < mb_ncards; i++)
		if (strcmp(mb_cards[i].key, key) == 0)
			return &mb_cards[i];
	return NULL;
}

const struct mb_tag *mb_tag_find(const char *name, size_t n)
{
	for (size_t i = 0; i < mb_ntags; i++)
		if (strlen(mb_tags[i].name) == n && strncmp(mb_tags[i].name, name, n) == 0)
			return &mb_tags[i];
	return NULL;
}

void mb_card_size(const struct mb_card *c, int *size_x, int *size_y)
{
	if (strcmp(c->display, "scalar") == 0) {
		*size_x = 6;
		*size_y = 3;
	} else if (strcmp(c->display, "table") == 0) {
		*size_x = MB_GRID_COLS;
		*size_y = 7;
	} else {
		*size_x = 12;
		*size_y = 6;
	}
}
