/* api_org.c - GET /api/org/overview, /people, /people/:email, /teams
 * (docs/ORG_API.md). Figures come from query/org_report.c (the bill, its
 * exact allocation to people and teams, Claude Code totals) and
 * query/org_activity.c (per-day figures); JSON or CSV is written here.
 * The bill and Claude Code's ESTIMATED cost are never summed. */
#include "http/api_org.h"
#include "query/identity.h"
#include "query/org_activity.h"
#include "query/org_report.h"
#include "core/strutil.h"
#include "core/timeutil.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RUN_RATE_DAYS 7

static const char *team_of(const struct org_person_stat *p)
{
	return p->team[0] ? p->team : "(no team)";
}

static bool team_ok(const struct org_params *p, const struct org_person_stat *s)
{
	return !p->team || strcmp(team_of(s), p->team) == 0;
}

static void j_cc(struct jsonw *w, const struct org_person_stat *p)
{
	jw_key(w, "claudeCode");
	jw_obj(w);
	org_jint(w, "records", p->cc_records);
	org_jint(w, "sessions", p->cc_sessions);
	org_jint(w, "linesAdded", p->cc_lines_added);
	org_jint(w, "linesRemoved", p->cc_lines_removed);
	org_jint(w, "commits", p->cc_commits);
	org_jint(w, "pullRequests", p->cc_prs);
	jw_key(w, "isEstimate");
	jw_bool(w, true);
	org_jmoney(w, "estimatedCostCents", p->cc_est_nano);
	jw_end(w);
}

/* Cursor (bill from usage events; seats apart) and claude.ai activity. */
static void j_tools(struct jsonw *w, const struct org_person_stat *p, bool team)
{
	jw_key(w, "cursor");
	jw_obj(w);
	org_jmoney(w, "billCents", p->cursor_bill_nano);
	org_jint(w, "activeDays", p->cursor_active_days);
	org_jint(w, "acceptedLines", p->cursor_accepted_lines);
	if (team) {
		org_jint(w, "seats", p->cursor_seats);
	} else {
		jw_key(w, "seat");
		jw_bool(w, p->cursor_seats > 0);
	}
	jw_end(w);
	jw_key(w, "claudeAi");
	jw_obj(w);
	org_jint(w, "events", p->cai_events);
	org_jint(w, "activeDays", p->cai_active_days);
	jw_end(w);
}

/* A people row (team == false) or a teams row. */
static void j_stat(struct jsonw *w, const struct org_person_stat *p, bool team)
{
	jw_obj(w);
	if (team) {
		jw_key(w, "team");
		jw_str(w, p->team);
		org_jint(w, "people", p->people);
	} else {
		jw_key(w, "email");
		jw_str(w, p->email);
		jw_key(w, "name");
		jw_str(w, p->name);
		jw_key(w, "team");
		jw_str(w, p->email[0] ? team_of(p) : "");
	}
	org_jmoney(w, "billCents", p->bill_nano);
	org_jint(w, "tokens", p->tokens);
	org_jint(w, "keys", p->keys);
	j_cc(w, p);
	j_tools(w, p, team);
	jw_end(w);
}

static void csv_stat(struct csvw *c, const struct org_person_stat *p, bool team)
{
	if (team) {
		csvw_text(c, p->team);
		csvw_int(c, p->people);
	} else {
		csvw_text(c, p->email);
		csvw_text(c, p->name);
		csvw_text(c, p->email[0] ? team_of(p) : "");
	}
	org_csv_money(c, p->bill_nano);
	csvw_int(c, p->tokens);
	csvw_int(c, p->keys);
	csvw_int(c, p->cc_sessions);
	csvw_int(c, p->cc_lines_added);
	csvw_int(c, p->cc_lines_removed);
	csvw_int(c, p->cc_commits);
	csvw_int(c, p->cc_prs);
	org_csv_money(c, p->cc_est_nano);
	org_csv_money(c, p->cursor_bill_nano);
	csvw_int(c, p->cursor_active_days);
	csvw_int(c, p->cursor_accepted_lines);
	csvw_int(c, p->cursor_seats);
	csvw_int(c, p->cai_events);
	csvw_int(c, p->cai_active_days);
	csvw_eol(c);
}

