/* api_analytics.c - GET /api/analytics/... (docs/API.md): parameters are
 * validated with the http.h helpers, figures come from query/dash.c (and
 * query/session_detail.c for a session's messages), JSON is written here. */
#include "http/api.h"
#include "query/dash.h"
#include "query/session_detail.h"
#include "core/timeutil.h"

#include <stdlib.h>
#include <string.h>

#define TOP_N 10   /* topModels / topTools in the overview */

/* US dollars from nano-dollars, rounded half away from zero to 6 decimals. */
static void jw_cost(struct jsonw *w, int64_t nano)
{
	int64_t micro = nano >= 0 ? (nano + 500) / 1000 : -((-nano + 500) / 1000);
	jw_nano(w, micro * 1000);
}

static void jw_ts(struct jsonw *w, int64_t ms)
{
	char b[40];
	if (!ms) {
		jw_null(w);
		return;
	}
	format_iso_ms(ms, b, sizeof(b));
	jw_str(w, b);
}

static void jw_pct(struct jsonw *w, int64_t part, int64_t total)
{
	jw_double(w, total ? 100.0 * (double)part / (double)total : 0.0, 1);
}

static void jw_kint(struct jsonw *w, const char *k, int64_t v)
{
	jw_key(w, k);
	jw_int(w, v);
}

static void jw_cost_meta(struct jsonw *w, const char *const *unpriced, size_t n)
{
	jw_key(w, "costIsEstimate");
	jw_bool(w, true);
	jw_key(w, "unpricedModels");
	jw_arr(w);
	for (size_t i = 0; i < n; i++)
		jw_str(w, unpriced[i]);
	jw_end(w);
}

static const char *basename_of(const char *path)
{
	const char *b = strrchr(path, '/');
	return b && b[1] ? b + 1 : path;
}

static int64_t seconds(int64_t ms)
{
	return (ms + 500) / 1000;
}

/* Filter parameters -> dash_filter; 0, or AIU_EARG with resp filled. */
static int read_filter(struct http_req *q, struct http_resp *r, struct http_filter *hf,
		       struct dash_filter *df)
{
	int rc = http_param_filter(q, r, hf);
	df->tz = hf->tz;
	df->from_ms = hf->from_ms;
	df->to_ms = hf->to_ms;
	df->project = hf->project;
	return rc;
}

/* Runs dash_build for a handler; 1 = response already filled (bad param). */
static int build(struct http_req *q, struct http_resp *r, unsigned what, struct http_filter *hf,
		 struct dash *d)
{
	struct dash_filter df;
	memset(d, 0, sizeof(*d));
	if (read_filter(q, r, hf, &df) < 0)
		return 1;
	return dash_build(q->store, q->pricing, &df, what, d, &q->err);
}

int api_overview(struct http_req *q, struct http_resp *r)
{
	struct http_filter hf;
	struct dash d;
	struct jsonw w;
	const struct tokens *t = &d.total.t;
	int64_t cache_den;
	int rc = build(q, r, DASH_TOOLS, &hf, &d);
	if (rc)
		goto out;
	cache_den = t->input + t->cw5m + t->cw1h + t->cache_read;
	http_ok_begin(r, &w);
	jw_obj(&w);
	jw_kint(&w, "totalSessions", d.session_count);
	jw_key(&w, "totalCost");
	jw_cost(&w, d.total.cost_nano);
	jw_kint(&w, "totalTokens", tokens_sum(t));
	jw_kint(&w, "inputTokens", t->input);
	jw_kint(&w, "outputTokens", t->output);
	jw_kint(&w, "avgSessionDuration",
		d.session_count ? seconds(d.session_dur_ms / d.session_count) : 0);
	jw_key(&w, "topModels");
	jw_arr(&w);
	for (size_t i = 0; i < d.nmodels && i < TOP_N; i++) {
		jw_obj(&w);
		jw_key(&w, "model");
		jw_str(&w, d.models[i].name);
		jw_kint(&w, "count", d.models[i].a.n);
		jw_key(&w, "percentage");
		jw_pct(&w, d.models[i].a.n, d.total.n);
		jw_end(&w);
	}
	jw_end(&w);
	jw_key(&w, "dateRange");
	jw_obj(&w);
	jw_key(&w, "from");
	jw_ts(&w, hf.from_ms != INT64_MIN ? hf.from_ms : d.first_ts);
	jw_key(&w, "to");
	jw_ts(&w, hf.to_ms != INT64_MAX ? hf.to_ms : d.last_ts);
	jw_end(&w);
	jw_kint(&w, "cacheCreationTokens", t->cw5m + t->cw1h);
	jw_kint(&w, "cacheReadTokens", t->cache_read);
	jw_key(&w, "cacheHitRate");
	jw_double(&w, cache_den ? (double)t->cache_read / (double)cache_den : 0.0, 4);
	jw_kint(&w, "totalMessages", d.total.n + d.prompts);
	jw_key(&w, "topTools");
	jw_arr(&w);
	for (size_t i = 0; i < d.tools.n && i < TOP_N; i++) {
		jw_obj(&w);
		jw_key(&w, "tool");
		jw_str(&w, d.tools.v[i].tool);
		jw_kint(&w, "count", d.tools.v[i].count);
		jw_key(&w, "percentage");
		jw_pct(&w, d.tools.v[i].count, d.tools.total);
		jw_end(&w);
	}
	jw_end(&w);
	jw_cost_meta(&w, d.unpriced, d.nunpriced);
	jw_end(&w);
	http_ok_end(r, &w);
out:
	dash_free(&d);
	http_filter_release(&hf);
	return rc < 0 ? rc : 0;
}

