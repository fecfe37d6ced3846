/* blocks.c - 5-hour billing windows, computed from 15-minute rollups.
 *
 * Same rules as ccusage: a block starts at its first request's time floored
 * to the UTC hour and lasts session_ms; a request more than session_ms after
 * the block start or after the previous request opens a new block, and an
 * idle stretch longer than session_ms becomes a gap block. Bucket edges are
 * 15-minute aligned and block edges hour-aligned, so buckets never straddle
 * a block end, and each bucket's first/last request times keep gaps exact.
 */
#include "query/query_util.h"
#include "query/report.h"
#include "core/arr.h"
#include "core/timeutil.h"

#include <stdlib.h>
#include <string.h>

#define HOUR_MS 3600000LL

struct bctx {
	struct qctx q;
	const struct block_opts *o;
	struct block_report *r;
	size_t cap;
	struct block *cur;
	int rc;
	struct aiu_err *err;
};

static struct block *push(struct bctx *c)
{
	struct block *b;
	if (c->r->n == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 32;
		struct block *nv = realloc(c->r->v, ncap * sizeof(*nv));
		if (!nv)
			return NULL;
		c->r->v = nv;
		c->cap = ncap;
	}
	b = &c->r->v[c->r->n++];
	memset(b, 0, sizeof(*b));
	return b;
}

static int on_rollup(void *ctx, const struct rollup_row *rr)
{
	struct bctx *c = ctx;
	int64_t len = c->o->session_ms;
	size_t cur_i;

	if (!qctx_project_ok(&c->q, rr->k.project_id))
		return 0;
	if (c->cur && (rr->min_ts - c->cur->start_ms > len || rr->min_ts - c->cur->actual_end_ms > len)) {
		int64_t last = c->cur->actual_end_ms;
		c->cur = NULL;
		if (rr->min_ts - last > len) {
			struct block *g = push(c);
			if (!g)
				return c->rc = AIU_ENOMEM;
			g->is_gap = true;
			g->start_ms = last + len;
			g->end_ms = rr->min_ts;
		}
	}
	if (!c->cur) {
		if (!(c->cur = push(c)))
			return c->rc = AIU_ENOMEM;
		c->cur->start_ms = rr->min_ts - ((rr->min_ts % HOUR_MS) + HOUR_MS) % HOUR_MS;
		c->cur->end_ms = c->cur->start_ms + len;
		c->cur->actual_end_ms = rr->max_ts;
		c->cur->first_ms = rr->min_ts;
	}
	if (rr->max_ts > c->cur->actual_end_ms)
		c->cur->actual_end_ms = rr->max_ts;
	cur_i = (size_t)(c->cur - c->r->v);
	if (qctx_add(&c->q, &c->cur->a, &c->cur->models, &c->cur->nmodels, rr->k.model_id,
		     rr->k.variant, rr->n, &rr->t) < 0)
		return c->rc = AIU_ENOMEM;
	c->cur = &c->r->v[cur_i];
	return 0;
}

static void finish_active(struct block *b, int64_t now)
{
	double mins = (double)(b->actual_end_ms - b->first_ms) / 60000.0;
	int64_t total = tokens_sum(&b->a.t);
	if (!b->is_active || mins <= 0)
		return;
	b->burn_tokens_per_min = (double)total / mins;
	b->burn_cost_per_hour = (double)b->a.cost_nano / 1e9 / mins * 60.0;
	b->remaining_min = (b->end_ms - now) / 60000;
	if (b->remaining_min < 0)
		b->remaining_min = 0;
	b->proj_tokens = total + (int64_t)(b->burn_tokens_per_min * (double)b->remaining_min);
	b->proj_cost_nano = b->a.cost_nano +
		(int64_t)((double)b->a.cost_nano / mins * (double)b->remaining_min);
}

int report_blocks(struct store *s, const struct pricing *p, const struct block_opts *o,
		  struct block_report *out, struct aiu_err *err)
{
	struct bctx c;
	size_t w = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	c.o = o;
	c.r = out;
	c.err = err;
	if ((rc = qctx_init(&c.q, s, p, o->project, err)) < 0)
		goto out;
	if ((rc = s->ops->rollup_scan(s, INT64_MIN / 2, INT64_MAX / 2, 0, on_rollup, &c, err)) < 0)
		goto out;
	if (c.rc < 0) {
		rc = aiu_errf(err, AIU_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < out->n; i++) {
		struct block *b = &out->v[i];
		int64_t day = tz_local_day(o->tz, b->start_ms);
		bool keep;
		if (!b->is_gap)
			b->is_active = o->now_ms - b->actual_end_ms < o->session_ms && o->now_ms < b->end_ms;
		if (!b->is_gap)
			finish_active(b, o->now_ms);
		qctx_sort_models(b->models, b->nmodels);
		keep = day >= o->since_day && day <= o->until_day;
		if (o->recent && b->start_ms < o->now_ms - 3 * MS_PER_DAY && !b->is_active)
			keep = false;
		if (o->active_only && !b->is_active)
			keep = false;
		if (keep)
			out->v[w++] = *b;
		else
			free(b->models);
	}
	out->n = w;
	if (o->desc)
		arr_reverse(out->v, out->n, sizeof(*out->v));
	rc = qctx_unpriced(&c.q, &out->unpriced, &out->nunpriced, err);
out:
	qctx_release(&c.q);
	if (rc < 0)
		block_report_free(out);
	return rc;
}

void block_report_free(struct block_report *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->v[i].models);
	free(r->v);
	free(r->unpriced);
	memset(r, 0, sizeof(*r));
}
