/* strutil.c - see strutil.h. */
#include "core/strutil.h"
#include "core/err.h"

#include <string.h>

int parse_i64(const char *s, size_t n, int64_t *out)
{
	bool neg = false;
	uint64_t v = 0, lim;
	size_t i = 0;

	if (n && (s[0] == '-' || s[0] == '+')) {
		neg = s[0] == '-';
		i = 1;
	}
	if (i >= n)
		return AIU_EPARSE;
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < n; i++) {
		unsigned d = (unsigned char)s[i] - '0';
		if (d > 9)
			return AIU_EPARSE;
		if (v > (lim - d) / 10)
			return AIU_ELIMIT;
		v = v * 10 + d;
	}
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return AIU_OK;
}

int parse_i64_range(const char *s, int64_t lo, int64_t hi, int64_t *out)
{
	int64_t v;
	int rc;
	if (!s)
		return AIU_EPARSE;
	if ((rc = parse_i64(s, strlen(s), &v)) < 0)
		return rc;
	if (v < lo || v > hi)
		return AIU_ELIMIT;
	*out = v;
	return AIU_OK;
}

int parse_decimal_scaled(const char *s, size_t n, int scale, int64_t *out)
{
	bool neg = false, digits = false;
	uint64_t v = 0;
	size_t i = 0;
	int frac = -1;

	if (n && (s[0] == '-' || s[0] == '+')) {
		neg = s[0] == '-';
		i = 1;
	}
	for (; i < n; i++) {
		char c = s[i];
		if (c == '.') {
			if (frac >= 0)
				return AIU_EPARSE;
			frac = 0;
			continue;
		}
		if (c < '0' || c > '9')
			return AIU_EPARSE;
		digits = true;
		if (frac >= 0) {
			if (frac >= scale) {
				if (c != '0')
					return AIU_EPARSE; /* would lose precision */
				continue;
			}
			frac++;
		}
		if (v > (UINT64_MAX - 9) / 10 || v * 10 + (uint64_t)(c - '0') > (uint64_t)INT64_MAX)
			return AIU_ELIMIT;
		v = v * 10 + (uint64_t)(c - '0');
	}
	if (!digits)
		return AIU_EPARSE;
	for (int k = frac < 0 ? 0 : frac; k < scale; k++) {
		if (v > (uint64_t)INT64_MAX / 10)
			return AIU_ELIMIT;
		v *= 10;
	}
	*out = neg ? -(int64_t)v : (int64_t)v;
	return AIU_OK;
}

size_t str_copy(char *dst, const char *src, size_t cap)
{
	size_t n = strlen(src);
	if (cap) {
		size_t k = n < cap - 1 ? n : cap - 1;
		memcpy(dst, src, k);
		dst[k] = '\0';
	}
	return n;
}

bool str_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool str_has_suffix(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && memcmp(s + a - b, suffix, b) == 0;
}

bool str_ieq(const char *a, const char *b)
{
	for (;; a++, b++) {
		unsigned ca = (unsigned char)*a, cb = (unsigned char)*b;
		if (ca >= 'A' && ca <= 'Z')
			ca += 32;
		if (cb >= 'A' && cb <= 'Z')
			cb += 32;
		if (ca != cb)
			return false;
		if (!ca)
			return true;
	}
}
