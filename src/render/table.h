/* table.h - one renderer for every terminal table and CSV export
 * (after sqlite's qrf): the caller fills cells, the renderer sizes columns
 * to the terminal, drops low-priority columns when it is too narrow, and
 * colours only when asked to. */
#ifndef AIU_TABLE_H
#define AIU_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

struct tcol {
	const char *title;
	bool right;        /* right-align (numbers) */
	int priority;      /* 0 = always shown; higher numbers are dropped first */
};

struct table {
	const struct tcol *cols;  /* borrowed */
	size_t ncols;
	char **cells;             /* nrows * ncols strings, owned */
	bool *rule_before;        /* per row: draw a rule above (totals) */
	size_t nrows, cap;
};

struct table_style {
	int width;         /* terminal columns; <= 0 = unlimited */
	bool color;
	bool unicode;      /* box-drawing characters */
	const char *title; /* printed above, may be NULL */
};

void table_init(struct table *t, const struct tcol *cols, size_t ncols);
/* Copies ncols strings (NULL = ""). */
int table_add(struct table *t, const char *const *cells, bool rule_before);
int table_render(const struct table *t, const struct table_style *st, struct buf *out);
int table_render_csv(const struct table *t, struct buf *out);
void table_free(struct table *t);

/* The same output one row at a time (streamed reports): measure every row
 * first (a first pass over the data), fit, then head, rows, foot. Bytes
 * are identical to table_render over the same rows. */
struct table_layout {
	const struct tcol *cols;  /* borrowed */
	size_t ncols;
	size_t *w;                /* column widths, owned */
	bool *show;               /* owned */
};
int table_layout_init(struct table_layout *l, const struct tcol *cols, size_t ncols);
void table_layout_free(struct table_layout *l);
void table_layout_measure(struct table_layout *l, const char *const *cells);
void table_layout_fit(struct table_layout *l, int width);
void table_put_head(const struct table_layout *l, const struct table_style *st, struct buf *out);
/* first: this is the first row (no rule above it even if rule_before). */
void table_put_row(const struct table_layout *l, const struct table_style *st,
		   const char *const *cells, bool rule_before, bool first, struct buf *out);
void table_put_foot(const struct table_layout *l, const struct table_style *st, struct buf *out);
void table_csv_head(const struct tcol *cols, size_t ncols, struct buf *out);
void table_csv_row(const char *const *cells, size_t ncols, struct buf *out);

/* Formatting helpers used to fill cells. */
void fmt_int(char *out, size_t cap, long long v);           /* 1,234,567 */
void fmt_usd(char *out, size_t cap, long long nano);        /* $1,234.57 */
/* Display width of a UTF-8 string (code points; wide CJK counted as 2). */
size_t utf8_width(const char *s);

#endif
