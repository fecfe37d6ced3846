/* sync_job.c - see sync_job.h. */
#include "ingest/sync_job.h"
#include "core/strutil.h"
#include "store/retention.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#define LOCK_WAIT_DEFAULT_MS (60 * 1000)

struct sync_job {
	pthread_mutex_t mu;
	pthread_cond_t cv;          /* signalled when a run ends */
	char *db_path;              /* owned */
	char **dirs;                /* owned */
	size_t ndirs;
	int lock_wait_ms;
	pthread_t th;
	bool thread_live;           /* th must be joined */
	bool running, pending, incremental;
	atomic_bool cancel;
	struct sync_job_status st;  /* under mu */
};

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void sync_uuid_v4(char *out, size_t cap)
{
	unsigned char b[16];
	size_t got = 0;
	while (got < sizeof(b)) {
		ssize_t n = getrandom(b + got, sizeof(b) - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) { /* no entropy source: time-based, still unique per run */
			uint64_t t = (uint64_t)now_ms() ^ ((uint64_t)clock() << 20);
			for (size_t i = got; i < sizeof(b); i++, t = t * 6364136223846793005ULL + 1)
				b[i] = (unsigned char)(t >> 56);
			break;
		}
		got += (size_t)n;
	}
	b[6] = (unsigned char)((b[6] & 0x0F) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3F) | 0x80);
	snprintf(out, cap, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
		 b[13], b[14], b[15]);
}

static void on_progress(void *ctx, const struct cc_sync_progress *p)
{
	struct sync_job *j = ctx;
	pthread_mutex_lock(&j->mu);
	j->st.progress = *p;
	pthread_mutex_unlock(&j->mu);
}

/* One run on a fresh connection. Fills stats; returns 0 or AIU_E* with err. */
static int run_once(struct sync_job *j, bool incremental, struct sync_run_stats *rs,
		    struct aiu_err *err)
{
	struct store *s = NULL;
	struct cc_sync_opts o;
	struct cc_sync_result res;
	struct store_prune_stats ps;
	int rc;

	memset(rs, 0, sizeof(*rs));
	if ((rc = store_open(j->db_path, &s, err)) < 0)
		goto out;
	memset(&o, 0, sizeof(o));
	o.dirs = (const char *const *)j->dirs;
	o.ndirs = j->ndirs;
	o.lock_wait_ms = j->lock_wait_ms;
	o.full = !incremental;
	o.on_progress = on_progress;
	o.progress_ctx = j;
	o.cancel = &j->cancel;
	rc = cc_sync(s, &o, &res, err);
	rs->files_processed = res.files_changed;
	rs->sessions_added = res.st.sessions_new;
	rs->messages_added = cc_sync_messages_added(&res);
	rs->errors = res.st.bad_lines;
	if (rc < 0)
		goto out;
	if (res.cancelled) {
		rc = aiu_errf(err, AIU_EBUSY, "sync cancelled (server shutting down); committed work kept");
		goto out;
	}
	rc = retention_apply(s, &ps, err);
out:
	store_close(s);
	return rc;
}

static void *job_thread(void *arg)
{
	struct sync_job *j = arg;
	pthread_mutex_lock(&j->mu);
	for (;;) {
		bool incremental = j->incremental;
		struct sync_run_stats rs;
		struct aiu_err err = { 0 };
		int64_t t0 = now_ms();
		int rc;

		j->st.last_start_ms = t0;
		memset(&j->st.progress, 0, sizeof(j->st.progress));
		pthread_mutex_unlock(&j->mu);
		rc = run_once(j, incremental, &rs, &err);
		pthread_mutex_lock(&j->mu);
		j->st.has_last = true;
		j->st.last_end_ms = now_ms();
		j->st.last_duration_ms = j->st.last_end_ms - t0;
		j->st.last = rs;
		j->st.last_failed = rc < 0;
		str_copy(j->st.last_error, rc < 0 ? err.msg : "", sizeof(j->st.last_error));
		j->st.runs++;
		if (!j->pending || atomic_load(&j->cancel))
			break;
		j->pending = false;
		j->incremental = true;
		sync_uuid_v4(j->st.sync_id, sizeof(j->st.sync_id));
	}
	j->running = false;
	j->st.running = false;
	pthread_cond_broadcast(&j->cv);
	pthread_mutex_unlock(&j->mu);
	return NULL;
}