static void j_coverage(struct jsonw *w, const struct org_report *rep)
{
	jw_key(w, "coverage");
	jw_obj(w);
	org_jpct(w, "billAttributedPct", rep->bill_attributed_nano, rep->bill_nano);
	org_jpct(w, "tokensAttributedPct", rep->tokens_attributed, rep->tokens_total);
	org_jpct(w, "claudeCodeRecordsAttributedPct", rep->cc_records_attributed, rep->cc_records);
	jw_end(w);
}

/* --- overview --------------------------------------------------------- */

static bool tool_ok(const struct org_params *p, int tool)
{
	return p->tool == ORGT_ALL || p->tool == tool;
}

/* The bill (Anthropic cost report + Cursor usage events, as the tool filter
 * allows) of days [from, to]. */
static int64_t bill_between(const struct org_activity *a, int64_t from, int64_t to,
			    const struct org_params *p)
{
	int64_t sum = 0;
	for (size_t i = 0; tool_ok(p, ORGT_API) && i < a->n_bill_days; i++)
		if (a->bill_days[i].day >= from && a->bill_days[i].day <= to)
			sum += a->bill_days[i].nano;
	for (size_t i = 0; tool_ok(p, ORGT_CURSOR) && i < a->n_cursor_bill_days; i++)
		if (a->cursor_bill_days[i].day >= from && a->cursor_bill_days[i].day <= to)
			sum += a->cursor_bill_days[i].nano;
	return sum;
}

/* The last billed day in [from, to], -1 when none. */
static int64_t last_billed(const struct org_activity *a, const struct org_params *p)
{
	int64_t last = -1;
	for (size_t i = 0; tool_ok(p, ORGT_API) && i < a->n_bill_days; i++)
		if (a->bill_days[i].day >= p->from && a->bill_days[i].day <= p->to &&
		    a->bill_days[i].day > last)
			last = a->bill_days[i].day;
	for (size_t i = 0; tool_ok(p, ORGT_CURSOR) && i < a->n_cursor_bill_days; i++)
		if (a->cursor_bill_days[i].day >= p->from && a->cursor_bill_days[i].day <= p->to &&
		    a->cursor_bill_days[i].day > last)
			last = a->cursor_bill_days[i].day;
	return last;
}

struct budget {
	int64_t month_start, month_end, actual, projected;
};

static void budget_figures(const struct org_activity *a, const struct org_params *p,
			   struct budget *b)
{
	int y;
	unsigned m, d;
	int64_t elapsed, dim, last = p->to < p->today ? p->to : p->today;
	civil_from_days(p->to, &y, &m, &d);
	b->month_start = days_from_civil(y, m, 1);
	b->month_end = (m == 12 ? days_from_civil(y + 1, 1, 1) : days_from_civil(y, m + 1, 1)) - 1;
	b->actual = bill_between(a, b->month_start, p->to, p);
	dim = b->month_end - b->month_start + 1;
	elapsed = last - b->month_start + 1;
	if (last < b->month_start || p->to < p->today)
		elapsed = p->to >= b->month_end ? dim : p->to - b->month_start + 1;
	if (elapsed < 1)
		elapsed = 1;
	if (elapsed > dim)
		elapsed = dim;
	b->projected = (int64_t)((__int128)b->actual * dim / elapsed);
}

static void j_budget(struct jsonw *w, const struct org_service *o, const struct budget *b)
{
	char mon[16];
	int y;
	unsigned m, d;
	int64_t cap = o && o->budget_monthly_cents >= 0 ? o->budget_monthly_cents * NANO_PER_CENT : -1;
	civil_from_days(b->month_start, &y, &m, &d);
	snprintf(mon, sizeof(mon), "%04d-%02u", y, m);
	jw_key(w, "budget");
	jw_obj(w);
	jw_key(w, "monthlyCents");
	if (cap < 0)
		jw_null(w);
	else
		org_jmoney(w, NULL, cap);
	jw_key(w, "month");
	jw_str(w, mon);
	org_jmoney(w, "actualCents", b->actual);
	org_jmoney(w, "projectedCents", b->projected);
	jw_key(w, "remainingCents");
	if (cap < 0)
		jw_null(w);
	else
		org_jmoney(w, NULL, cap - b->actual);
	jw_key(w, "status");
	jw_str(w, cap < 0 ? "none" : b->actual > cap ? "over"
			   : b->projected > cap ? "projected_over" : "ok");
	jw_end(w);
}

