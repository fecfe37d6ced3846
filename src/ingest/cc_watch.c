/* cc_watch.c - see cc_watch.h. */
#include "ingest/cc_watch.h"
#include "core/kmap.h"
#include "ingest/cc_discover.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define PATH_CAP 4096

struct wdir {
	int wd;
	char *path;                /* owned */
};

struct cc_watch {
	struct sync_job *job;
	const char *mode;
	int ifd;                   /* inotify fd, -1 when not watching */
	int stop_pipe[2];
	int64_t interval_ms;
	pthread_t th;
	bool th_live;
	struct wdir *dirs;         /* watched folders */
	size_t ndirs, cdirs;
	struct kmap by_wd;         /* int64 wd -> index + 1 in dirs */
};

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *dir_of(const struct cc_watch *w, int wd)
{
	int64_t k = wd;
	const size_t *i = kmap_get(&w->by_wd, &k);
	return i && *i ? w->dirs[*i - 1].path : NULL;
}

/* Watches path and every folder below it (bounded by CC_WATCH_MAX_DIRS). */
static void add_tree(struct cc_watch *w, const char *path, int depth)
{
	DIR *d;
	struct dirent *e;
	int wd;

	if (depth > 16 || w->ndirs >= CC_WATCH_MAX_DIRS)
		return;
	wd = inotify_add_watch(w->ifd, path, IN_MODIFY | IN_CLOSE_WRITE | IN_CREATE | IN_MOVED_TO |
			       IN_ONLYDIR);
	if (wd < 0)
		return;
	if (!dir_of(w, wd)) {
		if (w->ndirs == w->cdirs) {
			size_t nc = w->cdirs ? w->cdirs * 2 : 64;
			struct wdir *nv = realloc(w->dirs, nc * sizeof(*nv));
			if (!nv)
				return;
			w->dirs = nv;
			w->cdirs = nc;
		}
		int64_t k = wd;
		size_t *slot;
		if (!(w->dirs[w->ndirs].path = strdup(path)))
			return;
		if (!(slot = kmap_put(&w->by_wd, &k, NULL))) {
			free(w->dirs[w->ndirs].path);
			return;
		}
		w->dirs[w->ndirs++].wd = wd;
		*slot = w->ndirs;
	}
	if (!(d = opendir(path)))
		return;
	while ((e = readdir(d))) {
		char sub[PATH_CAP];
		struct stat st;
		if (e->d_name[0] == '.')
			continue;
		if (snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name) >= (int)sizeof(sub))
			continue;
		if (stat(sub, &st) == 0 && S_ISDIR(st.st_mode))
			add_tree(w, sub, depth + 1);
	}
	closedir(d);
}

/* Drains inotify events; true if one concerns a transcript (or a new folder,
 * which is watched from now on). */
