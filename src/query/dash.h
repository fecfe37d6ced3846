/* dash.h - the dashboard's analytics (GET /api/analytics/...) as plain
 * structs, built from the rollups and the sessions table through the store
 * ops, with costs from query_util (the same code as the terminal reports,
 * so the figures are equal on the same store).
 *
 * Range semantics (docs/API.md):
 *   - usage (tokens, requests, cost, models, tools, days, projects) counts
 *     the 15-minute rollup buckets whose start lies in [from_ms, to_ms]:
 *     exact for date-only bounds (a local day is a whole number of
 *     buckets in every zone in use); a date-time bound is applied at
 *     15-minute resolution.
 *   - sessions are in range when their start (first_ts) is.
 * Nothing is allocated per request beyond these result arrays.
 */
#ifndef AIU_DASH_H
#define AIU_DASH_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "core/pricing.h"
#include "core/tz.h"
#include "query/report.h"
#include "store/store.h"

struct dash_filter {
	const struct tz *tz;
	int64_t from_ms, to_ms;    /* inclusive; INT64_MIN / INT64_MAX = open */
	const char *project;       /* NULL = all projects */
};

struct dash_session {
	int64_t id;
	char uuid[128];
	const char *project;       /* store dictionary string */
	int64_t first_ts, last_ts;
	int64_t prompts;           /* deduplicated user prompts */
	struct usage_agg a;        /* requests, tokens, cost (all models) */
	struct model_agg *models;  /* owned; by cost desc (no <synthetic>) */
	size_t nmodels;
	const char *top_model;     /* most requests; NULL when none */
};

struct dash_day {
	int64_t day;               /* local day number in the filter's zone */
	struct usage_agg a;
	int64_t sessions;          /* sessions that started that day */
	int64_t dur_sum_ms;        /* their total duration */
};

struct dash_project {
	int64_t id;
	const char *name;          /* store dictionary string */
	struct usage_agg a;
	int64_t sessions, prompts, last_ts;
};

struct dash_model {
	int64_t id;
	const char *name;
	struct usage_agg a;
};

enum {
	DASH_DAYS = 1u << 0,       /* days[] */
	DASH_PROJECTS = 1u << 1,   /* projects[] */
	DASH_TOOLS = 1u << 2,      /* tools */
	DASH_SESSIONS = 1u << 3,   /* sessions[] with their usage */
};

struct dash {
	struct usage_agg total;    /* rollups in range */
	int64_t first_ts, last_ts; /* first / last request in range (0 = none) */
	struct dash_model *models; /* owned; by requests desc, then name */
	size_t nmodels;
	struct dash_day *days;     /* owned; newest first */
	size_t ndays;
	struct dash_project *projects; /* owned; by cost desc */
	size_t nprojects;
	struct tool_report tools;  /* owned */
	/* sessions starting in range */
	struct dash_session *sessions; /* owned (DASH_SESSIONS only) */
	size_t nsessions;
	int64_t session_count, session_dur_ms, prompts;
	const char **unpriced;     /* model names without a price; array owned */
	size_t nunpriced;
};

int dash_build(struct store *s, const struct pricing *p, const struct dash_filter *f,
	       unsigned what, struct dash *out, struct aiu_err *err);
void dash_free(struct dash *d);

enum dash_sort { DS_START, DS_END, DS_DURATION, DS_COST, DS_TOKENS, DS_MESSAGES };
void dash_sort_sessions(struct dash *d, enum dash_sort by, bool desc);

/* One session by uuid (usage from rollup_session). *found=false if none.
 * out->models owned by the caller (dash_session_release). */
int dash_session_get(struct store *s, const struct pricing *p, const char *uuid,
		     struct dash_session *out, bool *found, const char ***unpriced,
		     size_t *nunpriced, struct aiu_err *err);
void dash_session_release(struct dash_session *ds);

#endif
