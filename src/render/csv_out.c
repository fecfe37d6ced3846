/* csv_out.c - see csv_out.h. */
#include "render/csv_out.h"

#include <string.h>

void csvw_init(struct csvw *c, struct buf *b)
{
	c->b = b;
	c->row_open = false;
}

static void sep(struct csvw *c)
{
	if (c->row_open)
		buf_putc(c->b, ',');
	c->row_open = true;
}

void csvw_text(struct csvw *c, const char *s)
{
	bool quote = strpbrk(s, ",\"\r\n") != NULL;
	bool guard = s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' ||
		     s[0] == '\r';
	sep(c);
	if (quote)
		buf_putc(c->b, '"');
	if (guard)
		buf_putc(c->b, '\'');
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			buf_putc(c->b, '"');
		buf_putc(c->b, *p);
	}
	if (quote)
		buf_putc(c->b, '"');
}

void csvw_int(struct csvw *c, int64_t v)
{
	sep(c);
	buf_printf(c->b, "%lld", (long long)v);
}

void csvw_num(struct csvw *c, const char *num)
{
	sep(c);
	buf_puts(c->b, num);
}

void csvw_eol(struct csvw *c)
{
	buf_puts(c->b, "\r\n");
	c->row_open = false;
}

void csvw_header(struct csvw *c, const char *const *names)
{
	for (size_t i = 0; names[i]; i++)
		csvw_text(c, names[i]);
	csvw_eol(c);
}
