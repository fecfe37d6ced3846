/* csv_out.c - see csv_out.h. */
#include "render/csv_out.h"

#include <string.h>

void csv_init(struct csv_out *c, struct buf *b)
{
	c->b = b;
	c->row_open = false;
}

static void sep(struct csv_out *c)
{
	if (c->row_open)
		buf_putc(c->b, ',');
	c->row_open = true;
}

void csv_text(struct csv_out *c, const char *s)
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

void csv_int(struct csv_out *c, int64_t v)
{
	sep(c);
	buf_printf(c->b, "%lld", (long long)v);
}

void csv_raw_num(struct csv_out *c, const char *num)
{
	sep(c);
	buf_puts(c->b, num);
}

void csv_eol(struct csv_out *c)
{
	buf_puts(c->b, "\r\n");
	c->row_open = false;
}

void csv_header(struct csv_out *c, const char *const *names)
{
	for (size_t i = 0; names[i]; i++)
		csv_text(c, names[i]);
	csv_eol(c);
}