static void j_run_rate(struct jsonw *w, const struct org_activity *a, const struct org_params *p)
{
	int64_t last = last_billed(a, p), sum, days;
	jw_key(w, "runRate");
	jw_obj(w);
	if (last < 0) {
		org_jint(w, "days", 0);
		jw_key(w, "dailyCents");
		jw_null(w);
		jw_key(w, "monthlyCents");
		jw_null(w);
		jw_end(w);
		return;
	}
	days = last - p->from + 1 < RUN_RATE_DAYS ? last - p->from + 1 : RUN_RATE_DAYS;
	sum = bill_between(a, last - days + 1, last, p);
	org_jint(w, "days", days);
	org_jday(w, "through", last);
	org_jmoney(w, "dailyCents", sum / days);
	org_jmoney(w, "monthlyCents", sum / days * 30);
	jw_end(w);
}

/* A month row of the overview: (month, tool) -> bill. */
struct mrow {
	char month[16];
	const char *tool, *source;
	int64_t nano;
};

struct mrows {
	struct mrow v[2 * 40];  /* 2 billed tools x the months of a 1100-day window */
	size_t n;
};

static void mrow_add(struct mrows *m, int64_t day, const char *tool, const char *source,
		     int64_t nano)
{
	int y;
	unsigned mo, d;
	char key[16];
	civil_from_days(day, &y, &mo, &d);
	snprintf(key, sizeof(key), "%04d-%02u", y % 10000, mo);
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->v[i].month, key) == 0 && strcmp(m->v[i].tool, tool) == 0) {
			m->v[i].nano += nano;
			return;
		}
	if (m->n == sizeof(m->v) / sizeof(m->v[0]))
		return; /* cannot happen: the window is capped at 1100 days */
	str_copy(m->v[m->n].month, key, sizeof(m->v[0].month));
	m->v[m->n].tool = tool;
	m->v[m->n].source = source;
	m->v[m->n++].nano = nano;
}

static int cmp_mrow(const void *x, const void *y)
{
	const struct mrow *a = x, *b = y;
	int c = strcmp(a->month, b->month);
	return c ? c : strcmp(a->tool, b->tool);
}

/* Calendar months the window touches (seat charges are monthly). */
static int64_t months_touched(const struct org_params *p)
{
	int y1, y2;
	unsigned m1, m2, d;
	civil_from_days(p->from, &y1, &m1, &d);
	civil_from_days(p->to, &y2, &m2, &d);
	return ((int64_t)y2 - y1) * 12 + ((int64_t)m2 - m1) + 1;
}

struct seat_line {
	const char *tool;
	int64_t seats, price_cents, nano; /* price -1: not configured (nano 0) */
};

static size_t seat_lines(const struct org_activity *a, const struct org_params *p,
			 const struct org_service *o, struct seat_line *out)
{
	static const struct { int t; const char *name; } tools[] = {
		{ ORGT_CURSOR, ORG_TOOL_CURSOR }, { ORGT_CLAUDE_AI, ORG_TOOL_CLAUDE_AI } };
	size_t n = 0;
	for (size_t t = 0; t < 2; t++) {
		int64_t seats = 0;
		if (!tool_ok(p, tools[t].t))
			continue;
		for (size_t i = 0; i < a->n_tool_seats; i++)
			seats += strcmp(a->tool_seats[i].tool, tools[t].name) == 0;
		if (!seats)
			continue;
		out[n].tool = tools[t].name;
		out[n].seats = seats;
		out[n].price_cents = !o ? -1 : t == 0 ? o->seat_cents_cursor : o->seat_cents_claude_ai;
		out[n].nano = out[n].price_cents < 0 ? 0
			      : seats * out[n].price_cents * months_touched(p) * NANO_PER_CENT;
		n++;
	}
	return n;
}

