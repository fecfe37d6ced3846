/* jsonw.c - see jsonw.h. */
#include "core/jsonw.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

void jw_init(struct jsonw *w, struct buf *b, bool pretty)
{
	memset(w, 0, sizeof(*w));
	w->b = b;
	w->pretty = pretty;
	w->first[0] = true;
}

static void indent(struct jsonw *w)
{
	if (!w->pretty)
		return;
	buf_putc(w->b, '\n');
	for (int i = 0; i < w->depth; i++)
		buf_add(w->b, "  ", 2);
}

/* Called before every value or key: writes the comma and indentation. */
static void sep(struct jsonw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth > 0) {
		if (!w->first[w->depth])
			buf_putc(w->b, ',');
		indent(w);
	}
	w->first[w->depth] = false;
}

static void open_(struct jsonw *w, char open, char close)
{
	sep(w);
	buf_putc(w->b, open);
	if (w->depth + 1 >= JW_MAX_DEPTH) {
		w->b->failed = 1;
		return;
	}
	w->depth++;
	w->first[w->depth] = true;
	w->kind[w->depth] = close;
}

void jw_obj(struct jsonw *w) { open_(w, '{', '}'); }
void jw_arr(struct jsonw *w) { open_(w, '[', ']'); }

void jw_end(struct jsonw *w)
{
	bool empty;
	char close;
	if (w->depth <= 0) {
		w->b->failed = 1;
		return;
	}
	empty = w->first[w->depth];
	close = w->kind[w->depth];
	w->depth--;
	if (!empty)
		indent(w);
	buf_putc(w->b, close);
}

void jw_key(struct jsonw *w, const char *k)
{
	sep(w);
	json_quote(w->b, k, strlen(k));
	buf_add(w->b, w->pretty ? ": " : ":", w->pretty ? 2 : 1);
	w->after_key = true;
}

void jw_strn(struct jsonw *w, const char *s, size_t n)
{
	sep(w);
	json_quote(w->b, s, n);
}

void jw_str(struct jsonw *w, const char *s)
{
	if (!s) {
		jw_null(w);
		return;
	}
	jw_strn(w, s, strlen(s));
}

void jw_int(struct jsonw *w, int64_t v)
{
	sep(w);
	buf_printf(w->b, "%" PRId64, v);
}

void jw_double(struct jsonw *w, double v, int decimals)
{
	sep(w);
	if (!isfinite(v)) {
		buf_add(w->b, "null", 4);
		return;
	}
	buf_printf(w->b, "%.*f", decimals, v);
}

void jw_nano(struct jsonw *w, int64_t nano)
{
	char tmp[40];
	uint64_t a = nano < 0 ? (uint64_t)0 - (uint64_t)nano : (uint64_t)nano;
	uint64_t ip = a / 1000000000u, fp = a % 1000000000u;
	int n;

	sep(w);
	n = snprintf(tmp, sizeof(tmp), "%s%" PRIu64, nano < 0 ? "-" : "", ip);
	if (fp) {
		char frac[16];
		int k = snprintf(frac, sizeof(frac), "%09" PRIu64, fp);
		while (k > 0 && frac[k - 1] == '0')
			frac[--k] = '\0';
		n += snprintf(tmp + n, sizeof(tmp) - (size_t)n, ".%s", frac);
	}
	buf_add(w->b, tmp, (size_t)n);
}

void jw_bool(struct jsonw *w, bool v)
{
	sep(w);
	buf_puts(w->b, v ? "true" : "false");
}

void jw_null(struct jsonw *w)
{
	sep(w);
	buf_add(w->b, "null", 4);
}

void jw_raw(struct jsonw *w, const char *raw)
{
	sep(w);
	buf_puts(w->b, raw);
}

bool jw_ok(const struct jsonw *w)
{
	return !w->b->failed && w->depth == 0;
}

/* Length of a valid UTF-8 sequence at s (n bytes left), or 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		return n >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
	if (c >= 0xE0 && c <= 0xEF) {
		if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
			return 0;
		if (c == 0xE0 && s[1] < 0xA0)
			return 0;
		if (c == 0xED && s[1] >= 0xA0)
			return 0; /* surrogates */
		return 3;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
		    (s[3] & 0xC0) != 0x80)
			return 0;
		if (c == 0xF0 && s[1] < 0x90)
			return 0;
		if (c == 0xF4 && s[1] >= 0x90)
			return 0;
		return 4;
	}
	return 0;
}

int json_quote(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	const unsigned char *run = p;

	buf_putc(b, '"');
	while (p < end) {
		unsigned c = *p;
		if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
			p++;
			continue;
		}
		if (c >= 0x80) {
			size_t l = utf8_len(p, (size_t)(end - p));
			if (l) {
				p += l;
				continue;
			}
		}
		buf_add(b, run, (size_t)(p - run));
		switch (c) {
		case '"': buf_add(b, "\\\"", 2); break;
		case '\\': buf_add(b, "\\\\", 2); break;
		case '\n': buf_add(b, "\\n", 2); break;
		case '\r': buf_add(b, "\\r", 2); break;
		case '\t': buf_add(b, "\\t", 2); break;
		default:
			if (c < 0x20) {
				char e[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
				buf_add(b, e, 6);
			} else {
				buf_add(b, "\xEF\xBF\xBD", 3); /* invalid UTF-8 */
			}
		}
		p++;
		run = p;
	}
	buf_add(b, run, (size_t)(p - run));
	return buf_putc(b, '"');
}
