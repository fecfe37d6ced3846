/* report.h - usage reports built from the rollups into plain result structs.
 *
 * Nothing here prints: renderers in src/render/ turn these structs into a
 * terminal table, CSV or JSON. Costs are exact nano-dollars computed from
 * token sums per (model, variant) with the price table, so a price change
 * (or --pricing) is reflected without re-ingesting anything. Figures for
 * models with no known price are flagged, never shown as a silent $0.
 */
#ifndef AIU_REPORT_H
#define AIU_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/pricing.h"
#include "core/tz.h"
#include "store/store.h"

enum report_kind {
	REPORT_DAILY, REPORT_WEEKLY, REPORT_MONTHLY, REPORT_SESSION,
	REPORT_PROJECTS, REPORT_MODELS,
};

struct report_opts {
	const struct tz *tz;
	int64_t since_day, until_day;  /* local days, inclusive; INT64_MIN/MAX = open */
	const char *project;           /* filter: full path, basename or folder name */
	bool desc;                     /* order */
	int week_start;                /* 0 = Sunday ... 6 = Saturday */
};

struct usage_agg {
	int64_t n;          /* requests */
	struct tokens t;
	int64_t cost_nano;
	bool unpriced;      /* some tokens had no known price */
};

struct model_agg {
	int64_t model_id;
	const char *model;  /* owned by the store's dictionary cache */
	struct usage_agg a;
};

struct report_row {
	char key[160];      /* date, week start, month, session id, project, model */
	const char *project;/* project path (session rows) */
	int64_t first_ts, last_ts;
	int64_t sessions, user_msgs;
	struct usage_agg a;
	struct model_agg *models;  /* owned */
	size_t nmodels;
};

struct report {
	enum report_kind kind;
	struct report_row *rows;   /* owned */
	size_t n;
	struct usage_agg total;
	const char **unpriced;     /* model names with no price; array owned */
	size_t nunpriced;
	bool estimated;            /* all costs are estimates from list prices */
};

int report_build(struct store *s, const struct pricing *p, enum report_kind kind,
		 const struct report_opts *o, struct report *out, struct aiu_err *err);
void report_free(struct report *r);

/* The session report, streamed (query/report_stream.c): the same rows, in
 * the same order and with the same figures as report_build(REPORT_SESSION),
 * handed to row() one at a time (the row and its models are valid during
 * the call); row() returns 0 to go on, non-zero to stop (returned). out
 * gets the kind, totals and unpriced models, with no rows (report_free
 * it). Memory does not grow with the number of sessions when the store
 * has session_report_scan; otherwise the report is built in memory first. */
int report_session_stream(struct store *s, const struct pricing *p, const struct report_opts *o,
			  int (*row)(void *ctx, const struct report_row *r), void *ctx,
			  struct report *out, struct aiu_err *err);

int64_t tokens_sum(const struct tokens *t);   /* input+output+cache write+cache read */

/* 5-hour billing blocks (ccusage-compatible semantics). */
struct block {
	int64_t start_ms, end_ms, actual_end_ms; /* actual_end = last request */
	int64_t first_ms;          /* first request */
	bool is_gap, is_active;
	struct usage_agg a;
	struct model_agg *models;  /* owned */
	size_t nmodels;
	/* active block only */
	double burn_tokens_per_min, burn_cost_per_hour;
	int64_t proj_tokens, proj_cost_nano, remaining_min;
};

struct block_report {
	struct block *v;
	size_t n;
	const char **unpriced;
	size_t nunpriced;
	int64_t token_limit;       /* 0 = none */
};

struct block_opts {
	const struct tz *tz;
	int64_t since_day, until_day;
	const char *project;
	int64_t session_ms;        /* block length, default 5 h */
	int64_t now_ms;
	bool active_only, recent;  /* --active, --recent (last 3 days) */
	bool desc;
};

int report_blocks(struct store *s, const struct pricing *p, const struct block_opts *o,
		  struct block_report *out, struct aiu_err *err);
void block_report_free(struct block_report *r);

struct tool_row {
	const char *tool;
	int64_t count;
	double pct;
};

struct tool_report {
	struct tool_row *v;
	size_t n;
	int64_t total;
};

int report_tools(struct store *s, const struct report_opts *o, struct tool_report *out,
		 struct aiu_err *err);
void tool_report_free(struct tool_report *r);

#endif
