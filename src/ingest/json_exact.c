/* json_exact.c - see json_exact.h. */
#include "ingest/json_exact.h"

#include <string.h>

int json_quote_reals(const char *in, size_t n, struct buf *out)
{
	size_t i = 0, run = 0; /* in[run..i) is pending verbatim */
	while (i < n) {
		char c = in[i];
		if (c == '"') {
			i++;
			while (i < n && in[i] != '"') {
				if (in[i] == '\\' && i + 1 < n)
					i++;
				i++;
			}
			if (i < n)
				i++;
			continue;
		}
		if (c == '-' || (c >= '0' && c <= '9')) {
			size_t j = i;
			bool real = false;
			while (j < n) {
				char d = in[j];
				if (d == '.' || d == 'e' || d == 'E')
					real = true;
				else if (!((d >= '0' && d <= '9') || d == '-' || d == '+'))
					break;
				j++;
			}
			if (real) {
				if (buf_add(out, in + run, i - run) < 0 || buf_putc(out, '"') < 0 ||
				    buf_add(out, in + i, j - i) < 0 || buf_putc(out, '"') < 0)
					return AIU_ELIMIT;
				run = j;
			}
			i = j;
			continue;
		}
		i++;
	}
	if (buf_add(out, in + run, n - run) < 0)
		return AIU_ELIMIT;
	if (!out->p && buf_puts(out, "") < 0)
		return AIU_ELIMIT;
	return AIU_OK;
}

int dec_to_scaled(const char *s, size_t n, int scale, int64_t *out)
{
	char digits[64];   /* significant digits, leading zeros dropped */
	size_t nd = 0, i = 0;
	int64_t frac = 0, e = 0, shift, keep;
	bool neg = false, any = false, point = false;
	int64_t v = 0;

	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	while (n > i && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (i < n && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	for (; i < n; i++) {
		char c = s[i];
		if (c >= '0' && c <= '9') {
			any = true;
			if (point)
				frac++;
			if (nd == 0 && c == '0')
				continue;
			if (nd >= sizeof(digits))
				return AIU_ELIMIT;
			digits[nd++] = c;
		} else if (c == '.' && !point) {
			point = true;
		} else if ((c == 'e' || c == 'E') && any) {
			bool eneg = false;
			size_t k = i + 1;
			if (k < n && (s[k] == '-' || s[k] == '+'))
				eneg = s[k++] == '-';
			if (k >= n)
				return AIU_EPARSE;
			for (; k < n; k++) {
				if (s[k] < '0' || s[k] > '9')
					return AIU_EPARSE;
				e = e * 10 + (s[k] - '0');
				if (e > 400)
					return AIU_ELIMIT;
			}
			if (eneg)
				e = -e;
			break;
		} else {
			return AIU_EPARSE;
		}
	}
	if (!any)
		return AIU_EPARSE;
	/* value * 10^scale = int(digits) * 10^shift */
	shift = e + scale - frac;
	keep = (int64_t)nd + (shift < 0 ? shift : 0);
	for (int64_t k = 0; k < keep; k++) {
		int d = digits[k] - '0';
		if (v > (INT64_MAX - d) / 10)
			return AIU_ELIMIT;
		v = v * 10 + d;
	}
	for (int64_t k = 0; k < shift; k++) {
		if (v > INT64_MAX / 10)
			return AIU_ELIMIT;
		v *= 10;
	}
	/* round half away from zero on the first dropped digit */
	if (shift < 0 && keep >= 0 && keep < (int64_t)nd && digits[keep] >= '5') {
		if (v == INT64_MAX)
			return AIU_ELIMIT;
		v++;
	}
	*out = neg ? -v : v;
	return AIU_OK;
}

static json_t *jx_get(json_t *obj, const char *key)
{
	json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;
	return json_is_null(v) ? NULL : v;
}

int jx_scaled(json_t *obj, const char *key, int scale, int64_t *out)
{
	json_t *v = jx_get(obj, key);
	if (!v)
		return AIU_ENOTFOUND;
	if (json_is_integer(v)) {
		int64_t x = json_integer_value(v);
		for (int k = 0; k < scale; k++) {
			if (x > INT64_MAX / 10 || x < INT64_MIN / 10)
				return AIU_ELIMIT;
			x *= 10;
		}
		*out = x;
		return AIU_OK;
	}
	if (json_is_string(v))
		return dec_to_scaled(json_string_value(v), json_string_length(v), scale, out) < 0
			       ? AIU_EPARSE : AIU_OK;
	return AIU_EPARSE;
}

int jx_i64(json_t *obj, const char *key, int64_t *out)
{
	json_t *v = jx_get(obj, key);
	if (!v)
		return AIU_ENOTFOUND;
	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return AIU_OK;
	}
	if (json_is_string(v))
		return dec_to_scaled(json_string_value(v), json_string_length(v), 0, out) < 0
			       ? AIU_EPARSE : AIU_OK;
	return AIU_EPARSE;
}

int jx_bool(json_t *obj, const char *key, bool *out)
{
	json_t *v = jx_get(obj, key);
	if (!v)
		return AIU_ENOTFOUND;
	if (!json_is_boolean(v))
		return AIU_EPARSE;
	*out = json_is_true(v);
	return AIU_OK;
}

const char *jx_str(json_t *obj, const char *key)
{
	json_t *v = jx_get(obj, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

size_t email_fold(const char *in, char *out, size_t cap)
{
	size_t n = 0;
	if (!cap)
		return 0;
	if (!in)
		in = "";
	while (*in == ' ' || *in == '\t')
		in++;
	for (; *in && n + 1 < cap; in++) {
		char c = *in;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		out[n++] = c;
	}
	while (n && (out[n - 1] == ' ' || out[n - 1] == '\t'))
		n--;
	out[n] = '\0';
	return n;
}
