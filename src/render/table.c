/* table.c - see table.h. */
#include "render/table.h"
#include "core/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void table_init(struct table *t, const struct tcol *cols, size_t ncols)
{
	memset(t, 0, sizeof(*t));
	t->cols = cols;
	t->ncols = ncols;
}

int table_add(struct table *t, const char *const *cells, bool rule_before)
{
	if (t->nrows == t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 32;
		char **nc = realloc(t->cells, ncap * t->ncols * sizeof(*nc));
		bool *nr;
		if (!nc)
			return AIU_ENOMEM;
		t->cells = nc;
		if (!(nr = realloc(t->rule_before, ncap * sizeof(*nr))))
			return AIU_ENOMEM;
		t->rule_before = nr;
		t->cap = ncap;
	}
	for (size_t c = 0; c < t->ncols; c++) {
		char *d = strdup(cells[c] ? cells[c] : "");
		if (!d) {
			while (c-- > 0)
				free(t->cells[t->nrows * t->ncols + c]);
			return AIU_ENOMEM;
		}
		t->cells[t->nrows * t->ncols + c] = d;
	}
	t->rule_before[t->nrows++] = rule_before;
	return AIU_OK;
}

void table_free(struct table *t)
{
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t->rule_before);
	memset(t, 0, sizeof(*t));
}

size_t utf8_width(const char *s)
{
	size_t w = 0;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		unsigned c = *p;
		if (c == 0x1b) { /* skip ANSI escape sequences */
			p++;
			if (*p == '[')
				while (*p && !(*p >= 0x40 && *p <= 0x7e && *p != '['))
					p++;
			if (*p)
				p++;
			continue;
		}
		if ((c & 0xC0) != 0x80) {
			/* rough East Asian wide check: U+1100.. and U+2E80..U+FFEF */
			if (c == 0xE1 && p[1] >= 0x84 && p[1] <= 0x85)
				w += 2;
			else if (c >= 0xE2 && c <= 0xEF && !(c == 0xE2 && p[1] < 0xBA) && c != 0xEF)
				w += 2;
			else
				w += 1;
		}
		p++;
	}
	return w;
}

static void pad(struct buf *b, size_t n)
{
	while (n--)
		buf_putc(b, ' ');
}

/* Writes s truncated to width w display columns (with an ellipsis). */
static void put_fit(struct buf *b, const char *s, size_t w, bool right, bool unicode)
{
	size_t sw = utf8_width(s);
	if (sw <= w) {
		if (right)
			pad(b, w - sw);
		buf_puts(b, s);
		if (!right)
			pad(b, w - sw);
		return;
	}
	{
		size_t used = 0;
		const unsigned char *p = (const unsigned char *)s;
		while (*p && used + 1 < w) {
			const unsigned char *q = p + 1;
			while (*q && (*q & 0xC0) == 0x80)
				q++;
			buf_add(b, p, (size_t)(q - p));
			used++;
			p = q;
		}
		buf_puts(b, unicode ? "\xE2\x80\xA6" : "~");
		pad(b, w > used + 1 ? w - used - 1 : 0);
	}
}

static void rule(struct buf *b, const size_t *w, const bool *show, size_t n, bool uni,
		 const char *l, const char *m, const char *r)
{
	bool first = true;
	buf_puts(b, uni ? l : "+");
	for (size_t c = 0; c < n; c++) {
		if (!show[c])
			continue;
		if (!first)
			buf_puts(b, uni ? m : "+");
		first = false;
		for (size_t i = 0; i < w[c] + 2; i++)
			buf_puts(b, uni ? "\xE2\x94\x80" : "-");
	}
	buf_puts(b, uni ? r : "+");
	buf_putc(b, '\n');
}

int table_layout_init(struct table_layout *l, const struct tcol *cols, size_t ncols)
{
	memset(l, 0, sizeof(*l));
	l->cols = cols;
	l->ncols = ncols;
	l->w = calloc(ncols ? ncols : 1, sizeof(*l->w));
	l->show = calloc(ncols ? ncols : 1, sizeof(*l->show));
	if (!l->w || !l->show) {
		table_layout_free(l);
		return AIU_ENOMEM;
	}
	for (size_t c = 0; c < ncols; c++) {
		l->show[c] = true;
		l->w[c] = utf8_width(cols[c].title);
	}
	return AIU_OK;
}

void table_layout_free(struct table_layout *l)
{
	free(l->w);
	free(l->show);
	l->w = NULL;
	l->show = NULL;
}

void table_layout_measure(struct table_layout *l, const char *const *cells)
{
	for (size_t c = 0; c < l->ncols; c++) {
		size_t cw = utf8_width(cells[c] ? cells[c] : "");
		if (cw > l->w[c])
			l->w[c] = cw;
	}
}

/* Fit the terminal: drop columns by priority, then squeeze the widest
 * left-aligned column. */
void table_layout_fit(struct table_layout *l, int width)
{
	const struct tcol *cols = l->cols;
	size_t *w = l->w;
	bool *show = l->show;
	if (width <= 0)
		return;
	for (;;) {
		size_t total = 1;
		int worst = 0;
		size_t drop = SIZE_MAX;
		for (size_t c = 0; c < l->ncols; c++)
			if (show[c])
				total += w[c] + 3;
		if (total <= (size_t)width)
			break;
		for (size_t c = 0; c < l->ncols; c++)
			if (show[c] && cols[c].priority > worst) {
				worst = cols[c].priority;
				drop = c;
			}
		if (drop != SIZE_MAX) {
			show[drop] = false;
			continue;
		}
		{
			size_t widest = SIZE_MAX, over = total - (size_t)width;
			for (size_t c = 0; c < l->ncols; c++)
				if (show[c] && !cols[c].right && (widest == SIZE_MAX || w[c] > w[widest]))
					widest = c;
			if (widest != SIZE_MAX && w[widest] > 8)
				w[widest] = w[widest] - over > 8 ? w[widest] - over : 8;
			break;
		}
	}
}

