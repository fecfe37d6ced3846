/* report.c - period, session, project and model reports (see report.h). */
#include "query/report.h"
#include "query/query_util.h"
#include "core/arr.h"
#include "core/kmap.h"
#include "core/strutil.h"
#include "core/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int64_t tokens_sum(const struct tokens *t)
{
	return t->input + t->output + t->cw5m + t->cw1h + t->cache_read;
}

struct build {
	struct store *s;
	const struct report_opts *o;
	struct qctx q;
	enum report_kind kind;
	struct kmap idx;        /* int64 group key -> size_t row index + 1 */
	struct report *r;
	size_t cap;
	int rc;
	struct aiu_err *err;
	/* session report only */
	struct kmap sess;       /* session id -> row index + 1 (filtered sessions) */
};

static struct report_row *row_for(struct build *b, int64_t key, bool *created)
{
	size_t *slot = kmap_put(&b->idx, &key, created);
	if (!slot)
		return NULL;
	if (*created) {
		if (b->r->n == b->cap) {
			size_t ncap = b->cap ? b->cap * 2 : 64;
			struct report_row *nv = realloc(b->r->rows, ncap * sizeof(*nv));
			if (!nv)
				return NULL;
			b->r->rows = nv;
			b->cap = ncap;
		}
		memset(&b->r->rows[b->r->n], 0, sizeof(b->r->rows[0]));
		*slot = ++b->r->n;
	}
	return &b->r->rows[*slot - 1];
}

static void period_key(struct build *b, int64_t day, int64_t *key, char *label, size_t cap)
{
	int y;
	unsigned m, d;
	switch (b->kind) {
	case REPORT_WEEKLY:
		day -= (weekday_from_days(day) - b->o->week_start + 7) % 7;
		/* fall through */
	case REPORT_DAILY:
		*key = day;
		format_day(day, label, cap);
		return;
	default:
		civil_from_days(day, &y, &m, &d);
		*key = (int64_t)y * 12 + (m - 1);
		snprintf(label, cap, "%04d-%02u", y, m);
	}
}

static int on_rollup(void *ctx, const struct rollup_row *rr)
{
	struct build *b = ctx;
	int64_t day = tz_local_day(b->o->tz, rr->k.bucket * BUCKET_MS), key = 0;
	char label[32] = "";
	struct report_row *row;
	bool created;

	if (day < b->o->since_day || day > b->o->until_day || !qctx_project_ok(&b->q, rr->k.project_id))
		return 0;
	switch (b->kind) {
	case REPORT_PROJECTS:
		key = rr->k.project_id;
		break;
	case REPORT_MODELS:
		key = rr->k.model_id;
		break;
	default:
		period_key(b, day, &key, label, sizeof(label));
	}
	if (!(row = row_for(b, key, &created)))
		return b->rc = aiu_errf(b->err, AIU_ENOMEM, "out of memory");
	if (created) {
		if (b->kind == REPORT_PROJECTS)
			str_copy(row->key, qctx_name(&b->q, DICT_PROJECT, key), sizeof(row->key));
		else if (b->kind == REPORT_MODELS)
			str_copy(row->key, qctx_name(&b->q, DICT_MODEL, key), sizeof(row->key));
		else
			str_copy(row->key, label, sizeof(row->key));
		row->first_ts = rr->min_ts;
	}
	if (rr->min_ts < row->first_ts)
		row->first_ts = rr->min_ts;
	if (rr->max_ts > row->last_ts)
		row->last_ts = rr->max_ts;
	if (qctx_add(&b->q, &row->a, &row->models, &row->nmodels, rr->k.model_id, rr->k.variant,
		     rr->n, &rr->t) < 0)
		return b->rc = aiu_errf(b->err, AIU_ENOMEM, "out of memory");
	return 0;
}

/* Session report: sessions filtered by last activity, then their rollups. */
static int on_session(void *ctx, const struct session_row *sr)
{
	struct build *b = ctx;
	struct report_row *row;
	bool created;
	int64_t day;

	if (!sr->last_ts || !qctx_project_ok(&b->q, sr->project_id))
		return 0;
	day = tz_local_day(b->o->tz, sr->last_ts);
	if (day < b->o->since_day || day > b->o->until_day)
		return 0;
	if (!(row = row_for(b, sr->id, &created)))
		return b->rc = aiu_errf(b->err, AIU_ENOMEM, "out of memory");
	str_copy(row->key, sr->uuid, sizeof(row->key));
	row->project = qctx_name(&b->q, DICT_PROJECT, sr->project_id);
	row->first_ts = sr->first_ts;
	row->last_ts = sr->last_ts;
	row->user_msgs = sr->user_msgs;
	row->sessions = 1;
	return 0;
}

