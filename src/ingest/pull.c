/* pull.c - see pull.h. */
#include "ingest/pull.h"
#include "core/strutil.h"
#include "core/timeutil.h"

#include <stdio.h>
#include <string.h>

int pull_window(struct pull_ctx *p, const char *source, const char *endpoint, int64_t *from,
		int64_t *to, struct aiu_err *err)
{
	char v[32];
	bool found = false;
	int64_t cp;
	int rc;

	*to = p->until_day != INT64_MAX ? p->until_day : p->today;
	if (*to > p->today)
		*to = p->today;
	if (p->since_day != INT64_MIN) {
		*from = p->since_day;
	} else {
		if ((rc = p->store->ops->org_checkpoint_get(p->store, source, endpoint, v, sizeof(v),
							    &found, err)) < 0)
			return rc;
		if (found && parse_day_arg(v, &cp) == 0)
			*from = cp < *to ? cp : *to; /* the last day again: it may have been partial */
		else
			*from = *to - p->backfill_days + 1;
	}
	if (*from > *to)
		return aiu_errf(err, AIU_EARG, "%s %s: window starts after it ends", source, endpoint);
	if (*from < p->from_day || p->from_day == 0)
		p->from_day = *from;
	if (*to > p->to_day)
		p->to_day = *to;
	return AIU_OK;
}

int pull_checkpoint_advance(struct pull_ctx *p, const char *source, const char *endpoint,
			    int64_t day, struct aiu_err *err)
{
	char v[32];
	bool found = false;
	int64_t cp;
	int rc;
	if ((rc = p->store->ops->org_checkpoint_get(p->store, source, endpoint, v, sizeof(v), &found,
						    err)) < 0)
		return rc;
	if (found && parse_day_arg(v, &cp) == 0 && cp >= day)
		return AIU_OK;
	format_day(day, v, sizeof(v));
	return p->store->ops->org_checkpoint_put(p->store, source, endpoint, v, err);
}

void pull_note_error(struct pull_ctx *p, const char *msg)
{
	p->nerrors++;
	if (!p->first_error[0])
		str_copy(p->first_error, msg, sizeof(p->first_error));
	if (p->errf)
		fprintf(p->errf, "aiusage: %s\n", msg);
}
