/* push_timer.c - see push_timer.h. */
#include "ingest/push_timer.h"
#include "core/strutil.h"
#include "ingest/push.h"
#include "store/store.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct push_timer {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;       /* signalled to stop */
	bool stop, started;
	int64_t interval_s;
	char db[4096], server[1024], token[512];
};

static void one_push(struct push_timer *t)
{
	struct aiu_err err;
	struct store *s = NULL;
	struct push_stats st;
	struct push_opts o = { t->server, t->token, false, NULL };
	memset(&err, 0, sizeof(err));
	if (store_open(t->db, &s, &err) < 0 || push_run(s, &o, &st, &err) < 0)
		fprintf(stderr, "aiusage: push to %s failed: %s\n", t->server, err.msg);
	else if (st.sent)
		fprintf(stderr, "aiusage: pushed %lld records to %s (%lld new, %lld duplicate)\n",
			(long long)st.sent, t->server, (long long)st.server_new,
			(long long)st.server_duplicate);
	store_close(s);
}

static void *run(void *arg)
{
	struct push_timer *t = arg;
	pthread_mutex_lock(&t->mu);
	while (!t->stop) {
		struct timespec ts;
		pthread_mutex_unlock(&t->mu);
		one_push(t);
		pthread_mutex_lock(&t->mu);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += (time_t)t->interval_s;
		while (!t->stop && pthread_cond_timedwait(&t->cv, &t->mu, &ts) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&t->mu);
	return NULL;
}

int push_timer_start(const char *db_uri, const char *server, const char *token,
		     int64_t interval_s, struct push_timer **out, struct aiu_err *err)
{
	struct push_timer *t = calloc(1, sizeof(*t));
	*out = NULL;
	if (!t)
		return aiu_errf(err, AIU_ENOMEM, "out of memory");
	if (interval_s < 1 || !server || !*server || !token || !*token) {
		free(t);
		return aiu_errf(err, AIU_EARG, "[push]: server, token and an interval >= 1 s are needed");
	}
	if (str_copy(t->db, db_uri, sizeof(t->db)) >= sizeof(t->db) ||
	    str_copy(t->server, server, sizeof(t->server)) >= sizeof(t->server) ||
	    str_copy(t->token, token, sizeof(t->token)) >= sizeof(t->token)) {
		free(t);
		return aiu_errf(err, AIU_EARG, "[push]: server or database name too long");
	}
	t->interval_s = interval_s;
	pthread_mutex_init(&t->mu, NULL);
	pthread_cond_init(&t->cv, NULL);
	if (pthread_create(&t->th, NULL, run, t) != 0) {
		push_timer_stop(t);
		return aiu_errf(err, AIU_EIO, "cannot start the push thread");
	}
	t->started = true;
	*out = t;
	return AIU_OK;
}

void push_timer_stop(struct push_timer *t)
{
	if (!t)
		return;
	pthread_mutex_lock(&t->mu);
	t->stop = true;
	pthread_cond_signal(&t->cv);
	pthread_mutex_unlock(&t->mu);
	if (t->started)
		pthread_join(t->th, NULL);
	pthread_cond_destroy(&t->cv);
	pthread_mutex_destroy(&t->mu);
	memset(t->token, 0, sizeof(t->token));
	free(t);
}
