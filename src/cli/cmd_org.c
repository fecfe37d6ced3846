/* cmd_org.c - `aiusage org [--people people.csv] [--since D] [--until D]
 * [--json]`: the organisation view from the store (nothing is fetched; see
 * `aiusage pull`). --people imports the mapping file first. */
#include "cli/cli.h"
#include "core/timeutil.h"
#include "ingest/people_csv.h"
#include "query/org_report.h"
#include "render/org_out.h"

#include <stdio.h>
#include <string.h>

int cmd_org(struct cli_ctx *c)
{
	struct aiu_err err = { 0 };
	struct org_report r;
	struct buf out;
	int64_t from = c->since_day != INT64_MIN ? c->since_day : 0;
	int64_t to = c->until_day != INT64_MAX ? c->until_day : now_ms() / MS_PER_DAY + 1;
	bool built = false, bad_people = false;
	int rc;

	memset(&r, 0, sizeof(r));
	buf_init(&out, BUF_MAX_DEFAULT);
	if ((rc = cli_open_store(c, &err)) < 0 || (rc = cli_load_pricing(c, &err)) < 0)
		goto out;
	if (c->people_file) {
		struct people_csv_result pr;
		if ((rc = people_csv_import(c->store, c->people_file, stderr, &pr, &err)) < 0)
			goto out;
		bad_people = pr.bad_rows > 0;
		if (!c->quiet && !c->json)
			printf("people: %lld people and %lld key names from %s (%lld bad row%s)\n",
			       (long long)pr.people, (long long)pr.keys, c->people_file,
			       (long long)pr.bad_rows, pr.bad_rows == 1 ? "" : "s");
	}
	if ((rc = org_report_build(c->store, &c->pricing, from, to, &r, &err)) < 0)
		goto out;
	built = true;
	if (c->json) {
		if ((rc = org_render_json(&r, &out)) < 0) {
			rc = aiu_errf(&err, AIU_ELIMIT, "report too large");
			goto out;
		}
		fwrite(out.p, 1, out.len, stdout);
	} else {
		org_render_text(&r, stdout);
	}
out:
	if (built)
		org_report_free(&r);
	buf_release(&out);
	if (rc < 0) {
		fprintf(stderr, "aiusage: %s\n", err.msg);
		return 1;
	}
	return bad_people ? 1 : 0;
}
