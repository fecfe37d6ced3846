/* buf.h - capped growable byte buffer (after curl's dynbuf and git's strbuf).
 *
 * Every buffer has a maximum size fixed at init; growing past it fails with
 * AIU_ELIMIT instead of eating memory, so untrusted input can never make a
 * buffer unbounded. Invariants: p is NULL or NUL-terminated at len; len < cap.
 * The buffer owns p; buf_release() frees it, buf_detach() hands it to the
 * caller, who then frees it with free().
 */
#ifndef AIU_BUF_H
#define AIU_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

struct buf {
	char *p;
	size_t len;
	size_t cap;
	size_t max;   /* hard cap on len */
	int failed;   /* sticky: set once an append failed */
};

#define BUF_MAX_DEFAULT ((size_t)64 << 20)

void buf_init(struct buf *b, size_t max);
int buf_reserve(struct buf *b, size_t extra);
int buf_add(struct buf *b, const void *data, size_t n);
int buf_puts(struct buf *b, const char *s);
int buf_putc(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap);
void buf_reset(struct buf *b);              /* len = 0, keeps memory */
void buf_release(struct buf *b);            /* frees memory, back to init */
char *buf_detach(struct buf *b, size_t *len); /* caller frees result */
/* Always returns a NUL-terminated string ("" for an empty buffer). */
const char *buf_cstr(const struct buf *b);

#endif
