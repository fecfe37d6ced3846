/* dash.c - the dashboard's analytics structs (see dash.h). */
#include "query/dash.h"
#include "query/query_util.h"
#include "core/arr.h"
#include "core/kmap.h"
#include "core/strutil.h"
#include "core/timeutil.h"

#include <stdlib.h>
#include <string.h>

struct dctx {
	struct store *s;
	const struct dash_filter *f;
	unsigned what;
	struct qctx q;
	struct dash *d;
	struct kmap day_idx, proj_idx, model_idx, sess_idx, tool_idx; /* id -> index + 1 */
	size_t day_cap, proj_cap, model_cap, sess_cap, tool_cap;
	int rc;
};

/* Index of the element for key in *v (grown as needed), creating a zeroed one. */
static void *slot_for(struct kmap *idx, int64_t key, void **v, size_t *n, size_t *cap,
		      size_t elem, bool *created)
{
	size_t *slot = kmap_put(idx, &key, created);
	if (!slot)
		return NULL;
	if (*created) {
		if (*n == *cap) {
			size_t ncap = *cap ? *cap * 2 : 32;
			void *nv = realloc(*v, ncap * elem);
			if (!nv)
				return NULL;
			*v = nv;
			*cap = ncap;
		}
		memset((char *)*v + *n * elem, 0, elem);
		*slot = ++*n;
	}
	return (char *)*v + (*slot - 1) * elem;
}

static bool in_range(const struct dash_filter *f, int64_t ms)
{
	return ms >= f->from_ms && ms <= f->to_ms;
}

/* Bucket range whose starts may lie in [from, to]. */
static void bucket_range(const struct dash_filter *f, int64_t *from, int64_t *to)
{
	*from = f->from_ms == INT64_MIN ? INT64_MIN / 2 : f->from_ms / BUCKET_MS - 1;
	*to = f->to_ms == INT64_MAX ? INT64_MAX / 2 : f->to_ms / BUCKET_MS + 1;
}

static int on_rollup(void *ctx, const struct rollup_row *rr)
{
	struct dctx *c = ctx;
	struct dash *d = c->d;
	struct usage_agg part;
	struct dash_model *m;
	bool created;

	if (!in_range(c->f, rr->k.bucket * BUCKET_MS) || !qctx_project_ok(&c->q, rr->k.project_id))
		return 0;
	memset(&part, 0, sizeof(part));
	if (qctx_add(&c->q, &part, NULL, NULL, rr->k.model_id, rr->k.variant, rr->n, &rr->t) < 0)
		return c->rc = AIU_ENOMEM;
	qctx_agg_add(&d->total, &part);
	if (!d->first_ts || rr->min_ts < d->first_ts)
		d->first_ts = rr->min_ts;
	if (rr->max_ts > d->last_ts)
		d->last_ts = rr->max_ts;
	if (!(m = slot_for(&c->model_idx, rr->k.model_id, (void **)&d->models, &d->nmodels,
			   &c->model_cap, sizeof(*m), &created)))
		return c->rc = AIU_ENOMEM;
	if (created) {
		m->id = rr->k.model_id;
		m->name = qctx_name(&c->q, DICT_MODEL, rr->k.model_id);
	}
	qctx_agg_add(&m->a, &part);
	if (c->what & DASH_DAYS) {
		int64_t day = tz_local_day(c->f->tz, rr->k.bucket * BUCKET_MS);
		struct dash_day *dd = slot_for(&c->day_idx, day, (void **)&d->days, &d->ndays,
					       &c->day_cap, sizeof(*dd), &created);
		if (!dd)
			return c->rc = AIU_ENOMEM;
		dd->day = day;
		qctx_agg_add(&dd->a, &part);
	}
	if (c->what & DASH_PROJECTS) {
		struct dash_project *p = slot_for(&c->proj_idx, rr->k.project_id, (void **)&d->projects,
						  &d->nprojects, &c->proj_cap, sizeof(*p), &created);
		if (!p)
			return c->rc = AIU_ENOMEM;
		if (created) {
			p->id = rr->k.project_id;
			p->name = qctx_name(&c->q, DICT_PROJECT, rr->k.project_id);
		}
		qctx_agg_add(&p->a, &part);
		if (rr->max_ts > p->last_ts)
			p->last_ts = rr->max_ts;
	}
	return 0;
}