static void j_sources(struct jsonw *w, const struct mrows *m, bool by_source)
{
	static const struct { const char *tool, *source; } order[] = {
		{ "claude_api", "anthropic" }, { "cursor", "cursor" } };
	for (size_t k = 0; k < 2; k++) {
		int64_t sum = 0;
		bool any = false;
		for (size_t i = 0; i < m->n; i++)
			if (strcmp(m->v[i].tool, order[k].tool) == 0) {
				sum += m->v[i].nano;
				any = true;
			}
		if (!any)
			continue;
		jw_obj(w);
		if (!by_source) {
			jw_key(w, "tool");
			jw_str(w, order[k].tool);
		}
		jw_key(w, "source");
		jw_str(w, order[k].source);
		org_jmoney(w, "billCents", sum);
		jw_end(w);
	}
}

int api_org_overview(struct http_req *q, struct http_resp *r)
{
	struct org_params p;
	struct org_report rep;
	struct org_activity act;
	struct budget b;
	struct jsonw w;
	struct csvw c;
	struct mrows *m = NULL;
	struct seat_line seats[2];
	const struct org_service *o = org_service_of(q);
	int64_t bill = 0, seat_nano = 0;
	size_t nseats;
	int rc;

	memset(&rep, 0, sizeof(rep));
	memset(&act, 0, sizeof(act));
	if (org_params_read(q, r, &p))
		return 0;
	if (!(m = calloc(1, sizeof(*m)))) {
		rc = aiu_errf(&q->err, AIU_ENOMEM, "overview: out of memory");
		goto out;
	}
	if ((rc = org_report_build(q->store, q->pricing, p.from, p.to, &rep, &q->err)) < 0)
		goto out;
	budget_figures(&act, &p, &b); /* month bounds only; actual filled below */
	if ((rc = org_activity_build(q->store, q->pricing, b.month_start < p.from ? b.month_start : p.from,
				     p.to, NULL, NULL, &act, &q->err)) < 0)
		goto out;
	budget_figures(&act, &p, &b);
	for (size_t i = 0; tool_ok(&p, ORGT_API) && i < act.n_bill_days; i++)
		if (act.bill_days[i].day >= p.from)
			mrow_add(m, act.bill_days[i].day, "claude_api", "anthropic", act.bill_days[i].nano);
	for (size_t i = 0; tool_ok(&p, ORGT_CURSOR) && i < act.n_cursor_bill_days; i++)
		if (act.cursor_bill_days[i].day >= p.from)
			mrow_add(m, act.cursor_bill_days[i].day, "cursor", "cursor",
				 act.cursor_bill_days[i].nano);
	if (m->n)
		qsort(m->v, m->n, sizeof(m->v[0]), cmp_mrow);
	for (size_t i = 0; i < m->n; i++)
		bill += m->v[i].nano;
	nseats = seat_lines(&act, &p, o, seats);
	for (size_t i = 0; i < nseats; i++)
		seat_nano += seats[i].nano;
	if (p.csv) {
		static const char *const hdr[] = { "month", "tool", "source", "billCents", NULL };
		org_csv_begin(r, &c);
		csvw_header(&c, hdr);
		for (size_t i = 0; i < m->n; i++) {
			csvw_text(&c, m->v[i].month);
			csvw_text(&c, m->v[i].tool);
			csvw_text(&c, m->v[i].source);
			org_csv_money(&c, m->v[i].nano);
			csvw_eol(&c);
		}
		org_csv_end(r);
		goto out;
	}
	http_ok_begin(r, &w);
	jw_obj(&w);
	org_jrange(&w, &p);
	org_jmoney(&w, "billCents", bill);
	org_jmoney(&w, "seatCents", seat_nano);
	org_jmoney(&w, "totalCents", bill + seat_nano);
	jw_key(&w, "byTool");
	jw_arr(&w);
	j_sources(&w, m, false);
	jw_end(&w);
	jw_key(&w, "bySource");
	jw_arr(&w);
	j_sources(&w, m, true);
	jw_end(&w);
	jw_key(&w, "byMonth");
	jw_arr(&w);
	for (size_t i = 0; i < m->n; i++) {
		jw_obj(&w);
		jw_key(&w, "month");
		jw_str(&w, m->v[i].month);
		jw_key(&w, "tool");
		jw_str(&w, m->v[i].tool);
		jw_key(&w, "source");
		jw_str(&w, m->v[i].source);
		org_jmoney(&w, "billCents", m->v[i].nano);
		jw_end(&w);
	}
	jw_end(&w);
	jw_key(&w, "seats");
	jw_arr(&w);
	for (size_t i = 0; i < nseats; i++) {
		jw_obj(&w);
		jw_key(&w, "tool");
		jw_str(&w, seats[i].tool);
		org_jint(&w, "seats", seats[i].seats);
		jw_key(&w, "priceCents");
		if (seats[i].price_cents < 0)
			jw_null(&w);
		else
			org_jmoney(&w, NULL, seats[i].price_cents * NANO_PER_CENT);
		org_jint(&w, "months", months_touched(&p));
		org_jmoney(&w, "seatCents", seats[i].nano);
		jw_end(&w);
	}
	jw_end(&w);
	j_run_rate(&w, &act, &p);
	j_budget(&w, o, &b);
	jw_key(&w, "estimates");
	jw_obj(&w);
	jw_key(&w, "isEstimate");
	jw_bool(&w, true);
	org_jmoney(&w, "estimatedClaudeCodeCents", tool_ok(&p, ORGT_CC) ? rep.cc_est_nano : 0);
	jw_end(&w);
	j_coverage(&w, &rep);
	jw_end(&w);
	http_ok_end(r, &w);
out:
	free(m);
	org_report_free(&rep);
	org_activity_free(&act);
	return rc < 0 ? rc : 0;
}

