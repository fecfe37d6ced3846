/* err.h - the one error convention used everywhere in aiusage.
 *
 * Functions return int: 0 (AIU_OK) on success, a negative AIU_E* code on
 * failure. When a caller passes a struct aiu_err, the failing function fills
 * in a human message naming the file, line or field at fault. The message
 * lives inside the struct: nobody frees it. Callers write
 *
 *     if ((rc = thing(..., err)) < 0) goto out;
 *
 * and release everything at one `out:` label.
 */
#ifndef AIU_ERR_H
#define AIU_ERR_H

#include <stdarg.h>

enum aiu_code {
	AIU_OK = 0,
	AIU_ENOMEM = -1,   /* allocation failed */
	AIU_EIO = -2,      /* read/write/stat failed */
	AIU_EPARSE = -3,   /* malformed input */
	AIU_EDB = -4,      /* store failure */
	AIU_EARG = -5,     /* bad argument or option */
	AIU_ELIMIT = -6,   /* an input cap was hit */
	AIU_ENOTFOUND = -7,
	AIU_EBUSY = -8,
};

struct aiu_err {
	int code;
	char msg[768];
};

/* Sets err (when non-NULL) and returns code. */
int aiu_errf(struct aiu_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int aiu_verrf(struct aiu_err *err, int code, const char *fmt, va_list ap);
void aiu_err_clear(struct aiu_err *err);
const char *aiu_strerror(int code);

#endif