void table_put_head(const struct table_layout *l, const struct table_style *st, struct buf *out)
{
	const char *V = st->unicode ? "\xE2\x94\x82" : "|";
	if (st->title) {
		if (st->color)
			buf_puts(out, "\033[1m");
		buf_puts(out, st->title);
		if (st->color)
			buf_puts(out, "\033[0m");
		buf_puts(out, "\n\n");
	}
	rule(out, l->w, l->show, l->ncols, st->unicode, "\xE2\x94\x8C", "\xE2\x94\xAC", "\xE2\x94\x90");
	buf_puts(out, V);
	for (size_t c = 0; c < l->ncols; c++) {
		if (!l->show[c])
			continue;
		buf_putc(out, ' ');
		if (st->color)
			buf_puts(out, "\033[36m");
		put_fit(out, l->cols[c].title, l->w[c], l->cols[c].right, st->unicode);
		if (st->color)
			buf_puts(out, "\033[0m");
		buf_putc(out, ' ');
		buf_puts(out, V);
	}
	buf_putc(out, '\n');
	rule(out, l->w, l->show, l->ncols, st->unicode, "\xE2\x94\x9C", "\xE2\x94\xBC", "\xE2\x94\xA4");
}

void table_put_row(const struct table_layout *l, const struct table_style *st,
		   const char *const *cells, bool rule_before, bool first, struct buf *out)
{
	const char *V = st->unicode ? "\xE2\x94\x82" : "|";
	bool bold = rule_before;
	if (rule_before && !first)
		rule(out, l->w, l->show, l->ncols, st->unicode, "\xE2\x94\x9C", "\xE2\x94\xBC", "\xE2\x94\xA4");
	buf_puts(out, V);
	for (size_t c = 0; c < l->ncols; c++) {
		if (!l->show[c])
			continue;
		buf_putc(out, ' ');
		if (bold && st->color)
			buf_puts(out, "\033[33m");
		put_fit(out, cells[c] ? cells[c] : "", l->w[c], l->cols[c].right, st->unicode);
		if (bold && st->color)
			buf_puts(out, "\033[0m");
		buf_putc(out, ' ');
		buf_puts(out, V);
	}
	buf_putc(out, '\n');
}

void table_put_foot(const struct table_layout *l, const struct table_style *st, struct buf *out)
{
	rule(out, l->w, l->show, l->ncols, st->unicode, "\xE2\x94\x94", "\xE2\x94\xB4", "\xE2\x94\x98");
}

int table_render(const struct table *t, const struct table_style *st, struct buf *out)
{
	struct table_layout l;
	int rc;

	if ((rc = table_layout_init(&l, t->cols, t->ncols)) < 0)
		return rc;
	for (size_t r = 0; r < t->nrows; r++)
		table_layout_measure(&l, (const char *const *)&t->cells[r * t->ncols]);
	table_layout_fit(&l, st->width);
	table_put_head(&l, st, out);
	for (size_t r = 0; r < t->nrows; r++)
		table_put_row(&l, st, (const char *const *)&t->cells[r * t->ncols],
			      t->rule_before[r], r == 0, out);
	table_put_foot(&l, st, out);
	table_layout_free(&l);
	return out->failed ? AIU_ENOMEM : AIU_OK;
}

static void csv_cell(struct buf *b, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		buf_puts(b, s);
		return;
	}
	buf_putc(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			buf_putc(b, '"');
		buf_putc(b, *s);
	}
	buf_putc(b, '"');
}

void table_csv_head(const struct tcol *cols, size_t ncols, struct buf *out)
{
	for (size_t c = 0; c < ncols; c++) {
		if (c)
			buf_putc(out, ',');
		csv_cell(out, cols[c].title);
	}
	buf_puts(out, "\r\n");
}

void table_csv_row(const char *const *cells, size_t ncols, struct buf *out)
{
	for (size_t c = 0; c < ncols; c++) {
		if (c)
			buf_putc(out, ',');
		csv_cell(out, cells[c] ? cells[c] : "");
	}
	buf_puts(out, "\r\n");
}

int table_render_csv(const struct table *t, struct buf *out)
{
	table_csv_head(t->cols, t->ncols, out);
	for (size_t r = 0; r < t->nrows; r++)
		table_csv_row((const char *const *)&t->cells[r * t->ncols], t->ncols, out);
	return out->failed ? AIU_ENOMEM : AIU_OK;
}

void fmt_int(char *out, size_t cap, long long v)
{
	char tmp[32];
	int n = snprintf(tmp, sizeof(tmp), "%lld", v < 0 ? -v : v), k = 0;
	size_t o = 0;
	if (v < 0 && o + 1 < cap)
		out[o++] = '-';
	for (int i = 0; i < n && o + 1 < cap; i++) {
		out[o++] = tmp[i];
		k = n - i - 1;
		if (k > 0 && k % 3 == 0 && o + 1 < cap)
			out[o++] = ',';
	}
	out[o] = '\0';
}

void fmt_usd(char *out, size_t cap, long long nano)
{
	long long a = nano < 0 ? -nano : nano;
	long long cents = (a + 5000000) / 10000000; /* half up to the cent */
	char whole[40];
	fmt_int(whole, sizeof(whole), cents / 100);
	snprintf(out, cap, "%s$%s.%02lld", nano < 0 ? "-" : "", whole, cents % 100);
}