/* --- people and teams ------------------------------------------------- */

static const char *const stat_cols[] = { "billCents", "tokens", "keys", "ccSessions",
	"ccLinesAdded", "ccLinesRemoved", "ccCommits", "ccPullRequests", "ccEstimatedCostCents",
	"cursorBillCents", "cursorActiveDays", "cursorAcceptedLines", "cursorSeats",
	"claudeAiEvents", "claudeAiActiveDays" };

static void csv_stat_header(struct csvw *c, bool team)
{
	if (team) {
		csvw_text(c, "team");
		csvw_text(c, "people");
	} else {
		csvw_text(c, "email");
		csvw_text(c, "name");
		csvw_text(c, "team");
	}
	for (size_t i = 0; i < sizeof(stat_cols) / sizeof(stat_cols[0]); i++)
		csvw_text(c, stat_cols[i]);
	csvw_eol(c);
}

static int people_or_teams(struct http_req *q, struct http_resp *r, bool team)
{
	struct org_params p;
	struct org_report rep;
	struct jsonw w;
	struct csvw c;
	const struct org_person_stat *v;
	size_t n;
	int rc;

	memset(&rep, 0, sizeof(rep));
	if (org_params_read(q, r, &p))
		return 0;
	if ((rc = org_report_build(q->store, q->pricing, p.from, p.to, &rep, &q->err)) < 0)
		goto out;
	v = team ? rep.teams : rep.people;
	n = team ? rep.n_teams : rep.n_people;
	if (p.csv) {
		org_csv_begin(r, &c);
		csv_stat_header(&c, team);
		for (size_t i = 0; i < n; i++)
			if (team ? !p.team || strcmp(v[i].team, p.team) == 0 : team_ok(&p, &v[i]))
				csv_stat(&c, &v[i], team);
		if (!team && !p.team)
			csv_stat(&c, &rep.unattributed, false);
		org_csv_end(r);
		goto out;
	}
	http_ok_begin(r, &w);
	jw_obj(&w);
	org_jrange(&w, &p);
	jw_key(&w, team ? "teams" : "people");
	jw_arr(&w);
	for (size_t i = 0; i < n; i++)
		if (team ? !p.team || strcmp(v[i].team, p.team) == 0 : team_ok(&p, &v[i]))
			j_stat(&w, &v[i], team);
	jw_end(&w);
	if (!team) {
		jw_key(&w, "unattributed");
		j_stat(&w, &rep.unattributed, false);
	}
	j_coverage(&w, &rep);
	jw_end(&w);
	http_ok_end(r, &w);
out:
	org_report_free(&rep);
	return rc < 0 ? rc : 0;
}

