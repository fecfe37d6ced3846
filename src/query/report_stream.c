/* report_stream.c - the session report, one session at a time (see
 * report.h). Same filters and figures as report.c's on_session /
 * on_session_rollup, applied to the rows session_report_scan delivers
 * already in report order. */
#include "query/report.h"
#include "query/query_util.h"
#include "core/strutil.h"

#include <stdlib.h>
#include <string.h>

struct stream {
	const struct report_opts *o;
	struct qctx q;
	struct report *out;
	int (*row)(void *ctx, const struct report_row *r);
	void *ctx;
	int rc;                 /* first error (AIU_E*) */
	struct aiu_err *err;
};

static int on_session(void *ctx, const struct session_row *sr,
		      const struct session_rollup_row *rr, size_t n)
{
	struct stream *st = ctx;
	struct report_row row;
	int64_t day;
	int rc = 0;

	if (!sr->last_ts || !qctx_project_ok(&st->q, sr->project_id))
		return 0;
	day = tz_local_day(st->o->tz, sr->last_ts);
	if (day < st->o->since_day || day > st->o->until_day)
		return 0;
	memset(&row, 0, sizeof(row));
	str_copy(row.key, sr->uuid, sizeof(row.key));
	row.project = qctx_name(&st->q, DICT_PROJECT, sr->project_id);
	row.first_ts = sr->first_ts;
	row.last_ts = sr->last_ts;
	row.user_msgs = sr->user_msgs;
	row.sessions = 1;
	for (size_t i = 0; i < n; i++)
		if (qctx_add(&st->q, &row.a, &row.models, &row.nmodels, rr[i].model_id,
			     rr[i].variant, rr[i].n, &rr[i].t) < 0) {
			free(row.models);
			return st->rc = aiu_errf(st->err, AIU_ENOMEM, "out of memory");
		}
	if (row.a.n > 0) { /* sessions with no requests are left out (ccusage too) */
		qctx_sort_models(row.models, row.nmodels);
		qctx_agg_add(&st->out->total, &row.a);
		rc = st->row(st->ctx, &row);
	}
	free(row.models);
	return rc;
}

int report_session_stream(struct store *s, const struct pricing *p, const struct report_opts *o,
			  int (*row)(void *ctx, const struct report_row *r), void *ctx,
			  struct report *out, struct aiu_err *err)
{
	struct stream st;
	int rc;

	if (!s->ops->session_report_scan) {
		/* a backend without the streaming read: build, then hand out */
		if ((rc = report_build(s, p, REPORT_SESSION, o, out, err)) < 0)
			return rc;
		for (size_t i = 0; i < out->n && rc == 0; i++)
			rc = row(ctx, &out->rows[i]);
		for (size_t i = 0; i < out->n; i++)
			free(out->rows[i].models);
		free(out->rows);
		out->rows = NULL;
		out->n = 0;
		return rc;
	}
	memset(out, 0, sizeof(*out));
	memset(&st, 0, sizeof(st));
	out->kind = REPORT_SESSION;
	out->estimated = true;
	st.o = o;
	st.out = out;
	st.row = row;
	st.ctx = ctx;
	st.err = err;
	if ((rc = qctx_init(&st.q, s, p, o->project, err)) < 0)
		goto out;
	rc = s->ops->session_report_scan(s, o->desc, on_session, &st, err);
	if (st.rc < 0)
		rc = st.rc;
	if (rc != 0)
		goto out;
	rc = qctx_unpriced(&st.q, &out->unpriced, &out->nunpriced, err);
out:
	qctx_release(&st.q);
	if (rc < 0)
		report_free(out);
	return rc;
}
