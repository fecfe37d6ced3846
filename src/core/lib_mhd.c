/* lib_mhd.c - libmicrohttpd, loaded on first use (see dynlib.h): only
 * `aiusage serve` (src/http/http_server.c) needs it.
 *
 * Add a line to MHD_SYMS and a forwarding function below to use another
 * libmicrohttpd function. */
#include "core/dynlib.h"

#include <stdarg.h>
#include <stdint.h>
#include <sys/socket.h>
#include <microhttpd.h>

#ifndef AIU_SONAME_MHD
#error "AIU_SONAME_MHD (libmicrohttpd's soname) comes from CMakeLists.txt"
#endif

#define MHD_SYMS(X)                                                                \
	X(MHD_start_daemon_va) X(MHD_stop_daemon) X(MHD_get_daemon_info)           \
	X(MHD_get_connection_values) X(MHD_lookup_connection_value)                \
	X(MHD_create_response_from_buffer)                                         \
	X(MHD_create_response_from_buffer_with_free_callback_cls)                  \
	X(MHD_add_response_header) X(MHD_queue_response) X(MHD_destroy_response)

static struct mhd_fns {
	MHD_SYMS(DYNLIB_FN_PTR)
} F;
#define SYM(name) DYNLIB_SYM(struct mhd_fns, name)
static const struct dynlib_sym syms[] = { MHD_SYMS(SYM) };

struct dynlib dynlib_mhd =
	DYNLIB_INIT(AIU_SONAME_MHD, "libmicrohttpd12", syms, &F, NULL, NULL);

#define OK() dynlib_ready(&dynlib_mhd)
#define FWD(ret, name, params, args, fail) DYNLIB_FWD(dynlib_mhd, ret, name, params, args, fail)

/* The entry point: every other call needs the daemon it returns. The
 * options list is forwarded whole through the _va variant. */
struct MHD_Daemon *(MHD_start_daemon)(unsigned int flags, uint16_t port,
				       MHD_AcceptPolicyCallback apc, void *apc_cls,
				       MHD_AccessHandlerCallback dh, void *dh_cls, ...)
{
	struct MHD_Daemon *d;
	va_list ap;

	if (!OK())
		return NULL;
	va_start(ap, dh_cls);
	d = F.MHD_start_daemon_va(flags, port, apc, apc_cls, dh, dh_cls, ap);
	va_end(ap);
	return d;
}

void (MHD_stop_daemon)(struct MHD_Daemon *d)
{
	if (d && OK())
		F.MHD_stop_daemon(d);
}

/* aiusage asks only for info types that take no extra argument. */
const union MHD_DaemonInfo *(MHD_get_daemon_info)(struct MHD_Daemon *d,
						   enum MHD_DaemonInfoType type, ...)
{
	return OK() ? F.MHD_get_daemon_info(d, type) : NULL;
}

FWD(int, MHD_get_connection_values,
    (struct MHD_Connection *c, enum MHD_ValueKind kind, MHD_KeyValueIterator it, void *cls),
    (c, kind, it, cls), 0)
FWD(const char *, MHD_lookup_connection_value,
    (struct MHD_Connection *c, enum MHD_ValueKind kind, const char *key), (c, kind, key), NULL)
FWD(struct MHD_Response *, MHD_create_response_from_buffer,
    (size_t size, void *buf, enum MHD_ResponseMemoryMode mode), (size, buf, mode), NULL)
FWD(struct MHD_Response *, MHD_create_response_from_buffer_with_free_callback_cls,
    (size_t size, void *buf, MHD_ContentReaderFreeCallback crfc, void *crfc_cls),
    (size, buf, crfc, crfc_cls), NULL)
FWD(enum MHD_Result, MHD_add_response_header,
    (struct MHD_Response *r, const char *header, const char *content), (r, header, content),
    MHD_NO)
FWD(enum MHD_Result, MHD_queue_response,
    (struct MHD_Connection *c, unsigned int status, struct MHD_Response *r), (c, status, r),
    MHD_NO)

void (MHD_destroy_response)(struct MHD_Response *r)
{
	if (r && OK())
		F.MHD_destroy_response(r);
}
