/* api_org_activity.c - GET /api/org/adoption, /productivity, /cost,
 * /freshness (docs/ORG_API.md). Figures from query/org_activity.c and
 * query/org_report.c; JSON or CSV is written here. */
#include "http/api_org.h"
#include "query/org_activity.h"
#include "query/org_report.h"
#include "core/strutil.h"
#include "core/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FRESH_RUNS 20    /* runs listed */
#define FRESH_SCAN 1000  /* runs searched for each source's last success / failure */

static bool tool_ok(const struct org_params *p, int tool)
{
	return p->tool == ORGT_ALL || p->tool == tool;
}

/* --- adoption --------------------------------------------------------- */

static int tool_index(const char *tool)
{
	for (int i = 0; org_tool_names[i]; i++)
		if (strcmp(org_tool_names[i], tool) == 0)
			return i;
	return ORGT_ALL;
}

static int64_t month_start(int64_t day)
{
	int y;
	unsigned m, d;
	civil_from_days(day, &y, &m, &d);
	return days_from_civil(y, m, 1);
}

/* period 0 = day, 1 = ISO week (Monday), 2 = month */
static int64_t period_of(int64_t day, int period)
{
	return period == 0 ? day : period == 1 ? org_week_start(day) : month_start(day);
}

struct pcount {
	int64_t start;
	const char *tool;
	int64_t n;
};

static int cmp_act(const void *x, const void *y)
{
	const struct org_active *a = x, *b = y;
	int c;
	if (a->day != b->day)
		return a->day < b->day ? -1 : 1;
	if ((c = strcmp(a->tool, b->tool)))
		return c;
	return strcmp(a->email, b->email);
}

/* Distinct people per (period, tool). *out owned by the caller (free). */
static int count_period(const struct org_activity *a, const struct org_params *p, int period,
			struct pcount **out, size_t *nout, struct aiu_err *err)
{
	struct org_active *tmp = NULL;
	struct pcount *pc = NULL;
	size_t n = 0, np = 0;
	int rc = AIU_OK;

	*out = NULL;
	*nout = 0;
	if (!a->n_act)
		return AIU_OK;
	if (!(tmp = malloc(a->n_act * sizeof(*tmp))) || !(pc = malloc(a->n_act * sizeof(*pc)))) {
		rc = aiu_errf(err, AIU_ENOMEM, "adoption: out of memory");
		goto out;
	}
	for (size_t i = 0; i < a->n_act; i++) {
		int t = tool_index(a->act[i].tool);
		if (!tool_ok(p, t))
			continue;
		tmp[n] = a->act[i];
		tmp[n++].day = period_of(a->act[i].day, period);
	}
	if (n)
		qsort(tmp, n, sizeof(*tmp), cmp_act);
	for (size_t i = 0; i < n; i++) {
		if (i && cmp_act(&tmp[i - 1], &tmp[i]) == 0)
			continue;
		if (np && pc[np - 1].start == tmp[i].day && strcmp(pc[np - 1].tool, tmp[i].tool) == 0) {
			pc[np - 1].n++;
			continue;
		}
		pc[np].start = tmp[i].day;
		pc[np].tool = tmp[i].tool;
		pc[np++].n = 1;
	}
	*out = pc;
	*nout = np;
	pc = NULL;
out:
	free(tmp);
	free(pc);
	return rc;
}

static void j_periods(struct jsonw *w, const char *key, const char *pkey, int period,
		      const struct pcount *v, size_t n)
{
	char s[16];
	int y;
	unsigned m, d;
	jw_key(w, key);
	jw_arr(w);
	for (size_t i = 0; i < n; i++) {
		jw_obj(w);
		if (period == 2) {
			civil_from_days(v[i].start, &y, &m, &d);
			snprintf(s, sizeof(s), "%04d-%02u", y, m);
			jw_key(w, pkey);
			jw_str(w, s);
		} else {
			org_jday(w, pkey, v[i].start);
		}
		jw_key(w, "tool");
		jw_str(w, v[i].tool);
		org_jint(w, "activeUsers", v[i].n);
		jw_end(w);
	}
	jw_end(w);
}

static bool active_in(const struct org_activity *a, const char *tool, const char *email)
{
	for (size_t i = 0; i < a->n_act; i++)
		if (strcmp(a->act[i].tool, tool) == 0 && strcmp(a->act[i].email, email) == 0)
			return true;
	return false;
}

