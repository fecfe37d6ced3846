/* api_org.h - GET /api/org/... (docs/ORG_API.md): the organisation view for
 * a team server. Handlers live in api_org.c (overview, people, person,
 * teams) and api_org_activity.c (adoption, productivity, cost, freshness);
 * the shared parameter parsing, money/CSV helpers are in api_org_common.c.
 *
 * Auth: the routes carry ROUTE_AUTH, so the router's single token check
 * (http_router/http_server) applies to all of them; org routes are
 * read-only.
 *
 * What the server hands the handlers (http_req.ext -> struct sync_service
 * -> org): the config figures and the scheduler's settings. May be NULL
 * (then no seats, no budget, no schedule).
 */
#ifndef AIU_HTTP_API_ORG_H
#define AIU_HTTP_API_ORG_H

#include <stdbool.h>
#include <stdint.h>

#include "http/http.h"
#include "render/csv_out.h"

struct org_service {
	int64_t seat_cents_claude_ai, seat_cents_cursor; /* -1 = not configured */
	int64_t budget_monthly_cents;                    /* -1 = none */
	int64_t today;                 /* UTC day number; -1 = the clock (AIUSAGE_TODAY) */
	bool sched_enabled;
	int64_t sched_interval_s;
};

struct aiu_config;
/* Seats and budget from the config; no schedule. */
void org_service_from_config(struct org_service *o, const struct aiu_config *cfg);

int api_org_overview(struct http_req *q, struct http_resp *r);
int api_org_people(struct http_req *q, struct http_resp *r);
int api_org_person(struct http_req *q, struct http_resp *r);
int api_org_teams(struct http_req *q, struct http_resp *r);
int api_org_adoption(struct http_req *q, struct http_resp *r);
int api_org_productivity(struct http_req *q, struct http_resp *r);
int api_org_cost(struct http_req *q, struct http_resp *r);
int api_org_freshness(struct http_req *q, struct http_resp *r);

/* --- shared by the api_org*.c files (api_org_common.c) ---------------- */
enum org_tool_f { ORGT_ALL = -1, ORGT_API, ORGT_CC, ORGT_CURSOR, ORGT_CLAUDE_AI };
extern const char *const org_tool_names[]; /* NULL-terminated, enum order */

struct org_params {
	int64_t from, to;        /* UTC days, inclusive */
	const char *team;        /* NULL = all */
	int tool;                /* enum org_tool_f */
	bool csv;
	int64_t today;
};

/* Parses dateFrom/dateTo/team/tool/format; 0, or 1 when resp already holds
 * a 400 VALIDATION_ERROR. */
int org_params_read(struct http_req *q, struct http_resp *r, struct org_params *p);
/* The parsing part alone (pure: fuzzed), with "today" given. */
int org_params_parse(const struct http_req *q, struct http_resp *r, int64_t today,
		     struct org_params *p);
const struct org_service *org_service_of(const struct http_req *q);
/* Exact decimal string of cents from nano-dollars ("833.9152823"). */
void org_cents(int64_t nano, char *out, size_t cap);
/* key NULL: only the value (after a jw_key). */
void org_jmoney(struct jsonw *w, const char *key, int64_t nano);
void org_jint(struct jsonw *w, const char *key, int64_t v);
void org_jday(struct jsonw *w, const char *key, int64_t day);
/* "dateRange": {"from": day, "to": day} of the request. */
void org_jrange(struct jsonw *w, const struct org_params *p);
/* part/whole in percent with one decimal; null when whole is 0. */
void org_jpct(struct jsonw *w, const char *key, int64_t part, int64_t whole);
/* part/whole as a 0..1 rate (4 decimals); null when whole is 0. */
void org_jrate(struct jsonw *w, const char *key, int64_t part, int64_t whole);
void org_csv_money(struct csvw *c, int64_t nano);
/* Starts a CSV answer: Content-Type text/csv, body reset. */
void org_csv_begin(struct http_resp *r, struct csvw *c);
/* Closes a CSV answer: 500 when the body overflowed. */
void org_csv_end(struct http_resp *r);

#endif
