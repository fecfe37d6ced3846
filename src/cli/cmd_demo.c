/* cmd_demo.c - `aiusage demo`: generate a demo history, sync it into the
 * demo database and show the daily report. Later runs of any report with
 * --demo read the same database. */
#include "cli/cli.h"
#include "core/timeutil.h"
#include "demo/demo_gen.h"
#include "demo/demo_org.h"

#include <stdlib.h>

#include <stdio.h>
#include <string.h>

/* --org: the organisation demo (demo/demo_org.h) into the same database,
 * the last 60 UTC days (AIUSAGE_TODAY pins today, for tests). */
static int demo_org(struct cli_ctx *c, struct aiu_err *err)
{
	struct demo_org_stats st;
	const char *t = getenv("AIUSAGE_TODAY");
	int64_t today = now_ms() / MS_PER_DAY;
	int rc;
	if (t && *t && parse_day_arg(t, &today) < 0)
		return aiu_errf(err, AIU_EARG, "AIUSAGE_TODAY: '%.40s' is not a date", t);
	if ((rc = demo_org_fill(c->store, today, 60, 20251123, &st, err)) < 0)
		return rc;
	if (!c->quiet)
		printf("Organisation demo: %lld people, %lld usage rows, %lld cost rows, %lld Claude Code"
		       " records; Cursor: %lld members, %lld daily rows, %lld usage events, %lld commits;"
		       " claude.ai: %lld events.\nTry: aiusage org --demo; aiusage serve --demo,"
		       " then /api/org/overview\n",
		       (long long)st.people, (long long)st.usage_rows, (long long)st.cost_rows,
		       (long long)st.cc_records, (long long)st.tools.cursor_members,
		       (long long)st.tools.cursor_days, (long long)st.tools.cursor_events,
		       (long long)st.tools.cursor_commits, (long long)st.tools.claude_ai_events);
	return AIU_OK;
}

int cmd_demo(struct cli_ctx *c)
{
	struct aiu_err err = { 0 };
	char db[4096], dir[4096];
	struct demo_opts o;
	int rc;

	if ((rc = cli_demo_paths(db, sizeof(db), dir, sizeof(dir), &err)) < 0)
		goto out;
	memset(&o, 0, sizeof(o));
	o.seed = 20251123;
	o.days = 60;
	o.end_ms = now_ms();
	o.target_messages = c->demo_messages ? c->demo_messages : 6000;
	if (o.target_messages > 100000)
		o.days = 365; /* a big history spreads over a year, as a heavy user's would */
	if (!c->quiet)
		printf("Writing a demo Claude Code history (%d days) to %s\n", o.days, dir);
	if ((rc = demo_generate(dir, &o, &err)) < 0)
		goto out;
	c->demo = true;
	c->ndirs = 0; /* the demo dir, set by cli_open_store */
	if ((rc = cli_sync(c, true, &err)) < 0)
		goto out;
	if (c->org && (rc = demo_org(c, &err)) < 0)
		goto out;
	if (!c->quiet)
		printf("Demo database: %s\nTry: aiusage daily --demo, aiusage blocks --demo, aiusage session --demo\n\n",
		       c->db_path);
	c->cmd = "daily";
	c->no_sync = true;
	return cmd_report(c);
out:
	fprintf(stderr, "aiusage: %s\n", err.msg);
	return 1;
}
