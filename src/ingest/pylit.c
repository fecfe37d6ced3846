/* pylit.c - recursive-descent parser for Python literals; see pylit.h. */
#include "ingest/pylit.h"

#include "core/buf.h"
#include "core/strutil.h"

#include <stdbool.h>
#include <string.h>

struct pl {
	const char *s;
	size_t n, i;
	int depth;
	struct aiu_err *err;
};

static int pl_fail(struct pl *p, const char *what)
{
	return aiu_errf(p->err, AIU_EPARSE, "python literal: %s at byte %zu", what, p->i);
}

static void skip_ws(struct pl *p)
{
	while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n' ||
			       p->s[p->i] == '\r'))
		p->i++;
}

static bool is_word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static bool word_at(struct pl *p, const char *w)
{
	size_t k = strlen(w);
	if (p->n - p->i < k || memcmp(p->s + p->i, w, k) != 0)
		return false;
	if (p->i + k < p->n && is_word_char(p->s[p->i + k]))
		return false;
	p->i += k;
	return true;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int put_utf8(struct buf *b, unsigned long cp)
{
	char u[4];
	size_t k;
	if (cp >= 0xD800 && cp <= 0xDFFF)
		cp = 0xFFFD; /* a lone surrogate cannot be UTF-8 */
	if (cp < 0x80) {
		u[0] = (char)cp;
		k = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3F));
		k = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		k = 3;
	} else if (cp <= 0x10FFFF) {
		u[0] = (char)(0xF0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		k = 4;
	} else {
		return AIU_EPARSE;
	}
	return buf_add(b, u, k);
}

/* Does a quote at p->i close the string? For single quotes, only before
 * the end or a structural character (the unescaped-apostrophe trap). */
static bool quote_closes(struct pl *p, char q)
{
	size_t j = p->i + 1;
	if (q == '"')
		return true;
	while (j < p->n && (p->s[j] == ' ' || p->s[j] == '\t' || p->s[j] == '\r' || p->s[j] == '\n'))
		j++;
	return j >= p->n || p->s[j] == ',' || p->s[j] == ':' || p->s[j] == '}' ||
	       p->s[j] == ']' || p->s[j] == ')';
}

/* One quoted literal (prefix already skipped), appended to b. */
static int parse_one_string(struct pl *p, struct buf *b, bool raw)
{
	char q = p->s[p->i];
	size_t start = p->i;
	bool triple = p->n - p->i >= 3 && p->s[p->i + 1] == q && p->s[p->i + 2] == q;
	p->i += triple ? 3 : 1;
	for (;;) {
		char c;
		if (p->i >= p->n) {
			p->i = start;
			return pl_fail(p, "unterminated string");
		}
		c = p->s[p->i];
		if (c == q) {
			if (triple) {
				if (p->n - p->i >= 3 && p->s[p->i + 1] == q && p->s[p->i + 2] == q) {
					p->i += 3;
					return AIU_OK;
				}
			} else if (quote_closes(p, q)) {
				p->i++;
				return AIU_OK;
			}
			if (buf_putc(b, c) < 0)
				return aiu_errf(p->err, AIU_ELIMIT, "python literal: string too long");
			p->i++;
			continue;
		}
		if (c == '\\' && p->i + 1 < p->n) {
			char e = p->s[p->i + 1];
			int rc = AIU_OK;
			if (raw) {
				/* raw strings keep the backslash; \' still does not close */
				rc = buf_add(b, p->s + p->i, 2);
				p->i += 2;
				if (rc < 0)
					return aiu_errf(p->err, AIU_ELIMIT, "python literal: string too long");
				continue;
			}
			p->i += 2;
			switch (e) {
			case '\\': rc = buf_putc(b, '\\'); break;
			case '\'': rc = buf_putc(b, '\''); break;
			case '"': rc = buf_putc(b, '"'); break;
			case 'n': rc = buf_putc(b, '\n'); break;
			case 'r': rc = buf_putc(b, '\r'); break;
			case 't': rc = buf_putc(b, '\t'); break;
			case '0': rc = buf_putc(b, '\0'); break;
			case 'a': rc = buf_putc(b, '\a'); break;
			case 'b': rc = buf_putc(b, '\b'); break;
			case 'f': rc = buf_putc(b, '\f'); break;
			case 'v': rc = buf_putc(b, '\v'); break;
			case '\n': break; /* line continuation */
			case 'x': case 'u': case 'U': {
				int digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
				unsigned long cp = 0;
				for (int k = 0; k < digits; k++) {
					int h = p->i < p->n ? hexval(p->s[p->i]) : -1;
					if (h < 0)
						return pl_fail(p, "bad \\x/\\u escape");
					cp = cp * 16 + (unsigned long)h;
					p->i++;
				}
				rc = put_utf8(b, cp);
				if (rc == AIU_EPARSE)
					return pl_fail(p, "code point out of range");
				break;
			}
			default:
				/* Python keeps unknown escapes as written */
				rc = buf_putc(b, '\\');
				if (rc == 0)
					rc = buf_putc(b, e);
				break;
			}
			if (rc < 0)
				return aiu_errf(p->err, AIU_ELIMIT, "python literal: string too long");
			continue;
		}
		if (buf_putc(b, c) < 0)
			return aiu_errf(p->err, AIU_ELIMIT, "python literal: string too long");
		p->i++;
	}
}