static void write_session(struct jsonw *w, const struct dash_session *s)
{
	const struct tokens *t = &s->a.t;
	jw_obj(w);
	jw_key(w, "id");
	jw_str(w, s->uuid);
	jw_key(w, "projectPath");
	jw_str(w, s->project ? s->project : "");
	jw_key(w, "startTime");
	jw_ts(w, s->first_ts);
	jw_key(w, "endTime");
	jw_ts(w, s->last_ts);
	jw_kint(w, "duration", seconds(s->last_ts - s->first_ts));
	jw_kint(w, "inputTokens", t->input);
	jw_kint(w, "outputTokens", t->output);
	jw_kint(w, "cacheCreationTokens", t->cw5m + t->cw1h);
	jw_kint(w, "cacheReadTokens", t->cache_read);
	jw_key(w, "cost");
	jw_cost(w, s->a.cost_nano);
	jw_key(w, "model");
	if (s->top_model)
		jw_str(w, s->top_model);
	else
		jw_null(w);
	jw_key(w, "projectName");
	jw_str(w, basename_of(s->project ? s->project : ""));
	jw_kint(w, "messages", s->a.n + s->prompts);
	jw_kint(w, "totalTokens", tokens_sum(t));
	jw_key(w, "models");
	jw_arr(w);
	for (size_t i = 0; i < s->nmodels; i++)
		jw_str(w, s->models[i].model);
	jw_end(w);
	jw_end(w);
}

static const char *const sort_names[] = { "startTime", "endTime", "duration", "cost", "tokens",
					  "messages", NULL };
static const char *const order_names[] = { "desc", "asc", NULL };

int api_sessions(struct http_req *q, struct http_resp *r)
{
	struct http_filter hf;
	struct dash d;
	struct jsonw w;
	int64_t limit, offset;
	size_t sort, order;
	int rc = build(q, r, DASH_SESSIONS, &hf, &d);
	if (rc)
		goto out;
	if (http_param_int(q, r, "limit", 1, 500, 20, &limit) < 0 ||
	    http_param_int(q, r, "offset", 0, 10000000, 0, &offset) < 0 ||
	    http_param_enum(q, r, "sort", sort_names, 0, &sort) < 0 ||
	    http_param_enum(q, r, "order", order_names, 0, &order) < 0)
		goto out;
	dash_sort_sessions(&d, (enum dash_sort)sort, order == 0);
	http_ok_begin(r, &w);
	jw_obj(&w);
	jw_key(&w, "sessions");
	jw_arr(&w);
	for (size_t i = (size_t)offset; i < d.nsessions && i < (size_t)(offset + limit); i++)
		write_session(&w, &d.sessions[i]);
	jw_end(&w);
	jw_key(&w, "pagination");
	jw_obj(&w);
	jw_kint(&w, "total", (int64_t)d.nsessions);
	jw_kint(&w, "limit", limit);
	jw_kint(&w, "offset", offset);
	jw_key(&w, "hasMore");
	jw_bool(&w, (size_t)(offset + limit) < d.nsessions);
	jw_end(&w);
	jw_cost_meta(&w, d.unpriced, d.nunpriced);
	jw_end(&w);
	http_ok_end(r, &w);
out:
	dash_free(&d);
	http_filter_release(&hf);
	return rc < 0 ? rc : 0;
}

