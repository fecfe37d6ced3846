/* api_sync.c - /api/sync/status, preview, stats, run, reset (docs/API.md).
 * None of these is cached: they describe the job and the file system, not
 * only the store's data. */
#include "http/api_sync.h"
#include "core/timeutil.h"
#include "ingest/cc_preview.h"
#include "store/retention.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

static struct sync_service *svc(struct http_req *q, struct http_resp *r)
{
	struct sync_service *s = q->ext;
	if (!s || !s->job)
		http_error(r, 500, "INTERNAL_ERROR", "the sync service is not running", NULL, NULL);
	return s && s->job ? s : NULL;
}

static void kts(struct jsonw *w, const char *k, int64_t ms)
{
	char t[40];
	jw_key(w, k);
	if (!ms) {
		jw_null(w);
		return;
	}
	format_iso_ms(ms, t, sizeof(t));
	jw_str(w, t);
}

static void kint(struct jsonw *w, const char *k, int64_t v)
{
	jw_key(w, k);
	jw_int(w, v);
}

void api_human_size(int64_t bytes, char *out, size_t cap)
{
	static const char *const unit[] = { "kB", "MB", "GB", "TB" };
	int64_t div = 1000;
	size_t u = 0;
	if (bytes < 1000) {
		snprintf(out, cap, "%lld B", (long long)bytes);
		return;
	}
	while (u + 1 < sizeof(unit) / sizeof(unit[0]) && bytes >= div * 1000) {
		div *= 1000;
		u++;
	}
	/* integer rounding to one decimal ("999.96 kB" rounds up to "1.0 MB") */
	{
		int64_t tenths = (bytes * 10 + div / 2) / div;
		if (tenths >= 10000 && u + 1 < sizeof(unit) / sizeof(unit[0])) {
			div *= 1000;
			u++;
			tenths = (bytes * 10 + div / 2) / div;
		}
		snprintf(out, cap, "%lld.%lld %s", (long long)(tenths / 10), (long long)(tenths % 10),
			 unit[u]);
	}
}

int api_sync_status(struct http_req *q, struct http_resp *r)
{
	struct sync_service *s = svc(q, r);
	struct sync_job_status st;
	struct jsonw w;

	if (!s)
		return 0;
	sync_job_status(s->job, &st);
	http_ok_begin(r, &w);
	jw_obj(&w);
	kts(&w, "lastSync", st.has_last ? st.last_end_ms : 0);
	jw_key(&w, "isRunning");
	jw_bool(&w, st.running);
	jw_key(&w, "lastSyncDuration");
	if (st.has_last)
		jw_int(&w, st.last_duration_ms);
	else
		jw_null(&w);
	jw_key(&w, "lastSyncStats");
	if (st.has_last) {
		jw_obj(&w);
		kint(&w, "filesProcessed", st.last.files_processed);
		kint(&w, "sessionsAdded", st.last.sessions_added);
		kint(&w, "messagesAdded", st.last.messages_added);
		kint(&w, "errors", st.last.errors);
		jw_end(&w);
	} else {
		jw_null(&w);
	}
	jw_key(&w, "syncId");
	if (st.sync_id[0])
		jw_str(&w, st.sync_id);
	else
		jw_null(&w);
	jw_key(&w, "progress");
	if (st.running) {
		jw_obj(&w);
		kint(&w, "filesDone", st.progress.files_done);
		kint(&w, "filesTotal", st.progress.files_total);
		kint(&w, "bytesDone", st.progress.bytes_done);
		kint(&w, "bytesTotal", st.progress.bytes_total);
		jw_end(&w);
	} else {
		jw_null(&w);
	}
	jw_key(&w, "lastError");
	if (st.has_last && st.last_failed)
		jw_str(&w, st.last_error);
	else
		jw_null(&w);
	jw_key(&w, "watch");
	jw_str(&w, cc_watch_mode(s->watch));
	kint(&w, "dataVersion", q->data_version);
	jw_end(&w);
	http_ok_end(r, &w);
	r->no_cache = true;
	return 0;
}

static void write_preview(struct jsonw *w, const struct cc_preview *p)
{
	jw_obj(w);
	jw_key(w, "pendingFiles");
	jw_arr(w);
	for (size_t i = 0; i < p->n; i++) {
		const struct cc_pending_file *f = &p->v[i];
		jw_obj(w);
		jw_key(w, "path");
		jw_str(w, f->path);
		kts(w, "lastModified", f->mtime_ms);
		kint(w, "estimatedSessions", f->est_sessions);
		kint(w, "estimatedMessages", f->est_messages);
		kint(w, "pendingBytes", f->pending_bytes);
		jw_key(w, "reason");
		jw_str(w, cc_pending_reason_name(f->reason));
		jw_end(w);
	}
	jw_end(w);
	kint(w, "totalPendingFiles", (int64_t)p->n);
	kint(w, "estimatedNewSessions", p->est_new_sessions);
	kint(w, "estimatedNewMessages", p->est_new_messages);
	kint(w, "pendingBytes", p->pending_bytes);
	jw_end(w);
}

/* The preview on this worker's (read-only) connection. */
static int preview(struct http_req *q, struct sync_service *s, bool full, struct cc_preview *p)
{
	struct cc_sync_opts o;
	memset(&o, 0, sizeof(o));
	o.dirs = sync_job_dirs(s->job, &o.ndirs);
	o.full = full;
	return cc_preview(q->store, &o, p, &q->err);
}