/* Is there a string literal (with optional prefix) at p->i? Sets *skip to
 * the prefix length and *raw. */
static bool string_start(struct pl *p, size_t *skip, bool *raw)
{
	size_t k = 0;
	*raw = false;
	while (k < 2 && p->i + k < p->n) {
		char c = p->s[p->i + k];
		if (c == 'r' || c == 'R')
			*raw = true;
		else if (!(c == 'u' || c == 'U' || c == 'b' || c == 'B'))
			break;
		k++;
	}
	if (p->i + k < p->n && (p->s[p->i + k] == '\'' || p->s[p->i + k] == '"')) {
		*skip = k;
		return true;
	}
	return false;
}

static int parse_string(struct pl *p, json_t **out)
{
	struct buf b;
	int rc = AIU_OK;
	size_t skip;
	bool raw;
	buf_init(&b, p->n + 1);
	/* No adjacent-literal concatenation ('a' 'b'): with unescaped
	 * apostrophes allowed, that quote is part of the string. */
	string_start(p, &skip, &raw);
	p->i += skip;
	if ((rc = parse_one_string(p, &b, raw)) < 0)
		goto out;
	if (!(*out = json_stringn(buf_cstr(&b), b.len)))
		rc = pl_fail(p, "string is not valid UTF-8");
out:
	buf_release(&b);
	return rc;
}

static int parse_number(struct pl *p, json_t **out)
{
	char tmp[128];
	size_t k = 0, start = p->i;
	bool is_float = false;
	int64_t v;
	if (p->i < p->n && (p->s[p->i] == '-' || p->s[p->i] == '+'))
		tmp[k++] = p->s[p->i++];
	while (p->i < p->n && k < sizeof(tmp) - 1) {
		char c = p->s[p->i];
		if (c >= '0' && c <= '9') {
			tmp[k++] = c;
		} else if (c == '_') {
			/* digit separator: dropped */
		} else if (c == '.' || c == 'e' || c == 'E' ||
			   ((c == '-' || c == '+') && (tmp[k - 1] == 'e' || tmp[k - 1] == 'E'))) {
			is_float = true;
			tmp[k++] = c;
		} else {
			break;
		}
		p->i++;
	}
	tmp[k] = '\0';
	if (p->i < p->n && is_word_char(p->s[p->i])) {
		p->i = start;
		return pl_fail(p, "bad number");
	}
	if (k == 0 || (k == 1 && (tmp[0] == '-' || tmp[0] == '+'))) {
		p->i = start;
		return pl_fail(p, "bad number");
	}
	if (!is_float && parse_i64(tmp[0] == '+' ? tmp + 1 : tmp, strlen(tmp[0] == '+' ? tmp + 1 : tmp), &v) == 0)
		*out = json_integer(v);
	else
		*out = json_string(tmp); /* floats and huge ints: exact text */
	return *out ? AIU_OK : aiu_errf(p->err, AIU_ENOMEM, "out of memory");
}

static int parse_value(struct pl *p, json_t **out);

