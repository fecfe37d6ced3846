/* api_org_common.c - parameters, money and CSV helpers shared by the
 * /api/org/ handlers (see api_org.h, docs/ORG_API.md). */
#include "http/api_org.h"
#include "http/api_sync.h"
#include "core/config.h"
#include "core/strutil.h"
#include "core/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ORG_MAX_WINDOW_DAYS 1100
#define ORG_DEFAULT_DAYS 30
#define ORG_TEAM_MAX 200

const char *const org_tool_names[] = { "claude_api", "claude_code", "cursor", "claude_ai", NULL };

const struct org_service *org_service_of(const struct http_req *q)
{
	const struct sync_service *svc = q->ext;
	return svc ? svc->org : NULL;
}

void org_service_from_config(struct org_service *o, const struct aiu_config *cfg)
{
	memset(o, 0, sizeof(*o));
	o->seat_cents_claude_ai = cfg->seat_cents_claude_ai;
	o->seat_cents_cursor = cfg->seat_cents_cursor;
	o->budget_monthly_cents = cfg->budget_monthly_cents;
	o->today = -1;
}

static int bad(struct http_resp *r, const char *field, const char *value, const char *msg)
{
	http_error(r, 400, "VALIDATION_ERROR", msg, field, value);
	return 1;
}

/* YYYY-MM-DD only: org figures are vendor UTC days. */
static int day_arg(const char *s, int64_t *day)
{
	int64_t ms;
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' || parse_rfc3339_ms(s, 10, &ms) < 0)
		return AIU_EPARSE;
	*day = ms / MS_PER_DAY;
	return AIU_OK;
}

static int64_t today_of(const struct http_req *q)
{
	const struct org_service *o = org_service_of(q);
	const char *t = getenv("AIUSAGE_TODAY");
	int64_t d;
	if (o && o->today >= 0)
		return o->today;
	if (t && *t && parse_day_arg(t, &d) == 0)
		return d;
	return now_ms() / MS_PER_DAY;
}

int org_params_read(struct http_req *q, struct http_resp *r, struct org_params *p)
{
	return org_params_parse(q, r, today_of(q), p);
}

int org_params_parse(const struct http_req *q, struct http_resp *r, int64_t today,
		     struct org_params *p)
{
	const char *from = http_arg(q, "dateFrom"), *to = http_arg(q, "dateTo");
	const char *team = http_arg(q, "team"), *tool = http_arg(q, "tool");
	const char *fmt = http_arg(q, "format");

	memset(p, 0, sizeof(*p));
	p->today = today;
	p->tool = ORGT_ALL;
	if (to && day_arg(to, &p->to) < 0)
		return bad(r, "dateTo", to, "dateTo: expected a date YYYY-MM-DD (UTC day)");
	if (!to)
		p->to = p->today;
	if (from && day_arg(from, &p->from) < 0)
		return bad(r, "dateFrom", from, "dateFrom: expected a date YYYY-MM-DD (UTC day)");
	if (!from)
		p->from = p->to - (ORG_DEFAULT_DAYS - 1);
	if (p->from > p->to)
		return bad(r, "dateFrom", from ? from : "", "dateFrom is after dateTo");
	if (p->to - p->from >= ORG_MAX_WINDOW_DAYS)
		return bad(r, "dateFrom", from ? from : "",
			   "the window is longer than 1100 days");
	if (team) {
		if (!*team || strlen(team) > ORG_TEAM_MAX)
			return bad(r, "team", team, "team: expected a team name (1 to 200 bytes)");
		p->team = team;
	}
	if (tool) {
		size_t i;
		for (i = 0; org_tool_names[i] && strcmp(org_tool_names[i], tool) != 0; i++)
			;
		if (!org_tool_names[i])
			return bad(r, "tool", tool,
				   "tool: expected one of claude_api, claude_code, cursor, claude_ai");
		p->tool = (int)i;
	}
	if (fmt) {
		if (strcmp(fmt, "csv") == 0)
			p->csv = true;
		else if (strcmp(fmt, "json") != 0)
			return bad(r, "format", fmt, "format: expected json or csv");
	}
	return 0;
}

void org_cents(int64_t nano, char *out, size_t cap)
{
	uint64_t a = nano < 0 ? (uint64_t)0 - (uint64_t)nano : (uint64_t)nano;
	char frac[16];
	size_t n;
	snprintf(frac, sizeof(frac), "%07llu", (unsigned long long)(a % (uint64_t)NANO_PER_CENT));
	n = strlen(frac);
	while (n > 1 && frac[n - 1] == '0')
		frac[--n] = '\0';
	snprintf(out, cap, "%s%llu.%s", nano < 0 ? "-" : "",
		 (unsigned long long)(a / (uint64_t)NANO_PER_CENT), frac);
}

void org_jmoney(struct jsonw *w, const char *key, int64_t nano)
{
	char c[48];
	org_cents(nano, c, sizeof(c));
	if (key) /* NULL: the key was written already */
		jw_key(w, key);
	jw_str(w, c);
}

void org_jint(struct jsonw *w, const char *key, int64_t v)
{
	jw_key(w, key);
	jw_int(w, v);
}

void org_jday(struct jsonw *w, const char *key, int64_t day)
{
	char d[16];
	jw_key(w, key);
	if (day < 0) {
		jw_null(w);
		return;
	}
	format_day(day, d, sizeof(d));
	jw_str(w, d);
}

void org_jrange(struct jsonw *w, const struct org_params *p)
{
	jw_key(w, "dateRange");
	jw_obj(w);
	org_jday(w, "from", p->from);
	org_jday(w, "to", p->to);
	jw_end(w);
}

void org_jpct(struct jsonw *w, const char *key, int64_t part, int64_t whole)
{
	jw_key(w, key);
	if (whole <= 0)
		jw_null(w);
	else /* integer per-mille first: exact rounding, no float accumulation */
		jw_double(w, (double)((__int128)part * 1000 / whole) / 10.0, 1);
}

void org_jrate(struct jsonw *w, const char *key, int64_t part, int64_t whole)
{
	jw_key(w, key);
	if (whole <= 0)
		jw_null(w);
	else
		jw_double(w, (double)((__int128)part * 10000 / whole) / 10000.0, 4);
}

void org_csv_money(struct csvw *c, int64_t nano)
{
	char s[48];
	org_cents(nano, s, sizeof(s));
	csvw_num(c, s);
}

void org_csv_begin(struct http_resp *r, struct csvw *c)
{
	buf_reset(&r->body);
	r->body.failed = 0;
	r->content_type = "text/csv; charset=utf-8";
	csvw_init(c, &r->body);
}

void org_csv_end(struct http_resp *r)
{
	if (r->body.failed)
		http_error(r, 500, "INTERNAL_ERROR", "response too large", NULL, NULL);
}
