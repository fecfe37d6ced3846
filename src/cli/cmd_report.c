/* cmd_report.c - daily | weekly | monthly | session | blocks | projects |
 * models | tools. Each syncs first (unless --no-sync), builds a result
 * struct in src/query/ and hands it to a renderer in src/render/. */
#include "cli/cli.h"
#include "core/buf.h"
#include "core/timeutil.h"
#include "query/report.h"
#include "render/report_out.h"

#include <stdio.h>
#include <string.h>

enum rkind { R_PERIOD, R_BLOCKS, R_TOOLS };

static const struct {
	const char *name;
	enum rkind k;
	enum report_kind kind;
} reports[] = {
	{ "daily", R_PERIOD, REPORT_DAILY },
	{ "weekly", R_PERIOD, REPORT_WEEKLY },
	{ "monthly", R_PERIOD, REPORT_MONTHLY },
	{ "session", R_PERIOD, REPORT_SESSION },
	{ "projects", R_PERIOD, REPORT_PROJECTS },
	{ "models", R_PERIOD, REPORT_MODELS },
	{ "blocks", R_BLOCKS, 0 },
	{ "tools", R_TOOLS, 0 },
};

/* The session report, streamed to stdout (render/report_out.h). Both
 * passes of a table read one snapshot, so the widths fit the rows. */
static int session_stream(struct cli_ctx *c, const struct report_opts *ro,
			  const struct out_opts *oo, struct aiu_err *err)
{
	struct report_stream *rs = report_stream_new(REPORT_SESSION, oo, stdout);
	struct report r;
	bool snap = false;
	int rc;

	memset(&r, 0, sizeof(r));
	if (!rs)
		return aiu_errf(err, AIU_ENOMEM, "out of memory");
	if (c->store->ops->read_begin && (rc = c->store->ops->read_begin(c->store, err)) < 0)
		goto out;
	snap = c->store->ops->read_begin != NULL;
	if (report_stream_measuring(rs)) {
		if ((rc = report_session_stream(c->store, &c->pricing, ro, report_stream_row, rs,
						&r, err)) != 0 ||
		    (rc = report_stream_measured(rs, &r)) < 0)
			goto out;
		report_free(&r);
	}
	if ((rc = report_session_stream(c->store, &c->pricing, ro, report_stream_row, rs, &r,
					err)) != 0 ||
	    (rc = report_stream_end(rs, &r)) < 0)
		goto out;
	if (r.nunpriced && oo->fmt != OUT_TABLE)
		for (size_t k = 0; k < r.nunpriced; k++)
			fprintf(stderr, "aiusage: warning: no price for model '%s'\n", r.unpriced[k]);
out:
	if (rc > 0)
		rc = AIU_EIO; /* a row callback stopped the scan: it only stops on failure */
	if (rc < 0 && !err->msg[0])
		aiu_errf(err, rc, "writing the report failed: %s", aiu_strerror(rc));
	if (snap)
		c->store->ops->read_end(c->store);
	report_free(&r);
	report_stream_free(rs);
	return rc;
}

int cmd_report(struct cli_ctx *c)
{
	struct aiu_err err = { 0 };
	struct buf out;
	struct out_opts oo;
	struct report_opts ro;
	size_t i;
	int rc;

	buf_init(&out, (size_t)256 << 20);
	for (i = 0; i < sizeof(reports) / sizeof(reports[0]); i++)
		if (strcmp(reports[i].name, c->cmd) == 0)
			break;
	if (i == sizeof(reports) / sizeof(reports[0])) {
		rc = aiu_errf(&err, AIU_EARG, "unknown command '%s' (see aiusage --help)", c->cmd);
		goto out;
	}
	if ((rc = cli_load_tz(c, &err)) < 0 || (rc = cli_load_pricing(c, &err)) < 0 ||
	    (rc = cli_open_store(c, &err)) < 0)
		goto out;
	if (!c->no_sync && (rc = cli_sync(c, false, &err)) < 0)
		goto out;

	memset(&oo, 0, sizeof(oo));
	oo.fmt = c->json ? OUT_JSON : c->csv ? OUT_CSV : OUT_TABLE;
	oo.breakdown = c->breakdown;
	oo.style.width = cli_term_width();
	oo.style.color = cli_use_color(c);
	oo.style.unicode = cli_use_unicode();
	oo.tz = c->tz;
	memset(&ro, 0, sizeof(ro));
	ro.tz = c->tz;
	ro.since_day = c->since_day;
	ro.until_day = c->until_day;
	ro.project = c->project;
	ro.desc = c->desc;
	ro.week_start = c->week_start;

	if (reports[i].kind == REPORT_SESSION && reports[i].k == R_PERIOD) {
		/* one row per session: streamed, memory does not grow with them */
		rc = session_stream(c, &ro, &oo, &err);
		goto out;
	}
	switch (reports[i].k) {
	case R_PERIOD: {
		struct report r;
		if ((rc = report_build(c->store, &c->pricing, reports[i].kind, &ro, &r, &err)) < 0)
			goto out;
		rc = render_report(&r, &oo, &out);
		if (r.nunpriced && oo.fmt != OUT_TABLE)
			for (size_t k = 0; k < r.nunpriced; k++)
				fprintf(stderr, "aiusage: warning: no price for model '%s'\n", r.unpriced[k]);
		report_free(&r);
		break;
	}
	case R_BLOCKS: {
		struct block_report br;
		struct block_opts bo;
		memset(&bo, 0, sizeof(bo));
		bo.tz = c->tz;
		bo.since_day = c->since_day;
		bo.until_day = c->until_day;
		bo.project = c->project;
		bo.session_ms = c->session_hours * 3600000;
		bo.now_ms = now_ms();
		bo.active_only = c->active;
		bo.recent = c->recent;
		bo.desc = c->desc;
		if ((rc = report_blocks(c->store, &c->pricing, &bo, &br, &err)) < 0)
			goto out;
		rc = render_blocks(&br, &oo, &out);
		block_report_free(&br);
		break;
	}
	case R_TOOLS: {
		struct tool_report tr;
		if ((rc = report_tools(c->store, &ro, &tr, &err)) < 0)
			goto out;
		rc = render_tools(&tr, &oo, &out);
		tool_report_free(&tr);
		break;
	}
	}
	if (rc < 0) {
		aiu_errf(&err, rc, "rendering the report failed: %s", aiu_strerror(rc));
		goto out;
	}
	fwrite(buf_cstr(&out), 1, out.len, stdout);
out:
	buf_release(&out);
	if (rc < 0)
		fprintf(stderr, "aiusage: %s\n", err.msg);
	return rc < 0 ? 1 : 0;
}
