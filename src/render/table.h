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

/* Formatting helpers used to fill cells. */
void fmt_int(char *out, size_t cap, long long v);           /* 1,234,567 */
void fmt_usd(char *out, size_t cap, long long nano);        /* $1,234.57 */
/* Display width of a UTF-8 string (code points; wide CJK counted as 2). */
size_t utf8_width(const char *s);

#endif
