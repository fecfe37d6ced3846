/* pull_run.c - see pull_run.h. */
#include "ingest/pull_run.h"
#include "core/strutil.h"
#include "core/timeutil.h"

#include <stdio.h>
#include <string.h>

int pull_run_source(struct store *s, const struct pull_source *src, struct pull_ctx *p,
		    struct aiu_err *err)
{
	struct org_run run;
	struct aiu_err e2 = { 0 };
	int rc, rc2;

	memset(&run, 0, sizeof(run));
	str_copy(run.source, src->name, sizeof(run.source));
	run.started_ms = now_ms();
	run.from_day = p->since_day != INT64_MIN ? p->since_day : p->today - p->backfill_days + 1;
	run.to_day = p->until_day != INT64_MAX ? p->until_day : p->today;
	if ((rc = store_begin(s, err)) < 0 || (rc = s->ops->org_run_start(s, &run, err)) < 0 ||
	    (rc = store_commit(s, err)) < 0) {
		store_rollback(s);
		return rc;
	}
	rc = src->fn(p, err);
	run.finished_ms = now_ms();
	run.from_day = p->from_day;
	run.to_day = p->to_day;
	run.rows = p->rows;
	run.requests = p->requests;
	if (rc < 0) {
		str_copy(run.status, "error", sizeof(run.status));
		str_copy(run.error, err->msg, sizeof(run.error));
	} else if (p->nerrors) {
		str_copy(run.status, "partial", sizeof(run.status));
		str_copy(run.error, p->first_error, sizeof(run.error));
	} else {
		str_copy(run.status, "ok", sizeof(run.status));
	}
	if ((rc2 = store_begin(s, &e2)) < 0 || (rc2 = s->ops->org_run_finish(s, &run, &e2)) < 0 ||
	    (rc2 = store_commit(s, &e2)) < 0) {
		store_rollback(s);
		if (p->errf)
			fprintf(p->errf, "aiusage: could not record the pull run: %s\n", e2.msg);
	}
	if (rc < 0)
		return rc;
	return p->nerrors ? AIU_EPARSE : AIU_OK;
}
