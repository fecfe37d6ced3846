/* org.h - row types of the organisation sources (Anthropic Admin API today;
 * people and key mappings for identity), shared by ingest, store and query.
 *
 * Conventions:
 *  - days are UTC day numbers (days since 1970-01-01);
 *  - a dimension the vendor sends as null is stored as "" (so it can be part
 *    of a natural key): workspace_id "" is the Default workspace (never an
 *    org total), api_key_id "" is Console/Workbench usage;
 *  - money is integer nano-dollars (1 cent = 10,000,000 nano-dollars), parsed
 *    from the vendor's decimal text without floating point.
 */
#ifndef AIU_ORG_H
#define AIU_ORG_H

#include <stdbool.h>
#include <stdint.h>

#define NANO_PER_CENT 10000000LL

#define ORG_ID_MAX 128
#define ORG_NAME_MAX 256
#define ORG_EMAIL_MAX 320
#define ORG_TAG_MAX 48

/* usage_report/messages: one row per (day, key, workspace, model, tier, window, geo) */
struct anth_usage_row {
	int64_t day;
	char api_key_id[ORG_ID_MAX], workspace_id[ORG_ID_MAX], model[ORG_ID_MAX];
	char service_tier[ORG_TAG_MAX], context_window[ORG_TAG_MAX], inference_geo[ORG_TAG_MAX];
	int64_t uncached_input, cache_read, cw5m, cw1h, output, web_search;
};

/* cost_report: one row per (day, workspace, description, parsed dimensions) */
struct anth_cost_row {
	int64_t day;
	char workspace_id[ORG_ID_MAX];
	char description[ORG_NAME_MAX];
	char cost_type[ORG_TAG_MAX], token_type[64], model[ORG_ID_MAX];
	char service_tier[ORG_TAG_MAX], context_window[ORG_TAG_MAX], inference_geo[ORG_TAG_MAX];
	char currency[8];
	int64_t amount_nano;        /* exact: the "cents" decimal string * 10^7 */
};

#define ANTH_CC_MAX_TOOLS 32
#define ANTH_CC_MAX_MODELS 16

/* usage_report/claude_code: one record per (day, actor, terminal, remote) */
struct anth_cc_rec {
	int64_t day;
	char actor_type[16];        /* "user" (email, case-folded) or "api" (key name) */
	char actor[ORG_EMAIL_MAX];
	char terminal_type[64];
	bool is_remote;
	char customer_type[16], subscription_type[16];
	int64_t sessions, lines_added, lines_removed, commits, prs;
	size_t ntools;
	struct { char tool[64]; int64_t accepted, rejected; } tools[ANTH_CC_MAX_TOOLS];
	size_t nmodels;
	struct {
		char model[ORG_ID_MAX];
		int64_t input, output, cache_read, cache_creation;
		int64_t est_cost_nano;  /* ESTIMATE (not the bill): estimated_cost.amount cents */
	} models[ANTH_CC_MAX_MODELS];
};

struct anth_user {
	char id[ORG_ID_MAX], email[ORG_EMAIL_MAX], name[ORG_NAME_MAX], role[ORG_TAG_MAX];
};

struct anth_workspace {
	char id[ORG_ID_MAX], name[ORG_NAME_MAX];
	bool archived;
};

struct anth_key {
	char id[ORG_ID_MAX], name[ORG_NAME_MAX], status[ORG_TAG_MAX];
	char workspace_id[ORG_ID_MAX];      /* from scope when present, else the old field */
	char creator_id[ORG_ID_MAX], creator_type[ORG_TAG_MAX];
	char principal_user_id[ORG_ID_MAX];
};

/* A person: one per case-folded email across all sources. */
struct org_person {
	char email[ORG_EMAIL_MAX];
	char name[ORG_NAME_MAX], team[ORG_NAME_MAX]; /* "" = unknown */
	char source[ORG_TAG_MAX];                     /* where the row came from last */
};

/* A pull run, for freshness: status "running", "ok", "partial" or "error". */
struct org_run {
	int64_t id;
	char source[ORG_TAG_MAX];
	int64_t started_ms, finished_ms;      /* finished 0 while running (or killed) */
	int64_t from_day, to_day;
	char status[16];
	int64_t rows, requests;
	char error[512];
};

enum anth_table { ANTH_T_USAGE, ANTH_T_COST, ANTH_T_CC };

#endif
