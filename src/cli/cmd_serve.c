/* cmd_serve.c - `aiusage serve`: the dashboard and REST API over HTTP.
 *
 * Prints exactly one line on stdout once listening:
 *     aiusage: serving http://HOST:PORT/
 * and runs until SIGINT or SIGTERM (or, for tests only, --exit-after-ms).
 * The signals are blocked before the server's threads start, so only the
 * sigwait below sees them and the stop is orderly.
 */
#include "cli/cli.h"
#include "core/strutil.h"
#include "core/config.h"
#include "http/api_org.h"
#include "http/api_sync.h"
#include "ingest/pull_sched.h"
#include "core/timeutil.h"
#include "store/retention.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The background sync job, the watcher and the retention setting. */
static int serve_sync_setup(struct cli_ctx *c, struct sync_service *svc, struct aiu_err *err)
{
	struct sync_job_opts jo;
	struct cc_watch_opts wo;
	int64_t days;
	int rc;

	memset(&jo, 0, sizeof(jo));
	jo.db_path = c->db_path;
	jo.dirs = c->dirs;
	jo.ndirs = c->ndirs;
	wo.inotify = !c->no_watch;
	wo.interval_s = -1;
	if (c->sync_interval && parse_i64_range(c->sync_interval, 0, 7 * 86400, &wo.interval_s) < 0)
		return aiu_errf(err, AIU_EARG, "--sync-interval: expected seconds (0..604800), got '%s'",
				c->sync_interval);
	if (c->retention_days && ((rc = retention_parse(c->retention_days, &days, err)) < 0 ||
				  (rc = retention_set(c->store, days, err)) < 0))
		return rc;
	if ((rc = sync_job_new(&jo, &svc->job, err)) < 0)
		return rc;
	return cc_watch_start(svc->job, &wo, &svc->watch, err);
}

/* Serve's scheduled pulls (ingest/pull_sched.h): --pull-interval, else the
 * config's [pull] schedule when a vendor key is configured; never for the
 * demo database. *ps stays NULL when off. */
static int serve_pull_setup(struct cli_ctx *c, const struct aiu_config *cfg,
			    struct org_service *org, struct pull_sched **ps, struct aiu_err *err)
{
	struct pull_sched_opts po;
	const char *bo = getenv("AIUSAGE_HTTP_BACKOFF_MS"), *rpm = getenv("AIUSAGE_PULL_RPM");
	const char *today = getenv("AIUSAGE_TODAY");
	int64_t iv = 0;
	int rc;

	*ps = NULL;
	memset(&po, 0, sizeof(po));
	po.today = -1;
	if (c->pull_interval) {
		if ((rc = pull_sched_parse(c->pull_interval, &iv, err)) < 0)
			return rc;
	} else if (pull_sched_any_key(cfg)) {
		if ((rc = pull_sched_parse(cfg->schedule, &iv, err)) < 0)
			return rc;
	}
	if (c->demo || iv <= 0)
		return AIU_OK;
	if ((bo && *bo && parse_i64_range(bo, 1, 600000, &po.backoff_ms) < 0) ||
	    (rpm && *rpm && parse_i64_range(rpm, 1, 1000000, &po.rpm) < 0) ||
	    (today && *today && parse_day_arg(today, &po.today) < 0))
		return aiu_errf(err, AIU_EARG, "AIUSAGE_HTTP_BACKOFF_MS, AIUSAGE_PULL_RPM or AIUSAGE_TODAY is malformed");
	po.db_path = c->db_path;
	po.cfg = cfg;
	po.sources = cli_pull_sources(&po.nsources);
	po.interval_s = iv;
	if ((rc = pull_sched_start(&po, ps, err)) < 0)
		return rc;
	org->sched_enabled = true;
	org->sched_interval_s = iv;
	return AIU_OK;
}

int cli_serve(struct cli_ctx *c, struct aiu_err *err)
{
	struct pull_sched *ps = NULL;
	struct http_server_opts o = { 0 };
	struct http_server *srv = NULL;
	struct sync_service svc = { NULL, NULL, NULL };
	struct org_service org;
	struct aiu_config cfg;
	char bound[128];
	sigset_t set;
	const char *env_token = getenv("AIUSAGE_TOKEN");
	int rc, sig;

	if ((rc = cli_load_tz(c, err)) < 0 || (rc = cli_load_pricing(c, err)) < 0 ||
	    (rc = cli_open_store(c, err)) < 0 || (rc = config_load(&cfg, c->config_file, err)) < 0)
		return rc;
	org_service_from_config(&org, &cfg);
	svc.org = &org;
	o.listen = c->listen ? c->listen : "127.0.0.1:3001";
	o.db_path = c->db_path;
	o.pricing = &c->pricing;
	o.tz = c->tz;
	o.token = c->token ? c->token : (env_token && *env_token ? env_token : NULL);
	o.cors_origin = c->cors_origin;
	o.verbose = c->verbose;
	o.threads = 2;
	/* block first: every thread started below (sync job, watcher, server
	 * workers) inherits the mask, so only sigwait sees SIGINT/SIGTERM */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if ((rc = serve_sync_setup(c, &svc, err)) < 0)
		goto out;
	if ((rc = serve_pull_setup(c, &cfg, &org, &ps, err)) < 0)
		goto out;
	o.ext = &svc;
	if ((rc = http_server_start(&o, &srv, bound, sizeof(bound), err)) < 0)
		goto out;
	printf("aiusage: serving http://%s/\n", bound);
	fflush(stdout);
	sync_job_request(svc.job); /* one sync at start */
	if (c->exit_after_ms > 0) {
		struct timespec ts = { (time_t)(c->exit_after_ms / 1000),
				       (long)(c->exit_after_ms % 1000) * 1000000L };
		while ((sig = sigtimedwait(&set, NULL, &ts)) < 0 && errno == EINTR)
			;
	} else {
		while (sigwait(&set, &sig) != 0)
			;
	}
	rc = AIU_OK;
out:
	http_server_stop(srv);   /* handlers use the job: stop them first */
	pull_sched_stop(ps);     /* waits for a round in progress */
	memset(&cfg, 0, sizeof(cfg)); /* no key left in memory */
	cc_watch_stop(svc.watch);
	sync_job_free(svc.job);  /* cancels a running sync between batches */
	return rc;
}

int cmd_serve(struct cli_ctx *c)
{
	struct aiu_err err = { 0 };
	if (cli_serve(c, &err) < 0) {
		fprintf(stderr, "aiusage: %s\n", err.msg);
		return 1;
	}
	return 0;
}
