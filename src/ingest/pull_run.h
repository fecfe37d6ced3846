/* pull_run.h - one recorded run of one organisation source, shared by
 * `aiusage pull` (cli/cmd_pull.c) and serve's scheduled pulls
 * (ingest/pull_sched.c): the run row (org_pull_runs) is committed with
 * status "running" first, the source runs, then the row is finished with
 * "ok", "partial" (row errors: p->nerrors) or "error" and the first error.
 * A failed run never removes stored data: sources replace whole days inside
 * their own transactions.
 */
#ifndef AIU_PULL_RUN_H
#define AIU_PULL_RUN_H

#include "ingest/pull.h"

/* Returns 0 (ok), AIU_EPARSE (partial: row errors) or the source's error
 * (err filled). A failure to record the run is written to p->errf. */
int pull_run_source(struct store *s, const struct pull_source *src, struct pull_ctx *p,
		    struct aiu_err *err);

#endif
