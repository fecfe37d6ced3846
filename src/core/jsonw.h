/* jsonw.h - streaming JSON writer on top of struct buf.
 *
 * Keeps a small nesting stack so commas are placed automatically:
 *
 *     jw_obj(w); jw_key(w, "a"); jw_int(w, 1); jw_end(w);
 *
 * Errors are sticky (w->b->failed); check once at the end with jw_ok().
 * The writer does not own the buffer.
 */
#ifndef AIU_JSONW_H
#define AIU_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

#define JW_MAX_DEPTH 64

struct jsonw {
	struct buf *b;
	int depth;
	bool first[JW_MAX_DEPTH];
	char kind[JW_MAX_DEPTH];  /* closing bracket per level */
	bool after_key;
	bool pretty;
};

void jw_init(struct jsonw *w, struct buf *b, bool pretty);
void jw_obj(struct jsonw *w);
void jw_arr(struct jsonw *w);
void jw_end(struct jsonw *w);
void jw_key(struct jsonw *w, const char *k);
void jw_str(struct jsonw *w, const char *s);
void jw_strn(struct jsonw *w, const char *s, size_t n);
void jw_int(struct jsonw *w, int64_t v);
void jw_double(struct jsonw *w, double v, int decimals);
/* Writes an exact decimal number of nano-units (value / 1e9). */
void jw_nano(struct jsonw *w, int64_t nano);
void jw_bool(struct jsonw *w, bool v);
void jw_null(struct jsonw *w);
void jw_raw(struct jsonw *w, const char *raw);
bool jw_ok(const struct jsonw *w);

/* Appends s as a quoted, escaped JSON string (valid UTF-8 passes through,
 * invalid bytes become U+FFFD). */
int json_quote(struct buf *b, const char *s, size_t n);

#endif
