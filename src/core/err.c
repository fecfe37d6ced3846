/* err.c - see err.h. */
#include "core/err.h"

#include <stdio.h>

int aiu_verrf(struct aiu_err *err, int code, const char *fmt, va_list ap)
{
	if (err) {
		err->code = code;
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	}
	return code;
}

int aiu_errf(struct aiu_err *err, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	aiu_verrf(err, code, fmt, ap);
	va_end(ap);
	return code;
}

void aiu_err_clear(struct aiu_err *err)
{
	if (err) {
		err->code = 0;
		err->msg[0] = '\0';
	}
}

const char *aiu_strerror(int code)
{
	switch (code) {
	case AIU_OK: return "ok";
	case AIU_ENOMEM: return "out of memory";
	case AIU_EIO: return "I/O error";
	case AIU_EPARSE: return "malformed input";
	case AIU_EDB: return "database error";
	case AIU_EARG: return "invalid argument";
	case AIU_ELIMIT: return "size limit exceeded";
	case AIU_ENOTFOUND: return "not found";
	case AIU_EBUSY: return "busy";
	}
	return "unknown error";
}