static void write_message(struct jsonw *w, const char *sid, const struct sd_message *m)
{
	jw_obj(w);
	jw_key(w, "id");
	jw_str(w, m->id);
	jw_key(w, "sessionId");
	jw_str(w, sid);
	jw_key(w, "timestamp");
	jw_ts(w, m->ts_ms);
	jw_key(w, "role");
	jw_str(w, m->role);
	jw_key(w, "content");
	jw_str(w, m->content ? m->content : "");
	jw_kint(w, "inputTokens", m->t.input);
	jw_kint(w, "outputTokens", m->t.output);
	jw_kint(w, "cacheCreationTokens", m->t.cw5m + m->t.cw1h);
	jw_kint(w, "cacheReadTokens", m->t.cache_read);
	jw_key(w, "cost");
	jw_cost(w, m->cost_nano);
	jw_key(w, "model");
	if (m->model)
		jw_str(w, m->model);
	else
		jw_null(w);
	jw_key(w, "toolCalls");
	jw_arr(w);
	for (size_t i = 0; i < m->ntools; i++)
		jw_str(w, m->tools[i]);
	jw_end(w);
	jw_key(w, "truncated");
	jw_bool(w, m->truncated);
	jw_key(w, "contentAvailable");
	jw_bool(w, m->content_available);
	jw_end(w);
}

int api_session_detail(struct http_req *q, struct http_resp *r)
{
	struct dash_session s;
	struct sd_list l;
	struct jsonw w;
	const char **unpriced = NULL;
	size_t nunpriced = 0;
	int64_t limit, offset;
	bool found = false;
	int rc = 0;
	const char *id = q->ncaps ? q->caps[0] : "";

	memset(&s, 0, sizeof(s));
	memset(&l, 0, sizeof(l));
	if (http_param_int(q, r, "limit", 1, 5000, 1000, &limit) < 0 ||
	    http_param_int(q, r, "offset", 0, 10000000, 0, &offset) < 0)
		goto out;
	if (strlen(id) >= sizeof(s.uuid)) {
		http_error(r, 404, "NOT_FOUND", "no such session", "id", id);
		goto out;
	}
	if ((rc = dash_session_get(q->store, q->pricing, id, &s, &found, &unpriced, &nunpriced,
				   &q->err)) < 0)
		goto out;
	if (!found) {
		http_error(r, 404, "NOT_FOUND", "no such session", "id", id);
		goto out;
	}
	if ((rc = session_detail_messages(q->store, q->pricing, id, SD_CONTENT_CAP_DEFAULT, offset,
					  limit, &l, &found, &q->err)) < 0)
		goto out;
	http_ok_begin(r, &w);
	jw_obj(&w);
	jw_key(&w, "session");
	write_session(&w, &s);
	jw_key(&w, "messages");
	jw_arr(&w);
	for (size_t i = 0; i < l.n; i++)
		write_message(&w, s.uuid, &l.v[i]);
	jw_end(&w);
	jw_kint(&w, "messagesTotal", l.total);
	jw_cost_meta(&w, unpriced, nunpriced);
	jw_end(&w);
	http_ok_end(r, &w);
out:
	sd_list_free(&l);
	dash_session_release(&s);
	free((void *)unpriced);
	return rc < 0 ? rc : 0;
}

int api_daily_usage(struct http_req *q, struct http_resp *r)
{
	struct http_filter hf;
	struct dash d;
	struct jsonw w;
	int rc = build(q, r, DASH_DAYS, &hf, &d);
	if (rc)
		goto out;
	http_ok_begin(r, &w);
	jw_arr(&w);
	for (size_t i = 0; i < d.ndays; i++) {
		const struct dash_day *dd = &d.days[i];
		char day[16];
		format_day(dd->day, day, sizeof(day));
		jw_obj(&w);
		jw_key(&w, "date");
		jw_str(&w, day);
		jw_kint(&w, "sessions", dd->sessions);
		jw_kint(&w, "inputTokens", dd->a.t.input);
		jw_kint(&w, "outputTokens", dd->a.t.output);
		jw_key(&w, "cost");
		jw_cost(&w, dd->a.cost_nano);
		jw_kint(&w, "avgDuration", dd->sessions ? seconds(dd->dur_sum_ms / dd->sessions) : 0);
		jw_kint(&w, "cacheCreationTokens", dd->a.t.cw5m + dd->a.t.cw1h);
		jw_kint(&w, "cacheReadTokens", dd->a.t.cache_read);
		jw_kint(&w, "totalTokens", tokens_sum(&dd->a.t));
		jw_kint(&w, "messages", dd->a.n);
		jw_end(&w);
	}
	jw_end(&w);
	http_ok_end(r, &w);
out:
	dash_free(&d);
	http_filter_release(&hf);
	return rc < 0 ? rc : 0;
}