int api_org_people(struct http_req *q, struct http_resp *r)
{
	return people_or_teams(q, r, false);
}

int api_org_teams(struct http_req *q, struct http_resp *r)
{
	return people_or_teams(q, r, true);
}

static const char *const via_names[] = { "", "people.csv", "principal", "creator" };

static void j_person_keys(struct jsonw *w, const struct identity *id, const char *email)
{
	jw_key(w, "keys");
	jw_arr(w);
	for (size_t i = 0; i < id->n_keys; i++) {
		const struct id_key *k = &id->keys[i];
		if (strcmp(k->owner, email) != 0)
			continue;
		jw_obj(w);
		jw_key(w, "id");
		jw_str(w, k->k.id);
		jw_key(w, "name");
		jw_str(w, k->k.name);
		jw_key(w, "workspaceId");
		jw_str(w, k->k.workspace_id);
		jw_key(w, "via");
		jw_str(w, k->via >= 0 && k->via <= 3 ? via_names[k->via] : "");
		jw_end(w);
	}
	jw_end(w);
}

/* The sources holding a row for the person that day (docs/ORG_API.md
 * "Tools and sources"), in that order; returns how many. */
static size_t day_sources(const struct org_person_day *d, const char *out[3])
{
	size_t n = 0;
	if (d->has_anthropic || d->has_cc)
		out[n++] = "anthropic";
	if (d->has_cursor)
		out[n++] = "cursor";
	if (d->has_cai)
		out[n++] = "claude_ai";
	return n;
}

/* One daily row: every source, labelled; a source without a row for the
 * person that day is null (never zero-filled). */
static void j_person_day(struct jsonw *w, const struct org_person_day *d)
{
	const char *src[3];
	size_t n = day_sources(d, src);
	jw_obj(w);
	org_jday(w, "date", d->day);
	jw_key(w, "sources");
	jw_arr(w);
	for (size_t i = 0; i < n; i++)
		jw_str(w, src[i]);
	jw_end(w);
	org_jmoney(w, "billCents", d->bill_nano);
	org_jint(w, "tokens", d->tokens);
	jw_key(w, "claudeCode");
	if (d->has_cc) {
		jw_obj(w);
		org_jint(w, "sessions", d->cc_sessions);
		org_jint(w, "linesAdded", d->cc_lines_added);
		org_jint(w, "commits", d->cc_commits);
		jw_key(w, "isEstimate");
		jw_bool(w, true);
		org_jmoney(w, "estimatedCostCents", d->cc_est_nano);
		jw_end(w);
	} else {
		jw_null(w);
	}
	jw_key(w, "cursor");
	if (d->has_cursor) {
		jw_obj(w);
		org_jmoney(w, "billCents", d->cursor_bill_nano);
		jw_key(w, "active");
		jw_bool(w, d->cursor_active);
		org_jint(w, "acceptedLines", d->cursor_accepted_lines);
		org_jint(w, "linesAdded", d->cursor_lines_added);
		jw_end(w);
	} else {
		jw_null(w);
	}
	jw_key(w, "claudeAi");
	if (d->has_cai) {
		jw_obj(w);
		org_jint(w, "events", d->cai_events);
		jw_end(w);
	} else {
		jw_null(w);
	}
	jw_end(w);
}