static void j_seat_row(struct jsonw *w, const struct org_activity *a, const char *tool,
		       const char *source, const char (*emails)[ORG_EMAIL_MAX], size_t stride_n,
		       const struct org_seat *ts, size_t nts, int64_t price)
{
	int64_t seats = 0, active = 0;
	for (size_t i = 0; i < stride_n; i++) {
		seats++;
		active += active_in(a, tool, emails[i]);
	}
	for (size_t i = 0; i < nts; i++)
		if (strcmp(ts[i].tool, tool) == 0) {
			seats++;
			active += active_in(a, tool, ts[i].email);
		}
	if (!seats)
		return;
	jw_obj(w);
	jw_key(w, "tool");
	jw_str(w, tool);
	jw_key(w, "seatSource");
	jw_str(w, source);
	org_jint(w, "seats", seats);
	org_jint(w, "active", active);
	org_jint(w, "idle", seats - active);
	jw_key(w, "idleSeats");
	jw_arr(w);
	for (size_t i = 0; i < stride_n; i++)
		if (!active_in(a, tool, emails[i]))
			jw_str(w, emails[i]);
	for (size_t i = 0; i < nts; i++)
		if (strcmp(ts[i].tool, tool) == 0 && !active_in(a, tool, ts[i].email))
			jw_str(w, ts[i].email);
	jw_end(w);
	jw_key(w, "seatPriceCents");
	if (price < 0)
		jw_null(w);
	else
		org_jmoney(w, NULL, price * NANO_PER_CENT);
	jw_end(w);
}

static void j_seats(struct jsonw *w, const struct org_activity *a, const struct org_params *p,
		    const struct org_service *o)
{
	jw_key(w, "seats");
	jw_arr(w);
	if (tool_ok(p, ORGT_API))
		j_seat_row(w, a, ORG_TOOL_API, "anthropic users", (const char (*)[ORG_EMAIL_MAX])a->seats,
			   a->n_seats, NULL, 0, -1);
	if (tool_ok(p, ORGT_CC))
		j_seat_row(w, a, ORG_TOOL_CC, "anthropic users", (const char (*)[ORG_EMAIL_MAX])a->seats,
			   a->n_seats, NULL, 0, -1);
	if (tool_ok(p, ORGT_CURSOR))
		j_seat_row(w, a, ORG_TOOL_CURSOR, "cursor members", NULL, 0, a->tool_seats,
			   a->n_tool_seats, o ? o->seat_cents_cursor : -1);
	if (tool_ok(p, ORGT_CLAUDE_AI))
		j_seat_row(w, a, ORG_TOOL_CLAUDE_AI, "claude.ai users in the window", NULL, 0,
			   a->tool_seats, a->n_tool_seats, o ? o->seat_cents_claude_ai : -1);
	jw_end(w);
}

int api_org_adoption(struct http_req *q, struct http_resp *r)
{
	struct org_params p;
	struct org_activity a;
	struct pcount *pc[3] = { NULL, NULL, NULL };
	size_t npc[3] = { 0, 0, 0 };
	struct jsonw w;
	struct csvw c;
	int rc;

	memset(&a, 0, sizeof(a));
	if (org_params_read(q, r, &p))
		return 0;
	if ((rc = org_activity_build(q->store, q->pricing, p.from, p.to, p.team, NULL, &a,
				     &q->err)) < 0)
		goto out;
	for (int i = 0; i < 3; i++)
		if ((rc = count_period(&a, &p, i, &pc[i], &npc[i], &q->err)) < 0)
			goto out;
	if (p.csv) {
		static const char *const hdr[] = { "date", "tool", "activeUsers", NULL };
		char d[16];
		org_csv_begin(r, &c);
		csvw_header(&c, hdr);
		for (size_t i = 0; i < npc[0]; i++) {
			format_day(pc[0][i].start, d, sizeof(d));
			csvw_text(&c, d);
			csvw_text(&c, pc[0][i].tool);
			csvw_int(&c, pc[0][i].n);
			csvw_eol(&c);
		}
		org_csv_end(r);
		goto out;
	}
	http_ok_begin(r, &w);
	jw_obj(&w);
	org_jrange(&w, &p);
	j_periods(&w, "daily", "date", 0, pc[0], npc[0]);
	j_periods(&w, "weekly", "week", 1, pc[1], npc[1]);
	j_periods(&w, "monthly", "month", 2, pc[2], npc[2]);
	j_seats(&w, &a, &p, org_service_of(q));
	jw_end(&w);
	http_ok_end(r, &w);
out:
	for (int i = 0; i < 3; i++)
		free(pc[i]);
	org_activity_free(&a);
	return rc < 0 ? rc : 0;
}

