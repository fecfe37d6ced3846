/* csv_out.h - RFC 4180 CSV cells for exports (the /api/org/ tables).
 *
 * A text cell containing ',', '"', CR or LF is quoted with '"' doubled.
 * Formula-injection safe: a text cell starting with '=', '+', '-', '@',
 * TAB or CR gets a leading "'" so spreadsheets show it as text. Numbers
 * go through csv_int / csv_raw_num and are never prefixed. Rows end with
 * CRLF. All output goes to a capped struct buf (its failed flag reports
 * overflow).
 */
#ifndef AIU_CSV_OUT_H
#define AIU_CSV_OUT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"

struct csv_out {
	struct buf *b;     /* borrowed */
	bool row_open;     /* a cell was written in the current row */
};

void csv_init(struct csv_out *c, struct buf *b);
void csv_text(struct csv_out *c, const char *s);
void csv_int(struct csv_out *c, int64_t v);
/* A number already formatted (e.g. an exact decimal "12.345"): written as is. */
void csv_raw_num(struct csv_out *c, const char *num);
void csv_eol(struct csv_out *c);
/* The header row from a NULL-terminated list. */
void csv_header(struct csv_out *c, const char *const *names);

#endif