static int on_tool(void *ctx, const struct tool_rollup_row *tr)
{
	struct dctx *c = ctx;
	struct tool_report *r = &c->d->tools;
	struct tool_row *t;
	bool created;
	if (!in_range(c->f, tr->bucket * BUCKET_MS) || !qctx_project_ok(&c->q, tr->project_id))
		return 0;
	t = slot_for(&c->tool_idx, tr->tool_id, (void **)&r->v, &r->n, &c->tool_cap, sizeof(*t),
		     &created);
	if (!t)
		return c->rc = AIU_ENOMEM;
	if (created)
		t->tool = qctx_name(&c->q, DICT_TOOL, tr->tool_id);
	t->count += tr->n;
	r->total += tr->n;
	return 0;
}

static int on_session(void *ctx, const struct session_row *sr)
{
	struct dctx *c = ctx;
	struct dash *d = c->d;
	int64_t dur;
	bool created;

	if (!sr->first_ts || !in_range(c->f, sr->first_ts) || !qctx_project_ok(&c->q, sr->project_id))
		return 0;
	dur = sr->last_ts > sr->first_ts ? sr->last_ts - sr->first_ts : 0;
	d->session_count++;
	d->session_dur_ms += dur;
	d->prompts += sr->user_msgs;
	if (c->what & DASH_DAYS) {
		int64_t day = tz_local_day(c->f->tz, sr->first_ts);
		struct dash_day *dd = slot_for(&c->day_idx, day, (void **)&d->days, &d->ndays,
					       &c->day_cap, sizeof(*dd), &created);
		if (!dd)
			return c->rc = AIU_ENOMEM;
		dd->day = day;
		dd->sessions++;
		dd->dur_sum_ms += dur;
	}
	if (c->what & DASH_PROJECTS) {
		struct dash_project *p = slot_for(&c->proj_idx, sr->project_id, (void **)&d->projects,
						  &d->nprojects, &c->proj_cap, sizeof(*p), &created);
		if (!p)
			return c->rc = AIU_ENOMEM;
		if (created) {
			p->id = sr->project_id;
			p->name = qctx_name(&c->q, DICT_PROJECT, sr->project_id);
		}
		p->sessions++;
		p->prompts += sr->user_msgs;
	}
	if (c->what & DASH_SESSIONS) {
		struct dash_session *ds = slot_for(&c->sess_idx, sr->id, (void **)&d->sessions,
						   &d->nsessions, &c->sess_cap, sizeof(*ds), &created);
		if (!ds)
			return c->rc = AIU_ENOMEM;
		ds->id = sr->id;
		str_copy(ds->uuid, sr->uuid, sizeof(ds->uuid));
		ds->project = qctx_name(&c->q, DICT_PROJECT, sr->project_id);
		ds->first_ts = sr->first_ts;
		ds->last_ts = sr->last_ts;
		ds->prompts = sr->user_msgs;
	}
	return 0;
}

static int on_session_rollup(void *ctx, const struct session_rollup_row *sr)
{
	struct dctx *c = ctx;
	size_t *slot = kmap_get(&c->sess_idx, &sr->session_id);
	struct dash_session *ds;
	if (!slot)
		return 0;
	ds = &c->d->sessions[*slot - 1];
	if (qctx_add(&c->q, &ds->a, &ds->models, &ds->nmodels, sr->model_id, sr->variant, sr->n,
		     &sr->t) < 0)
		return c->rc = AIU_ENOMEM;
	return 0;
}

/* The model with most requests (ties: cheaper name order), for a session row. */
static void session_finish(struct dash_session *ds)
{
	int64_t best = -1;
	ds->top_model = NULL;
	for (size_t i = 0; i < ds->nmodels; i++)
		if (ds->models[i].a.n > best ||
		    (ds->models[i].a.n == best && strcmp(ds->models[i].model, ds->top_model) < 0)) {
			best = ds->models[i].a.n;
			ds->top_model = ds->models[i].model;
		}
	qctx_sort_models(ds->models, ds->nmodels);
}