/* --- productivity ----------------------------------------------------- */

int api_org_productivity(struct http_req *q, struct http_resp *r)
{
	struct org_params p;
	struct org_activity a;
	struct org_prod_day t;
	struct jsonw w;
	struct csvw c;
	bool cc;
	int rc;

	memset(&a, 0, sizeof(a));
	memset(&t, 0, sizeof(t));
	if (org_params_read(q, r, &p))
		return 0;
	if ((rc = org_activity_build(q->store, q->pricing, p.from, p.to, p.team, NULL, &a,
				     &q->err)) < 0)
		goto out;
	cc = tool_ok(&p, ORGT_CC);
	for (size_t i = 0; cc && i < a.n_prod; i++) {
		t.sessions += a.prod[i].sessions;
		t.lines_added += a.prod[i].lines_added;
		t.lines_removed += a.prod[i].lines_removed;
		t.commits += a.prod[i].commits;
		t.prs += a.prod[i].prs;
		t.accepted += a.prod[i].accepted;
		t.rejected += a.prod[i].rejected;
	}
	if (p.csv) {
		static const char *const hdr[] = { "date", "ccSessions", "ccLinesAdded",
			"ccLinesRemoved", "ccCommits", "ccPullRequests", "editAccepted",
			"editRejected", NULL };
		char d[16];
		org_csv_begin(r, &c);
		csvw_header(&c, hdr);
		for (size_t i = 0; cc && i < a.n_prod; i++) {
			format_day(a.prod[i].day, d, sizeof(d));
			csvw_text(&c, d);
			csvw_int(&c, a.prod[i].sessions);
			csvw_int(&c, a.prod[i].lines_added);
			csvw_int(&c, a.prod[i].lines_removed);
			csvw_int(&c, a.prod[i].commits);
			csvw_int(&c, a.prod[i].prs);
			csvw_int(&c, a.prod[i].accepted);
			csvw_int(&c, a.prod[i].rejected);
			csvw_eol(&c);
		}
		org_csv_end(r);
		goto out;
	}
	http_ok_begin(r, &w);
	jw_obj(&w);
	jw_key(&w, "claudeCode");
	if (!cc) {
		jw_null(&w);
	} else {
		jw_obj(&w);
		org_jint(&w, "sessions", t.sessions);
		org_jint(&w, "linesAdded", t.lines_added);
		org_jint(&w, "linesRemoved", t.lines_removed);
		org_jint(&w, "commits", t.commits);
		org_jint(&w, "pullRequests", t.prs);
		org_jint(&w, "editAccepted", t.accepted);
		org_jint(&w, "editRejected", t.rejected);
		org_jrate(&w, "editAcceptRate", t.accepted, t.accepted + t.rejected);
		jw_key(&w, "byTool");
		jw_arr(&w);
		for (size_t i = 0; i < a.n_tools; i++) {
			jw_obj(&w);
			jw_key(&w, "tool");
			jw_str(&w, a.tools[i].tool);
			org_jint(&w, "accepted", a.tools[i].accepted);
			org_jint(&w, "rejected", a.tools[i].rejected);
			org_jrate(&w, "acceptRate", a.tools[i].accepted,
				  a.tools[i].accepted + a.tools[i].rejected);
			jw_end(&w);
		}
		jw_end(&w);
		jw_end(&w);
	}
	/* no Cursor data in the window: null, never zero-filled */
	jw_key(&w, "cursor");
	if (!a.cursor.any || !tool_ok(&p, ORGT_CURSOR)) {
		jw_null(&w);
	} else {
		jw_obj(&w);
		org_jint(&w, "acceptedLines", a.cursor.accepted_lines_added);
		org_jint(&w, "suggestedLines", a.cursor.lines_added);
		org_jint(&w, "tabsShown", a.cursor.tabs_shown);
		org_jint(&w, "tabsAccepted", a.cursor.tabs_accepted);
		org_jrate(&w, "tabAcceptRate", a.cursor.tabs_accepted, a.cursor.tabs_shown);
		jw_end(&w);
	}
	jw_key(&w, "commits");
	if (!a.cursor.any_commits || !tool_ok(&p, ORGT_CURSOR)) {
		jw_null(&w);
	} else {
		jw_obj(&w);
		jw_key(&w, "source");
		jw_str(&w, "cursor ai code tracking");
		org_jint(&w, "totalLinesAdded", a.cursor.commit_lines);
		org_jint(&w, "aiLinesAdded", a.cursor.commit_ai_lines);
		org_jpct(&w, "aiSharePct", a.cursor.commit_ai_lines, a.cursor.commit_lines);
		jw_end(&w);
	}
	jw_key(&w, "daily");
	jw_arr(&w);
	for (size_t i = 0; cc && i < a.n_prod; i++) {
		jw_obj(&w);
		org_jday(&w, "date", a.prod[i].day);
		org_jint(&w, "ccSessions", a.prod[i].sessions);
		org_jint(&w, "ccLinesAdded", a.prod[i].lines_added);
		org_jint(&w, "ccLinesRemoved", a.prod[i].lines_removed);
		org_jint(&w, "ccCommits", a.prod[i].commits);
		org_jint(&w, "ccPullRequests", a.prod[i].prs);
		org_jint(&w, "editAccepted", a.prod[i].accepted);
		org_jint(&w, "editRejected", a.prod[i].rejected);
		jw_end(&w);
	}
	jw_end(&w);
	jw_end(&w);
	http_ok_end(r, &w);
out:
	org_activity_free(&a);
	return rc < 0 ? rc : 0;
}