int sync_job_new(const struct sync_job_opts *o, struct sync_job **out, struct aiu_err *err)
{
	struct sync_job *j = calloc(1, sizeof(*j));
	*out = NULL;
	if (!j)
		return aiu_errf(err, AIU_ENOMEM, "out of memory");
	pthread_mutex_init(&j->mu, NULL);
	pthread_cond_init(&j->cv, NULL);
	atomic_init(&j->cancel, false);
	j->lock_wait_ms = o->lock_wait_ms ? o->lock_wait_ms : LOCK_WAIT_DEFAULT_MS;
	if (!(j->db_path = strdup(o->db_path)) ||
	    (o->ndirs && !(j->dirs = calloc(o->ndirs, sizeof(*j->dirs)))))
		goto oom;
	for (size_t i = 0; i < o->ndirs; i++) {
		if (!(j->dirs[i] = strdup(o->dirs[i])))
			goto oom;
		j->ndirs++;
	}
	*out = j;
	return AIU_OK;
oom:
	sync_job_free(j);
	return aiu_errf(err, AIU_ENOMEM, "out of memory");
}

void sync_job_free(struct sync_job *j)
{
	if (!j)
		return;
	atomic_store(&j->cancel, true);
	pthread_mutex_lock(&j->mu);
	j->pending = false;
	pthread_mutex_unlock(&j->mu);
	if (j->thread_live)
		pthread_join(j->th, NULL);
	for (size_t i = 0; i < j->ndirs; i++)
		free(j->dirs[i]);
	free(j->dirs);
	free(j->db_path);
	pthread_cond_destroy(&j->cv);
	pthread_mutex_destroy(&j->mu);
	free(j);
}

/* Starts the thread for a new run; mu held, not running. */
static int launch(struct sync_job *j, bool incremental)
{
	if (j->thread_live) { /* the last run's thread has finished: reap it */
		pthread_join(j->th, NULL);
		j->thread_live = false;
	}
	j->incremental = incremental;
	j->pending = false;
	sync_uuid_v4(j->st.sync_id, sizeof(j->st.sync_id));
	j->running = j->st.running = true;
	if (pthread_create(&j->th, NULL, job_thread, j) != 0) {
		j->running = j->st.running = false;
		return AIU_ENOMEM;
	}
	j->thread_live = true;
	return AIU_OK;
}

int sync_job_start(struct sync_job *j, bool incremental, char *id, size_t cap,
		   struct aiu_err *err)
{
	int rc;
	pthread_mutex_lock(&j->mu);
	if (j->running) {
		rc = aiu_errf(err, AIU_EBUSY, "a sync is already running (%s)", j->st.sync_id);
		goto out;
	}
	if (atomic_load(&j->cancel)) {
		rc = aiu_errf(err, AIU_EBUSY, "the server is shutting down");
		goto out;
	}
	if ((rc = launch(j, incremental)) < 0) {
		aiu_errf(err, rc, "cannot start the sync thread");
		goto out;
	}
	if (id)
		str_copy(id, j->st.sync_id, cap);
out:
	pthread_mutex_unlock(&j->mu);
	return rc;
}

void sync_job_request(struct sync_job *j)
{
	pthread_mutex_lock(&j->mu);
	if (!atomic_load(&j->cancel)) { /* shutting down: no new runs */
		if (j->running)
			j->pending = true;
		else
			launch(j, true);
	}
	pthread_mutex_unlock(&j->mu);
}

void sync_job_status(struct sync_job *j, struct sync_job_status *out)
{
	pthread_mutex_lock(&j->mu);
	*out = j->st;
	pthread_mutex_unlock(&j->mu);
}

int sync_job_reset(struct sync_job *j, struct aiu_err *err)
{
	struct store *s = NULL;
	bool locked = false;
	int rc;

	pthread_mutex_lock(&j->mu); /* held throughout: no run can start meanwhile */
	if (j->running) {
		rc = aiu_errf(err, AIU_EBUSY, "a sync is running (%s)", j->st.sync_id);
		goto out;
	}
	if ((rc = store_open(j->db_path, &s, err)) < 0)
		goto out;
	if ((rc = s->ops->sync_lock(s, 0, err)) < 0)
		goto out;
	locked = true;
	rc = s->ops->files_reset(s, err);
out:
	if (locked)
		s->ops->sync_unlock(s);
	store_close(s);
	pthread_mutex_unlock(&j->mu);
	return rc;
}

const char *const *sync_job_dirs(const struct sync_job *j, size_t *n)
{
	*n = j->ndirs;
	return (const char *const *)j->dirs;
}

bool sync_job_wait_idle(struct sync_job *j, int timeout_ms)
{
	struct timespec dl;
	bool idle;
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += timeout_ms / 1000;
	dl.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (dl.tv_nsec >= 1000000000L) {
		dl.tv_sec++;
		dl.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&j->mu);
	while (j->running)
		if (pthread_cond_timedwait(&j->cv, &j->mu, &dl) == ETIMEDOUT)
			break;
	idle = !j->running;
	pthread_mutex_unlock(&j->mu);
	return idle;
}
