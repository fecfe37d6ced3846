/* report_out.h - renders report structs as a terminal table, CSV or JSON.
 *
 * JSON for daily/weekly/monthly/session/blocks keeps ccusage's field names
 * and shape (scripts written for `ccusage --json` keep working) and adds a
 * few fields of our own (cache write split, requests, unpricedModels,
 * costIsEstimate). projects/models/tools have their own documented shapes
 * (docs/JSON.md). */
#ifndef AIU_REPORT_OUT_H
#define AIU_REPORT_OUT_H

#include "core/buf.h"
#include "core/tz.h"
#include "query/report.h"
#include "render/table.h"

enum out_format { OUT_TABLE, OUT_JSON, OUT_CSV };

struct out_opts {
	enum out_format fmt;
	bool breakdown;           /* per-model rows / breakdowns */
	struct table_style style; /* for OUT_TABLE */
	const struct tz *tz;      /* for local times in tables */
};

int render_report(const struct report *r, const struct out_opts *o, struct buf *out);
int render_blocks(const struct block_report *r, const struct out_opts *o, struct buf *out);
int render_tools(const struct tool_report *r, const struct out_opts *o, struct buf *out);

#endif