/* --- cost ------------------------------------------------------------- */

static void j_amounts(struct jsonw *w, const char *key, const char *k, bool label,
		      const struct org_amount *v, size_t n)
{
	jw_key(w, key);
	jw_arr(w);
	for (size_t i = 0; i < n; i++) {
		jw_obj(w);
		jw_key(w, k);
		jw_str(w, v[i].key);
		if (label) {
			jw_key(w, "name");
			jw_str(w, v[i].label);
		}
		org_jmoney(w, "billCents", v[i].nano);
		jw_end(w);
	}
	jw_end(w);
}

static void csv_amounts(struct csvw *c, const char *dim, const struct org_amount *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		csvw_text(c, dim);
		csvw_text(c, v[i].key);
		csvw_text(c, v[i].label);
		org_csv_money(c, v[i].nano);
		csvw_eol(c);
	}
}

int api_org_cost(struct http_req *q, struct http_resp *r)
{
	static const char *const hdr[] = { "dimension", "key", "label", "billCents", NULL };
	struct org_params p;
	struct org_report rep;
	struct org_activity a;
	struct jsonw w;
	struct csvw c;
	int rc;

	memset(&rep, 0, sizeof(rep));
	memset(&a, 0, sizeof(a));
	if (org_params_read(q, r, &p))
		return 0;
	if ((rc = org_report_build(q->store, q->pricing, p.from, p.to, &rep, &q->err)) < 0 ||
	    (rc = org_activity_build(q->store, q->pricing, p.from, p.to, NULL, NULL, &a,
				     &q->err)) < 0)
		goto out;
	if (p.csv) {
		org_csv_begin(r, &c);
		csvw_header(&c, hdr);
		csv_amounts(&c, "model", rep.by_model, rep.n_model);
		csv_amounts(&c, "tokenType", rep.by_type, rep.n_type);
		csv_amounts(&c, "workspace", rep.by_ws, rep.n_ws);
		org_csv_end(r);
		goto out;
	}
	http_ok_begin(r, &w);
	jw_obj(&w);
	org_jrange(&w, &p);
	org_jmoney(&w, "billCents", rep.bill_nano);
	j_amounts(&w, "byModel", "model", false, rep.by_model, rep.n_model);
	j_amounts(&w, "byTokenType", "tokenType", false, rep.by_type, rep.n_type);
	j_amounts(&w, "byWorkspace", "workspaceId", true, rep.by_ws, rep.n_ws);
	jw_key(&w, "tokens");
	jw_obj(&w);
	org_jint(&w, "uncachedInput", rep.uncached_input);
	org_jint(&w, "output", rep.output);
	org_jint(&w, "cacheRead", rep.cache_read);
	org_jint(&w, "cacheWrite5m", rep.cw5m);
	org_jint(&w, "cacheWrite1h", rep.cw1h);
	org_jint(&w, "webSearchRequests", rep.web_search);
	jw_end(&w);
	jw_key(&w, "estimates");
	jw_obj(&w);
	jw_key(&w, "isEstimate");
	jw_bool(&w, true);
	org_jmoney(&w, "estimatedClaudeCodeCents", rep.cc_est_nano);
	jw_key(&w, "byModel");
	jw_arr(&w);
	for (size_t i = 0; i < a.n_est; i++) {
		jw_obj(&w);
		jw_key(&w, "model");
		jw_str(&w, a.est[i].model);
		org_jmoney(&w, "estimatedCostCents", a.est[i].est_nano);
		jw_end(&w);
	}
	jw_end(&w);
	jw_end(&w);
	jw_end(&w);
	http_ok_end(r, &w);
out:
	org_report_free(&rep);
	org_activity_free(&a);
	return rc < 0 ? rc : 0;
}

