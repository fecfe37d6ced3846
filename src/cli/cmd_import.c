/* cmd_import.c - `aiusage import claude-ai FILE...`: claude.ai audit-log
 * exports (ZIP, CSV or JSON) into the store. Bad rows are listed on stderr
 * with file and line; everything else is imported. Exit status 1 when any
 * row or file was bad. Each file is recorded as a run of source "claude_ai"
 * (org_pull_runs: from/to = the import day, rows, status ok / partial /
 * error) so /api/org/freshness shows the last import. */
#include "cli/cli.h"
#include "ingest/claude_ai.h"

#include "core/strutil.h"
#include "core/timeutil.h"

#include <stdio.h>
#include <string.h>

/* Records one finished import as a run; a failure to record is reported on
 * stderr and does not fail the import (the data is stored). */
static void record_run(struct store *s, const char *path, int64_t started_ms, int rc,
		       const struct claude_ai_stats *st, const struct aiu_err *ierr)
{
	struct org_run run;
	struct aiu_err e = { 0 };
	int r;

	memset(&run, 0, sizeof(run));
	str_copy(run.source, "claude_ai", sizeof(run.source));
	run.started_ms = started_ms;
	run.from_day = run.to_day = started_ms / 86400000;
	if ((r = store_begin(s, &e)) < 0 || (r = s->ops->org_run_start(s, &run, &e)) < 0)
		goto out;
	run.finished_ms = now_ms();
	run.rows = st->rows;
	if (rc < 0) {
		str_copy(run.status, "error", sizeof(run.status));
		str_copy(run.error, ierr->msg, sizeof(run.error));
	} else if (st->bad) {
		str_copy(run.status, "partial", sizeof(run.status));
		snprintf(run.error, sizeof(run.error), "%.400s: %lld bad rows (listed on the import's stderr)",
			 path, (long long)st->bad);
	} else {
		str_copy(run.status, "ok", sizeof(run.status));
	}
	if ((r = s->ops->org_run_finish(s, &run, &e)) < 0)
		goto out;
	r = store_commit(s, &e);
out:
	if (r < 0) {
		store_rollback(s);
		fprintf(stderr, "aiusage: could not record the import run: %s\n", e.msg);
	}
}

int cmd_import(struct cli_ctx *c)
{
	struct aiu_err err = { 0 };
	int rc = AIU_OK, status = 0;

	if (c->npositional < 2 || strcmp(c->positional[0], "claude-ai") != 0) {
		fprintf(stderr, "aiusage: usage: aiusage import claude-ai FILE... (ZIP, CSV or JSON audit-log export)\n");
		return 2;
	}
	if ((rc = cli_open_store(c, &err)) < 0) {
		fprintf(stderr, "aiusage: %s\n", err.msg);
		return 1;
	}
	for (size_t i = 1; i < c->npositional; i++) {
		struct claude_ai_stats st;
		const char *path = c->positional[i];
		int64_t t0 = now_ms();
		memset(&st, 0, sizeof(st));
		aiu_err_clear(&err);
		rc = claude_ai_import(c->store, path, stderr, &st, &err);
		record_run(c->store, path, t0, rc, &st, &err);
		if (rc < 0) {
			fprintf(stderr, "aiusage: %s\n", err.msg);
			status = 1;
		}
		if (st.bad)
			status = 1;
		if (!c->quiet)
			printf("claude-ai: %s: %lld rows, %lld new, %lld already stored, %lld bad, %lld people%s\n",
			       path, (long long)st.rows, (long long)st.added, (long long)st.already,
			       (long long)st.bad, (long long)st.people, rc < 0 ? " (stopped early)" : "");
	}
	return status;
}
