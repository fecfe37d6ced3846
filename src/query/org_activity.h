/* org_activity.h - the day-level organisation figures behind /api/org/
 * (docs/ORG_API.md) that org_report.h does not keep: who was active on
 * which day with which tool (adoption), Claude Code productivity per day
 * and per tool action, the days each bill table covers (freshness gaps),
 * seat holders, Claude Code's ESTIMATED cost by model, and one person's
 * daily figures from every source (their share of the Anthropic bill per
 * day, exact split as in identity.h; Claude Code; Cursor; claude.ai).
 *
 * Tools: "claude_api" (messages usage attributed to a person through its
 * key) and "claude_code" (usage_report/claude_code records: user actors,
 * api actors resolved through identity.c). Unresolved actors are never
 * counted as active people.
 *
 * Ownership: org_activity_build fills *out; the caller frees it with
 * org_activity_free. Plain structs, no store handles kept.
 */
#ifndef AIU_ORG_ACTIVITY_H
#define AIU_ORG_ACTIVITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/pricing.h"
#include "store/store.h"

#define ORG_TOOL_API "claude_api"
#define ORG_TOOL_CC "claude_code"
#define ORG_TOOL_CURSOR "cursor"
#define ORG_TOOL_CLAUDE_AI "claude_ai"

/* One distinct (day, tool, person). */
struct org_active {
	int64_t day;
	const char *tool;            /* ORG_TOOL_* (static) */
	char email[ORG_EMAIL_MAX];
};

/* Claude Code productivity of one day (team-filtered). */
struct org_prod_day {
	int64_t day;
	int64_t sessions, lines_added, lines_removed, commits, prs, accepted, rejected;
};

struct org_tool_action {
	char tool[64];
	int64_t accepted, rejected;
};

struct org_est_model {
	char model[ORG_ID_MAX];
	int64_t est_nano;            /* ESTIMATE (Claude Code estimated_cost) */
};

/* Cursor productivity and AI share of committed lines (team-filtered). */
struct org_cursor_totals {
	bool any;                    /* the store holds Cursor daily rows in the window */
	int64_t lines_added, accepted_lines_added, tabs_shown, tabs_accepted;
	bool any_commits;
	int64_t commit_lines, commit_ai_lines;
};

/* A seat holder of a tool (Cursor members, claude.ai users seen). */
struct org_seat {
	const char *tool;            /* ORG_TOOL_* (static) */
	char email[ORG_EMAIL_MAX];
};

/* One day of one person (org_activity_build with person != NULL), every
 * source. A has_* flag is set when that source holds a row for the person
 * that day (its figures are then measured, else absent: not zero-filled).
 * The sums over the days equal the person's totals (org_report.h). */
struct org_person_day {
	int64_t day;
	bool has_anthropic;          /* usage_report/messages, cost share or claude_code rows */
	int64_t bill_nano, tokens;   /* Anthropic: share of the bill (exact), API tokens */
	bool has_cc;                 /* usage_report/claude_code records */
	int64_t cc_sessions, cc_lines_added, cc_commits;
	int64_t cc_est_nano;         /* ESTIMATE (Claude Code estimated_cost) */
	bool has_cursor;             /* daily usage, usage events or commits */
	bool cursor_active;          /* the daily-usage row has isActive */
	int64_t cursor_bill_nano;    /* usage events: the bill (same rule as the totals) */
	int64_t cursor_accepted_lines, cursor_lines_added;
	bool has_cai;                /* claude.ai audit-log events */
	int64_t cai_events;
};

struct org_activity {
	struct org_active *act;      /* sorted by day, tool, email; unique */
	size_t n_act;
	struct org_prod_day *prod;   /* sorted by day */
	size_t n_prod;
	struct org_tool_action *tools; /* sorted by accepted desc */
	size_t n_tools;
	struct org_est_model *est;   /* sorted by estimate desc */
	size_t n_est;
	struct org_bill_day { int64_t day, nano; } *bill_days; /* days with cost_report
	                              rows and their bill, sorted */
	size_t n_bill_days;
	int64_t first_usage_day, last_usage_day; /* any Anthropic table; -1 when none */
	char (*seats)[ORG_EMAIL_MAX];/* Anthropic org users (case-folded), sorted */
	size_t n_seats;
	struct org_person_day *pdays;/* person != NULL: that person's days, sorted */
	size_t n_pdays;
	/* Cursor and claude.ai (store org_tool_day_scan) */
	struct org_cursor_totals cursor;
	struct org_bill_day *cursor_bill_days; /* Cursor usage-event bill per day, sorted */
	size_t n_cursor_bill_days;
	struct org_seat *tool_seats; /* Cursor members (not removed) and claude.ai users in
	                                the window, sorted by tool, email */
	size_t n_tool_seats;
	bool any_claude_ai;
	/* Days (sorted, unique) with any Cursor row / any claude.ai event,
	 * all people (freshness: last data day and gaps per source). */
	int64_t *cursor_days, *cai_days;
	size_t n_cursor_days, n_cai_days;
};

/* Builds the figures of days [from, to]. team: restrict people-level
 * figures (active people, productivity) to a team ("(no team)" = people
 * without one), NULL = all. person: also fill pdays for that case-folded
 * email (NULL = skip). */
int org_activity_build(struct store *s, const struct pricing *pr, int64_t from, int64_t to,
		       const char *team, const char *person, struct org_activity *out,
		       struct aiu_err *err);
void org_activity_free(struct org_activity *a);

/* ISO week start (Monday) of a day number. */
int64_t org_week_start(int64_t day);

#endif