static int key_text(json_t *k, struct buf *b)
{
	if (json_is_string(k))
		return buf_add(b, json_string_value(k), json_string_length(k));
	if (json_is_integer(k))
		return buf_printf(b, "%lld", (long long)json_integer_value(k));
	if (json_is_true(k))
		return buf_puts(b, "True");
	if (json_is_false(k))
		return buf_puts(b, "False");
	if (json_is_null(k))
		return buf_puts(b, "None");
	return AIU_EPARSE;
}

static int parse_container(struct pl *p, json_t **out)
{
	char open = p->s[p->i], close = open == '{' ? '}' : open == '[' ? ']' : ')';
	json_t *c = open == '{' ? json_object() : json_array();
	json_t *k = NULL, *v = NULL;
	struct buf kb;
	int rc = AIU_OK;

	buf_init(&kb, p->n + 16);
	if (!c)
		return aiu_errf(p->err, AIU_ENOMEM, "out of memory");
	if (++p->depth > PYLIT_MAX_DEPTH) {
		rc = aiu_errf(p->err, AIU_ELIMIT, "python literal: nesting deeper than %d at byte %zu",
			      PYLIT_MAX_DEPTH, p->i);
		goto out;
	}
	p->i++;
	for (;;) {
		skip_ws(p);
		if (p->i >= p->n) {
			rc = pl_fail(p, "unterminated container");
			goto out;
		}
		if (p->s[p->i] == close) {
			p->i++;
			break;
		}
		if (open == '{') {
			if ((rc = parse_value(p, &k)) < 0)
				goto out;
			buf_reset(&kb);
			if (key_text(k, &kb) < 0) {
				rc = pl_fail(p, "unsupported dict key");
				goto out;
			}
			skip_ws(p);
			if (p->i >= p->n || p->s[p->i] != ':') {
				rc = pl_fail(p, "expected ':'");
				goto out;
			}
			p->i++;
			skip_ws(p);
			if ((rc = parse_value(p, &v)) < 0)
				goto out;
			/* keys came from checked strings or digits: valid UTF-8 */
			if (json_object_setn_new_nocheck(c, buf_cstr(&kb), kb.len, v) < 0) {
				v = NULL;
				rc = aiu_errf(p->err, AIU_ENOMEM, "out of memory");
				goto out;
			}
			v = NULL;
			json_decref(k);
			k = NULL;
		} else {
			if ((rc = parse_value(p, &v)) < 0)
				goto out;
			if (json_array_append_new(c, v) < 0) {
				v = NULL;
				rc = aiu_errf(p->err, AIU_ENOMEM, "out of memory");
				goto out;
			}
			v = NULL;
		}
		skip_ws(p);
		if (p->i < p->n && p->s[p->i] == ',') {
			p->i++;
			continue;
		}
		if (p->i < p->n && p->s[p->i] == close) {
			p->i++;
			break;
		}
		rc = pl_fail(p, open == '{' ? "expected ',' or '}'" : "expected ',' or closing bracket");
		goto out;
	}
	p->depth--;
	*out = c;
	c = NULL;
out:
	json_decref(k);
	json_decref(v);
	json_decref(c);
	buf_release(&kb);
	return rc;
}

static int parse_value(struct pl *p, json_t **out)
{
	size_t skip;
	bool raw;
	char c;
	*out = NULL;
	skip_ws(p);
	if (p->i >= p->n)
		return pl_fail(p, "expected a value");
	c = p->s[p->i];
	if (c == '{' || c == '[' || c == '(')
		return parse_container(p, out);
	if (string_start(p, &skip, &raw))
		return parse_string(p, out);
	if (c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9'))
		return parse_number(p, out);
	if (word_at(p, "True") || word_at(p, "true"))
		*out = json_true();
	else if (word_at(p, "False") || word_at(p, "false"))
		*out = json_false();
	else if (word_at(p, "None") || word_at(p, "null"))
		*out = json_null();
	else
		return pl_fail(p, "unexpected character (only literals are allowed)");
	return AIU_OK;
}

int pylit_parse(const char *s, size_t n, json_t **out, struct aiu_err *err)
{
	struct pl p = { .s = s, .n = n, .i = 0, .depth = 0, .err = err };
	json_t *v = NULL;
	int rc;
	*out = NULL;
	if ((rc = parse_value(&p, &v)) < 0)
		return rc;
	skip_ws(&p);
	if (p.i != p.n) {
		json_decref(v);
		return pl_fail(&p, "trailing characters");
	}
	*out = v;
	return AIU_OK;
}
