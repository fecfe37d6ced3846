/* tools.c - tool_use counts per tool over a date range (from rollup_tools). */
#include "query/query_util.h"
#include "query/report.h"

#include <stdlib.h>
#include <string.h>

struct tctx {
	struct qctx q;
	const struct report_opts *o;
	struct kmap idx;   /* tool id -> row index + 1 */
	struct tool_report *r;
	size_t cap;
	int rc;
};

static int on_tool(void *ctx, const struct tool_rollup_row *tr)
{
	struct tctx *c = ctx;
	int64_t day = tz_local_day(c->o->tz, tr->bucket * BUCKET_MS);
	bool created;
	size_t *slot;

	if (day < c->o->since_day || day > c->o->until_day || !qctx_project_ok(&c->q, tr->project_id))
		return 0;
	if (!(slot = kmap_put(&c->idx, &tr->tool_id, &created)))
		return c->rc = AIU_ENOMEM;
	if (created) {
		if (c->r->n == c->cap) {
			size_t ncap = c->cap ? c->cap * 2 : 32;
			struct tool_row *nv = realloc(c->r->v, ncap * sizeof(*nv));
			if (!nv)
				return c->rc = AIU_ENOMEM;
			c->r->v = nv;
			c->cap = ncap;
		}
		memset(&c->r->v[c->r->n], 0, sizeof(struct tool_row));
		c->r->v[c->r->n].tool = qctx_name(&c->q, DICT_TOOL, tr->tool_id);
		*slot = ++c->r->n;
	}
	c->r->v[*slot - 1].count += tr->n;
	c->r->total += tr->n;
	return 0;
}

static int cmp_count(const void *a, const void *b)
{
	const struct tool_row *x = a, *y = b;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->tool, y->tool);
}

int report_tools(struct store *s, const struct report_opts *o, struct tool_report *out,
		 struct aiu_err *err)
{
	struct tctx c;
	int64_t from, to;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	c.o = o;
	c.r = out;
	kmap_init(&c.idx, sizeof(int64_t), sizeof(size_t), 0);
	if ((rc = qctx_init(&c.q, s, NULL, o->project, err)) < 0)
		goto out;
	qctx_bucket_range(o->since_day, o->until_day, &from, &to);
	if ((rc = s->ops->tool_rollup_scan(s, from, to, 0, on_tool, &c, err)) < 0)
		goto out;
	if (c.rc < 0) {
		rc = aiu_errf(err, AIU_ENOMEM, "out of memory");
		goto out;
	}
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), cmp_count);
	for (size_t i = 0; i < out->n; i++)
		out->v[i].pct = out->total ? 100.0 * (double)out->v[i].count / (double)out->total : 0;
out:
	kmap_release(&c.idx);
	qctx_release(&c.q);
	if (rc < 0)
		tool_report_free(out);
	return rc;
}

void tool_report_free(struct tool_report *r)
{
	free(r->v);
	memset(r, 0, sizeof(*r));
}
