/* report_out.h - renders report structs as a terminal table, CSV or JSON.
 *
 * JSON for daily/weekly/monthly/session/blocks keeps ccusage's field names
 * and shape (scripts written for `ccusage --json` keep working) and adds a
 * few fields of our own (cache write split, requests, unpricedModels,
 * costIsEstimate). projects/models/tools have their own documented shapes
 * (docs/JSON.md). */
#ifndef AIU_REPORT_OUT_H
#define AIU_REPORT_OUT_H

#include <stdio.h>

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

/* Streamed output (the session report, whose size grows with the data):
 * rows go to fp through a small buffer as they come, byte for byte what
 * render_report prints for the same rows. The table needs its column
 * widths first: while report_stream_measuring(), feed every row once
 * (nothing is printed), call report_stream_measured() with the totals,
 * then feed the rows again. JSON and CSV take one pass. After the last
 * row, report_stream_end() writes the totals and notes. On a failure mid
 * stream, what was written stays written. */
struct report_stream;
struct report_stream *report_stream_new(enum report_kind kind, const struct out_opts *o, FILE *fp);
bool report_stream_measuring(const struct report_stream *rs);
int report_stream_row(void *rs, const struct report_row *row); /* 0 or AIU_E* */
int report_stream_measured(struct report_stream *rs, const struct report *totals);
int report_stream_end(struct report_stream *rs, const struct report *r);
void report_stream_free(struct report_stream *rs);

#endif