/* The same as a CSV row; a source without a row that day leaves its cells empty. */
static void csv_person_day(struct csvw *c, const struct org_person_day *d)
{
	const char *src[3];
	char day[16], joined[64] = "";
	size_t n = day_sources(d, src), len = 0;
	format_day(d->day, day, sizeof(day));
	for (size_t i = 0; i < n; i++) /* at most 26 bytes: fits */
		len += (size_t)snprintf(joined + len, sizeof(joined) - len, "%s%s", i ? ";" : "", src[i]);
	csvw_text(c, day);
	csvw_text(c, joined);
	org_csv_money(c, d->bill_nano);
	csvw_int(c, d->tokens);
	if (d->has_cc) {
		csvw_int(c, d->cc_sessions);
		csvw_int(c, d->cc_lines_added);
		csvw_int(c, d->cc_commits);
		org_csv_money(c, d->cc_est_nano);
	} else {
		for (int i = 0; i < 4; i++)
			csvw_text(c, "");
	}
	if (d->has_cursor) {
		org_csv_money(c, d->cursor_bill_nano);
		csvw_int(c, d->cursor_active);
		csvw_int(c, d->cursor_accepted_lines);
		csvw_int(c, d->cursor_lines_added);
	} else {
		for (int i = 0; i < 4; i++)
			csvw_text(c, "");
	}
	if (d->has_cai)
		csvw_int(c, d->cai_events);
	else
		csvw_text(c, "");
	csvw_eol(c);
}

int api_org_person(struct http_req *q, struct http_resp *r)
{
	static const char *const hdr[] = { "date", "sources", "billCents", "tokens", "ccSessions",
		"ccLinesAdded", "ccCommits", "ccEstimatedCostCents", "cursorBillCents",
		"cursorActive", "cursorAcceptedLines", "cursorLinesAdded", "claudeAiEvents", NULL };
	struct org_params p;
	struct org_report rep;
	struct org_activity act;
	struct identity id;
	struct jsonw w;
	struct csvw c;
	char email[ORG_EMAIL_MAX];
	const struct org_person_stat *ps = NULL;
	int rc = 0;

	memset(&rep, 0, sizeof(rep));
	memset(&act, 0, sizeof(act));
	memset(&id, 0, sizeof(id));
	if (org_params_read(q, r, &p))
		return 0;
	if (q->ncaps < 1 || !q->caps[0][0] || strlen(q->caps[0]) >= sizeof(email)) {
		http_error(r, 400, "VALIDATION_ERROR", "email: expected an email address", "email",
			   q->ncaps ? q->caps[0] : "");
		return 0;
	}
	str_copy(email, q->caps[0], sizeof(email));
	for (char *s = email; *s; s++)
		*s = (char)tolower((unsigned char)*s);
	if ((rc = org_report_build(q->store, q->pricing, p.from, p.to, &rep, &q->err)) < 0)
		goto out;
	for (size_t i = 0; i < rep.n_people && !ps; i++)
		if (strcmp(rep.people[i].email, email) == 0)
			ps = &rep.people[i];
	if (!ps) {
		http_error(r, 404, "NOT_FOUND", "no such person", "email", email);
		goto out;
	}
	if ((rc = org_activity_build(q->store, q->pricing, p.from, p.to, NULL, email, &act,
				     &q->err)) < 0 ||
	    (rc = identity_load(&id, q->store, &q->err)) < 0)
		goto out;
	if (p.csv) {
		org_csv_begin(r, &c);
		csvw_header(&c, hdr);
	} else {
		http_ok_begin(r, &w);
		jw_obj(&w);
		org_jrange(&w, &p);
		jw_key(&w, "person");
		j_stat(&w, ps, false);
		j_person_keys(&w, &id, email);
		jw_key(&w, "daily");
		jw_arr(&w);
	}
	for (size_t i = 0; i < act.n_pdays; i++) {
		if (p.csv)
			csv_person_day(&c, &act.pdays[i]);
		else
			j_person_day(&w, &act.pdays[i]);
	}
	if (p.csv) {
		org_csv_end(r);
	} else {
		jw_end(&w);
		jw_end(&w);
		http_ok_end(r, &w);
	}
out:
	org_report_free(&rep);
	org_activity_free(&act);
	identity_free(&id);
	return rc < 0 ? rc : 0;
}