static bool drain(struct cc_watch *w)
{
	char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool hit = false;
	ssize_t n;

	while ((n = read(w->ifd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;
			size_t nl = ev->len ? strlen(ev->name) : 0;
			if (ev->mask & IN_Q_OVERFLOW)
				hit = true;
			if (ev->len && (ev->mask & IN_ISDIR) && (ev->mask & (IN_CREATE | IN_MOVED_TO))) {
				const char *parent = dir_of(w, ev->wd);
				char sub[PATH_CAP];
				if (parent && snprintf(sub, sizeof(sub), "%s/%s", parent, ev->name) < (int)sizeof(sub))
					add_tree(w, sub, 1); /* lines written before the watch: the sync finds them */
				hit = true;
			} else if (nl > 6 && strcmp(ev->name + nl - 6, ".jsonl") == 0) {
				hit = true;
			}
			p += sizeof(*ev) + ev->len;
		}
	}
	return hit;
}

static void *watch_thread(void *arg)
{
	struct cc_watch *w = arg;
	int64_t first_ev = 0, last_ev = 0, next_tick = w->interval_ms ? mono_ms() + w->interval_ms : 0;

	for (;;) {
		struct pollfd pf[2];
		int64_t now = mono_ms(), timeout = -1;
		int npf = 1;

		pf[0].fd = w->stop_pipe[0];
		pf[0].events = POLLIN;
		if (w->ifd >= 0) {
			pf[1].fd = w->ifd;
			pf[1].events = POLLIN;
			npf = 2;
		}
		if (last_ev) {
			int64_t due = last_ev + CC_WATCH_QUIET_MS;
			if (first_ev + CC_WATCH_MAX_DELAY_MS < due)
				due = first_ev + CC_WATCH_MAX_DELAY_MS;
			timeout = due > now ? due - now : 0;
		}
		if (next_tick) {
			int64_t t = next_tick > now ? next_tick - now : 0;
			if (timeout < 0 || t < timeout)
				timeout = t;
		}
		if (poll(pf, (nfds_t)npf, timeout > INT32_MAX ? INT32_MAX : (int)timeout) < 0 &&
		    errno != EINTR)
			break;
		if (pf[0].revents)
			break;
		now = mono_ms();
		if (npf == 2 && (pf[1].revents & POLLIN) && drain(w)) {
			if (!last_ev)
				first_ev = now;
			last_ev = now;
		}
		if (last_ev && (now >= last_ev + CC_WATCH_QUIET_MS ||
				now >= first_ev + CC_WATCH_MAX_DELAY_MS)) {
			last_ev = first_ev = 0;
			sync_job_request(w->job);
		}
		if (next_tick && now >= next_tick) {
			next_tick = now + w->interval_ms;
			sync_job_request(w->job);
		}
	}
	return NULL;
}

const char *cc_watch_mode(const struct cc_watch *w)
{
	return w ? w->mode : "off";
}

int cc_watch_start(struct sync_job *job, const struct cc_watch_opts *o, struct cc_watch **out,
		   struct aiu_err *err)
{
	struct cc_watch *w = calloc(1, sizeof(*w));
	struct cc_file_list fl;
	size_t nd;
	const char *const *dirs = sync_job_dirs(job, &nd);
	int rc = AIU_OK;

	*out = NULL;
	memset(&fl, 0, sizeof(fl));
	if (!w)
		return aiu_errf(err, AIU_ENOMEM, "out of memory");
	w->job = job;
	kmap_init(&w->by_wd, sizeof(int64_t), sizeof(size_t), 0);
	w->ifd = -1;
	w->stop_pipe[0] = w->stop_pipe[1] = -1;
	w->mode = "off";
	if (o->inotify && cc_discover(dirs, nd, &fl, NULL) == AIU_OK && fl.nroots &&
	    (w->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) >= 0) {
		for (size_t i = 0; i < fl.nroots; i++)
			add_tree(w, fl.roots[i], 0);
		if (w->ndirs)
			w->mode = "inotify";
		else {
			close(w->ifd);
			w->ifd = -1;
		}
	}
	cc_file_list_free(&fl);
	if (o->interval_s > 0)
		w->interval_ms = o->interval_s * 1000;
	else if (o->interval_s < 0 && w->ifd < 0)
		w->interval_ms = 60 * 1000;
	if (w->ifd < 0 && w->interval_ms)
		w->mode = "interval";
	if (w->ifd < 0 && !w->interval_ms) {
		*out = w; /* off: nothing to run */
		return AIU_OK;
	}
	if (pipe2(w->stop_pipe, O_CLOEXEC) < 0) {
		rc = aiu_errf(err, AIU_EIO, "watcher: pipe: %s", strerror(errno));
		goto out;
	}
	if (pthread_create(&w->th, NULL, watch_thread, w) != 0) {
		rc = aiu_errf(err, AIU_ENOMEM, "watcher: cannot start its thread");
		goto out;
	}
	w->th_live = true;
	*out = w;
	w = NULL;
out:
	cc_watch_stop(w);
	return rc;
}

void cc_watch_stop(struct cc_watch *w)
{
	if (!w)
		return;
	if (w->th_live) {
		ssize_t n = write(w->stop_pipe[1], "x", 1);
		(void)n;
		pthread_join(w->th, NULL);
	}
	if (w->stop_pipe[0] >= 0)
		close(w->stop_pipe[0]);
	if (w->stop_pipe[1] >= 0)
		close(w->stop_pipe[1]);
	if (w->ifd >= 0)
		close(w->ifd);
	for (size_t i = 0; i < w->ndirs; i++)
		free(w->dirs[i].path);
	free(w->dirs);
	kmap_release(&w->by_wd);
	free(w);
}
