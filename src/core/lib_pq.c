/* lib_pq.c - libpq, loaded on first use (see dynlib.h): only a
 * postgres:// store (the PostgreSQL backend in src/store/) and metabase
 * provisioning need it.
 *
 * Add a line to PQ_SYMS and a forwarding function below to use another
 * libpq function. */
#include "core/dynlib.h"

#include <libpq-fe.h>

#ifndef AIU_SONAME_PQ
#error "AIU_SONAME_PQ (libpq's soname) comes from CMakeLists.txt"
#endif

#define PQ_SYMS(X)                                                                 \
	X(PQconnectdbParams) X(PQconnectdb) X(PQconninfoParse) X(PQconninfoFree) X(PQstatus)      \
	X(PQerrorMessage) X(PQfinish) X(PQclientEncoding) X(PQsetNoticeProcessor)  \
	X(PQexec) X(PQexecParams) X(PQprepare) X(PQexecPrepared) X(PQclear)        \
	X(PQresultStatus) X(PQresultErrorMessage) X(PQcmdStatus) X(PQcmdTuples)    \
	X(PQntuples) X(PQnfields) X(PQgetvalue) X(PQgetlength) X(PQgetisnull)      \
	X(PQfreemem) X(PQunescapeBytea) X(pg_char_to_encoding)

static struct pq_fns {
	PQ_SYMS(DYNLIB_FN_PTR)
} F;
#define SYM(name) DYNLIB_SYM(struct pq_fns, name)
static const struct dynlib_sym syms[] = { PQ_SYMS(SYM) };

struct dynlib dynlib_pq = DYNLIB_INIT(AIU_SONAME_PQ, "libpq5", syms, &F, NULL, NULL);

#define FWD(ret, name, params, args, fail) DYNLIB_FWD(dynlib_pq, ret, name, params, args, fail)
#define FWD_VOID(name, params, args) DYNLIB_FWD_VOID(dynlib_pq, name, params, args)

/* The entry points: without a connection or a parsed conninfo, no other
 * function can be reached, so these are where a missing libpq shows. */
FWD(PGconn *, PQconnectdbParams, (const char *const *k, const char *const *v, int expand),
    (k, v, expand), NULL)
FWD(PGconn *, PQconnectdb, (const char *conninfo), (conninfo), NULL)
FWD(PQconninfoOption *, PQconninfoParse, (const char *conninfo, char **errmsg),
    (conninfo, errmsg), NULL)
FWD_VOID(PQconninfoFree, (PQconninfoOption *o), (o))
FWD(ConnStatusType, PQstatus, (const PGconn *c), (c), CONNECTION_BAD)
FWD(char *, PQerrorMessage, (const PGconn *c), (c), (char *)"libpq is not available\n")
FWD_VOID(PQfinish, (PGconn *c), (c))
FWD(int, PQclientEncoding, (const PGconn *c), (c), -1)
FWD(int, pg_char_to_encoding, (const char *name), (name), -1)
FWD(PQnoticeProcessor, PQsetNoticeProcessor, (PGconn *c, PQnoticeProcessor p, void *arg),
    (c, p, arg), NULL)

FWD(PGresult *, PQexec, (PGconn *c, const char *q), (c, q), NULL)
FWD(PGresult *, PQexecParams,
    (PGconn *c, const char *q, int n, const Oid *types, const char *const *values,
     const int *lengths, const int *formats, int result_format),
    (c, q, n, types, values, lengths, formats, result_format), NULL)
FWD(PGresult *, PQprepare, (PGconn *c, const char *name, const char *q, int n, const Oid *types),
    (c, name, q, n, types), NULL)
FWD(PGresult *, PQexecPrepared,
    (PGconn *c, const char *name, int n, const char *const *values, const int *lengths,
     const int *formats, int result_format),
    (c, name, n, values, lengths, formats, result_format), NULL)
FWD_VOID(PQclear, (PGresult *r), (r))

FWD(ExecStatusType, PQresultStatus, (const PGresult *r), (r), PGRES_FATAL_ERROR)
FWD(char *, PQresultErrorMessage, (const PGresult *r), (r), (char *)"libpq is not available\n")
FWD(char *, PQcmdStatus, (PGresult *r), (r), NULL)
FWD(char *, PQcmdTuples, (PGresult *r), (r), NULL)
FWD(int, PQntuples, (const PGresult *r), (r), 0)
FWD(int, PQnfields, (const PGresult *r), (r), 0)
FWD(char *, PQgetvalue, (const PGresult *r, int row, int col), (r, row, col), NULL)
FWD(int, PQgetlength, (const PGresult *r, int row, int col), (r, row, col), 0)
FWD(int, PQgetisnull, (const PGresult *r, int row, int col), (r, row, col), 1)
FWD_VOID(PQfreemem, (void *p), (p))
FWD(unsigned char *, PQunescapeBytea, (const unsigned char *s, size_t *len), (s, len), NULL)
