/* dynlib.h - load the heavy shared libraries only when a command uses them.
 *
 * Why: libcurl, libpq, libmicrohttpd and libarchive pull in about forty more
 * libraries (OpenSSL, GnuTLS, Kerberos, LDAP, ICU, libxml2, libstdc++...).
 * Linked normally, every `aiusage` run maps and relocates all of them before
 * main(): 60 ms and 12 MiB of RSS for `aiusage version`, paid again by every
 * report and sync. The local pipeline (sync -> SQLite -> reports) needs none
 * of them. So aiusage links only SQLite, jansson, xxhash and libcsv, and
 * opens the other four with dlopen() the first time one of their functions
 * is called.
 *
 * How: src/core/lib_{curl,pq,mhd,archive}.c define the libraries' public
 * functions that aiusage uses, with the exact prototypes of the libraries'
 * own headers (so the compiler checks every signature), each forwarding to
 * the real function resolved here. Call sites include <curl/curl.h> etc. and
 * call the functions as usual. The executable does not export these names
 * (no -rdynamic), so the loaded libraries still bind to their own symbols.
 *
 * Library handles are process-wide, like the libraries' own global state;
 * loading is thread-safe and happens at most once (after that, a forwarded
 * call costs one atomic load). A library
 * that cannot be loaded is reported once on stderr with its soname and the
 * Debian package that provides it, and every forwarded call then returns the
 * library's own failure value (NULL, an error code), which callers already
 * handle.
 */
#ifndef AIU_DYNLIB_H
#define AIU_DYNLIB_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

struct dynlib_sym {
	const char *name;
	size_t off; /* offset of its function pointer in the library's table */
};

struct dynlib {
	const char *soname;  /* e.g. "libcurl.so.4", from the build (CMake) */
	const char *package; /* the Debian package to install when it is missing */
	const struct dynlib_sym *syms;
	size_t nsyms;
	void *fns;           /* the table of function pointers dynlib_load fills */
	/* optional: run once after every symbol resolved (e.g. curl_global_init);
	 * returns false (with a message in msg) to mark the library unusable */
	bool (*on_load)(char *msg, size_t cap);
	void (*on_exit)(void); /* optional: dynlib_cleanup's work if it loaded */
	atomic_int state;    /* 0 not tried, 1 usable, -1 failed (see dynlib.c) */
	void *handle;        /* never dlclose()d: the process owns it until exit */
	char msg[256];       /* why loading failed, when !ok */
};

#define DYNLIB_INIT(soname_, package_, syms_, fns_, on_load_, on_exit_)            \
	{ .soname = (soname_), .package = (package_), .syms = (syms_),             \
	  .nsyms = sizeof(syms_) / sizeof((syms_)[0]), .fns = (fns_),              \
	  .on_load = (on_load_), .on_exit = (on_exit_) }

/* Loads lib and resolves every symbol, once; true when usable. The first
 * failure is printed as "aiusage: <why>" on stderr; later calls return false
 * quietly. */
bool dynlib_load(struct dynlib *lib);

/* dynlib_load's fast path, for the forwarding functions. */
static inline bool dynlib_ready(struct dynlib *lib)
{
	int s = atomic_load_explicit(&lib->state, memory_order_acquire);
	return s > 0 || (s == 0 && dynlib_load(lib));
}

/* True when lib was loaded by an earlier dynlib_load (never loads). */
bool dynlib_loaded(struct dynlib *lib);

/* Why the last dynlib_load(lib) failed ("" if it did not). */
const char *dynlib_error(const struct dynlib *lib);

/* For src/core/lib_*.c. Each keeps its resolved functions in a struct named
 * F whose members carry the functions' own names and types:
 *     #define SYMS(X) X(PQexec) X(PQclear)
 *     static struct pq_fns { SYMS(DYNLIB_FN_PTR) } F;
 *     #define SYM(name) DYNLIB_SYM(struct pq_fns, name)
 *     static const struct dynlib_sym syms[] = { SYMS(SYM) };
 * (name) in parentheses: some libraries make their functions macros too. */
#define DYNLIB_FN_PTR(name) __typeof__(&(name)) name;
#define DYNLIB_SYM(type, name) { #name, offsetof(type, name) },
/* A forwarder: name(params) calls F.name args once lib is loaded, else
 * returns fail (the library's own failure value). */
#define DYNLIB_FWD(lib, ret, name, params, args, fail)                             \
	ret(name) params                                                           \
	{                                                                          \
		return dynlib_ready(&(lib)) ? F.name args : (fail);                \
	}
#define DYNLIB_FWD_VOID(lib, name, params, args)                                   \
	void(name) params                                                          \
	{                                                                          \
		if (dynlib_ready(&(lib)))                                          \
			F.name args;                                               \
	}

/* The four libraries (defined in src/core/lib_*.c). */
extern struct dynlib dynlib_curl, dynlib_pq, dynlib_mhd, dynlib_archive;

/* At exit: library-wide cleanup of whatever was loaded (curl_global_cleanup).
 * Call once, from main, after every thread has stopped. */
void dynlib_cleanup(void);

#endif
