/* pull_sched.c - see pull_sched.h. */
#include "ingest/pull_sched.h"
#include "ingest/pull_run.h"
#include "core/strutil.h"
#include "core/timeutil.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SCHED_LOCK_WAIT_MS 2000
#define SCHED_STOP_WAIT_S 3     /* stop waits this long for a running round */

/* Which config key a source needs; sources not listed always run. */
static const struct { const char *source; size_t off; } source_keys[] = {
	{ "anthropic", offsetof(struct aiu_config, anthropic_admin_key) },
	{ "cursor", offsetof(struct aiu_config, cursor_api_key) },
};

struct pull_sched {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stop, started, done;   /* done: the thread has left sched_main */
	struct pull_sched_opts o;
	struct aiu_config cfg;       /* own copy */
	char db_path[4096];
};

static bool has_key(const struct aiu_config *cfg, const char *source)
{
	for (size_t i = 0; i < sizeof(source_keys) / sizeof(source_keys[0]); i++)
		if (strcmp(source_keys[i].source, source) == 0)
			return ((const char *)cfg + source_keys[i].off)[0] != '\0';
	return true;
}

bool pull_sched_any_key(const struct aiu_config *cfg)
{
	for (size_t i = 0; i < sizeof(source_keys) / sizeof(source_keys[0]); i++)
		if (((const char *)cfg + source_keys[i].off)[0])
			return true;
	return false;
}

int pull_sched_parse(const char *s, int64_t *interval_s, struct aiu_err *err)
{
	static const struct { const char *name; int64_t s; } named[] = {
		{ "off", 0 }, { "never", 0 }, { "hourly", 3600 }, { "daily", 86400 } };
	char num[32];
	size_t n = strlen(s);
	int64_t v, mul = 1;
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		if (strcmp(s, named[i].name) == 0) {
			*interval_s = named[i].s;
			return AIU_OK;
		}
	if (n && (s[n - 1] == 's' || s[n - 1] == 'm' || s[n - 1] == 'h')) {
		mul = s[n - 1] == 's' ? 1 : s[n - 1] == 'm' ? 60 : 3600;
		n--;
	}
	if (n == 0 || n >= sizeof(num))
		goto bad;
	memcpy(num, s, n);
	num[n] = '\0';
	if (parse_i64_range(num, 0, 30LL * 86400 / mul, &v) < 0)
		goto bad;
	*interval_s = v * mul;
	return AIU_OK;
bad:
	return aiu_errf(err, AIU_EARG,
			"pull schedule '%.40s': expected off, hourly, daily, or N[s|m|h] up to 30 days", s);
}

/* Waits up to secs or until stop; true when stopping. */
static bool wait_or_stop(struct pull_sched *ps, int64_t secs)
{
	struct timespec ts;
	bool stop;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += (time_t)secs;
	pthread_mutex_lock(&ps->mu);
	while (!ps->stop) {
		int rc = pthread_cond_timedwait(&ps->cv, &ps->mu, &ts);
		if (rc == ETIMEDOUT)
			break;
	}
	stop = ps->stop;
	pthread_mutex_unlock(&ps->mu);
	return stop;
}

static void round_run(struct pull_sched *ps, struct store *s)
{
	struct aiu_err err = { 0 };
	if (s->ops->sync_lock(s, SCHED_LOCK_WAIT_MS, &err) < 0) {
		fprintf(stderr, "aiusage: scheduled pull skipped: %s\n", err.msg);
		return;
	}
	for (size_t i = 0; i < ps->o.nsources; i++) {
		const struct pull_source *src = &ps->o.sources[i];
		struct pull_ctx p;
		struct aiu_err e = { 0 };
		int rc;
		if (!has_key(&ps->cfg, src->name))
			continue;
		memset(&p, 0, sizeof(p));
		p.store = s;
		p.cfg = &ps->cfg;
		p.since_day = INT64_MIN;
		p.until_day = INT64_MAX;
		p.backfill_days = ps->cfg.backfill_days;
		p.today = ps->o.today >= 0 ? ps->o.today : now_ms() / MS_PER_DAY;
		p.backoff_ms = ps->o.backoff_ms;
		p.rpm = ps->o.rpm;
		p.errf = stderr;
		rc = pull_run_source(s, src, &p, &e);
		if (rc < 0 && rc != AIU_EPARSE)
			fprintf(stderr, "aiusage: scheduled pull %s: %s\n", src->name, e.msg);
	}
	s->ops->sync_unlock(s);
}

static void *sched_main(void *arg)
{
	struct pull_sched *ps = arg;
	struct store *s = NULL;
	struct aiu_err err = { 0 };
	if (store_open(ps->db_path, &s, &err) < 0) {
		fprintf(stderr, "aiusage: scheduled pulls off: %s\n", err.msg);
		pthread_mutex_lock(&ps->mu);
		ps->done = true;
		pthread_cond_broadcast(&ps->cv);
		pthread_mutex_unlock(&ps->mu);
		return NULL;
	}
	do
		round_run(ps, s);
	while (!wait_or_stop(ps, ps->o.interval_s));
	store_close(s);
	pthread_mutex_lock(&ps->mu);
	ps->done = true;
	pthread_cond_broadcast(&ps->cv);
	pthread_mutex_unlock(&ps->mu);
	return NULL;
}

int pull_sched_start(const struct pull_sched_opts *o, struct pull_sched **out,
		     struct aiu_err *err)
{
	struct pull_sched *ps = calloc(1, sizeof(*ps));
	int rc = AIU_OK;
	*out = NULL;
	if (!ps)
		return aiu_errf(err, AIU_ENOMEM, "out of memory");
	ps->o = *o;
	ps->cfg = *o->cfg;
	ps->o.cfg = &ps->cfg;
	str_copy(ps->db_path, o->db_path, sizeof(ps->db_path));
	ps->o.db_path = ps->db_path;
	pthread_mutex_init(&ps->mu, NULL);
	pthread_cond_init(&ps->cv, NULL);
	if (pthread_create(&ps->th, NULL, sched_main, ps) != 0) {
		rc = aiu_errf(err, AIU_EIO, "cannot start the pull scheduler thread");
		goto out;
	}
	ps->started = true;
	*out = ps;
	ps = NULL;
out:
	if (ps) {
		pthread_mutex_destroy(&ps->mu);
		pthread_cond_destroy(&ps->cv);
		free(ps);
	}
	return rc;
}

void pull_sched_stop(struct pull_sched *ps)
{
	struct timespec ts;
	bool done;
	if (!ps)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += SCHED_STOP_WAIT_S;
	pthread_mutex_lock(&ps->mu);
	ps->stop = true;
	pthread_cond_broadcast(&ps->cv);
	while (!ps->done)
		if (pthread_cond_timedwait(&ps->cv, &ps->mu, &ts) == ETIMEDOUT)
			break;
	done = ps->done;
	pthread_mutex_unlock(&ps->mu);
	if (!done) {
		/* a round is still running (vendor retries, rate limits): the
		 * process is exiting; leave the thread to die with it. Whole
		 * days commit atomically, so the store stays consistent and the
		 * next pull converges. ps stays allocated for that thread. */
		fprintf(stderr, "aiusage: a scheduled pull was still running at shutdown; it is abandoned\n");
		pthread_detach(ps->th);
		return;
	}
	if (ps->started)
		pthread_join(ps->th, NULL);
	pthread_mutex_destroy(&ps->mu);
	pthread_cond_destroy(&ps->cv);
	memset(&ps->cfg, 0, sizeof(ps->cfg)); /* no key left in memory */
	free(ps);
}
