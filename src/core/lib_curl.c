/* lib_curl.c - libcurl, loaded on first use (see dynlib.h).
 *
 * Only the functions aiusage calls (src/ingest/http_client.c): add a line to
 * CURL_SYMS and a forwarding function below to use another one. */
#include "core/dynlib.h"

#include <curl/curl.h>
#include <stdarg.h>
#include <stdio.h>

#ifndef AIU_SONAME_CURL
#error "AIU_SONAME_CURL (libcurl's soname) comes from CMakeLists.txt"
#endif

#define CURL_SYMS(X)                                                               \
	X(curl_global_init) X(curl_global_cleanup) X(curl_easy_init)               \
	X(curl_easy_setopt) X(curl_easy_perform) X(curl_easy_cleanup)              \
	X(curl_easy_getinfo) X(curl_easy_reset) X(curl_easy_strerror)              \
	X(curl_slist_append) X(curl_slist_free_all) X(curl_getdate)

static struct curl_fns {
	CURL_SYMS(DYNLIB_FN_PTR)
} F;
#define SYM(name) DYNLIB_SYM(struct curl_fns, name)
static const struct dynlib_sym syms[] = { CURL_SYMS(SYM) };

/* Once per process, before the first handle (libcurl >= 7.84 makes this
 * thread-safe; the load lock serialises it anyway). */
static bool curl_on_load(char *msg, size_t cap)
{
	CURLcode rc = F.curl_global_init(CURL_GLOBAL_DEFAULT);
	if (rc != CURLE_OK) {
		snprintf(msg, cap, "libcurl failed to initialise: %s", F.curl_easy_strerror(rc));
		return false;
	}
	return true;
}

static void curl_on_exit(void)
{
	F.curl_global_cleanup();
}

struct dynlib dynlib_curl =
	DYNLIB_INIT(AIU_SONAME_CURL, "libcurl4", syms, &F, curl_on_load, curl_on_exit);

#define OK() dynlib_ready(&dynlib_curl)

/* curl_global_init already ran when the library loaded; this only reports
 * whether it is usable (callers need not call it at all). */
CURLcode (curl_global_init)(long flags)
{
	(void)flags;
	return OK() ? CURLE_OK : CURLE_FAILED_INIT;
}

/* Never loads the library just to clean it up. */
void (curl_global_cleanup)(void)
{
}

CURL *(curl_easy_init)(void)
{
	return OK() ? F.curl_easy_init() : NULL;
}

/* The one variadic argument's type follows from the option's number, as
 * in libcurl itself (CURLOPTTYPE_* ranges in curl.h). */
CURLcode (curl_easy_setopt)(CURL *h, CURLoption opt, ...)
{
	CURLcode rc;
	va_list ap;

	if (!OK())
		return CURLE_FAILED_INIT;
	va_start(ap, opt);
	if (opt < CURLOPTTYPE_OBJECTPOINT)
		rc = (F.curl_easy_setopt)(h, opt, va_arg(ap, long));
	else if (opt < CURLOPTTYPE_FUNCTIONPOINT)
		rc = (F.curl_easy_setopt)(h, opt, va_arg(ap, void *));
	else if (opt < CURLOPTTYPE_OFF_T)
		rc = (F.curl_easy_setopt)(h, opt, va_arg(ap, void (*)(void)));
	else if (opt < CURLOPTTYPE_BLOB)
		rc = (F.curl_easy_setopt)(h, opt, va_arg(ap, curl_off_t));
	else
		rc = (F.curl_easy_setopt)(h, opt, va_arg(ap, void *));
	va_end(ap);
	return rc;
}

CURLcode (curl_easy_perform)(CURL *h)
{
	return OK() ? F.curl_easy_perform(h) : CURLE_FAILED_INIT;
}

void (curl_easy_cleanup)(CURL *h)
{
	if (h && OK())
		F.curl_easy_cleanup(h);
}

/* Every CURLINFO takes one pointer. */
CURLcode (curl_easy_getinfo)(CURL *h, CURLINFO info, ...)
{
	CURLcode rc;
	va_list ap;

	if (!OK())
		return CURLE_FAILED_INIT;
	va_start(ap, info);
	rc = (F.curl_easy_getinfo)(h, info, va_arg(ap, void *));
	va_end(ap);
	return rc;
}

void (curl_easy_reset)(CURL *h)
{
	if (h && OK())
		F.curl_easy_reset(h);
}

const char *(curl_easy_strerror)(CURLcode rc)
{
	return OK() ? F.curl_easy_strerror(rc) : "libcurl is not available";
}

struct curl_slist *(curl_slist_append)(struct curl_slist *l, const char *s)
{
	return OK() ? F.curl_slist_append(l, s) : NULL;
}

void (curl_slist_free_all)(struct curl_slist *l)
{
	if (l && OK())
		F.curl_slist_free_all(l);
}

time_t (curl_getdate)(const char *p, const time_t *unused)
{
	return OK() ? F.curl_getdate(p, unused) : -1;
}