int api_model_distribution(struct http_req *q, struct http_resp *r)
{
	struct http_filter hf;
	struct dash d;
	struct jsonw w;
	int rc = build(q, r, 0, &hf, &d);
	if (rc)
		goto out;
	http_ok_begin(r, &w);
	jw_arr(&w);
	for (size_t i = 0; i < d.nmodels; i++) {
		const struct dash_model *m = &d.models[i];
		jw_obj(&w);
		jw_key(&w, "model");
		jw_str(&w, m->name);
		jw_kint(&w, "count", m->a.n);
		jw_key(&w, "percentage");
		jw_pct(&w, m->a.n, d.total.n);
		jw_key(&w, "totalCost");
		jw_cost(&w, m->a.cost_nano);
		jw_kint(&w, "totalTokens", tokens_sum(&m->a.t));
		jw_kint(&w, "inputTokens", m->a.t.input);
		jw_kint(&w, "outputTokens", m->a.t.output);
		jw_kint(&w, "cacheCreationTokens", m->a.t.cw5m + m->a.t.cw1h);
		jw_kint(&w, "cacheReadTokens", m->a.t.cache_read);
		jw_key(&w, "unpriced");
		jw_bool(&w, m->a.unpriced);
		jw_end(&w);
	}
	jw_end(&w);
	http_ok_end(r, &w);
out:
	dash_free(&d);
	http_filter_release(&hf);
	return rc < 0 ? rc : 0;
}

int api_tool_usage(struct http_req *q, struct http_resp *r)
{
	struct http_filter hf;
	struct dash d;
	struct jsonw w;
	int rc = build(q, r, DASH_TOOLS, &hf, &d);
	if (rc)
		goto out;
	http_ok_begin(r, &w);
	jw_arr(&w);
	for (size_t i = 0; i < d.tools.n; i++) {
		jw_obj(&w);
		jw_key(&w, "tool");
		jw_str(&w, d.tools.v[i].tool);
		jw_kint(&w, "count", d.tools.v[i].count);
		jw_key(&w, "percentage");
		jw_pct(&w, d.tools.v[i].count, d.tools.total);
		jw_end(&w);
	}
	jw_end(&w);
	http_ok_end(r, &w);
out:
	dash_free(&d);
	http_filter_release(&hf);
	return rc < 0 ? rc : 0;
}

int api_projects(struct http_req *q, struct http_resp *r)
{
	struct http_filter hf;
	struct dash d;
	struct jsonw w;
	int rc = build(q, r, DASH_PROJECTS, &hf, &d);
	if (rc)
		goto out;
	http_ok_begin(r, &w);
	jw_arr(&w);
	for (size_t i = 0; i < d.nprojects; i++) {
		const struct dash_project *p = &d.projects[i];
		jw_obj(&w);
		jw_key(&w, "project");
		jw_str(&w, p->name);
		jw_key(&w, "projectName");
		jw_str(&w, basename_of(p->name));
		jw_kint(&w, "sessions", p->sessions);
		jw_kint(&w, "messages", p->a.n + p->prompts);
		jw_kint(&w, "inputTokens", p->a.t.input);
		jw_kint(&w, "outputTokens", p->a.t.output);
		jw_kint(&w, "cacheCreationTokens", p->a.t.cw5m + p->a.t.cw1h);
		jw_kint(&w, "cacheReadTokens", p->a.t.cache_read);
		jw_kint(&w, "totalTokens", tokens_sum(&p->a.t));
		jw_key(&w, "totalCost");
		jw_cost(&w, p->a.cost_nano);
		jw_key(&w, "lastActivity");
		jw_ts(&w, p->last_ts);
		jw_end(&w);
	}
	jw_end(&w);
	http_ok_end(r, &w);
out:
	dash_free(&d);
	http_filter_release(&hf);
	return rc < 0 ? rc : 0;
}
