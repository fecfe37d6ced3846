/* csv_out.h - RFC 4180 CSV cells for exports (the /api/org/ tables).
 *
 * A text cell containing ',', '"', CR or LF is quoted with '"' doubled.
 * Formula-injection safe: a text cell starting with '=', '+', '-', '@',
 * TAB or CR gets a leading "'" so spreadsheets show it as text. Numbers
 * go through csvw_int / csvw_num and are never prefixed. Rows end with
 * CRLF. All output goes to a capped struct buf (its failed flag reports
 * overflow).
 */
#ifndef AIU_CSV_OUT_H
#define AIU_CSV_OUT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"

struct csvw {
	struct buf *b;     /* borrowed */
	bool row_open;     /* a cell was written in the current row */
};

void csvw_init(struct csvw *c, struct buf *b);
void csvw_text(struct csvw *c, const char *s);
void csvw_int(struct csvw *c, int64_t v);
/* A number already formatted (e.g. an exact decimal "12.345"): written as is. */
void csvw_num(struct csvw *c, const char *num);
void csvw_eol(struct csvw *c);
/* The header row from a NULL-terminated list. */
void csvw_header(struct csvw *c, const char *const *names);

#endif