/* --- freshness -------------------------------------------------------- */

struct runs {
	struct org_run v[FRESH_SCAN];  /* newest first */
	size_t n;
};

static int on_run(void *ctx, const struct org_run *run)
{
	struct runs *rs = ctx;
	if (rs->n < FRESH_SCAN)
		rs->v[rs->n++] = *run;
	return 0;
}

static void j_ts(struct jsonw *w, const char *key, int64_t ms)
{
	char b[40];
	jw_key(w, key);
	if (!ms) {
		jw_null(w);
		return;
	}
	format_iso_ms(ms, b, sizeof(b));
	jw_str(w, b);
}

static void j_run(struct jsonw *w, const struct org_run *run)
{
	if (!run) {
		jw_null(w);
		return;
	}
	jw_obj(w);
	org_jint(w, "id", run->id);
	jw_key(w, "source");
	jw_str(w, run->source);
	j_ts(w, "startedAt", run->started_ms);
	j_ts(w, "finishedAt", run->finished_ms);
	org_jday(w, "from", run->from_day);
	org_jday(w, "to", run->to_day);
	jw_key(w, "status");
	jw_str(w, run->status);
	org_jint(w, "rows", run->rows);
	org_jint(w, "requests", run->requests);
	jw_key(w, "error");
	jw_str(w, run->error);
	jw_end(w);
}

/* days: n entries of stride bytes, each starting with its int64_t day
 * (sorted, unique). */
static int64_t day_at(const void *days, size_t stride, size_t j)
{
	int64_t d;
	memcpy(&d, (const char *)days + j * stride, sizeof(d));
	return d;
}

static void j_gaps(struct jsonw *w, const void *days, size_t n, size_t stride,
		   const struct org_params *p)
{
	int64_t end = p->to < p->today - 1 ? p->to : p->today - 1, gap = -1;
	size_t j = 0;
	jw_key(w, "gaps");
	jw_arr(w);
	for (int64_t d = p->from; d <= end + 1; d++) {
		bool have;
		while (j < n && day_at(days, stride, j) < d)
			j++;
		have = d > end || (j < n && day_at(days, stride, j) == d);
		if (!have && gap < 0)
			gap = d;
		if (have && gap >= 0) {
			jw_obj(w);
			org_jday(w, "from", gap);
			org_jday(w, "to", d - 1);
			jw_end(w);
			gap = -1;
		}
	}
	jw_end(w);
}

/* One freshness row per source (table over the sources): the source's runs
 * (newest first) and the days its data table holds. */
struct fresh_src {
	const char *name;      /* org_run.source */
	const void *days;
	size_t n, stride;
};

static void j_source(struct jsonw *w, const struct runs *rs, const struct fresh_src *f,
		     const struct org_params *p)
{
	const struct org_run *ok = NULL, *fail = NULL, *last = NULL;
	for (size_t i = 0; i < rs->n; i++) {
		if (strcmp(rs->v[i].source, f->name) != 0)
			continue;
		if (!last)
			last = &rs->v[i];
		if (!ok && strcmp(rs->v[i].status, "ok") == 0)
			ok = &rs->v[i];
		if (!fail && (strcmp(rs->v[i].status, "error") == 0 ||
			      strcmp(rs->v[i].status, "partial") == 0))
			fail = &rs->v[i];
	}
	if (!last && !f->n)
		return;
	jw_obj(w);
	jw_key(w, "source");
	jw_str(w, f->name);
	j_ts(w, "lastSuccess", ok ? ok->finished_ms : 0);
	jw_key(w, "lastRun");
	j_run(w, last);
	jw_key(w, "lastFailure");
	j_run(w, fail);
	org_jday(w, "lastDataDay", f->n ? day_at(f->days, f->stride, f->n - 1) : -1);
	j_gaps(w, f->days, f->n, f->stride, p);
	jw_end(w);
}

