/* lib_archive.c - libarchive, loaded on first use (see dynlib.h): only
 * `aiusage import claude-ai FILE.zip` (src/ingest/claude_ai.c) needs it.
 *
 * Add a line to ARCHIVE_SYMS and a forwarding function below to use another
 * libarchive function. */
#include "core/dynlib.h"

#include <archive.h>
#include <archive_entry.h>

#ifndef AIU_SONAME_ARCHIVE
#error "AIU_SONAME_ARCHIVE (libarchive's soname) comes from CMakeLists.txt"
#endif

#define ARCHIVE_SYMS(X)                                                            \
	X(archive_read_new) X(archive_read_support_format_zip)                     \
	X(archive_read_open_filename) X(archive_read_open_memory)                  \
	X(archive_read_next_header) X(archive_read_data) X(archive_read_free)      \
	X(archive_error_string) X(archive_entry_pathname) X(archive_entry_filetype) \
	X(archive_entry_size) X(archive_entry_size_is_set)

static struct archive_fns {
	ARCHIVE_SYMS(DYNLIB_FN_PTR)
} F;
#define SYM(name) DYNLIB_SYM(struct archive_fns, name)
static const struct dynlib_sym syms[] = { ARCHIVE_SYMS(SYM) };

struct dynlib dynlib_archive =
	DYNLIB_INIT(AIU_SONAME_ARCHIVE, "libarchive13", syms, &F, NULL, NULL);

#define FWD(ret, name, params, args, fail) DYNLIB_FWD(dynlib_archive, ret, name, params, args, fail)

/* The entry point: every other call needs the handle it returns. */
FWD(struct archive *, archive_read_new, (void), (), NULL)
FWD(int, archive_read_support_format_zip, (struct archive *a), (a), ARCHIVE_FATAL)
FWD(int, archive_read_open_filename, (struct archive *a, const char *path, size_t block),
    (a, path, block), ARCHIVE_FATAL)
FWD(int, archive_read_open_memory, (struct archive *a, const void *buf, size_t size),
    (a, buf, size), ARCHIVE_FATAL)
FWD(int, archive_read_next_header, (struct archive *a, struct archive_entry **e), (a, e),
    ARCHIVE_FATAL)
FWD(la_ssize_t, archive_read_data, (struct archive *a, void *buf, size_t size), (a, buf, size),
    ARCHIVE_FATAL)
FWD(int, archive_read_free, (struct archive *a), (a), ARCHIVE_FATAL)
FWD(const char *, archive_error_string, (struct archive *a), (a), "libarchive is not available")
FWD(const char *, archive_entry_pathname, (struct archive_entry *e), (e), NULL)
FWD(__LA_MODE_T, archive_entry_filetype, (struct archive_entry *e), (e), 0)
FWD(la_int64_t, archive_entry_size, (struct archive_entry *e), (e), 0)
FWD(int, archive_entry_size_is_set, (struct archive_entry *e), (e), 0)
