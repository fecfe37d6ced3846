/* sync_job.h - the server's background sync: one run at a time on its own
 * thread and its own store connection, observable under a mutex.
 *
 * States: idle -> running -> idle. sync_job_start() while running returns
 * AIU_EBUSY (the API's 409); sync_job_request() (the watcher, the interval
 * timer) instead coalesces: one more run starts when the current one ends.
 * Every run takes the store's cross-process sync lock (so a CLI sync and the
 * server never interleave), then applies the retention setting.
 * sync_job_free() cancels a running sync between batches (committed work
 * stays) and joins the thread.
 */
#ifndef AIU_SYNC_JOB_H
#define AIU_SYNC_JOB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "ingest/cc_sync.h"

struct sync_job;

struct sync_job_opts {
	const char *db_path;          /* copied */
	const char *const *dirs;      /* --claude-dir values (copied), may be empty */
	size_t ndirs;
	int lock_wait_ms;             /* wait for another process's sync; 0 = default 60 s */
};

struct sync_run_stats {
	int64_t files_processed, sessions_added, messages_added, errors;
};

struct sync_job_status {
	bool running;
	char sync_id[40];             /* current or last run; "" before the first */
	struct cc_sync_progress progress; /* valid while running */
	bool has_last;                /* a run has finished */
	int64_t last_start_ms, last_end_ms, last_duration_ms;
	struct sync_run_stats last;
	bool last_failed;
	char last_error[512];
	int64_t runs;                 /* finished runs */
};

int sync_job_new(const struct sync_job_opts *o, struct sync_job **out, struct aiu_err *err);
/* Cancels and joins a running sync; frees everything. NULL is fine. */
void sync_job_free(struct sync_job *j);
/* Starts a run now; id gets its syncId (a random UUID v4, cap >= 37).
 * AIU_EBUSY when one is running. */
int sync_job_start(struct sync_job *j, bool incremental, char *id, size_t cap,
		   struct aiu_err *err);
/* Starts a run, or queues one more after the current run. */
void sync_job_request(struct sync_job *j);
void sync_job_status(struct sync_job *j, struct sync_job_status *out);
/* Forgets every file's offset (POST /api/sync/reset). AIU_EBUSY while running. */
int sync_job_reset(struct sync_job *j, struct aiu_err *err);
/* The discovery roots the job reads (for the preview and the watcher). */
const char *const *sync_job_dirs(const struct sync_job *j, size_t *n);
/* Waits until no run is active or queued; false on timeout (tests, serve start). */
bool sync_job_wait_idle(struct sync_job *j, int timeout_ms);
/* A random UUID v4 into out (cap >= 37). */
void sync_uuid_v4(char *out, size_t cap);

#endif