int api_sync_preview(struct http_req *q, struct http_resp *r)
{
	struct sync_service *s = svc(q, r);
	struct cc_preview p;
	struct jsonw w;
	int rc;

	if (!s)
		return 0;
	if ((rc = preview(q, s, false, &p)) < 0)
		return rc;
	http_ok_begin(r, &w);
	write_preview(&w, &p);
	http_ok_end(r, &w);
	r->no_cache = true;
	cc_preview_free(&p);
	return 0;
}

int api_sync_stats(struct http_req *q, struct http_resp *r)
{
	struct store_data_stats ds;
	struct jsonw w;
	int64_t days;
	char size[32], ret[32];
	int rc;

	if ((rc = q->store->ops->data_stats(q->store, &ds, &q->err)) < 0 ||
	    (rc = retention_get(q->store, &days, &q->err)) < 0)
		return rc;
	api_human_size(ds.bytes, size, sizeof(size));
	http_ok_begin(r, &w);
	jw_obj(&w);
	kint(&w, "totalSessions", ds.sessions);
	kint(&w, "totalMessages", ds.requests + ds.prompts);
	kts(&w, "oldestSession", ds.oldest_ts);
	kts(&w, "newestSession", ds.newest_ts);
	jw_key(&w, "databaseSize");
	jw_str(&w, size);
	jw_key(&w, "retentionDays");
	if (days)
		jw_int(&w, days);
	else
		jw_null(&w);
	kint(&w, "databaseBytes", ds.bytes);
	jw_key(&w, "retention");
	if (days)
		snprintf(ret, sizeof(ret), "%lld days", (long long)days);
	jw_str(&w, days ? ret : "forever");
	jw_end(&w);
	http_ok_end(r, &w);
	r->no_cache = true;
	return 0;
}

/* Optional boolean member; 400 naming the field when it is not a boolean. */
static int body_bool(json_t *o, const char *k, bool def, bool *out, struct http_resp *r)
{
	json_t *v = json_object_get(o, k);
	*out = def;
	if (!v)
		return 0;
	if (!json_is_boolean(v)) {
		char msg[96];
		snprintf(msg, sizeof(msg), "%s must be a boolean", k);
		http_error(r, 400, "VALIDATION_ERROR", msg, k, NULL);
		return -1;
	}
	*out = json_is_true(v);
	return 0;
}

int api_sync_run(struct http_req *q, struct http_resp *r)
{
	struct sync_service *s = svc(q, r);
	json_t *body = NULL;
	json_error_t je;
	bool incremental = true, dry = false;
	char id[40];
	struct jsonw w;
	int rc = 0;

	if (!s)
		return 0;
	if (q->body_len > HTTP_BODY_MAX) {
		http_error(r, 413, "PAYLOAD_TOO_LARGE", "request body over 4 KiB", NULL, NULL);
		goto out;
	}
	if (q->body && q->body_len) {
		if (!(body = json_loadb(q->body, q->body_len, 0, &je)) || !json_is_object(body)) {
			char msg[256];
			snprintf(msg, sizeof(msg), "body: %s", body ? "must be a JSON object" : je.text);
			http_error(r, 400, "VALIDATION_ERROR", msg, "body", NULL);
			goto out;
		}
		if (body_bool(body, "incremental", true, &incremental, r) < 0 ||
		    body_bool(body, "dryRun", false, &dry, r) < 0)
			goto out;
	}
	if (dry) {
		struct cc_preview p;
		if ((rc = preview(q, s, !incremental, &p)) < 0)
			goto out;
		http_ok_begin(r, &w);
		jw_obj(&w);
		jw_key(&w, "started");
		jw_bool(&w, false);
		jw_key(&w, "dryRun");
		jw_bool(&w, true);
		jw_key(&w, "preview");
		write_preview(&w, &p);
		jw_end(&w);
		http_ok_end(r, &w);
		cc_preview_free(&p);
		goto out;
	}
	if ((rc = sync_job_start(s->job, incremental, id, sizeof(id), &q->err)) < 0) {
		if (rc == AIU_EBUSY) {
			http_error(r, 409, "SYNC_IN_PROGRESS", q->err.msg, NULL, NULL);
			rc = 0;
		}
		goto out;
	}
	http_ok_begin(r, &w);
	jw_obj(&w);
	jw_key(&w, "started");
	jw_bool(&w, true);
	jw_key(&w, "syncId");
	jw_str(&w, id);
	jw_key(&w, "message");
	jw_str(&w, incremental ? "Synchronization started" : "Full synchronization started");
	jw_end(&w);
	http_ok_end(r, &w);
out:
	r->no_cache = true;
	json_decref(body);
	return rc < 0 ? rc : 0;
}

int api_sync_reset(struct http_req *q, struct http_resp *r)
{
	struct sync_service *s = svc(q, r);
	struct jsonw w;
	int rc;

	if (!s)
		return 0;
	r->no_cache = true;
	if ((rc = sync_job_reset(s->job, &q->err)) < 0) {
		if (rc != AIU_EBUSY)
			return rc;
		http_error(r, 409, "SYNC_IN_PROGRESS", q->err.msg, NULL, NULL);
		return 0;
	}
	http_ok_begin(r, &w);
	jw_obj(&w);
	jw_key(&w, "message");
	jw_str(&w, "Sync metadata reset successfully");
	jw_end(&w);
	http_ok_end(r, &w);
	return 0;
}
