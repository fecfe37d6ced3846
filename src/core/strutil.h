/* strutil.h - bounded parsing primitives that replace atoi/strtol/strcpy. */
#ifndef AIU_STRUTIL_H
#define AIU_STRUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Parses a whole decimal integer (optional leading '-') from s[0..n).
 * Returns 0 on success, AIU_EPARSE if it is not exactly an integer, or
 * AIU_ELIMIT on overflow. */
int parse_i64(const char *s, size_t n, int64_t *out);
/* NUL-terminated convenience form, with inclusive bounds. */
int parse_i64_range(const char *s, int64_t lo, int64_t hi, int64_t *out);
/* Parses a decimal amount such as "12.345" into units scaled by 10^scale
 * exactly (no floating point). Fails on more fractional digits than scale
 * unless they are zeros. Accepts leading '-' and '+'. */
int parse_decimal_scaled(const char *s, size_t n, int scale, int64_t *out);

/* Copies at most cap-1 bytes and always NUL-terminates (like strlcpy).
 * Returns the length of src. */
size_t str_copy(char *dst, const char *src, size_t cap);
bool str_has_prefix(const char *s, const char *prefix);
bool str_has_suffix(const char *s, const char *suffix);
/* Case-insensitive ASCII compare. */
bool str_ieq(const char *a, const char *b);

#endif