static int cmp_model_count(const void *a, const void *b)
{
	const struct dash_model *x = a, *y = b;
	if (x->a.n != y->a.n)
		return x->a.n > y->a.n ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int cmp_day_desc(const void *a, const void *b)
{
	const struct dash_day *x = a, *y = b;
	return x->day == y->day ? 0 : x->day > y->day ? -1 : 1;
}

static int cmp_proj_cost(const void *a, const void *b)
{
	const struct dash_project *x = a, *y = b;
	if (x->a.cost_nano != y->a.cost_nano)
		return x->a.cost_nano > y->a.cost_nano ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int cmp_tool_count(const void *a, const void *b)
{
	const struct tool_row *x = a, *y = b;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->tool, y->tool);
}

int dash_build(struct store *s, const struct pricing *p, const struct dash_filter *f,
	       unsigned what, struct dash *out, struct aiu_err *err)
{
	struct dctx c;
	int64_t from, to;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	c.s = s;
	c.f = f;
	c.what = what;
	c.d = out;
	kmap_init(&c.day_idx, sizeof(int64_t), sizeof(size_t), 0);
	kmap_init(&c.proj_idx, sizeof(int64_t), sizeof(size_t), 0);
	kmap_init(&c.model_idx, sizeof(int64_t), sizeof(size_t), 0);
	kmap_init(&c.sess_idx, sizeof(int64_t), sizeof(size_t), 0);
	kmap_init(&c.tool_idx, sizeof(int64_t), sizeof(size_t), 0);
	if ((rc = qctx_init(&c.q, s, p, f->project, err)) < 0)
		goto out;
	bucket_range(f, &from, &to);
	if ((rc = s->ops->rollup_scan(s, from, to, 0, on_rollup, &c, err)) < 0 || (rc = c.rc) < 0)
		goto oom;
	if (what & DASH_TOOLS) {
		if ((rc = s->ops->tool_rollup_scan(s, from, to, 0, on_tool, &c, err)) < 0 ||
		    (rc = c.rc) < 0)
			goto oom;
		if (out->tools.n > 1)
			qsort(out->tools.v, out->tools.n, sizeof(*out->tools.v), cmp_tool_count);
		for (size_t i = 0; i < out->tools.n; i++)
			out->tools.v[i].pct = 100.0 * (double)out->tools.v[i].count / (double)out->tools.total;
	}
	if ((rc = s->ops->session_scan(s, on_session, &c, err)) < 0 || (rc = c.rc) < 0)
		goto oom;
	if ((what & DASH_SESSIONS) && out->nsessions) {
		if ((rc = s->ops->session_rollup_scan(s, on_session_rollup, &c, err)) < 0 ||
		    (rc = c.rc) < 0)
			goto oom;
		for (size_t i = 0; i < out->nsessions; i++)
			session_finish(&out->sessions[i]);
	}
	if (out->nmodels > 1)
		qsort(out->models, out->nmodels, sizeof(*out->models), cmp_model_count);
	if (out->ndays > 1)
		qsort(out->days, out->ndays, sizeof(*out->days), cmp_day_desc);
	if (out->nprojects > 1)
		qsort(out->projects, out->nprojects, sizeof(*out->projects), cmp_proj_cost);
	rc = qctx_unpriced(&c.q, &out->unpriced, &out->nunpriced, err);
	goto out;
oom:
	if (rc == AIU_ENOMEM)
		aiu_errf(err, rc, "out of memory building the dashboard figures");
out:
	kmap_release(&c.day_idx);
	kmap_release(&c.proj_idx);
	kmap_release(&c.model_idx);
	kmap_release(&c.sess_idx);
	kmap_release(&c.tool_idx);
	qctx_release(&c.q);
	if (rc < 0)
		dash_free(out);
	return rc;
}

void dash_free(struct dash *d)
{
	for (size_t i = 0; i < d->nsessions; i++)
		free(d->sessions[i].models);
	free(d->sessions);
	free(d->models);
	free(d->days);
	free(d->projects);
	tool_report_free(&d->tools);
	free(d->unpriced);
	memset(d, 0, sizeof(*d));
}

static int64_t sort_val(const struct dash_session *s, enum dash_sort by)
{
	switch (by) {
	case DS_END: return s->last_ts;
	case DS_DURATION: return s->last_ts - s->first_ts;
	case DS_COST: return s->a.cost_nano;
	case DS_TOKENS: return tokens_sum(&s->a.t);
	case DS_MESSAGES: return s->a.n + s->prompts;
	case DS_START: break;
	}
	return s->first_ts;
}

/* Ascending by the key, ties by uuid so pages are stable. */
static int cmp_sess_by(const struct dash_session *x, const struct dash_session *y,
		       enum dash_sort by)
{
	int64_t a = sort_val(x, by), b = sort_val(y, by);
	if (a != b)
		return a < b ? -1 : 1;
	return strcmp(x->uuid, y->uuid);
}

#define SESS_CMP(name, by) \
	static int name(const void *a, const void *b) { return cmp_sess_by(a, b, by); }
SESS_CMP(cmp_s_start, DS_START)
SESS_CMP(cmp_s_end, DS_END)
SESS_CMP(cmp_s_dur, DS_DURATION)
SESS_CMP(cmp_s_cost, DS_COST)
SESS_CMP(cmp_s_tokens, DS_TOKENS)
SESS_CMP(cmp_s_msgs, DS_MESSAGES)

void dash_sort_sessions(struct dash *d, enum dash_sort by, bool desc)
{
	static int (*const cmps[])(const void *, const void *) = {
		[DS_START] = cmp_s_start, [DS_END] = cmp_s_end, [DS_DURATION] = cmp_s_dur,
		[DS_COST] = cmp_s_cost, [DS_TOKENS] = cmp_s_tokens, [DS_MESSAGES] = cmp_s_msgs,
	};
	if (d->nsessions > 1)
		qsort(d->sessions, d->nsessions, sizeof(*d->sessions), cmps[by]);
	if (desc)
		arr_reverse(d->sessions, d->nsessions, sizeof(*d->sessions));
}

struct one_ctx {
	struct qctx q;
	struct dash_session *ds;
	int rc;
};

static int on_one_rollup(void *ctx, const struct session_rollup_row *sr)
{
	struct one_ctx *c = ctx;
	if (sr->session_id != c->ds->id)
		return 0;
	if (qctx_add(&c->q, &c->ds->a, &c->ds->models, &c->ds->nmodels, sr->model_id, sr->variant,
		     sr->n, &sr->t) < 0)
		return c->rc = AIU_ENOMEM;
	return 0;
}

int dash_session_get(struct store *s, const struct pricing *p, const char *uuid,
		     struct dash_session *out, bool *found, const char ***unpriced,
		     size_t *nunpriced, struct aiu_err *err)
{
	struct session_row sr;
	struct one_ctx c;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	*unpriced = NULL;
	*nunpriced = 0;
	if ((rc = s->ops->session_get(s, uuid, &sr, found, err)) < 0 || !*found)
		return rc;
	out->id = sr.id;
	str_copy(out->uuid, sr.uuid, sizeof(out->uuid));
	out->project = s->ops->dict_name(s, DICT_PROJECT, sr.project_id);
	out->first_ts = sr.first_ts;
	out->last_ts = sr.last_ts;
	out->prompts = sr.user_msgs;
	c.ds = out;
	if ((rc = qctx_init(&c.q, s, p, NULL, err)) < 0)
		goto out;
	if ((rc = s->ops->session_rollup_scan(s, on_one_rollup, &c, err)) < 0)
		goto out;
	if ((rc = c.rc) < 0) {
		aiu_errf(err, rc, "out of memory");
		goto out;
	}
	session_finish(out);
	rc = qctx_unpriced(&c.q, unpriced, nunpriced, err);
out:
	qctx_release(&c.q);
	if (rc < 0)
		dash_session_release(out);
	return rc;
}

void dash_session_release(struct dash_session *ds)
{
	free(ds->models);
	ds->models = NULL;
	ds->nmodels = 0;
}
