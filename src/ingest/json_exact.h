/* json_exact.h - exact numbers out of vendor JSON.
 *
 * jansson turns every non-integer number into a double. Money must never
 * pass through a double, so json_quote_reals() first rewrites each
 * non-integer number literal of a JSON text into a string holding the same
 * characters ("totalCents": 1.23 becomes "totalCents": "1.23"); the
 * accessors below then read integers, integer strings and decimal strings
 * exactly, as scaled integers.
 */
#ifndef AIU_JSON_EXACT_H
#define AIU_JSON_EXACT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

/* Appends in[0..n) to out with real-number literals quoted. Strings and
 * everything else are copied byte for byte. Fails only on out's cap. */
int json_quote_reals(const char *in, size_t n, struct buf *out);

/* Parses a decimal ("-12.5", "3", "1.5e-3") into units of 10^-scale,
 * rounding half away from zero past the scale (documented per use).
 * AIU_EPARSE if not a number, AIU_ELIMIT if it does not fit int64. */
int dec_to_scaled(const char *s, size_t n, int scale, int64_t *out);

/* Field readers. Each returns 0 and sets *out, AIU_ENOTFOUND when the key is
 * absent or null, or AIU_EPARSE when the value has the wrong shape. */
int jx_scaled(json_t *obj, const char *key, int scale, int64_t *out);
int jx_i64(json_t *obj, const char *key, int64_t *out);       /* integer or integer string */
int jx_bool(json_t *obj, const char *key, bool *out);
/* String value or NULL (absent, null or not a string). */
const char *jx_str(json_t *obj, const char *key);

/* ASCII case-fold and trim an email into out (cap bytes). Returns the
 * length, 0 for an empty/absent one. */
size_t email_fold(const char *in, char *out, size_t cap);

#endif