static int on_session_rollup(void *ctx, const struct session_rollup_row *sr)
{
	struct build *b = ctx;
	size_t *slot = kmap_get(&b->idx, &sr->session_id);
	struct report_row *row;
	if (!slot)
		return 0;
	row = &b->r->rows[*slot - 1];
	if (qctx_add(&b->q, &row->a, &row->models, &row->nmodels, sr->model_id, sr->variant,
		     sr->n, &sr->t) < 0)
		return b->rc = aiu_errf(b->err, AIU_ENOMEM, "out of memory");
	return 0;
}

/* Sessions count per project (for the projects report). */
static int on_session_count(void *ctx, const struct session_row *sr)
{
	struct build *b = ctx;
	size_t *slot;
	int64_t day;
	if (!sr->last_ts)
		return 0;
	day = tz_local_day(b->o->tz, sr->last_ts);
	if (day < b->o->since_day || day > b->o->until_day)
		return 0;
	if ((slot = kmap_get(&b->idx, &sr->project_id))) {
		b->r->rows[*slot - 1].sessions++;
		b->r->rows[*slot - 1].user_msgs += sr->user_msgs;
	}
	return 0;
}

static int cmp_key(const void *a, const void *b)
{
	return strcmp(((const struct report_row *)a)->key, ((const struct report_row *)b)->key);
}

static int cmp_last(const void *a, const void *b)
{
	const struct report_row *x = a, *y = b;
	if (x->last_ts != y->last_ts)
		return x->last_ts < y->last_ts ? -1 : 1;
	return strcmp(x->key, y->key);
}

static int cmp_cost_desc(const void *a, const void *b)
{
	const struct report_row *x = a, *y = b;
	if (x->a.cost_nano != y->a.cost_nano)
		return x->a.cost_nano > y->a.cost_nano ? -1 : 1;
	return strcmp(x->key, y->key);
}

int report_build(struct store *s, const struct pricing *p, enum report_kind kind,
		 const struct report_opts *o, struct report *out, struct aiu_err *err)
{
	struct build b;
	int64_t from, to;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&b, 0, sizeof(b));
	b.s = s;
	b.o = o;
	b.kind = kind;
	b.r = out;
	b.err = err;
	out->kind = kind;
	out->estimated = true;
	kmap_init(&b.idx, sizeof(int64_t), sizeof(size_t), 0);
	if ((rc = qctx_init(&b.q, s, p, o->project, err)) < 0)
		goto out;
	qctx_bucket_range(o->since_day, o->until_day, &from, &to);
	if (kind == REPORT_SESSION) {
		if ((rc = s->ops->session_scan(s, on_session, &b, err)) < 0 || (rc = b.rc) < 0)
			goto out;
		if ((rc = s->ops->session_rollup_scan(s, on_session_rollup, &b, err)) < 0 ||
		    (rc = b.rc) < 0)
			goto out;
		/* drop sessions with no requests (ccusage does too) */
		size_t w = 0;
		for (size_t i = 0; i < out->n; i++) {
			if (out->rows[i].a.n > 0)
				out->rows[w++] = out->rows[i];
			else
				free(out->rows[i].models);
		}
		out->n = w;
	} else {
		if ((rc = s->ops->rollup_scan(s, from, to, 0, on_rollup, &b, err)) < 0 ||
		    (rc = b.rc) < 0)
			goto out;
		if (kind == REPORT_PROJECTS &&
		    ((rc = s->ops->session_scan(s, on_session_count, &b, err)) < 0 || (rc = b.rc) < 0))
			goto out;
	}
	for (size_t i = 0; i < out->n; i++) {
		struct report_row *row = &out->rows[i];
		qctx_sort_models(row->models, row->nmodels);
		qctx_agg_add(&out->total, &row->a);
	}
	if (out->n < 2)
		; /* nothing to order (and qsort must not see NULL) */
	else if (kind == REPORT_SESSION)
		qsort(out->rows, out->n, sizeof(*out->rows), cmp_last);
	else if (kind == REPORT_PROJECTS || kind == REPORT_MODELS)
		qsort(out->rows, out->n, sizeof(*out->rows), cmp_cost_desc);
	else
		qsort(out->rows, out->n, sizeof(*out->rows), cmp_key);
	if (o->desc)
		arr_reverse(out->rows, out->n, sizeof(*out->rows));
	rc = qctx_unpriced(&b.q, &out->unpriced, &out->nunpriced, err);
out:
	kmap_release(&b.idx);
	qctx_release(&b.q);
	if (rc < 0)
		report_free(out);
	return rc;
}

void report_free(struct report *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->rows[i].models);
	free(r->rows);
	free(r->unpriced);
	memset(r, 0, sizeof(*r));
}
