/* cc_watch.h - live data for the server: notices new transcript lines and
 * asks the sync job for a run.
 *
 * Modes: "inotify" watches every Claude projects root and all folders
 * below it (new folders are added as they appear); a burst of events is
 * debounced (a run starts after CC_WATCH_QUIET_MS without events, or after
 * CC_WATCH_MAX_DELAY_MS of continuous activity). "interval" asks for a run
 * every N seconds (the fallback when inotify is unavailable or no root
 * exists yet, or with --no-watch). "off": neither. In inotify mode a
 * non-zero interval also runs as a safety net.
 */
#ifndef AIU_CC_WATCH_H
#define AIU_CC_WATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "ingest/sync_job.h"

#define CC_WATCH_QUIET_MS 300
#define CC_WATCH_MAX_DELAY_MS 3000
#define CC_WATCH_MAX_DIRS 65536

struct cc_watch;

struct cc_watch_opts {
	bool inotify;              /* try inotify (false = --no-watch) */
	int64_t interval_s;        /* 0 = no timer; <0 = default (60 s) when inotify is off */
};

/* Starts the watcher thread (or nothing when off). *out is always set on
 * success; stop it with cc_watch_stop (NULL is fine). */
int cc_watch_start(struct sync_job *job, const struct cc_watch_opts *o, struct cc_watch **out,
		   struct aiu_err *err);
/* "inotify", "interval" or "off". */
const char *cc_watch_mode(const struct cc_watch *w);
void cc_watch_stop(struct cc_watch *w);

#endif
