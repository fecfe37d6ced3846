/* org_report.h - the organisation view of the Anthropic data in the store:
 * the bill (cost_report) by workspace, model, month and cost type; API
 * tokens; Claude Code activity and its ESTIMATED cost (never added to the
 * bill); people and teams with the bill allocated to them (identity.h);
 * attribution coverage; the last pull runs.
 *
 * All money is integer nano-dollars. The bill is exact (the vendor's cent
 * strings); allocations to people are exact integer splits that sum to the
 * bill; Claude Code's estimated cost is an estimate and kept apart.
 */
#ifndef AIU_ORG_REPORT_H
#define AIU_ORG_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/pricing.h"
#include "store/store.h"

struct org_amount {
	char key[ORG_NAME_MAX];    /* workspace id, model, "YYYY-MM", cost type */
	char label[ORG_NAME_MAX];  /* display name */
	int64_t nano;
};

struct org_person_stat {
	char email[ORG_EMAIL_MAX];  /* "" for the unattributed bucket and for team rows */
	char name[ORG_NAME_MAX], team[ORG_NAME_MAX];
	int64_t bill_nano;          /* allocated share of the bill (exact split) */
	int64_t tokens;             /* API tokens (all types) on their keys */
	int64_t keys;               /* API keys resolved to them */
	int64_t people;             /* team rows: members */
	int64_t cc_records, cc_sessions, cc_lines_added, cc_lines_removed, cc_commits, cc_prs;
	int64_t cc_est_nano;        /* ESTIMATE from usage_report/claude_code */
	/* Cursor (store org_tool_day_scan): usage-event bill (the bill, not an
	 * estimate), days with isActive, accepted lines; seats: 1 when a Cursor
	 * member (not removed), team rows: members holding one. claude.ai:
	 * audit-log events and days with any. */
	int64_t cursor_bill_nano, cursor_active_days, cursor_accepted_lines, cursor_seats;
	int64_t cai_events, cai_active_days;
	int64_t last_cursor_day, last_cai_day; /* build only: active-day counting */
};

struct org_report {
	int64_t from_day, to_day;
	int64_t bill_nano;
	struct org_amount *by_ws, *by_model, *by_month, *by_type;
	size_t n_ws, n_model, n_month, n_type;
	int64_t uncached_input, output, cache_read, cw5m, cw1h, web_search;
	int64_t cc_records, cc_remote_records, cc_sessions, cc_lines_added, cc_lines_removed;
	int64_t cc_commits, cc_prs, cc_tool_accepted, cc_tool_rejected, cc_est_nano;
	struct org_person_stat *people, *teams;
	size_t n_people, n_teams;
	struct org_person_stat unattributed;
	int64_t bill_attributed_nano, tokens_total, tokens_attributed;
	int64_t cc_records_attributed;
	struct org_run runs[10];
	size_t n_runs;
};

/* Builds the report for days [from, to] (UTC day numbers). pricing is used
 * only to weight token types when a cost line has no token type (see
 * docs/ORG.md). Caller frees with org_report_free(). */
int org_report_build(struct store *s, const struct pricing *pr, int64_t from, int64_t to,
		     struct org_report *out, struct aiu_err *err);
void org_report_free(struct org_report *r);

/* Adds amount to the entry `key` of a growable org_amount array. */
int org_amount_add(struct org_amount **v, size_t *n, const char *key, const char *label,
		   int64_t nano);

#endif