int api_org_freshness(struct http_req *q, struct http_resp *r)
{
	static const char *const hdr[] = { "id", "source", "startedAt", "finishedAt", "from", "to",
		"status", "rows", "requests", "error", NULL };
	struct org_params p;
	struct org_report rep;
	struct org_activity a;
	struct runs *rs = NULL;
	const struct org_service *o = org_service_of(q);
	struct jsonw w;
	struct csvw c;
	char b[40];
	int rc;

	memset(&rep, 0, sizeof(rep));
	memset(&a, 0, sizeof(a));
	if (org_params_read(q, r, &p))
		return 0;
	if (!(rs = calloc(1, sizeof(*rs)))) {
		rc = aiu_errf(&q->err, AIU_ENOMEM, "freshness: out of memory");
		goto out;
	}
	if ((rc = q->store->ops->org_run_scan(q->store, FRESH_SCAN, on_run, rs, &q->err)) < 0 ||
	    (rc = org_report_build(q->store, q->pricing, p.from, p.to, &rep, &q->err)) < 0 ||
	    (rc = org_activity_build(q->store, q->pricing, p.from, p.to, NULL, NULL, &a,
				     &q->err)) < 0)
		goto out;
	if (p.csv) {
		org_csv_begin(r, &c);
		csvw_header(&c, hdr);
		for (size_t i = 0; i < rs->n && i < FRESH_RUNS; i++) {
			const struct org_run *x = &rs->v[i];
			csvw_int(&c, x->id);
			csvw_text(&c, x->source);
			format_iso_ms(x->started_ms, b, sizeof(b));
			csvw_text(&c, x->started_ms ? b : "");
			format_iso_ms(x->finished_ms, b, sizeof(b));
			csvw_text(&c, x->finished_ms ? b : "");
			format_day(x->from_day, b, sizeof(b));
			csvw_text(&c, b);
			format_day(x->to_day, b, sizeof(b));
			csvw_text(&c, b);
			csvw_text(&c, x->status);
			csvw_int(&c, x->rows);
			csvw_int(&c, x->requests);
			csvw_text(&c, x->error);
			csvw_eol(&c);
		}
		org_csv_end(r);
		goto out;
	}
	http_ok_begin(r, &w);
	jw_obj(&w);
	j_ts(&w, "now", now_ms());
	org_jrange(&w, &p);
	jw_key(&w, "sources");
	jw_arr(&w);
	{
		const struct fresh_src srcs[] = {
			{ "anthropic", a.bill_days, a.n_bill_days, sizeof(*a.bill_days) },
			{ "cursor", a.cursor_days, a.n_cursor_days, sizeof(*a.cursor_days) },
			{ "claude_ai", a.cai_days, a.n_cai_days, sizeof(*a.cai_days) },
		};
		for (size_t i = 0; i < sizeof(srcs) / sizeof(srcs[0]); i++)
			j_source(&w, rs, &srcs[i], &p);
	}
	jw_end(&w);
	jw_key(&w, "runs");
	jw_arr(&w);
	for (size_t i = 0; i < rs->n && i < FRESH_RUNS; i++)
		j_run(&w, &rs->v[i]);
	jw_end(&w);
	jw_key(&w, "coverage");
	jw_obj(&w);
	org_jpct(&w, "billAttributedPct", rep.bill_attributed_nano, rep.bill_nano);
	org_jpct(&w, "tokensAttributedPct", rep.tokens_attributed, rep.tokens_total);
	org_jpct(&w, "claudeCodeRecordsAttributedPct", rep.cc_records_attributed, rep.cc_records);
	jw_end(&w);
	jw_key(&w, "schedule");
	jw_obj(&w);
	jw_key(&w, "enabled");
	jw_bool(&w, o && o->sched_enabled);
	org_jint(&w, "intervalSeconds", o && o->sched_enabled ? o->sched_interval_s : 0);
	jw_end(&w);
	jw_end(&w);
	http_ok_end(r, &w);
out:
	free(rs);
	org_report_free(&rep);
	org_activity_free(&a);
	return rc < 0 ? rc : 0;
}
