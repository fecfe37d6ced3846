/* dynlib.c - see dynlib.h. */
#include "core/dynlib.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* Serialises the slow path of every library's first load. */
static pthread_mutex_t load_mu = PTHREAD_MUTEX_INITIALIZER;

static bool load_locked(struct dynlib *lib)
{
	const char *why;
	void *h;

	/* RTLD_LOCAL: the library's symbols do not join the global scope, so
	 * nothing loaded later binds to them by accident */
	if (!(h = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL))) {
		why = dlerror();
		snprintf(lib->msg, sizeof(lib->msg), "%s could not be loaded (%s); install the Debian package %s",
			 lib->soname, why ? why : "unknown error", lib->package);
		return false;
	}
	for (size_t i = 0; i < lib->nsyms; i++) {
		void *f;
		dlerror();
		f = dlsym(h, lib->syms[i].name);
		if (!f) {
			snprintf(lib->msg, sizeof(lib->msg), "%s has no function %s; aiusage needs a newer %s",
				 lib->soname, lib->syms[i].name, lib->package);
			dlclose(h);
			return false;
		}
		/* an object pointer to a function pointer: POSIX guarantees the
		 * representation is the same; memcpy avoids the ISO C cast */
		memcpy((char *)lib->fns + lib->syms[i].off, &f, sizeof(f));
	}
	lib->handle = h;
	if (lib->on_load && !lib->on_load(lib->msg, sizeof(lib->msg)))
		return false; /* the handle stays: symbols may already be in use */
	return true;
}

bool dynlib_load(struct dynlib *lib)
{
	int s = atomic_load_explicit(&lib->state, memory_order_acquire);
	bool ok;

	if (s)
		return s > 0;
	pthread_mutex_lock(&load_mu);
	s = atomic_load_explicit(&lib->state, memory_order_relaxed);
	if (s) {
		pthread_mutex_unlock(&load_mu);
		return s > 0;
	}
	lib->msg[0] = '\0';
	ok = load_locked(lib);
	if (!ok)
		fprintf(stderr, "aiusage: %s\n", lib->msg);
	atomic_store_explicit(&lib->state, ok ? 1 : -1, memory_order_release);
	pthread_mutex_unlock(&load_mu);
	return ok;
}

bool dynlib_loaded(struct dynlib *lib)
{
	return atomic_load_explicit(&lib->state, memory_order_acquire) > 0;
}

const char *dynlib_error(const struct dynlib *lib)
{
	return lib->msg;
}

void dynlib_cleanup(void)
{
	struct dynlib *const all[] = { &dynlib_curl, &dynlib_pq, &dynlib_mhd, &dynlib_archive };

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (all[i]->on_exit && dynlib_loaded(all[i]))
			all[i]->on_exit();
}
