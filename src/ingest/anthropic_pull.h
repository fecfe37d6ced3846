/* anthropic_pull.h - `aiusage pull anthropic` (see anthropic_pull.c). */
#ifndef AIU_ANTHROPIC_PULL_H
#define AIU_ANTHROPIC_PULL_H

#include "ingest/pull.h"

/* Pulls users, workspaces, api_keys, usage_report/messages, cost_report and
 * usage_report/claude_code into p->store. Returns < 0 only for errors that
 * stop the source (no key, bad base URL, store failure); an endpoint that
 * fails is noted in p (nerrors, first_error) and the others still run. */
int anthropic_pull(struct pull_ctx *p, struct aiu_err *err);

#endif
